//! `vibe.yaml`: the creator's answers, exactly as stored in the repo.
//!
//! This is the file format (serde, unknown keys refused). Validation and defaults live
//! in `spec::validate`; the resolved, checked form is [`crate::spec::AppSpec`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every answer of the wizard, as kept in `vibe.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// Display name (question 1).
    pub name: String,
    /// DNS-safe short name; suggested from the name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Runtime id (question 2), e.g. `python3.12`.
    pub runtime: String,
    /// `none`, `postgres` or `mongo` (question 3).
    #[serde(default = "default_database")]
    pub database: String,
    /// Optional components (question 4).
    #[serde(default)]
    pub components: Components,
    /// How the app starts in production, as one shell-free command line (`gunicorn app:app`,
    /// `node server.js`); the Dockerfile runs it. Absent: what the repo shows (a start script, an
    /// app object), else the language's usual command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// T-shirt size (question 5).
    #[serde(default = "default_size")]
    pub size: String,
    /// The numbers that tell the app works.
    #[serde(default)]
    pub metrics: Vec<MetricAnswer>,
    /// Names of the credentials the app needs (values are never stored here).
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Plain settings the app reads as environment variables (`NAME: value`), for what is not a
    /// secret: a currency, a feature flag, a public URL. They go into the app's ConfigMap, so an
    /// edit made in k8s/ by hand has a place that `vibe generate` keeps.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// True when the readiness endpoint checks the database (longer probe timeout).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub readiness_checks_database: bool,
    /// Explicit image tag; absent means the repo's short commit SHA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Platform settings file (path relative to vibe.yaml) overriding the embedded defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Review settings (suppressed warnings).
    #[serde(default, skip_serializing_if = "ReviewSettings::is_empty")]
    pub review: ReviewSettings,
}

fn default_database() -> String {
    "none".into()
}

fn default_size() -> String {
    crate::contract::DEFAULT_SIZE.into()
}

/// Optional components, each on or off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Components {
    /// Redis cache.
    #[serde(default)]
    pub redis: bool,
    /// RabbitMQ message queue.
    #[serde(default)]
    pub rabbitmq: bool,
    /// nginx front proxy.
    #[serde(default)]
    pub nginx: bool,
    /// Public URL (Ingress with TLS).
    #[serde(default)]
    pub ingress: bool,
}

impl Components {
    /// Whether the component with this id (`contract::OPTIONAL_COMPONENTS`) is on.
    pub fn is_on(&self, id: &str) -> bool {
        match id {
            "redis" => self.redis,
            "rabbitmq" => self.rabbitmq,
            "nginx" => self.nginx,
            "ingress" => self.ingress,
            _ => false,
        }
    }
}

/// One business metric: the creator's question and the metric it became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricAnswer {
    /// The question in the creator's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// Prometheus metric name.
    pub name: String,
    /// `counter`, `gauge` or `histogram`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Label names (at most three).
    #[serde(default)]
    pub labels: Vec<String>,
    /// Help text shown in /metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// For a counter: how long it may stay flat before the "stalled" alert fires (`30m`, `2h`,
    /// `1d`); one hour when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stalled_after: Option<String>,
}

/// Review settings kept in vibe.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewSettings {
    /// Warnings the team decided to accept, each with a reason.
    #[serde(default)]
    pub ignore: Vec<Suppression>,
}

impl ReviewSettings {
    fn is_empty(&self) -> bool {
        self.ignore.is_empty()
    }
}

/// One suppressed warning: a check id, what it applies to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Check id, e.g. `F3`.
    pub check: String,
    /// `Kind/name` of the object, if the suppression is for one object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Repo-relative file, if the suppression is for one file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Why the team accepts it.
    pub reason: String,
}

/// The comment block at the top of a written vibe.yaml.
pub const ANSWERS_HEADER: &str = "\
# vibe.yaml: the answers vibe builds this app's deployment from.
# Change an answer here, then run `vibe generate` to regenerate every file
# (or run `vibe init` again to answer the questions interactively).
# Secret VALUES never go here: only their names. Seal values with `vibe seal NAME`.
# Plain settings the app reads (not secrets) go under env:, e.g. env: {SHOP_CURRENCY: EUR}.
";

impl Answers {
    /// Serialises the answers with the explanatory header, as written to vibe.yaml.
    pub fn to_yaml(&self) -> String {
        let body = serde_saphyr::to_string(self).unwrap_or_else(|e| format!("# could not serialise answers: {e}\n"));
        format!("{ANSWERS_HEADER}{body}")
    }
}

//! What the checks need to know about the app: from vibe.yaml and the platform settings
//! when the repo has them, otherwise inferred from the manifests, so hand-written repos
//! are reviewed fairly.

use super::finding::Finding;
use super::workload;
use crate::platform::Platform;
use crate::repo::{Diagnostic, Repo};
use crate::spec::{self, Answers, Suppression};
use crate::workspace::Workspace;
use std::collections::BTreeMap;
use std::path::Path;

/// Which stores the app uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stores {
    /// PostgreSQL.
    pub postgres: bool,
    /// MongoDB.
    pub mongo: bool,
    /// Redis.
    pub redis: bool,
    /// RabbitMQ.
    pub rabbitmq: bool,
}

impl Stores {
    /// Enabled store ids, database first.
    pub fn enabled(&self) -> Vec<&'static str> {
        [("postgres", self.postgres), ("mongo", self.mongo), ("redis", self.redis), ("rabbitmq", self.rabbitmq)]
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(id, _)| id)
            .collect()
    }

    /// The database, if any.
    pub fn database(&self) -> Option<&'static str> {
        if self.postgres {
            Some("postgres")
        } else if self.mongo {
            Some("mongo")
        } else {
            None
        }
    }
}

/// Everything the checks know about the app beyond its files.
#[derive(Debug, Clone, Default)]
pub struct ReviewContext {
    /// Platform settings in force.
    pub platform: Platform,
    /// The answers, when the repo has a valid vibe.yaml.
    pub answers: Option<Answers>,
    /// App display name.
    pub app_name: Option<String>,
    /// App slug.
    pub slug: Option<String>,
    /// The namespace the app deploys to (from vibe.yaml, else the one most objects use).
    pub namespace: Option<String>,
    /// Stores in use (from vibe.yaml, else the platform components found).
    pub stores: Stores,
    /// App t-shirt size, when vibe.yaml says.
    pub size: Option<String>,
    /// Readiness probe declared to check the database.
    pub readiness_checks_database: bool,
    /// The tag the app image should carry (the repo's short commit SHA), when known.
    pub expected_tag: Option<String>,
    /// SHA-256 fingerprint of the platform's sealed-secrets certificate, when configured.
    pub certificate_fingerprint: Option<String>,
    /// Checks for which live evidence was merged (they are not "static only").
    pub live_evidence: Vec<crate::contract::CheckId>,
    /// Problems reading vibe.yaml or the platform file (reported as diagnostics).
    pub diagnostics: Vec<Diagnostic>,
}

impl ReviewContext {
    /// Builds the context for the repo at `root`: vibe.yaml and platform if present, else
    /// inferred. Shorthand for [`ReviewContext::for_workspace`] with a workspace loaded here.
    pub fn for_repo(repo: &Repo, root: &Path, platform_file: Option<&Path>) -> ReviewContext {
        ReviewContext::for_workspace(repo, &Workspace::load(root, platform_file))
    }

    /// Builds the context for `repo` from the workspace's vibe.yaml and platform (what they do
    /// not say is inferred from the repo).
    pub fn for_workspace(repo: &Repo, ws: &Workspace) -> ReviewContext {
        let mut ctx = ReviewContext {
            platform: ws.platform.clone(),
            answers: ws.answers.clone(),
            diagnostics: ws.diagnostics.clone(),
            expected_tag: ws.commit.clone(),
            ..ReviewContext::default()
        };
        ctx.certificate_fingerprint = crate::seal::configured_fingerprint(&ctx.platform);
        ctx.infer(repo);
        ctx
    }

    /// Fills what vibe.yaml did not say from the repo's objects.
    pub fn infer(&mut self, repo: &Repo) {
        if let Some(a) = &self.answers {
            let slug = a.slug.clone().unwrap_or_else(|| spec::suggest_slug(&a.name, &self.platform.prefix));
            self.namespace = Some(self.platform.namespace(&slug));
            self.slug = Some(slug);
            self.app_name = Some(a.name.clone());
            self.stores = Stores {
                postgres: a.database == "postgres",
                mongo: a.database == "mongo",
                redis: a.components.redis,
                rabbitmq: a.components.rabbitmq,
            };
            self.size = Some(a.size.clone());
            self.readiness_checks_database = a.readiness_checks_database;
            return;
        }
        // Without answers: the namespace most objects name, and the stores whose images appear.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for o in &repo.objects {
            if o.kind == "Namespace" {
                *counts.entry(o.name.as_str()).or_default() += 1;
            } else if let Some(ns) = &o.namespace {
                *counts.entry(ns.as_str()).or_default() += 1;
            }
        }
        self.namespace = counts.into_iter().max_by_key(|(_, n)| *n).map(|(ns, _)| ns.to_string());
        for w in workload::workloads(repo) {
            match w.component {
                Some("postgres") => self.stores.postgres = true,
                Some("mongo") => self.stores.mongo = true,
                Some("redis") => self.stores.redis = true,
                Some("rabbitmq") => self.stores.rabbitmq = true,
                _ => {}
            }
        }
    }

    /// The suppression that covers a finding, if vibe.yaml lists one.
    pub fn suppression_for(&self, f: &Finding) -> Option<&str> {
        let list: &[Suppression] = self.answers.as_ref().map(|a| a.review.ignore.as_slice()).unwrap_or_default();
        list.iter()
            .find(|s| {
                s.check.eq_ignore_ascii_case(f.id.as_str())
                    && s.object.as_ref().is_none_or(|o| f.object.as_deref() == Some(o.as_str()))
                    && s.file.as_ref().is_none_or(|p| *p == f.file)
            })
            .map(|s| s.reason.as_str())
    }
}

//! Platform settings: the embedded defaults of CONTRACT.md, overridden by a platform file.
//!
//! The platform team hands creators a YAML file (`--platform FILE`, `VIBE_PLATFORM`, or
//! `platform:` in vibe.yaml); every key is optional and replaces one default:
//!
//! ```yaml
//! prefix: platform                      # namespaces {prefix}-vibe-{slug}, hosts
//! registry: harbor.internal.example.com # app images; the mirror and the gate image follow it
//! mirror: "{registry}/dockerhub-proxy"  # third-party images
//! observabilityNamespace: platform-vibe-observability
//! ingress: {hostPattern, className, controllerNamespace, controllerLabel: {key, value}}
//! sealedSecrets: {name, namespace, certificate}
//! argocd: {namespace, repoURL}
//! monitoring: {dashboardLabel, ruleLabels}
//! gate: {image: "{registry}/platform/vibe:<vibe's version>"}  # the review gate CI runs; pinned
//! backup: {endpoint, bucket, credentialsSecret, schedule, keepDaily, keepWeekly}
//! previews:                             # argocd/previews.yaml: one environment per pull request
//!   hostPattern: "{prefix}-{slug}-pr-{number}.internal.example.com"  # "" = previews get no Ingress
//!   size: xs                            # the app's t-shirt size in a preview
//! ```

use crate::contract::platform_defaults as d;
use crate::error::{Error, Invalid, Located, Problem};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Platform settings in force for one app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// Prefix of namespaces and hosts.
    pub prefix: String,
    /// Registry of app images.
    pub registry: String,
    /// Mirror prefix for third-party images (already resolved, no `{registry}`).
    pub mirror: String,
    /// Namespace of the platform's Prometheus.
    pub observability_namespace: String,
    /// Host pattern with `{prefix}` and `{slug}`.
    pub ingress_host_pattern: String,
    /// IngressClass name.
    pub ingress_class: String,
    /// Namespace of the ingress controller.
    pub ingress_controller_namespace: String,
    /// Label key selecting the ingress controller pods.
    pub ingress_controller_label_key: String,
    /// Label value selecting the ingress controller pods.
    pub ingress_controller_label_value: String,
    /// sealed-secrets controller name.
    pub sealed_secrets_name: String,
    /// sealed-secrets controller namespace.
    pub sealed_secrets_namespace: String,
    /// The controller's certificate: a PEM path (relative to the platform file) or inline PEM.
    pub sealed_secrets_certificate: Option<String>,
    /// Namespace ArgoCD runs in.
    pub argocd_namespace: String,
    /// Git URL pattern ArgoCD syncs from, with `{slug}`.
    pub git_repo_url: String,
    /// Labels of the dashboard ConfigMap (the Grafana sidecar finds dashboards by them).
    pub monitoring_dashboard_label: BTreeMap<String, String>,
    /// Labels of the PrometheusRule (the Prometheus operator selects rules by them).
    pub monitoring_rule_labels: BTreeMap<String, String>,
    /// The review gate's image the generated CI runs `vibe review` from (pinned, never `latest`).
    pub gate_image: String,
    /// Where backups go and how many are kept.
    pub backup: Backup,
    /// The preview environment of each pull request (argocd/previews.yaml).
    pub previews: Previews,
    /// Where the settings came from (for messages); `None` for the embedded defaults.
    pub source: Option<PathBuf>,
}

/// Backups: the platform's S3-compatible object storage outside the cluster (k8s/13-backup.yaml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// The storage's URL (`https://host[:port]`).
    pub endpoint: String,
    /// The bucket; each app writes under `{namespace}/{store}/`.
    pub bucket: String,
    /// The Secret in the app's namespace with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
    pub credentials_secret: String,
    /// When the backup runs (five-field cron, UTC).
    pub schedule: String,
    /// How many days (that have a dump) keep their newest dump.
    pub keep_daily: u32,
    /// How many ISO weeks (that have a dump) keep their newest dump.
    pub keep_weekly: u32,
}

impl Default for Backup {
    fn default() -> Self {
        Backup {
            endpoint: d::BACKUP_ENDPOINT.into(),
            bucket: d::BACKUP_BUCKET.into(),
            credentials_secret: d::BACKUP_CREDENTIALS_SECRET.into(),
            schedule: d::BACKUP_SCHEDULE.into(),
            keep_daily: d::BACKUP_KEEP_DAILY,
            keep_weekly: d::BACKUP_KEEP_WEEKLY,
        }
    }
}

impl Backup {
    /// The storage's TCP port (explicit, else 443 for https and 80 for http), for the egress allow.
    pub fn port(&self) -> u16 {
        let (scheme, rest) = self.endpoint.split_once("://").unwrap_or(("https", &self.endpoint));
        let authority = rest.split('/').next().unwrap_or(rest);
        // `host:port` or `[v6]:port`; a bare IPv6 address has colons but no port.
        let explicit = authority.rsplit_once(':').filter(|(host, _)| !host.contains(':') || host.ends_with(']'));
        match explicit.and_then(|(_, p)| p.parse().ok()) {
            Some(p) => p,
            None if scheme.eq_ignore_ascii_case("http") => 80,
            None => 443,
        }
    }

    /// Every broken rule, as (key, what is wrong and what to write instead).
    fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let e = &self.endpoint;
        let scheme_ok = e.starts_with("https://") || e.starts_with("http://");
        let host = e.split_once("://").map(|(_, r)| r.split('/').next().unwrap_or("")).unwrap_or("");
        if !scheme_ok || host.is_empty() || e.chars().any(|c| c.is_whitespace() || c == '"' || c == '\\') {
            out.push((
                "backup.endpoint",
                "must be the object storage's URL, like https://s3.example.com or http://minio.storage:9000"
                    .to_string(),
            ));
        }
        // S3 bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens, alphanumeric at both ends.
        let b = &self.bucket;
        let bucket_ok = (3..=63).contains(&b.len())
            && b.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && b.starts_with(|c: char| c.is_ascii_alphanumeric())
            && b.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !bucket_ok {
            out.push((
                "backup.bucket",
                "must be an S3 bucket name: 3 to 63 lowercase letters, digits, dots or hyphens, starting and ending \
                 with a letter or digit"
                    .to_string(),
            ));
        }
        let c = &self.credentials_secret;
        let secret_ok = !c.is_empty()
            && c.len() <= 253
            && c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '.')
            && c.starts_with(|ch: char| ch.is_ascii_alphanumeric())
            && c.ends_with(|ch: char| ch.is_ascii_alphanumeric());
        if !secret_ok {
            out.push((
                "backup.credentialsSecret",
                "must be a Kubernetes Secret name (lowercase letters, digits, '-' and '.', at most 253 characters)"
                    .to_string(),
            ));
        }
        let fields: Vec<&str> = self.schedule.split_whitespace().collect();
        let cron_ok = fields.len() == 5
            && fields.iter().all(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || ",-*/?".contains(c)));
        if !cron_ok {
            out.push((
                "backup.schedule",
                "must be a five-field cron schedule (minute hour day month weekday), like \"17 2 * * *\"".to_string(),
            ));
        }
        if self.keep_daily == 0 {
            out.push(("backup.keepDaily", "must be 1 or more: the newest dump is always kept".to_string()));
        }
        out
    }
}

/// Previews: one short-lived environment per open pull request (argocd/previews.yaml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previews {
    /// Host of a preview with `{prefix}`, `{slug}` and `{number}` (the pull request's); empty: no Ingress.
    pub host_pattern: String,
    /// The app's t-shirt size in a preview (one of the contract's sizes).
    pub size: String,
}

impl Default for Previews {
    fn default() -> Self {
        Previews { host_pattern: d::PREVIEWS_HOST.into(), size: d::PREVIEWS_SIZE.into() }
    }
}

impl Previews {
    /// The host of pull request `number` (any text: the ArgoCD template passes its own field), if
    /// previews get an Ingress.
    pub fn host(&self, prefix: &str, slug: &str, number: &str) -> Option<String> {
        let p = self.host_pattern.trim();
        (!p.is_empty()).then(|| p.replace("{prefix}", prefix).replace("{slug}", slug).replace("{number}", number))
    }

    /// Every broken rule, as (key, what is wrong and what to write instead).
    fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let p = self.host_pattern.trim();
        // Each placeholder may appear; anything else must already be host characters.
        let rest = p.replace("{prefix}", "a").replace("{slug}", "a").replace("{number}", "1");
        let host_ok = rest.split('.').count() >= 2
            && rest.split('.').all(|l| {
                !l.is_empty()
                    && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            });
        if !p.is_empty() && (!p.contains("{number}") || !host_ok) {
            out.push((
                "previews.hostPattern",
                "must be a host name with `{number}` (the pull request's number, so every preview has its own \
                 host), lowercase letters, digits, '-' and '.', e.g. \"{prefix}-{slug}-pr-{number}.apps.example.com\"; \
                 \"\" gives previews no public URL"
                    .to_string(),
            ));
        }
        if crate::contract::size(&self.size).is_none() {
            let ids: Vec<&str> = crate::contract::SIZES.iter().map(|s| s.id).collect();
            out.push(("previews.size", format!("must be one of the t-shirt sizes: {}", ids.join(", "))));
        }
        out
    }
}

impl Default for Platform {
    fn default() -> Self {
        Platform {
            prefix: d::PREFIX.into(),
            registry: d::REGISTRY.into(),
            mirror: d::MIRROR.replace("{registry}", d::REGISTRY),
            observability_namespace: d::OBSERVABILITY_NAMESPACE.into(),
            ingress_host_pattern: d::INGRESS_HOST.into(),
            ingress_class: d::INGRESS_CLASS.into(),
            ingress_controller_namespace: d::INGRESS_CONTROLLER_NAMESPACE.into(),
            ingress_controller_label_key: d::INGRESS_CONTROLLER_LABEL.0.into(),
            ingress_controller_label_value: d::INGRESS_CONTROLLER_LABEL.1.into(),
            sealed_secrets_name: d::SEALED_SECRETS_NAME.into(),
            sealed_secrets_namespace: d::SEALED_SECRETS_NAMESPACE.into(),
            sealed_secrets_certificate: None,
            argocd_namespace: d::ARGOCD_NAMESPACE.into(),
            git_repo_url: d::GIT_REPO_URL.into(),
            monitoring_dashboard_label: [d::MONITORING_DASHBOARD_LABEL]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            monitoring_rule_labels: d::MONITORING_RULE_LABELS
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            gate_image: gate_image(d::REGISTRY),
            backup: Backup::default(),
            previews: Previews::default(),
            source: None,
        }
    }
}

/// The default gate image: vibe's own version in the platform registry, so CI reviews with the
/// rules of the vibe that generated the repo.
fn gate_image(registry: &str) -> String {
    d::GATE_IMAGE.replace("{registry}", registry).replace("{version}", env!("CARGO_PKG_VERSION"))
}

/// Why an image reference is not pinned to one version, if it is not. CI pulls the gate from
/// it on every run: a moving tag would change the rules under the creator without a change.
fn unpinned_image(image: &str) -> Option<String> {
    let image = image.trim();
    if image.is_empty() || image.chars().any(char::is_whitespace) {
        return Some(
            "it is empty or contains spaces; write an image reference such as \
                     `registry.example/platform/vibe:1.2.3`"
                .into(),
        );
    }
    if image.contains('@') {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => Some(format!("`{image}` has no tag, so it means `latest`; pin a version, e.g. `{image}:1.2.3`")),
        Some((_, tag)) if tag.is_empty() || tag.eq_ignore_ascii_case("latest") => Some(format!(
            "`{image}` uses the moving tag `latest`; pin a version (vibe's is {}) or a `@sha256:` digest",
            env!("CARGO_PKG_VERSION")
        )),
        Some(_) => None,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PlatformFile {
    prefix: Option<String>,
    registry: Option<String>,
    mirror: Option<String>,
    observability_namespace: Option<String>,
    ingress: Option<IngressFile>,
    sealed_secrets: Option<SealedSecretsFile>,
    argocd: Option<ArgocdFile>,
    monitoring: Option<MonitoringFile>,
    gate: Option<GateFile>,
    backup: Option<BackupFile>,
    previews: Option<PreviewsFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PreviewsFile {
    host_pattern: Option<String>,
    size: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GateFile {
    image: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct BackupFile {
    endpoint: Option<String>,
    bucket: Option<String>,
    credentials_secret: Option<String>,
    schedule: Option<String>,
    keep_daily: Option<u32>,
    keep_weekly: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MonitoringFile {
    dashboard_label: Option<BTreeMap<String, String>>,
    rule_labels: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct IngressFile {
    host_pattern: Option<String>,
    class_name: Option<String>,
    controller_namespace: Option<String>,
    controller_label: Option<ControllerLabel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ControllerLabel {
    key: String,
    value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SealedSecretsFile {
    name: Option<String>,
    namespace: Option<String>,
    certificate: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ArgocdFile {
    namespace: Option<String>,
    #[serde(rename = "repoURL")]
    repo_url: Option<String>,
}

impl Platform {
    /// Reads a platform file and applies it over the defaults.
    pub fn load(path: &Path) -> Result<Platform, Error> {
        let text = crate::fsread::read_text(path).map_err(|e| Error::read(path, e))?;
        Platform::from_yaml(&text, path)
    }

    /// Applies platform YAML text over the defaults; `path` is used in messages.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Platform, Error> {
        let file: PlatformFile = if text.trim().is_empty() {
            PlatformFile::default()
        } else {
            // The path is the user's choice and may be any file: errors never quote it.
            serde_saphyr::from_str(text).map_err(|e| Error::Parse(Located::from_saphyr_without_content(path, &e)))?
        };
        let mut p = Platform { source: Some(path.to_path_buf()), ..Platform::default() };
        set(&mut p.prefix, file.prefix);
        if let Some(registry) = file.registry {
            // The mirror and the gate image follow the registry unless the file sets them too.
            p.mirror = d::MIRROR.replace("{registry}", &registry);
            p.gate_image = gate_image(&registry);
            p.registry = registry;
        }
        if let Some(mirror) = file.mirror {
            p.mirror = mirror.replace("{registry}", &p.registry);
        }
        set(&mut p.observability_namespace, file.observability_namespace);
        if let Some(i) = file.ingress {
            set(&mut p.ingress_host_pattern, i.host_pattern);
            set(&mut p.ingress_class, i.class_name);
            set(&mut p.ingress_controller_namespace, i.controller_namespace);
            if let Some(l) = i.controller_label {
                p.ingress_controller_label_key = l.key;
                p.ingress_controller_label_value = l.value;
            }
        }
        if let Some(s) = file.sealed_secrets {
            set(&mut p.sealed_secrets_name, s.name);
            set(&mut p.sealed_secrets_namespace, s.namespace);
            p.sealed_secrets_certificate = s.certificate.map(|c| resolve_relative(path, c));
        }
        if let Some(a) = file.argocd {
            set(&mut p.argocd_namespace, a.namespace);
            set(&mut p.git_repo_url, a.repo_url);
        }
        if let Some(m) = file.monitoring {
            if let Some(labels) = m.dashboard_label {
                p.monitoring_dashboard_label = labels;
            }
            if let Some(labels) = m.rule_labels {
                p.monitoring_rule_labels = labels;
            }
        }
        if let Some(image) = file.gate.and_then(|g| g.image) {
            let image = image.replace("{registry}", &p.registry);
            if let Some(why) = unpinned_image(&image) {
                return Err(Error::Invalid(Invalid {
                    source: path.display().to_string(),
                    problems: vec![Problem { field: "gate.image".into(), pos: None, message: why }],
                }));
            }
            p.gate_image = image;
        }
        if let Some(b) = file.backup {
            set(&mut p.backup.endpoint, b.endpoint);
            set(&mut p.backup.bucket, b.bucket);
            set(&mut p.backup.credentials_secret, b.credentials_secret);
            set(&mut p.backup.schedule, b.schedule);
            p.backup.keep_daily = b.keep_daily.unwrap_or(p.backup.keep_daily);
            p.backup.keep_weekly = b.keep_weekly.unwrap_or(p.backup.keep_weekly);
        }
        if let Some(v) = file.previews {
            set(&mut p.previews.host_pattern, v.host_pattern);
            set(&mut p.previews.size, v.size);
        }
        let mut problems = p.backup.problems();
        problems.extend(p.previews.problems());
        if !problems.is_empty() {
            return Err(Error::Invalid(crate::error::Invalid {
                source: path.display().to_string(),
                problems: problems
                    .into_iter()
                    .map(|(field, message)| crate::error::Problem { field: field.into(), pos: None, message })
                    .collect(),
            }));
        }
        Ok(p)
    }

    /// The app's namespace: `{prefix}-vibe-{slug}`.
    pub fn namespace(&self, slug: &str) -> String {
        d::NAMESPACE.replace("{prefix}", &self.prefix).replace("{slug}", slug)
    }

    /// The app's public host.
    pub fn ingress_host(&self, slug: &str) -> String {
        self.ingress_host_pattern.replace("{prefix}", &self.prefix).replace("{slug}", slug)
    }

    /// A third-party image through the mirror.
    pub fn mirrored(&self, image: &str) -> String {
        format!("{}/{}", self.mirror.trim_end_matches('/'), image)
    }

    /// Repository of the app image in the platform registry.
    pub fn app_repository(&self, slug: &str) -> String {
        format!("{}/vibe/{}", self.registry, slug)
    }
}

fn set(target: &mut String, value: Option<String>) {
    if let Some(v) = value {
        *target = v;
    }
}

/// A certificate given as a relative path is relative to the platform file, not the cwd.
fn resolve_relative(platform_file: &Path, cert: String) -> String {
    if cert.contains("-----BEGIN") || Path::new(&cert).is_absolute() {
        return cert;
    }
    match platform_file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(cert).to_string_lossy().into_owned(),
        _ => cert,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_contract() {
        let p = Platform::default();
        assert_eq!(p.namespace("inventory-checker"), "platform-vibe-inventory-checker");
        assert_eq!(p.mirror, "harbor.internal.example.com/dockerhub-proxy");
        assert_eq!(p.ingress_host("shop"), "platform-shop.internal.example.com");
    }

    #[test]
    fn a_file_overrides_single_keys_and_the_mirror_follows_the_registry() {
        let p = Platform::from_yaml("prefix: acme\nregistry: reg.acme.test\n", Path::new("p.yaml")).unwrap();
        assert_eq!(p.namespace("shop"), "acme-vibe-shop");
        assert_eq!(p.mirror, "reg.acme.test/dockerhub-proxy");
        assert_eq!(p.observability_namespace, "platform-vibe-observability");
    }

    #[test]
    fn the_gate_image_defaults_to_vibes_version_in_the_registry_and_must_be_pinned() {
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(Platform::default().gate_image, format!("harbor.internal.example.com/platform/vibe:{version}"));
        let p = Platform::from_yaml("registry: reg.acme.test\n", Path::new("p.yaml")).unwrap();
        assert_eq!(p.gate_image, format!("reg.acme.test/platform/vibe:{version}"));
        let p = Platform::from_yaml("gate: {image: \"{registry}/tools/vibe:2.0.1\"}\n", Path::new("p.yaml")).unwrap();
        assert_eq!(p.gate_image, "harbor.internal.example.com/tools/vibe:2.0.1");
        let digest = "reg.acme.test:5000/vibe@sha256:0123";
        let p = Platform::from_yaml(&format!("gate: {{image: \"{digest}\"}}\n"), Path::new("p.yaml")).unwrap();
        assert_eq!(p.gate_image, digest);
        for bad in ["reg.acme.test/platform/vibe:latest", "reg.acme.test:5000/platform/vibe", "\"\""] {
            let err = Platform::from_yaml(&format!("gate: {{image: {bad}}}\n"), Path::new("p.yaml")).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains("p.yaml") && msg.contains("gate.image"), "{bad}: {msg}");
            assert!(msg.contains("latest") || msg.contains("empty"), "{bad}: {msg}");
        }
    }

    #[test]
    fn backup_settings_default_to_the_contract_and_are_validated_with_plain_errors() {
        let p = Platform::default();
        assert_eq!((p.backup.schedule.as_str(), p.backup.keep_daily, p.backup.keep_weekly), ("17 2 * * *", 7, 4));
        assert_eq!(p.backup.port(), 443);
        let p = Platform::from_yaml(
            "backup:\n  endpoint: http://minio.storage:9000\n  bucket: acme-backups\n  keepWeekly: 8\n",
            Path::new("p.yaml"),
        )
        .unwrap();
        assert_eq!((p.backup.port(), p.backup.bucket.as_str(), p.backup.keep_weekly), (9000, "acme-backups", 8));
        assert_eq!(p.backup.keep_daily, 7, "keys not given keep their default");
        let err = Platform::from_yaml(
            "backup:\n  endpoint: s3.example.com\n  bucket: Acme_Backups\n  credentialsSecret: 'no/slash'\n  \
             schedule: daily\n  keepDaily: 0\n",
            Path::new("p.yaml"),
        )
        .unwrap_err()
        .to_string();
        for key in
            ["backup.endpoint", "backup.bucket", "backup.credentialsSecret", "backup.schedule", "backup.keepDaily"]
        {
            assert!(err.contains(key), "{key} not reported: {err}");
        }
        assert!(err.contains("like https://s3.example.com") && err.contains("five-field cron"), "{err}");
    }

    #[test]
    fn preview_settings_default_to_the_contract_and_are_validated_with_plain_errors() {
        let p = Platform::default();
        assert_eq!(p.previews.size, "xs");
        assert_eq!(p.previews.host(&p.prefix, "shop", "7").as_deref(), Some("platform-shop-pr-7.internal.example.com"));
        let p = Platform::from_yaml(
            "previews:\n  hostPattern: \"{slug}-{number}.preview.acme.test\"\n  size: sm\n",
            Path::new("p.yaml"),
        )
        .unwrap();
        assert_eq!(p.previews.host("acme", "shop", "12").as_deref(), Some("shop-12.preview.acme.test"));
        assert_eq!(p.previews.size, "sm");
        let p = Platform::from_yaml("previews: {hostPattern: \"\"}\n", Path::new("p.yaml")).unwrap();
        assert_eq!(p.previews.host("acme", "shop", "12"), None, "an empty pattern: no Ingress");
        assert_eq!(p.previews.size, "xs", "keys not given keep their default");
        let err = Platform::from_yaml(
            "previews:\n  hostPattern: \"{prefix}-{slug}.internal.example.com\"\n  size: huge\n",
            Path::new("p.yaml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("p.yaml") && err.contains("previews.hostPattern") && err.contains("{number}"), "{err}");
        assert!(err.contains("previews.size") && err.contains("xs, sm, md, lg, xl"), "{err}");
        let err = Platform::from_yaml("previews: {hostPattern: \"Shop {number}.example\"}\n", Path::new("p.yaml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("previews.hostPattern"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused_with_a_position() {
        let err = Platform::from_yaml("prefix: a\nregistri: b\n", Path::new("p.yaml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("p.yaml:2:1") && msg.contains("unknown field"), "{msg}");
        // The platform file can be any path (a credentials file too): its keys are not quoted.
        assert!(!msg.contains("registri"), "{msg}");
    }
}

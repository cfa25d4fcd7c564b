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
    /// Where the settings came from (for messages); `None` for the embedded defaults.
    pub source: Option<PathBuf>,
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GateFile {
    image: Option<String>,
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
    fn unknown_keys_are_refused_with_a_position() {
        let err = Platform::from_yaml("prefix: a\nregistri: b\n", Path::new("p.yaml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("p.yaml:2:1") && msg.contains("unknown field"), "{msg}");
        // The platform file can be any path (a credentials file too): its keys are not quoted.
        assert!(!msg.contains("registri"), "{msg}");
    }
}

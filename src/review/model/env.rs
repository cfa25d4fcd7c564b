//! A container's environment as its manifests set it: `envFrom` ConfigMaps and Secrets, `env`
//! values, `configMapKeyRef` and `secretKeyRef`, and `$(NAME)` references to earlier variables,
//! in the order Kubernetes applies them (a later variable of the same name wins).
//!
//! A Secret's value is never readable from the repo (it is sealed, or not in Git at all), so a
//! variable that comes from one, or is built from one, is only known to be [`EnvValue::Secret`].

use crate::repo::Repo;
use crate::review::workload::Container;
use crate::yaml::Node;

/// One variable's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// A value the manifests spell out (literally or in a ConfigMap of the repo).
    Plain(String),
    /// From a Secret (or built from one): unknown here.
    Secret,
}

/// The container's environment, (name, value) in the order set. Variables whose value the repo
/// cannot give (a ConfigMap not in the repo, `fieldRef`, `resourceFieldRef`) are left out.
pub fn container_env(repo: &Repo, c: &Container) -> Vec<(String, EnvValue)> {
    let config_map = |name: &str| {
        repo.objects.iter().find(|o| o.kind == "ConfigMap" && o.name == name).map(|o| {
            o.node
                .get("data")
                .map(Node::entries)
                .unwrap_or_default()
                .iter()
                .filter_map(|e| Some((e.key.clone(), e.value.as_str()?.to_string())))
                .collect::<Vec<_>>()
        })
    };
    let secret_keys = |name: &str| -> Vec<String> {
        repo.objects
            .iter()
            .filter(|o| o.name == name && (o.kind == "Secret" || o.kind == "SealedSecret"))
            .flat_map(|o| ["data", "stringData", "spec.encryptedData"].map(|p| o.node.path(p)))
            .flatten()
            .flat_map(|n| n.entries().iter().map(|e| e.key.clone()))
            .collect()
    };
    let mut out: Vec<(String, EnvValue)> = Vec::new();
    let set = |out: &mut Vec<(String, EnvValue)>, k: String, v: EnvValue| {
        out.retain(|(name, _)| *name != k);
        out.push((k, v));
    };
    for from in c.node.get("envFrom").map(Node::items).unwrap_or_default() {
        let prefix = from.get("prefix").and_then(Node::as_str).unwrap_or("");
        if let Some(name) = from.path("configMapRef.name").and_then(Node::as_str) {
            for (k, v) in config_map(name).unwrap_or_default() {
                set(&mut out, format!("{prefix}{k}"), EnvValue::Plain(v));
            }
        }
        if let Some(name) = from.path("secretRef.name").and_then(Node::as_str) {
            for k in secret_keys(name) {
                set(&mut out, format!("{prefix}{k}"), EnvValue::Secret);
            }
        }
    }
    for e in c.node.get("env").map(Node::items).unwrap_or_default() {
        let Some(name) = e.get("name").and_then(Node::as_str) else { continue };
        let value = if let Some(v) = e.get("value").and_then(Node::as_str) {
            // $(NAME) refers to a variable declared earlier; a value built from a secret is secret.
            let refers_to_secret =
                out.iter().any(|(k, kind)| *kind == EnvValue::Secret && v.contains(&format!("$({k})")));
            if refers_to_secret { EnvValue::Secret } else { EnvValue::Plain(expand_refs(v, &out)) }
        } else if e.path("valueFrom.secretKeyRef").is_some() {
            EnvValue::Secret
        } else if let Some(r) = e.path("valueFrom.configMapKeyRef") {
            let (Some(cm), Some(key)) = (r.get("name").and_then(Node::as_str), r.get("key").and_then(Node::as_str))
            else {
                continue;
            };
            match config_map(cm).and_then(|d| d.into_iter().find(|(k, _)| k == key)) {
                Some((_, v)) => EnvValue::Plain(v),
                None => continue,
            }
        } else {
            // fieldRef / resourceFieldRef: the pod's own facts, which have no meaning here.
            continue;
        };
        set(&mut out, name.to_string(), value);
    }
    out
}

/// `$(NAME)` replaced by the plain value of an earlier variable, as Kubernetes does.
fn expand_refs(value: &str, earlier: &[(String, EnvValue)]) -> String {
    let mut out = value.to_string();
    for (k, v) in earlier {
        if let EnvValue::Plain(v) = v {
            out = out.replace(&format!("$({k})"), v);
        }
    }
    out
}

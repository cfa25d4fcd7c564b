//! Drift between Git and the cluster: objects of k8s/ the namespace lacks, objects of the
//! namespace k8s/ lacks, and fields that differ.
//!
//! Only the fields the repo manifest sets are compared: the API server fills in defaults
//! (imagePullPolicy, terminationMessagePath, protocol, revisionHistoryLimit, ...), canonicalises
//! quantities (`1000m` becomes `1`) and drops zero values, and none of that is drift. Drift is
//! reported as P5 (WARNING): keeping the cluster equal to Git is what the ArgoCD Application's
//! automated sync with selfHeal and prune is for; the live objects themselves go through every
//! other check, so a drift that breaks the contract (an image patched to `latest`) is also a
//! CRITICAL finding of its own check.

use super::objects::{FILE_PREFIX, child_path};
use crate::contract::CheckId;
use crate::k8s::parse_quantity;
use crate::repo::Object;
use crate::review::Finding;
use crate::yaml::{Node, Value};
use std::collections::HashSet;

/// At most this many differing fields are listed per object; the rest are counted.
const MAX_DIFFS_PER_OBJECT: usize = 10;
/// Objects Kubernetes creates in every namespace on its own.
const SYSTEM_OBJECTS: &[(&str, &str)] = &[("ConfigMap", "kube-root-ca.crt")];

/// One field that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// Field path (`spec.template.spec.containers[0].image`).
    pub path: String,
    /// Line of the field in the repo file.
    pub line: Option<u32>,
    /// The repo's value, for the message (`None` when it may be sensitive).
    pub repo: Option<String>,
    /// The live value (`None`: absent), for the message.
    pub live: Option<String>,
    /// True when the values are not shown (ConfigMap data, sealed values, env values).
    pub hidden: bool,
}

/// Compares the repo's k8s/ objects with the live ones. `kinds` are the kinds read from the
/// cluster (others cannot be compared); `namespace` is the reviewed namespace.
pub fn findings(repo: &[&Object], live: &[Object], kinds: &[&str], namespace: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let in_scope = |o: &Object| {
        kinds.contains(&o.kind.as_str())
            && if o.kind == "Namespace" {
                o.name == namespace
            } else {
                o.namespace.as_deref().is_none_or(|n| n == namespace)
            }
    };
    let repo: Vec<&Object> = repo.iter().copied().filter(|o| in_scope(o)).collect();
    // Replicas of a workload an HPA scales are the HPA's to set.
    let scaled: HashSet<(String, String)> = repo
        .iter()
        .copied()
        .chain(live.iter())
        .filter(|o| o.kind == "HorizontalPodAutoscaler")
        .filter_map(|o| {
            let t = o.node.path("spec.scaleTargetRef")?;
            Some((t.get("kind")?.as_str()?.to_string(), t.get("name")?.as_str()?.to_string()))
        })
        .collect();
    for r in &repo {
        let Some(l) = live.iter().find(|l| l.kind == r.kind && l.name == r.name) else {
            out.push(missing(r, namespace));
            continue;
        };
        let mut diffs = Vec::new();
        let skip_replicas = scaled.contains(&(r.kind.clone(), r.name.clone()));
        compare(&r.node, &l.node, "", skip_replicas, &mut diffs);
        let extra = diffs.len().saturating_sub(MAX_DIFFS_PER_OBJECT);
        for (i, d) in diffs.iter().take(MAX_DIFFS_PER_OBJECT).enumerate() {
            let more = if i + 1 == MAX_DIFFS_PER_OBJECT && extra > 0 {
                format!(" ({extra} more fields differ)")
            } else {
                String::new()
            };
            out.push(differs(r, l, d, namespace, &more));
        }
    }
    for l in live {
        let known = repo.iter().any(|r| r.kind == l.kind && r.name == l.name);
        let system = SYSTEM_OBJECTS.contains(&(l.kind.as_str(), l.name.as_str()));
        // Objects another object created (a controller's children) are not anyone's manifest.
        let owned = l.node.path("metadata.ownerReferences").is_some_and(|o| !o.items().is_empty());
        if !known && !system && !owned && l.kind != "Namespace" {
            out.push(extra_object(l, namespace));
        }
    }
    out
}

fn git_fix() -> String {
    "Make the change in Git, never by hand: the repo is the source of truth. Check that the ArgoCD Application \
     syncs automatically with prune and selfHeal (argocd/application.yaml) and that its last sync succeeded \
     (`argocd app get`, `argocd app diff` show the difference)."
        .into()
}

fn missing(r: &Object, namespace: &str) -> Finding {
    Finding::new(CheckId::P5, &r.file, r.line())
        .object(r.id())
        .message(format!(
            "{} is defined in {} but the namespace {namespace} has no such object: ArgoCD has not applied it (sync \
             pending or failing) or it was deleted by hand.{}",
            r.id(),
            r.file,
            consequence(r, true)
        ))
        .fix(git_fix())
        .live()
}

fn extra_object(l: &Object, namespace: &str) -> Finding {
    Finding::new(CheckId::P5, &l.file, None)
        .object(l.id())
        .message(format!(
            "The namespace {namespace} has {} that no manifest in k8s/ describes: it was created by hand (kubectl) \
             or is left over, and Git cannot reproduce it.",
            l.id()
        ))
        .fix(format!(
            "Add {} to k8s/ (and the Helm chart) if the app needs it; otherwise delete it from the namespace. With \
             prune on, ArgoCD removes what it tracks once it leaves Git.",
            l.id()
        ))
        .live()
}

fn differs(r: &Object, l: &Object, d: &Diff, namespace: &str, more: &str) -> Finding {
    let place = if d.path.is_empty() { "the object".to_string() } else { d.path.clone() };
    let values = if d.hidden {
        " (values not shown)".to_string()
    } else {
        format!(
            ": {} in the namespace, {} in {}",
            d.live.as_deref().map_or("absent".to_string(), |v| format!("`{v}`")),
            d.repo.as_deref().map_or("absent".to_string(), |v| format!("`{v}`")),
            r.file
        )
    };
    Finding::new(CheckId::P5, &r.file, d.line.or(r.line()))
        .object(r.id())
        .message(format!(
            "The live {} ({}{}, namespace {namespace}) differs from Git at {place}{values}: a change by hand \
             that ArgoCD's selfHeal should have reverted.{}{more}",
            l.id(),
            FILE_PREFIX,
            l.id(),
            consequence(r, false)
        ))
        .fix(git_fix())
        .live()
}

/// What a missing or out-of-date monitoring object means for the creator, who reads "drift" as
/// jargon: alerts that do not fire, a dashboard that shows the wrong thing. Empty for other objects.
fn consequence(o: &Object, missing: bool) -> &'static str {
    match (o.kind == "PrometheusRule", is_dashboard(o), missing) {
        (true, _, true) => " Without its alert rules, nobody is told when the app breaks.",
        (true, _, false) => " The alerts that can fire are not the ones in Git.",
        (false, true, true) => " Grafana does not show the app's dashboard.",
        (false, true, false) => " Grafana shows another version of the app's dashboard than Git's.",
        _ => "",
    }
}

/// A ConfigMap carrying a Grafana dashboard: a data value that is a JSON object with panels
/// (whatever the platform's dashboard label is called).
fn is_dashboard(o: &Object) -> bool {
    o.kind == "ConfigMap"
        && o.node.get("data").is_some_and(|data| {
            data.entries().iter().any(|e| {
                e.value
                    .as_str()
                    .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok())
                    .is_some_and(|j| j.get("panels").is_some_and(serde_json::Value::is_array))
            })
        })
}

/// Compares what the repo node sets with the live node, appending differences.
pub fn compare(repo: &Node, live: &Node, path: &str, skip_replicas: bool, out: &mut Vec<Diff>) {
    match &repo.value {
        Value::Map(entries) => {
            let Value::Map(_) = &live.value else {
                out.push(diff(path, repo, Some(live)));
                return;
            };
            for e in entries {
                if path.is_empty() && e.key == "status" {
                    continue;
                }
                // Of the metadata only labels and annotations are the author's to compare: names are
                // the key, and the namespace is the one reviewed.
                if path == "metadata" && !matches!(e.key.as_str(), "labels" | "annotations") {
                    continue;
                }
                if path == "spec" && e.key == "replicas" && skip_replicas {
                    continue;
                }
                let child = child_path(path, &e.key);
                match live.get(&e.key) {
                    Some(l) => compare(&e.value, l, &child, skip_replicas, out),
                    None if is_zero(&e.value) => {}
                    None => {
                        let mut d = diff(&child, &e.value, None);
                        d.line = e.key_pos.map(|p| p.line).or(d.line);
                        out.push(d);
                    }
                }
            }
        }
        Value::Seq(items) => {
            let Value::Seq(live_items) = &live.value else {
                out.push(diff(path, repo, Some(live)));
                return;
            };
            let name = |n: &Node| n.get("name").and_then(Node::as_str).map(str::to_string);
            let by_name = !items.is_empty() && items.iter().all(|i| name(i).is_some());
            if by_name {
                for (i, item) in items.iter().enumerate() {
                    let child = format!("{path}[{i}]");
                    match live_items.iter().find(|l| name(l) == name(item)) {
                        Some(l) => compare(item, l, &child, skip_replicas, out),
                        None => out.push(diff(&child, item, None)),
                    }
                }
                for l in live_items.iter().filter(|l| !items.iter().any(|i| name(i) == name(l))) {
                    out.push(Diff {
                        path: format!("{path}[name={}]", name(l).unwrap_or_default()),
                        line: repo.line(),
                        repo: None,
                        live: Some(summary(l)),
                        hidden: hidden(path),
                    });
                }
            } else if items.len() != live_items.len() {
                out.push(diff(path, repo, Some(live)));
            } else {
                for (i, (item, l)) in items.iter().zip(live_items).enumerate() {
                    compare(item, l, &format!("{path}[{i}]"), skip_replicas, out);
                }
            }
        }
        Value::Scalar { .. } => {
            if !same_scalar(repo, live, path) {
                out.push(diff(path, repo, Some(live)));
            }
        }
    }
}

fn diff(path: &str, repo: &Node, live: Option<&Node>) -> Diff {
    Diff {
        path: path.to_string(),
        line: repo.line(),
        repo: Some(summary(repo)),
        live: live.map(summary),
        hidden: hidden(path),
    }
}

/// Values that may be sensitive or are long ciphertext are not repeated in messages.
fn hidden(path: &str) -> bool {
    path.starts_with("data")
        || path.starts_with("binaryData")
        || path.starts_with("spec.encryptedData")
        || path.contains(".env[")
}

/// A short rendering of a node for a message.
fn summary(n: &Node) -> String {
    match &n.value {
        Value::Scalar { .. } => {
            let text = n.as_str().unwrap_or("null");
            let short: String = text.chars().take(80).collect();
            if short.len() < text.len() { format!("{short}…") } else { short }
        }
        Value::Seq(items) => format!("a list of {}", items.len()),
        Value::Map(entries) => format!("a mapping of {} keys", entries.len()),
    }
}

/// Zero values the API server drops (`false`, `0`, `""`, `{}`, `[]`, null).
fn is_zero(n: &Node) -> bool {
    match &n.value {
        Value::Scalar { text, quoted } => {
            n.is_null() || (*quoted && text.is_empty()) || (!quoted && matches!(text.as_str(), "false" | "0"))
        }
        Value::Seq(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
    }
}

fn same_scalar(repo: &Node, live: &Node, path: &str) -> bool {
    let (a, b) = (repo.to_json(), live.to_json());
    if a == b {
        return true;
    }
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        return (x - y).abs() <= f64::EPSILON * x.abs().max(1.0);
    }
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let (ta, tb) = (text(&a), text(&b));
    if ta == tb {
        return true;
    }
    // Resource quantities are canonicalised by the API server: `1000m` reads back as `1`.
    if (path.contains("resources") || path.contains("storage") || path.contains("Utilization"))
        && let (Some(x), Some(y)) = (parse_quantity(&ta), parse_quantity(&tb))
    {
        return x == y;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn node(text: &str) -> Node {
        yaml::parse_one(text).unwrap().unwrap()
    }

    #[test]
    fn only_fields_the_repo_sets_count() {
        let repo = node(
            "spec:\n  replicas: 2\n  template:\n    spec:\n      hostNetwork: false\n      containers:\n        - name: app\n          image: a:1\n          resources: {limits: {cpu: 1000m, memory: 1Gi}}\n",
        );
        let live = Node::from_json(&serde_json::json!({"spec": {"replicas": 2, "revisionHistoryLimit": 10,
            "template": {"spec": {"containers": [{"name": "app", "image": "a:1", "imagePullPolicy": "IfNotPresent",
            "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}}}}));
        let mut out = Vec::new();
        compare(&repo, &live, "", false, &mut out);
        assert_eq!(out, vec![]);
    }

    #[test]
    fn changed_added_and_removed_fields_are_drift() {
        let repo = node(
            "spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: app\n          image: a:1\n",
        );
        let live = Node::from_json(&serde_json::json!({"spec": {"replicas": 3,
            "template": {"spec": {"containers": [{"name": "app", "image": "a:2"}, {"name": "debug", "image": "b"}]}}}}));
        let mut out = Vec::new();
        compare(&repo, &live, "", false, &mut out);
        let paths: Vec<_> = out.iter().map(|d| (d.path.as_str(), d.line, d.live.as_deref())).collect();
        assert_eq!(
            paths,
            [
                ("spec.replicas", Some(2), Some("3")),
                ("spec.template.spec.containers[0].image", Some(7), Some("a:2")),
                ("spec.template.spec.containers[name=debug]", Some(6), Some("a mapping of 2 keys")),
            ]
        );
        let mut out = Vec::new();
        compare(&repo, &live, "", true, &mut out);
        assert_eq!(out.len(), 2, "replicas an HPA sets are not drift");
    }

    #[test]
    fn quantities_compare_by_value() {
        let same = |a: &str, b: &str| {
            same_scalar(&yaml::parse_one(a).unwrap().unwrap(), &yaml::parse_one(b).unwrap().unwrap(), "spec.resources")
        };
        assert!(same("500m", "0.5") && same("1Gi", "1024Mi") && same("2", "2000m"));
        // Suffixes the drift comparison once read loosely or not at all.
        assert!(same("1Ti", "1024Gi") && same("250u", "0.25m") && same("2e3", "2k"));
        assert!(!same("1Gi", "1G") && !same("abc", "1") && !same("Mi", "0"));
        // Compared exactly, as the API server does: a byte more is a change.
        assert!(!same("1000000001", "1G"));
    }
}

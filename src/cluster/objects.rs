//! Live objects as the review sees repo objects: the same positioned [`Node`] trees in
//! [`Object`]s, so every check runs on them unchanged.
//!
//! What the API server adds and nobody wrote (status, managedFields, uids, resource versions,
//! the last-applied annotation) is stripped first. Each node then gets a synthetic "line": its
//! index in a table of field paths, so a finding's line turns back into the field it is about
//! (`spec.template.spec.containers[0].image`).

use crate::repo::Object;
use crate::yaml::{Node, Pos, Value};
use serde_json::Value as Json;
use std::collections::HashMap;

/// Prefix of the file name live objects carry (`cluster:Deployment/web`).
pub const FILE_PREFIX: &str = "cluster:";

/// Metadata fields the API server sets.
const SERVER_METADATA: &[&str] =
    &["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink"];
/// Annotations tools add on their own.
const TOOL_ANNOTATIONS: &[&str] =
    &["kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision"];

/// The order kinds are listed in (the order of the generated k8s/ files), for stable reports.
const KIND_ORDER: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "SealedSecret",
    "ConfigMap",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "Service",
    "Ingress",
    "HorizontalPodAutoscaler",
    "CronJob",
    "PrometheusRule",
];

/// Live objects and, per object file, the field path of every synthetic line.
#[derive(Debug, Default)]
pub struct LiveObjects {
    /// The objects, in kind order then name.
    pub objects: Vec<Object>,
    /// `file` -> field paths, indexed by line - 1.
    pub paths: HashMap<String, Vec<String>>,
}

impl LiveObjects {
    /// Builds the objects from raw API items (each with apiVersion and kind set).
    pub fn new(items: Vec<Json>) -> LiveObjects {
        let mut objects: Vec<(usize, String, Json)> = items
            .into_iter()
            .map(clean)
            .map(|item| {
                let kind = item["kind"].as_str().unwrap_or_default().to_string();
                let rank = KIND_ORDER.iter().position(|k| *k == kind).unwrap_or(KIND_ORDER.len());
                let name = item["metadata"]["name"].as_str().unwrap_or_default().to_string();
                (rank, format!("{kind}/{name}"), item)
            })
            .collect();
        objects.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut out = LiveObjects::default();
        for (doc, (_, id, item)) in objects.into_iter().enumerate() {
            let file = format!("{FILE_PREFIX}{id}");
            let mut node = Node::from_json(&item);
            let mut paths = Vec::new();
            number(&mut node, String::new(), &mut paths);
            let (kind, name) = id.split_once('/').map(|(k, n)| (k.to_string(), n.to_string())).unwrap_or_default();
            let namespace = item["metadata"]["namespace"].as_str().map(str::to_string);
            out.paths.insert(file.clone(), paths);
            out.objects.push(Object { file, doc, kind, name, namespace, node });
        }
        out
    }

    /// The field path a finding's line in a live object's file stands for.
    pub fn path_of(&self, file: &str, line: u32) -> Option<&str> {
        let paths = self.paths.get(file)?;
        paths.get(usize::try_from(line).ok()?.checked_sub(1)?).map(String::as_str)
    }
}

/// Strips what the server and tools add, keeping what someone wrote.
pub fn clean(mut item: Json) -> Json {
    if let Some(o) = item.as_object_mut() {
        o.remove("status");
    }
    if let Some(meta) = item.get_mut("metadata").and_then(Json::as_object_mut) {
        for k in SERVER_METADATA {
            meta.remove(*k);
        }
        if let Some(ann) = meta.get_mut("annotations").and_then(Json::as_object_mut) {
            for k in TOOL_ANNOTATIONS {
                ann.remove(*k);
            }
            if ann.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    item
}

/// One step of a field path: `.key`, `["odd.key"]` or `[i]`.
pub fn child_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[{key:?}]"),
    }
}

/// Gives every node (and mapping key) a synthetic line: its index in `paths`, plus one.
fn number(node: &mut Node, path: String, paths: &mut Vec<String>) {
    paths.push(path);
    let line = u32::try_from(paths.len()).unwrap_or(u32::MAX);
    node.pos = Some(Pos { line, col: 1 });
    let parent = paths[paths.len() - 1].clone();
    match &mut node.value {
        Value::Map(entries) => {
            for e in entries {
                let child = child_path(&parent, &e.key);
                // The key stands for its field, as the value does.
                e.key_pos = Some(Pos { line: u32::try_from(paths.len() + 1).unwrap_or(u32::MAX), col: 1 });
                number(&mut e.value, child, paths);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                number(item, format!("{parent}[{i}]"), paths);
            }
        }
        Value::Scalar { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lines_map_back_to_field_paths() {
        let live = LiveObjects::new(vec![json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "uid": "u", "resourceVersion": "1", "managedFields": [],
                         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
            "spec": {"template": {"metadata": {"annotations": {"prometheus.io/port": "8081"}},
                     "spec": {"containers": [{"name": "app", "image": "x:1"}]}}},
            "status": {"replicas": 1}
        })]);
        let o = &live.objects[0];
        assert_eq!((o.file.as_str(), o.id()), ("cluster:Deployment/web", "Deployment/web".to_string()));
        assert!(o.node.get("status").is_none() && o.node.path("metadata.uid").is_none());
        assert!(o.node.path("metadata.annotations").is_none(), "emptied annotations are dropped");
        let image = o.node.path("spec.template.spec.containers.0.image").unwrap();
        assert_eq!(live.path_of(&o.file, image.line().unwrap()), Some("spec.template.spec.containers[0].image"));
        let port = o.node.path("spec.template.metadata.annotations").unwrap().entry("prometheus.io/port").unwrap();
        assert_eq!(
            live.path_of(&o.file, port.key_pos.unwrap().line),
            Some("spec.template.metadata.annotations[\"prometheus.io/port\"]")
        );
        assert_eq!(live.path_of(&o.file, 1), Some(""));
    }
}

//! Label selectors: the `matchLabels`/`matchExpressions` kind (NetworkPolicy, Deployment) and
//! the plain label map of a Service's `spec.selector`.

use crate::yaml::Node;
use std::collections::BTreeMap;

/// Labels a selector can be matched against, whatever map or list holds them.
pub trait LabelSet {
    /// The value of label `key`, when present.
    fn label(&self, key: &str) -> Option<&str>;
}

impl LabelSet for BTreeMap<String, String> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl LabelSet for [(String, String)] {
    fn label(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

impl LabelSet for [(&str, &str)] {
    fn label(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

/// True when a label selector (`matchLabels` and `matchExpressions`, ANDed) selects `labels`.
///
/// A missing, null or empty selector selects everything; a selector that is not a map (a
/// malformed manifest) selects nothing. An unknown operator selects nothing, as the API
/// server would reject it.
pub fn selects<L: LabelSet + ?Sized>(selector: Option<&Node>, labels: &L) -> bool {
    let Some(sel) = selector.filter(|s| !s.is_null()) else { return true };
    if !sel.is_map() {
        return false;
    }
    let labels_ok = sel
        .get("matchLabels")
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .all(|e| e.value.as_str().is_some_and(|v| labels.label(&e.key) == Some(v)));
    labels_ok
        && sel.get("matchExpressions").map(Node::items).unwrap_or_default().iter().all(|x| {
            let have = labels.label(x.get("key").and_then(Node::as_str).unwrap_or(""));
            let values: Vec<&str> =
                x.get("values").map(Node::items).unwrap_or_default().iter().filter_map(Node::as_str).collect();
            match x.get("operator").and_then(Node::as_str).unwrap_or("") {
                "In" => have.is_some_and(|v| values.contains(&v)),
                "NotIn" => have.is_none_or(|v| !values.contains(&v)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                _ => false,
            }
        })
}

/// True when a Service's `spec.selector` (a plain label map) selects pods with `labels`.
///
/// As in Kubernetes, a Service without a selector, or with an empty one, selects no pods.
/// Entries whose value is null are left out (applying the manifest drops them); an entry whose
/// value is a list or map matches nothing.
pub fn service_selects<L: LabelSet + ?Sized>(selector: Option<&Node>, labels: &L) -> bool {
    let entries: Vec<_> =
        selector.map(Node::entries).unwrap_or_default().iter().filter(|e| !e.value.is_null()).collect();
    !entries.is_empty() && entries.iter().all(|e| e.value.as_str().is_some_and(|v| labels.label(&e.key) == Some(v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_one;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn node(text: &str) -> Node {
        parse_one(text).unwrap().unwrap()
    }

    #[test]
    fn selectors_read_match_labels_and_expressions() {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        let sel = node(
            "matchLabels: {app: web}\nmatchExpressions:\n  - {key: tier, operator: In, values: [front, back]}\n  - {key: x, operator: DoesNotExist}\n",
        );
        assert!(selects(Some(&sel), &l));
        assert!(!selects(Some(&node("matchExpressions: [{key: tier, operator: NotIn, values: [front]}]")), &l));
        assert!(selects(Some(&node("matchExpressions: [{key: gone, operator: NotIn, values: [front]}]")), &l));
        assert!(selects(Some(&node("matchExpressions: [{key: app, operator: Exists}]")), &l));
        assert!(!selects(Some(&node("matchExpressions: [{key: app, operator: Gt, values: ['1']}]")), &l));
        assert!(!selects(Some(&node("matchLabels: {app: db}")), &l));
        assert!(selects(Some(&node("{}")), &l) && selects(None, &l) && selects(Some(&node("~")), &l));
        assert!(!selects(Some(&node("[app]")), &l), "a malformed selector selects nothing");
    }

    #[test]
    fn every_label_holder_answers_alike() {
        let sel = node("matchLabels: {app: web}");
        let owned = vec![("app".to_string(), "web".to_string())];
        let borrowed = vec![("app", "web")];
        assert!(selects(Some(&sel), owned.as_slice()) && selects(Some(&sel), borrowed.as_slice()));
        assert!(!selects(Some(&sel), [("app", "db")].as_slice()));
    }

    #[test]
    fn service_selectors_are_plain_maps() {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        assert!(service_selects(Some(&node("{app: web}")), &l));
        assert!(!service_selects(Some(&node("{app: web, tier: back}")), &l));
        assert!(service_selects(Some(&node("{app: web, gone: ~}")), &l));
        assert!(!service_selects(Some(&node("{app: [web]}")), &l));
        assert!(!service_selects(Some(&node("{}")), &l) && !service_selects(Some(&node("{app: ~}")), &l));
        assert!(!service_selects(None, &l));
    }
}

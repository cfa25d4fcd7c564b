//! G7: someone is told when the app breaks. In the app's namespace there is a PrometheusRule
//! whose alerts cover the app being down, restarting, failing (5xx), slow, and each business
//! counter stalling; and a ConfigMap carrying the platform's dashboard label with a Grafana
//! dashboard of at least four rows.

use super::*;
use crate::review::model::namespace_of;
use crate::yaml::Node;

/// Where the generated alerts and dashboard live (the file a finding about them names).
const MONITORING_FILE: &str = "k8s/14-monitoring.yaml";
/// Rows the generated dashboard has: is it up, infrastructure, the app, the business.
const DASHBOARD_ROWS: usize = 4;

/// What an alert expression must read for each thing the app's alerts must cover.
const COVERED: &[(&str, &[&str])] = &[
    ("down", &["up{", "up ", "absent("]),
    ("restarting", &["kube_pod_container_status_restarts_total", "CrashLoopBackOff"]),
    ("errors", &["5.."]),
    ("slow", &["http_request_duration_seconds"]),
];

pub fn g7(r: &Review, out: &mut Vec<Finding>) {
    let Some(namespace) =
        r.model.workloads.iter().find(|w| w.is_app() && w.long_running()).map(|w| namespace_of(w.obj, r.ctx))
    else {
        return;
    };
    let here = |o: &&crate::repo::Object| namespace_of(o, r.ctx) == namespace;
    let exprs: Vec<&str> = r
        .repo
        .objects
        .iter()
        .filter(|o| o.kind == "PrometheusRule")
        .filter(here)
        .flat_map(|o| o.node.path("spec.groups").map(Node::items).unwrap_or_default())
        .flat_map(|g| g.get("rules").map(Node::items).unwrap_or_default())
        .filter(|rule| rule.get("alert").is_some())
        .filter_map(|rule| rule.get("expr").and_then(Node::as_str))
        .collect();
    let mut missing: Vec<String> = COVERED
        .iter()
        .filter(|(_, needles)| !exprs.iter().any(|e| needles.iter().any(|n| e.contains(n))))
        .map(|(what, _)| what.to_string())
        .collect();
    for m in r.ctx.answers.iter().flat_map(|a| &a.metrics).filter(|m| m.kind == "counter") {
        if !exprs.iter().any(|e| e.contains(&m.name) && e.contains("increase(")) {
            missing.push(format!("{} stalled", m.name));
        }
    }
    let where_ns = namespace.as_deref().map(|n| format!(" in namespace {n}")).unwrap_or_default();
    if !missing.is_empty() {
        let message = if exprs.is_empty() {
            format!(
                "No PrometheusRule alerts anyone about the app{where_ns}: nobody is told when it is down, \
                 failing, slow or stops doing its job."
            )
        } else {
            format!("The app's alerts{where_ns} miss: {}. Nobody is told when that happens.", missing.join(", "))
        };
        out.push(Finding::new(CheckId::G7, MONITORING_FILE, None).message(message));
    }
    let label = &r.ctx.platform.monitoring_dashboard_label;
    let rows = r
        .repo
        .objects
        .iter()
        .filter(|o| o.kind == "ConfigMap")
        .filter(here)
        .filter(|o| {
            label
                .iter()
                .all(|(k, v)| o.node.path("metadata.labels").and_then(|l| l.get(k)).and_then(Node::as_str) == Some(v))
        })
        .flat_map(|o| o.node.get("data").map(Node::entries).unwrap_or_default())
        .filter_map(|e| e.value.as_str().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()))
        .map(|d| d["panels"].as_array().map_or(0, |p| p.iter().filter(|p| p["type"] == "row").count()))
        .max();
    if rows.is_none_or(|n| n < DASHBOARD_ROWS) {
        let labels: Vec<String> = label.iter().map(|(k, v)| format!("{k}: \"{v}\"")).collect();
        let message = match rows {
            None => format!(
                "No ConfigMap labelled {}{where_ns} holds a Grafana dashboard: nobody sees at a glance whether \
                 the app is up and doing its job.",
                labels.join(", ")
            ),
            Some(n) => format!(
                "The app's dashboard{where_ns} has {n} of the {DASHBOARD_ROWS} rows (is it up, infrastructure, the \
                 app, the business)."
            ),
        };
        out.push(Finding::new(CheckId::G7, MONITORING_FILE, None).message(message));
    }
}

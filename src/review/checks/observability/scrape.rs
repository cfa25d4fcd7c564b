//! G1: scrape annotations

use super::*;
use crate::edit::Files;
use crate::edit::yaml_edit::{self as edit, Y};
use crate::review::fixers::{Fixed, Fx, edit_at, pod_paths, workload_of};

/// G1: the pod template has prometheus.io/scrape, /port and /path annotations.
pub fn g1(r: &Review, out: &mut Vec<Finding>) {
    let port = contract::PORT_HTTP.to_string();
    let wanted: [(&str, &str); 3] =
        [("prometheus.io/scrape", "true"), ("prometheus.io/port", &port), ("prometheus.io/path", METRICS_PATH)];
    for w in workload::workloads(r.repo) {
        if !w.is_app() || !w.long_running() {
            continue;
        }
        let mut missing = Vec::new();
        let mut wrong = Vec::new();
        for (key, value) in wanted {
            match w.annotation(key).map(str::trim) {
                None => missing.push(format!("`{key}`")),
                Some(v) if v != value => wrong.push(format!("sets `{key}` to \"{v}\" instead of \"{value}\"")),
                Some(_) => {}
            }
        }
        if missing.is_empty() && wrong.is_empty() {
            continue;
        }
        let mut problems = Vec::new();
        if !missing.is_empty() {
            problems.push(format!(
                "lacks the annotation{} {}",
                crate::words::plural(missing.len()),
                missing.join(", ")
            ));
        }
        problems.extend(wrong);
        out.push(
            Finding::new(CheckId::G1, w.obj.file.clone(), w.line())
                .object(w.obj.id())
                .message(format!(
                    "The app's pod template {}: Prometheus will not collect its metrics",
                    problems.join("; ")
                ))
                .fix(format!(
                    "Under `spec.template.metadata.annotations` of {} write `prometheus.io/scrape: \"true\"`, \
                     `prometheus.io/port: \"{port}\"` and `prometheus.io/path: \"{METRICS_PATH}\"`.",
                    w.obj.id()
                )),
        );
    }
}

/// G1: the pod template tells Prometheus where to scrape.
pub(super) fn g1_fix(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let w = workload_of(fx, f)?;
    let annotations = Y::map([
        ("prometheus.io/scrape", Y::quoted("true")),
        ("prometheus.io/port", Y::quoted(&contract::PORT_HTTP.to_string())),
        ("prometheus.io/path", Y::quoted(METRICS_PATH)),
    ]);
    let (_, template) = pod_paths(&w.obj.kind);
    let want = Y::map([("metadata", Y::map([("annotations", annotations)]))]);
    edit_at(files, w.obj, template, |t, d, p| edit::merge(t, d, p, &want, true))
}

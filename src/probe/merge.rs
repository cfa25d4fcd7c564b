//! `vibe review --probe`: live evidence merged into the review of the repo.
//!
//! For the checks whose static judgement is an inference from source code (is a Prometheus
//! client and a /metrics handler there, is a JSON logger configured), what the running app
//! really did replaces it. For B3/B4 the static part is the manifest's probes, a different fact
//! from the app answering them, and a static G6 finding points at a log call in the code that a
//! handful of probe requests may never reach: those static findings stay and the live ones are
//! added next to them.

use crate::review::{Finding, Report};

/// Checks whose static findings live evidence replaces.
pub const REPLACED_BY_LIVE: &[&str] = &["G2", "G3", "G5"];
/// Checks whose live findings are added to the static ones.
pub const ADDED_BY_LIVE: &[&str] = &["B3", "B4", "G6"];

/// Merges a probe's findings into `report`: for each check the probe has evidence for, static
/// findings of [`REPLACED_BY_LIVE`] checks are dropped, the live findings added, and the check is
/// no longer listed as judged from source only. Returns the checks merged.
pub fn merge(report: &mut Report, evidence: &[&'static str], live: Vec<Finding>) -> Vec<&'static str> {
    let merged: Vec<&'static str> =
        evidence.iter().copied().filter(|id| REPLACED_BY_LIVE.contains(id) || ADDED_BY_LIVE.contains(id)).collect();
    report.findings.retain(|f| !(merged.contains(&f.id) && REPLACED_BY_LIVE.contains(&f.id)));
    report.findings.extend(live.into_iter().filter(|f| merged.contains(&f.id)));
    report.findings.sort_by_key(Finding::sort_key);
    report.static_only.retain(|id| !merged.contains(id));
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            findings: vec![
                Finding::new("G3", "app.py", Some(3)).message("print() instead of a JSON logger"),
                Finding::new("G6", "app.py", Some(9)).message("logs the e-mail"),
                Finding::new("B3", "k8s/08-app.yaml", Some(40)).message("no livenessProbe"),
            ],
            static_only: vec!["G2", "G3", "G5", "G6"],
            ..Report::default()
        }
    }

    #[test]
    fn live_evidence_replaces_inference_and_keeps_manifest_and_code_findings() {
        let mut r = report();
        let live = vec![Finding::new("G6", "stdout", Some(2)).message("a Bearer token").live()];
        let merged = merge(&mut r, &["B4", "B3", "G2", "G3", "G5", "G6"], live);
        assert_eq!(merged, ["B4", "B3", "G2", "G3", "G5", "G6"]);
        let got: Vec<_> = r.findings.iter().map(|f| (f.id, f.file.as_str())).collect();
        assert!(!got.contains(&("G3", "app.py")), "{got:?}");
        assert!(got.contains(&("G6", "app.py")) && got.contains(&("G6", "stdout")), "{got:?}");
        assert!(got.contains(&("B3", "k8s/08-app.yaml")), "{got:?}");
        assert!(r.static_only.is_empty());
    }

    #[test]
    fn without_evidence_the_static_judgement_stands() {
        let mut r = report();
        // The app never became ready: only B4 has live evidence.
        let live = vec![Finding::new("B4", "http://127.0.0.1:8082/readiness", None).live()];
        merge(&mut r, &["B4"], live);
        assert_eq!(r.findings.len(), 4);
        assert_eq!(r.static_only, ["G2", "G3", "G5", "G6"]);
    }
}

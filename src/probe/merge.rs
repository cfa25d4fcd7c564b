//! `vibe review --probe`: live evidence merged into the review of the repo.
//!
//! For the checks whose static judgement is an inference from source code (is a Prometheus
//! client and a /metrics handler there, is a JSON logger configured), what the running app
//! really did replaces it. For B3/B4 the static part is the manifest's probes, a different fact
//! from the app answering them, and a static G6 finding points at a log call in the code that a
//! handful of probe requests may never reach: those static findings stay and the live ones are
//! added next to them.

use crate::contract::CheckId;
use crate::review::registry::{self, Judged};
use crate::review::{Finding, Report};

/// Merges a probe's findings into `report`: for each check the probe has evidence for, static
/// findings of checks judged [`Judged::LiveReplaces`] are dropped, the live findings added, and
/// the check is no longer listed as judged from source only. Returns the checks merged.
pub fn merge(report: &mut Report, evidence: &[CheckId], live: Vec<Finding>) -> Vec<CheckId> {
    let merged: Vec<CheckId> =
        evidence.iter().copied().filter(|&id| registry::check(id).judged != Judged::Static).collect();
    report.findings.retain(|f| !(merged.contains(&f.id) && registry::check(f.id).judged == Judged::LiveReplaces));
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
                Finding::new(CheckId::G3, "app.py", Some(3)).message("print() instead of a JSON logger"),
                Finding::new(CheckId::G6, "app.py", Some(9)).message("logs the e-mail"),
                Finding::new(CheckId::B3, "k8s/08-app.yaml", Some(40)).message("no livenessProbe"),
            ],
            static_only: vec![CheckId::G2, CheckId::G3, CheckId::G5, CheckId::G6],
            ..Report::default()
        }
    }

    #[test]
    fn live_evidence_replaces_inference_and_keeps_manifest_and_code_findings() {
        let mut r = report();
        let live = vec![Finding::new(CheckId::G6, "stdout", Some(2)).message("a Bearer token").live()];
        let merged =
            merge(&mut r, &[CheckId::B4, CheckId::B3, CheckId::G2, CheckId::G3, CheckId::G5, CheckId::G6], live);
        assert_eq!(merged, [CheckId::B4, CheckId::B3, CheckId::G2, CheckId::G3, CheckId::G5, CheckId::G6]);
        let got: Vec<_> = r.findings.iter().map(|f| (f.id, f.file.as_str())).collect();
        assert!(!got.contains(&(CheckId::G3, "app.py")), "{got:?}");
        assert!(got.contains(&(CheckId::G6, "app.py")) && got.contains(&(CheckId::G6, "stdout")), "{got:?}");
        assert!(got.contains(&(CheckId::B3, "k8s/08-app.yaml")), "{got:?}");
        assert!(r.static_only.is_empty());
    }

    #[test]
    fn without_evidence_the_static_judgement_stands() {
        let mut r = report();
        // The app never became ready: only B4 has live evidence.
        let live = vec![Finding::new(CheckId::B4, "http://127.0.0.1:8082/readiness", None).live()];
        merge(&mut r, &[CheckId::B4], live);
        assert_eq!(r.findings.len(), 4);
        assert_eq!(r.static_only, [CheckId::G2, CheckId::G3, CheckId::G5, CheckId::G6]);
    }
}

//! `--format json`: the shape other tools and tests read.

use crate::review::Report;
use serde_json::json;

/// Renders the report as pretty JSON.
pub fn render(report: &Report) -> String {
    let findings: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            let mut v = json!({
                "id": f.id, "severity": f.severity, "area": f.area.name(), "file": f.file, "line": f.line,
                "object": f.object, "message": f.message, "fix": f.fix,
            });
            if f.evidence == crate::review::Evidence::Live {
                v["evidence"] = json!("live");
            }
            v
        })
        .collect();
    let suppressed: Vec<_> = report
        .suppressed
        .iter()
        .map(|f| json!({"id": f.id, "file": f.file, "line": f.line, "object": f.object, "message": f.message, "reason": f.suppressed}))
        .collect();
    let out = json!({
        "gate": if report.blocked() { "blocked" } else { "pass" },
        "summary": {"critical": report.critical(), "warning": report.warnings(), "suppressed": report.suppressed.len()},
        "findings": findings,
        "suppressed": suppressed,
        "static_only": report.static_only,
        "diagnostics": report.diagnostics,
    });
    serde_json::to_string_pretty(&out).expect("report serialises") + "\n"
}

//! `--format json`: the shape other tools and tests read.
//!
//! Keys come in the documented order (gate, summary, findings, ...). The report is serialised
//! from borrowed structs rather than a `serde_json::Value` tree: on a large review the tree
//! cost more than the checks.

use crate::contract::CheckId;
use crate::contract::catalogue::Severity;
use crate::repo::Diagnostic;
use crate::review::{Evidence, Finding, Report};
use serde::Serialize;

#[derive(Serialize)]
struct Json<'a> {
    gate: &'static str,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    suppressed: Vec<JsonSuppressed<'a>>,
    static_only: &'a [CheckId],
    diagnostics: &'a [Diagnostic],
}

#[derive(Serialize)]
struct Summary {
    critical: usize,
    warning: usize,
    suppressed: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    id: CheckId,
    severity: Severity,
    area: &'static str,
    file: &'a str,
    line: Option<u32>,
    object: Option<&'a str>,
    message: &'a str,
    fix: &'a str,
    /// Only for findings observed on the running app.
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    id: CheckId,
    file: &'a str,
    line: Option<u32>,
    object: Option<&'a str>,
    message: &'a str,
    reason: Option<&'a str>,
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            id: f.id,
            severity: f.severity,
            area: f.area.name(),
            file: &f.file,
            line: f.line,
            object: f.object.as_deref(),
            message: &f.message,
            fix: &f.fix,
            evidence: (f.evidence == Evidence::Live).then_some("live"),
        }
    }
}

/// Renders the report as pretty JSON.
pub fn render(report: &Report) -> String {
    let out = Json {
        gate: if report.blocked() { "blocked" } else { "pass" },
        summary: Summary {
            critical: report.critical(),
            warning: report.warnings(),
            suppressed: report.suppressed.len(),
        },
        findings: report.findings.iter().map(JsonFinding::from).collect(),
        suppressed: report
            .suppressed
            .iter()
            .map(|f| JsonSuppressed {
                id: f.id,
                file: &f.file,
                line: f.line,
                object: f.object.as_deref(),
                message: &f.message,
                reason: f.suppressed.as_deref(),
            })
            .collect(),
        static_only: &report.static_only,
        diagnostics: &report.diagnostics,
    };
    serde_json::to_string_pretty(&out).expect("report serialises") + "\n"
}

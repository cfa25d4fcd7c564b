//! `--format sarif`: SARIF 2.1.0, one rule per check with its fix as help.

use crate::contract::catalogue::{CATALOGUE, Severity};
use crate::review::Report;
use serde_json::{Value, json};

/// GitHub code scanning ranks security results by this score (0-10).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.0",
        Severity::Warning => "5.0",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "error",
        Severity::Warning => "warning",
    }
}

/// Renders the report as a SARIF log with one run.
pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = CATALOGUE
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": format!("{}{}", c.area.name(), c.id),
                "shortDescription": {"text": c.title},
                "fullDescription": {"text": c.rationale},
                "help": {"text": c.fix, "markdown": format!("**Why:** {}\n\n**Fix:** {}", c.rationale, c.fix)},
                "defaultConfiguration": {"level": level(c.severity)},
                "properties": {"security-severity": security_severity(c.severity), "tags": ["security", c.area.name()]},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = CATALOGUE.iter().position(|c| c.id == f.id).unwrap_or(0);
            let mut physical = json!({"artifactLocation": {"uri": f.file, "uriBaseId": "SRCROOT"}});
            if let Some(line) = f.line {
                physical["region"] = json!({"startLine": line});
            }
            let object = f.object.as_deref().map(|o| format!("{o}: ")).unwrap_or_default();
            let mut result = json!({
                "ruleId": f.id,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": format!("{object}{} Fix: {}", f.message, f.fix)},
                "locations": [{"physicalLocation": physical}],
            });
            if let Some(o) = &f.object {
                result["locations"][0]["logicalLocations"] = json!([{"name": o, "kind": "resource"}]);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut physical = json!({"artifactLocation": {"uri": d.file, "uriBaseId": "SRCROOT"}});
            if let Some(line) = d.line {
                physical["region"] = json!({"startLine": line});
            }
            let level = if d.blocking { "error" } else { "note" };
            json!({"level": level, "message": {"text": d.message}, "locations": [{"physicalLocation": physical}]})
        })
        .collect();
    let log = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "vibe",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{"executionSuccessful": true, "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).expect("sarif serialises") + "\n"
}

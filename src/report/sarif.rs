//! `--format sarif`: SARIF 2.1.0, one rule per check with its fix as help.
//!
//! Like the JSON report, the log is serialised from borrowed structs, never through a
//! `serde_json::Value` tree: on a review with hundreds of thousands of findings the tree took
//! several times the memory of the text it becomes.

use crate::contract::CheckId;
use crate::contract::catalogue::{CATALOGUE, CheckInfo, Severity};
use crate::repo::Diagnostic;
use crate::review::{Finding, Report};
use serde::Serialize;
use std::fmt;

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

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

// Fields are in alphabetical order, the order the log had when it was built as a `Value`, so the
// output stays byte for byte what code-scanning uploads saw before.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
struct Run<'a> {
    invocations: [Invocation<'a>; 1],
    results: Results<'a>,
    tool: Tool,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    rules: Vec<Rule>,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    default_configuration: Level,
    full_description: Text<&'static str>,
    help: Help,
    id: CheckId,
    name: String,
    properties: RuleProperties,
    short_description: Text<&'static str>,
}

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: &'static str,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: [&'static str; 2],
}

impl From<&CheckInfo> for Rule {
    fn from(c: &CheckInfo) -> Self {
        Rule {
            id: c.id,
            name: format!("{}{}", c.area.name(), c.id),
            short_description: Text { text: c.title },
            full_description: Text { text: c.rationale },
            help: Help { text: c.fix, markdown: format!("**Why:** {}\n\n**Fix:** {}", c.rationale, c.fix) },
            default_configuration: Level { level: level(c.severity) },
            properties: RuleProperties {
                security_severity: security_severity(c.severity),
                tags: ["security", c.area.name()],
            },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Notifications<'a>,
}

/// The diagnostics, serialised one by one as the writer reaches them.
struct Notifications<'a>(&'a [Diagnostic]);

impl Serialize for Notifications<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|d| Notification {
            // A file the gate could not read where objects come from blocks, like a CRITICAL finding.
            level: if d.blocking { "error" } else { "note" },
            message: Text { text: d.message.as_str() },
            locations: [Location { physical_location: Physical::new(&d.file, d.line), logical_locations: None }],
        }))
    }
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Text<&'a str>,
}

/// The findings, serialised one by one as the writer reaches them.
struct Results<'a>(&'a [Finding]);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(SarifResult::from))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Text<Message<'a>>,
    rule_id: CheckId,
    rule_index: usize,
}

impl<'a> From<&'a Finding> for SarifResult<'a> {
    fn from(f: &'a Finding) -> Self {
        let object = f.object.as_deref();
        SarifResult {
            rule_id: f.id,
            rule_index: CATALOGUE.iter().position(|c| c.id == f.id).unwrap_or(0),
            level: level(f.severity),
            message: Text { text: Message(f) },
            locations: [Location {
                physical_location: Physical::new(&f.file, f.line),
                logical_locations: object.map(|name| [Logical { name, kind: "resource" }]),
            }],
        }
    }
}

/// `object: message Fix: fix`, written straight into the output instead of a string per finding.
struct Message<'a>(&'a Finding);

impl fmt::Display for Message<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(o) = &self.0.object {
            write!(out, "{o}: ")?;
        }
        write!(out, "{} Fix: {}", self.0.message, self.0.fix)
    }
}

impl Serialize for Message<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    logical_locations: Option<[Logical<'a>; 1]>,
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    artifact_location: Artifact<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

impl<'a> Physical<'a> {
    fn new(file: &'a str, line: Option<u32>) -> Self {
        Physical {
            artifact_location: Artifact { uri: file, uri_base_id: "SRCROOT" },
            region: line.map(|start_line| Region { start_line }),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact<'a> {
    uri: &'a str,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

// Fields are in alphabetical order, the order the log had when it was built as a `Value`, so the
// output stays byte for byte what code-scanning uploads saw before.
#[derive(Serialize)]
struct Logical<'a> {
    kind: &'static str,
    name: &'a str,
}

/// Renders the report as a SARIF log with one run.
pub fn render(report: &Report) -> String {
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "vibe",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: CATALOGUE.iter().map(Rule::from).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: true,
                tool_execution_notifications: Notifications(&report.diagnostics),
            }],
            results: Results(&report.findings),
        }],
    };
    serde_json::to_string_pretty(&log).expect("sarif serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::Finding;

    /// The implementation before streaming: a `serde_json::Value` tree (kept as the reference).
    mod tree {
        use super::super::{level, security_severity};
        use crate::contract::catalogue::CATALOGUE;
        use crate::review::Report;
        use serde_json::{Value, json};

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
                json!({"level": if d.blocking { "error" } else { "note" }, "message": {"text": d.message}, "locations": [{"physicalLocation": physical}]})
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
    }

    fn report() -> Report {
        let findings = vec![
            Finding::new(CheckId::A3, "k8s/app.yaml", Some(12))
                .object("Deployment/shop")
                .message("runs as root \"quoted\" \u{1b}[2J")
                .fix("Set runAsNonRoot."),
            Finding::new(CheckId::S1, "app.py", None).message("a secret").fix("Move it."),
        ];
        let diagnostics = vec![
            crate::repo::Diagnostic {
                file: "chart/templates/x.yaml".into(),
                line: Some(3),
                message: "not YAML".into(),
                template: true,
                blocking: false,
            },
            crate::repo::Diagnostic {
                file: "k8s/app.yaml".into(),
                line: Some(1),
                message: "invalid YAML".into(),
                template: false,
                blocking: true,
            },
        ];
        Report { findings, diagnostics, ..Report::default() }
    }

    #[test]
    fn streamed_log_is_the_tree_log() {
        let report = report();
        let streamed = render(&report);
        let tree = tree::render(&report);
        let parsed = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
        assert_eq!(parsed(&streamed), parsed(&tree));
        assert_eq!(streamed, tree, "same bytes, key order included");
        assert_eq!(render(&Report::default()), tree::render(&Report::default()));
    }
}

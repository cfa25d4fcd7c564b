//! `--format github`: workflow commands that GitHub shows as annotations on the diff.

use crate::contract::catalogue::Severity;
use crate::review::Report;

/// Escapes a workflow command's message (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error`/`::warning` line per finding, then a notice with the gate.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let level = if f.severity == Severity::Critical { "error" } else { "warning" };
        let mut props = vec![format!("file={}", property(&f.file))];
        if let Some(line) = f.line {
            props.push(format!("line={line}"));
        }
        props.push(format!("title={}", property(&format!("vibe {} ({})", f.id, f.severity.label()))));
        let object = f.object.as_deref().map(|o| format!("{o}: ")).unwrap_or_default();
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            data(&format!("{object}{}\nFix: {}", f.message, f.fix))
        ));
    }
    for d in &report.diagnostics {
        let line = d.line.map(|l| format!(",line={l}")).unwrap_or_default();
        let level = if d.blocking { "error" } else { "notice" };
        out.push_str(&format!("::{level} file={}{line}::{}\n", property(&d.file), data(&d.message)));
    }
    out.push_str(&format!("::notice title=vibe review::{}\n", data(&super::gate_line(report))));
    out
}

//! `--format text`: plain words, grouped by severity then area.

use crate::contract::catalogue::{Area, Severity};
use crate::repo::Diagnostic;
use crate::review::{Evidence, Finding, Report, Subject};

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
    fn severity(&self, s: Severity, text: &str) -> String {
        self.paint(if s == Severity::Critical { "1;31" } else { "1;33" }, text)
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// Renders the report for a person reading a terminal.
pub fn render(report: &Report, color: bool) -> String {
    let st = Style { on: color };
    let mut out = String::new();
    header(&mut out, report, &st);
    findings(&mut out, report, &st);
    suppressed(&mut out, report, &st);
    if !report.static_only.is_empty() {
        out.push_str(&format!(
            "\nJudged from the source code only (no running app): {}. `vibe probe` checks them on the running app.\n",
            report.static_only.iter().map(|id| id.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    let (templates, unreadable): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        report.diagnostics.iter().partition(|d| d.template);
    let (blocking, other): (Vec<&Diagnostic>, Vec<&Diagnostic>) = unreadable.iter().partition(|d| d.blocking);
    for (list, heading) in [
        (&blocking, "could not be read (BLOCKING)"),
        (&other, "could not be read (not where objects come from: not blocking)"),
        (&templates, "skipped as templates (not YAML)"),
    ] {
        if list.is_empty() {
            continue;
        }
        let n = list.len();
        out.push_str(&format!("\n{n} file{} {heading}:\n", crate::words::plural(n)));
        diagnostic_lines(&mut out, list);
    }
    if report.rendered_templates > 0 {
        let n = report.rendered_templates;
        out.push_str(&format!(
            "\n{n} chart template{} reviewed as rendered (the chart ArgoCD deploys).\n",
            crate::words::plural(n)
        ));
    }
    closing(&mut out, report, !blocking.is_empty(), !unreadable.is_empty());
    out
}

/// The gate line, what the report is about, and why it blocks.
fn header(out: &mut String, report: &Report, st: &Style) {
    let gate = super::gate_line(report);
    let gate = if report.blocked() { st.paint("1;31", &gate) } else { st.paint("1;32", &gate) };
    let about = match (&report.app, &report.namespace) {
        (Some(a), Some(ns)) => format!(": {a} (namespace {ns})"),
        (None, Some(ns)) => format!(": namespace {ns}"),
        _ => String::new(),
    };
    out.push_str(&format!("{gate}{about}\n"));
    if report.critical() > 0 {
        out.push_str(
            "CRITICAL findings block deployment; there is no override. Each one says exactly what to change.\n",
        );
    }
    if report.blocking_diagnostics() > 0 {
        out.push_str(
            "Files the gate could not read where objects come from block deployment too: they are listed below.\n",
        );
    }
}

/// The findings, by severity then area.
fn findings(out: &mut String, report: &Report, st: &Style) {
    for severity in [Severity::Critical, Severity::Warning] {
        let of_severity: Vec<_> = report.findings.iter().filter(|f| f.severity == severity).collect();
        if of_severity.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n{}\n",
            st.severity(severity, &format!("{} ({})", severity.label(), of_severity.len()))
        ));
        for area in Area::ALL {
            let in_area: Vec<_> = of_severity.iter().filter(|f| f.area == area).collect();
            if in_area.is_empty() {
                continue;
            }
            out.push_str(&format!("  {}\n", st.bold(area.name())));
            for f in in_area {
                finding(out, f, st);
            }
        }
    }
}

/// One finding: id, place and object, then its message and fix.
fn finding(out: &mut String, f: &Finding, st: &Style) {
    let place = match f.line {
        Some(l) => format!("{}:{l}", f.file),
        // A live finding names the endpoint or stream it saw, which has no line.
        None if f.evidence == Evidence::Live => f.file.clone(),
        None => format!("{} (missing)", f.file),
    };
    let object = f.object.as_deref().map(|o| format!("  {o}")).unwrap_or_default();
    let live = if f.evidence == Evidence::Live { "  [live]" } else { "" };
    out.push_str(&format!("    {} {place}{}{live}\n", st.severity(f.severity, f.id.as_str()), st.dim(&object)));
    out.push_str(&format!("       {}\n", f.message));
    out.push_str(&format!("       Fix: {}\n", f.fix));
}

/// The findings vibe.yaml suppresses, with their reasons.
fn suppressed(out: &mut String, report: &Report, st: &Style) {
    if report.suppressed.is_empty() {
        return;
    }
    out.push_str(&format!("\n{}\n", st.bold(&format!("Suppressed in vibe.yaml ({})", report.suppressed.len()))));
    for f in &report.suppressed {
        let line = f.line.map(|l| format!(":{l}")).unwrap_or_default();
        out.push_str(&format!(
            "    {} {}{line}: {} (reason: {})\n",
            f.id,
            f.file,
            f.message,
            f.suppressed.as_deref().unwrap_or("")
        ));
    }
}

/// The last line when nothing was found: a pass, as far as the files that could be read go.
fn closing(out: &mut String, report: &Report, blocking: bool, unreadable: bool) {
    if report.findings.is_empty() && blocking {
        out.push_str(
            "\nNo finding in the files that could be read, but the gate does not pass what it could not read.\n",
        );
    } else if report.findings.is_empty() {
        // Skipped templates do not make a pass less of a pass; unreadable files do limit what it covers.
        let passed = match unreadable {
            false => "Every check passed",
            true => "Every check passed on the files that could be read",
        };
        let advice = report.subject.advice();
        // An instruction follows as a sentence of its own; a description completes "passed".
        let line = match report.subject {
            Subject::Repo => format!("{passed}. {advice}"),
            _ => format!("{passed}: {}{}", advice[..1].to_lowercase(), &advice[1..]),
        };
        out.push_str(&format!("\n{line}\n"));
    }
}

/// One line per file, or one per folder for many files of a folder skipped for the same reason
/// (a Helm chart's templates).
fn diagnostic_lines(out: &mut String, list: &[&Diagnostic]) {
    let mut groups: Vec<(&str, &str, Vec<&Diagnostic>)> = Vec::new();
    for d in list {
        let dir = d.file.rsplit_once('/').map_or("", |(dir, _)| dir);
        match groups.iter_mut().find(|(gd, msg, _)| *gd == dir && *msg == d.message) {
            Some(g) => g.2.push(d),
            None => groups.push((dir, d.message.as_str(), vec![d])),
        }
    }
    for (dir, message, items) in groups {
        if items.len() > 3 {
            out.push_str(&format!("    {dir}/ ({} files): {message}\n", items.len()));
        } else {
            for d in items {
                let line = d.line.map(|l| format!(":{l}")).unwrap_or_default();
                out.push_str(&format!("    {}{line}: {}\n", d.file, d.message));
            }
        }
    }
}

//! Reports of a review: plain text for people, JSON for tools, SARIF for code scanning,
//! and GitHub workflow annotations.

pub mod escape;
mod github;
mod json;
mod sarif;
mod text;

use crate::review::Report;

/// Report formats of the review.
// Parsed by the command line (`--format`); the doc comments are its help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Plain words, grouped by severity then area.
    #[default]
    Text,
    /// Machine-readable JSON.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

/// Whether a report printed to standard output gets colour: text format, stdout a terminal, and
/// `NO_COLOR` unset or empty.
pub fn color_on_stdout(format: Format) -> bool {
    use std::io::IsTerminal;
    format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Renders a report in the chosen format. `color` applies to text only.
///
/// The formats people read get the report with control characters escaped ([`escape::report`]):
/// this is the one place repo text meets them, so no renderer can forget it.
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Text => text::render(&escape::report(report), color),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(&escape::report(report)),
    }
}

/// The first line of every text report: the gate and the counts.
pub fn gate_line(report: &Report) -> String {
    let (c, w) = (report.critical(), report.warnings());
    let plural = |n: usize, word: &str| format!("{n} {word}{}", crate::words::plural(n));
    if report.blocked() {
        let unread = match report.blocking_diagnostics() {
            0 => String::new(),
            n => format!(", {} unreadable", plural(n, "file")),
        };
        format!("BLOCKED ({} critical, {}{unread})", c, plural(w, "warning"))
    } else if w > 0 {
        format!("PASS ({})", plural(w, "warning"))
    } else {
        "PASS".to_string()
    }
}

//! Unified diffs for people to read: `vibe review --fix --dry-run`, `vibe generate --dry-run`
//! and the dashboard's fix preview all print through [`unified`].
//!
//! A diff shows file content, and file content holds what a review never prints in full:
//! credential values. Every value the review would call a credential (a credential-named key
//! or env var with a real value, a known key format, a URL's password), in the old or the new
//! text, is masked on every line of the diff, context lines included, the way findings mask
//! it; control characters are escaped like every other repo text that reaches a terminal.

use crate::credentials::{credential_name, embedded_secret, holds_value, mask};
use crate::yaml::{self, Node, Value};
use regex::Regex;
use std::sync::LazyLock;

/// Shorter values are not looked for in the diff: masking them would garble unrelated text.
const MIN_MASKED_LEN: usize = 4;

/// The unified diff (3 lines of context) from `before` to `after`, headed `--- old`/`+++ new`,
/// with credential values of either text and every value in `redact` masked.
pub fn unified(old: &str, new: &str, before: &str, after: &str, redact: &[String]) -> String {
    let text =
        similar::TextDiff::from_lines(before, after).unified_diff().context_radius(3).header(old, new).to_string();
    let mut secrets: Vec<String> = redact.to_vec();
    credential_values(before, &mut secrets);
    credential_values(after, &mut secrets);
    secrets.retain(|s| s.chars().count() >= MIN_MASKED_LEN);
    // Longest first, so a secret that contains another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        // A CRLF file's lines keep their CR: it is the file's line ending, not content to show.
        let mut line = line.strip_suffix("\r\n").map_or_else(|| line.to_string(), |l| format!("{l}\n"));
        // Masked before escaping: a secret is looked for as it is written in the file.
        for s in &secrets {
            if line.contains(s.as_str()) {
                line = line.replace(s.as_str(), &mask(s));
            }
        }
        out.push_str(&crate::quote::terminal(&line));
    }
    out
}

/// `NAME=value` lines: env files, Dockerfile `ENV`/`ARG`, shell `export`.
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:export\s+|ENV\s+|ARG\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$").expect("valid regex")
});

/// Adds the credential values of a file's text to `out`: YAML (and JSON) by structure, any
/// other text by its `NAME=value` lines; known key formats and URL passwords anywhere.
fn credential_values(text: &str, out: &mut Vec<String>) {
    if let Ok(docs) = yaml::parse_documents(text) {
        for d in &docs {
            walk(&d.root, out);
        }
    }
    for line in text.lines() {
        if let Some(c) = ASSIGNMENT.captures(line) {
            let value = c[2].trim_matches(|ch| ch == '"' || ch == '\'');
            if credential_name(&c[1]) && holds_value(value) {
                push_value(value, out);
            }
        }
        if let Some(s) = embedded_secret(line) {
            out.push(s.to_string());
        }
    }
}

/// A value, line by line (a block scalar such as a private key shows one line per diff line).
fn push_value(value: &str, out: &mut Vec<String>) {
    out.extend(value.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
}

fn walk(node: &Node, out: &mut Vec<String>) {
    match &node.value {
        Value::Scalar { text, .. } => {
            if let Some(s) = embedded_secret(text) {
                out.push(s.to_string());
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| walk(i, out)),
        Value::Map(entries) => {
            // `{name: DB_PASSWORD, value: ...}`: an env var, its value named by its sibling.
            let env_credential = node.get("name").and_then(Node::as_str).is_some_and(credential_name);
            for e in entries {
                if let Some(v) = e.value.as_str() {
                    let named = credential_name(&e.key) || (e.key == "value" && env_credential);
                    if named && holds_value(v) {
                        push_value(v, out);
                    }
                }
                walk(&e.value, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_values_are_masked_on_every_line() {
        let before = "env:\n- name: DB_PASSWORD\n  value: hunter2-plain\n- name: MODE\n  value: fast\nurl: postgres://u:pw-in-url@db/x\n";
        let after = "env:\n- name: DB_PASSWORD\n  value: hunter2-plain\n- name: MODE\n  value: slow\nurl: postgres://u:pw-in-url@db/x\n";
        let d = unified("a/x.yaml", "b/x.yaml", before, after, &[]);
        assert!(d.contains("-  value: fast") && d.contains("+  value: slow"), "{d}");
        assert!(d.contains("  value: hunt****"), "context lines are masked too: {d}");
        assert!(!d.contains("hunter2-plain") && !d.contains("pw-in-url"), "{d}");
    }

    #[test]
    fn env_files_json_and_redacted_values() {
        let d = unified("a/.env", "b/.env", "API_KEY=\"abcdef123456\"\nX=1\n", "API_KEY=\"abcdef123456\"\nX=2\n", &[]);
        assert!(!d.contains("abcdef123456") && d.contains("abcd****"), "{d}");
        let json = "{\n  \"env\": [\n    {\"name\": \"apiToken\", \"value\": \"tok-9876543\"}\n  ],\n  \"a\": 1\n}\n";
        let d = unified("a/m.json", "b/m.json", json, &json.replace("\"a\": 1", "\"a\": 2"), &[]);
        assert!(!d.contains("tok-9876543"), "{d}");
        let d = unified("a/f", "b/f", "x: opaque-thing\n", "x: other\n", &["opaque-thing".to_string()]);
        assert!(!d.contains("opaque-thing") && d.contains("opaq****"), "{d}");
    }

    #[test]
    fn crlf_and_control_characters_do_not_reach_the_terminal() {
        let d = unified("a/x", "b/x", "a: 1\r\nb: \"\u{1b}[2J\"\r\n", "a: 2\r\nb: \"\u{1b}[2J\"\r\n", &[]);
        assert!(!d.contains('\r') && !d.contains('\u{1b}'), "{d:?}");
        assert!(d.contains("+a: 2\n") && d.contains(" b: \"\\x1b[2J\"\n"), "{d}");
        // A secret holding a control character is still found, then escaped with its mask.
        let d = unified("a/x", "b/x", "token: 'ab\u{1b}cdefgh'\nx: 1\n", "token: 'ab\u{1b}cdefgh'\nx: 2\n", &[]);
        assert!(d.contains(" token: 'ab\\x1bc****'") && !d.contains("defgh"), "{d}");
    }
}

//! A small TOML reader for dependency manifests (Cargo.toml, pyproject.toml, Pipfile).
//!
//! Why not the `toml` crate: detection needs a handful of keys ([package].name, [project].name,
//! requires-python, dependency names and sqlx features) and must shrug off broken files anyway.
//! A 60-line reader covers that without five more crates in the build, and degrades per key on
//! bad input instead of losing the whole file to one syntax error.

use regex::Regex;
use std::sync::LazyLock;

/// The quote characters of TOML strings.
const QUOTES: &str = "\"'";

/// One `key = value` line (the value joined over lines while brackets are open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlEntry {
    /// The enclosing table, e.g. `tool.poetry.dependencies` (`""` at the top).
    pub table: String,
    /// The key, unquoted (dotted keys kept as written).
    pub key: String,
    /// The raw value text, comments removed.
    pub value: String,
}

/// The line without its `#` comment (a `#` inside a string is kept).
fn strip_toml_comment(line: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if QUOTES.contains(c) => quote = Some(c),
            None if c == '#' => break,
            None => {}
        }
        out.push(c);
    }
    out
}

/// Open brackets minus closed ones outside strings.
fn bracket_balance(s: &str) -> i64 {
    let mut depth = 0i64;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                c if QUOTES.contains(c) => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                _ => {}
            },
        }
    }
    depth
}

/// A key or table name without its quotes.
fn unquote(s: &str) -> String {
    s.trim().trim_matches(|c| QUOTES.contains(c)).to_string()
}

/// Every `key = value` of a TOML text, with its table.
pub fn toml_entries(text: &str) -> Vec<TomlEntry> {
    let mut out = Vec::new();
    let mut table = String::new();
    let mut lines = text.lines();
    while let Some(raw) = lines.next() {
        let line = strip_toml_comment(raw);
        let t = line.trim();
        if t.starts_with('[') {
            let inner = t.trim_start_matches('[').trim_end_matches(']');
            table = inner.split('.').map(unquote).collect::<Vec<_>>().join(".");
            continue;
        }
        let Some((key, value)) = t.split_once('=') else {
            continue;
        };
        let mut value = value.trim().to_string();
        // Multi-line arrays and inline tables: keep reading while brackets are open (bounded, so
        // an unclosed bracket cannot swallow the whole file).
        let mut extra = 0;
        while bracket_balance(&value) > 0 && extra < 500 {
            let Some(next) = lines.next() else { break };
            value.push(' ');
            value.push_str(strip_toml_comment(next).trim());
            extra += 1;
        }
        out.push(TomlEntry { table: table.clone(), key: unquote(key), value });
    }
    out
}

/// Every quoted string in a TOML value (array items, inline-table values).
pub fn toml_strings(value: &str) -> Vec<String> {
    static STR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""([^"]*)"|'([^']*)'"#).unwrap());
    STR.captures_iter(value).filter_map(|c| c.get(1).or(c.get(2))).map(|m| m.as_str().to_string()).collect()
}

/// The value as a single string, if it is one.
pub fn toml_str(value: &str) -> Option<String> {
    let v = value.trim();
    let quoted = QUOTES.chars().any(|q| v.starts_with(q) && v.ends_with(q));
    (quoted && v.len() >= 2).then(|| v[1..v.len() - 1].to_string())
}

/// The string value of `key` in `table`, if it is a string.
pub fn toml_get(entries: &[TomlEntry], table: &str, key: &str) -> Option<String> {
    entries.iter().find(|e| e.table == table && e.key == key).and_then(|e| toml_str(&e.value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_reader_handles_tables_arrays_and_comments() {
        let e = toml_entries(
            "name = \"top\"\n[tool.poetry]\nname = 'p' # c\n[tool.poetry.dependencies]\npython = \"^3.11\"\n\"my.pkg\" = { version = \"1\", extras = [\"redis\"] }\n[[bin]]\nx = [\n 'a', # one\n 'b#c',\n]\n",
        );
        assert_eq!(toml_get(&e, "", "name").as_deref(), Some("top"));
        assert_eq!(toml_get(&e, "tool.poetry", "name").as_deref(), Some("p"));
        assert_eq!(toml_get(&e, "tool.poetry.dependencies", "python").as_deref(), Some("^3.11"));
        let pkg = e.iter().find(|x| x.key == "my.pkg").unwrap();
        assert_eq!(toml_strings(&pkg.value), ["1", "redis"]);
        let x = e.iter().find(|x| x.table == "bin" && x.key == "x").unwrap();
        assert_eq!(toml_strings(&x.value), ["a", "b#c"]);
        // An unclosed array stops at the end of the text.
        assert_eq!(toml_entries("deps = [\n 'a',\n").len(), 1);
    }
}

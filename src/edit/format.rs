//! A fixed file keeps the format it was written in: the text edits ([`super::yaml_edit`]) speak
//! YAML with `\n` line ends, so a JSON manifest is written back as JSON and a CRLF file gets
//! CRLF line ends again.

use crate::yaml::{self, Node, Value};

/// `after` (a file's text once edited) in the format of `before`, its text on disk: JSON for a
/// `.json` file holding JSON, CRLF line ends for a file written with them. Errs when the content cannot be
/// written as JSON.
pub(crate) fn keep(path: &str, before: &str, after: String) -> Result<String, String> {
    // A `.json` file that is not JSON to begin with (YAML under that name) is left to YAML.
    let json_file = is_json(path) && serde_json::from_str::<serde_json::Value>(before).is_ok();
    let after = if json_file { json(before, after)? } else { after };
    Ok(if crlf(before) { to_crlf(&after) } else { after })
}

fn is_json(path: &str) -> bool {
    path.rsplit('.').next().is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
}

/// True when every line of the text ends in CRLF (a file with mixed ends is left as it is).
fn crlf(text: &str) -> bool {
    let lf = text.matches('\n').count();
    lf > 0 && text.matches("\r\n").count() == lf
}

fn to_crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// The edited text as JSON: unchanged when it still is JSON (an edit inside a string), else
/// the parsed content written out again, keys in their order, indented like `before`.
fn json(before: &str, after: String) -> Result<String, String> {
    if serde_json::from_str::<serde_json::Value>(&after).is_ok() {
        return Ok(after);
    }
    let docs = yaml::parse_documents(&after).map_err(|e| format!("the edited file does not parse ({e})"))?;
    let [doc] = docs.as_slice() else {
        return Err("the edit would leave a JSON file with more than one document".into());
    };
    let unit = indent_unit(before);
    let mut out = String::with_capacity(after.len());
    write(&doc.root, &unit, 0, &mut out);
    if before.ends_with('\n') {
        out.push('\n');
    }
    serde_json::from_str::<serde_json::Value>(&out)
        .map(|_| out)
        .map_err(|e| format!("the fix cannot be written as JSON ({e})"))
}

/// The file's indentation step: the leading white space of its first indented line.
fn indent_unit(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .find_map(|l| {
            let rest = l.trim_start();
            (!rest.is_empty() && rest.len() < l.len()).then(|| l[..l.len() - rest.len()].to_string())
        })
        .unwrap_or_else(|| "  ".into())
}

/// Pretty JSON of a node, keys in document order.
fn write(node: &Node, unit: &str, depth: usize, out: &mut String) {
    let pad = |d: usize| unit.repeat(d);
    match &node.value {
        Value::Scalar { .. } => out.push_str(&node.to_json().to_string()),
        Value::Seq(items) if items.is_empty() => out.push_str("[]"),
        Value::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Value::Seq(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                write(item, unit, depth + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        Value::Map(entries) => {
            out.push_str("{\n");
            for (i, e) in entries.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                out.push_str(&serde_json::Value::String(e.key.clone()).to_string());
                out.push_str(": ");
                write(&e.value, unit, depth + 1, out);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_stays_json_in_key_order() {
        let before = "{\n    \"kind\": \"Pod\",\n    \"spec\": {\"b\": 1}\n}\n";
        let edited = "{\n    \"kind\": \"Pod\",\n    \"spec\": {b: 1, a: [x, \"2\"], c: true, d: {}}\n}\n";
        let out = keep("k8s/pod.JSON", before, edited.into()).unwrap();
        assert_eq!(
            out,
            "{\n    \"kind\": \"Pod\",\n    \"spec\": {\n        \"b\": 1,\n        \"a\": [\n            \"x\",\n            \"2\"\n        ],\n        \"c\": true,\n        \"d\": {}\n    }\n}\n"
        );
        // Still JSON after an edit inside a string: left exactly as edited.
        assert_eq!(keep("a.json", "a: 1\n", "a: 1\nb: 2\n".into()).unwrap(), "a: 1\nb: 2\n", "YAML named .json");
        let same = "{\"image\": \"nginx:1.27\"}";
        assert_eq!(keep("a.json", "{\"image\": \"nginx\"}", same.into()).unwrap(), same);
    }

    #[test]
    fn crlf_files_keep_crlf() {
        assert_eq!(
            keep("a.yaml", "a: 1\r\nb: 2\r\n", "a: 1\r\nc: 3\nb: 2\r\n".into()).unwrap(),
            "a: 1\r\nc: 3\r\nb: 2\r\n"
        );
        assert_eq!(keep("a.yaml", "a: 1\n", "a: 1\nc: 3\n".into()).unwrap(), "a: 1\nc: 3\n");
    }
}

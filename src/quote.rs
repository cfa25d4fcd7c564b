//! Quoting free text (an app name, a metric's help) for the file formats it is written into,
//! so a value can never end its string and start new syntax: YAML, JSON and POSIX shell.

/// `text` as a YAML double-quoted scalar. Everything outside printable ASCII and ordinary
/// Unicode letters is escaped, so the result is one line that every YAML 1.1 and 1.2 parser
/// reads back as exactly `text` (`#`, `: `, `---`, `{{`, leading `*`/`&`/`!` included).
pub fn yaml_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let n = c as u32;
                if n <= 0xFF {
                    out.push_str(&format!("\\x{n:02X}"));
                } else if n <= 0xFFFF {
                    out.push_str(&format!("\\u{n:04X}"));
                } else {
                    out.push_str(&format!("\\U{n:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters written as escapes: controls, line and paragraph separators, the byte-order
/// mark and non-characters, which YAML either forbids raw or reads as line breaks.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `text` as a JSON string literal (quotes included).
pub fn json_str(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// `text` as one POSIX shell word: unchanged when it is plain, else single-quoted.
pub fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ':' | '@' | ','));
    if plain { text.to_string() } else { format!("'{}'", text.replace('\'', "'\\''")) }
}

/// Characters refused in every free-text answer (a name, a metric's question or help): they
/// end a line or a comment in some generated file, or move the terminal's cursor.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|&c| needs_escape(c))
}

/// True for characters a terminal may act on: C0 controls except tab and newline, DEL and C1
/// controls (`\u{9b}` is CSI on some terminals).
pub fn terminal_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{7f}'..='\u{9f}').contains(&c)
}

/// `s` with each unsafe control character written as a visible escape (`\x1b`, `\r`, `\x07`),
/// borrowed when there is none, for text from a repo that reaches a terminal. Applying it twice
/// gives the same text as once.
pub fn terminal(s: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if !s.chars().any(terminal_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            c if terminal_unsafe(c) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_read_back_as_written() {
        for text in [
            "Shop",
            "a: b # c",
            "---",
            "{{ x }}",
            "*star",
            "&anchor",
            "!tag",
            "\"quoted\" \\",
            "x\u{2028}y\u{85}z\u{1b}[31m",
            "émoji 🚀 \u{200f}rtl",
        ] {
            let doc = format!("key: {}\n", yaml_str(text));
            let back: std::collections::BTreeMap<String, String> = serde_saphyr::from_str(&doc).unwrap();
            assert_eq!(back["key"], text, "{doc}");
            assert_eq!(doc.lines().count(), 1, "{doc}");
        }
    }

    #[test]
    fn shell_words_survive_the_shell() {
        assert_eq!(shell_word("/tmp/vibe-demo-1"), "/tmp/vibe-demo-1");
        assert_eq!(shell_word("/tmp/my app"), "'/tmp/my app'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }

    #[test]
    fn line_breaks_and_escapes_are_forbidden_in_answers() {
        for bad in ["a\nb", "a\rb", "a\u{2028}b", "a\u{85}b", "a\u{1b}b", "a\tb"] {
            assert!(forbidden_char(bad).is_some(), "{bad:?}");
        }
        assert_eq!(forbidden_char("Café 🚀 \u{200f}"), None);
    }
}

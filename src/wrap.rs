//! Plain-text fitting for terminals: wrapping at word boundaries and cutting with `…`.
//!
//! A terminal breaks a long line wherever the edge falls, often mid-word; text meant to be
//! read (the wizard's explanations, the dashboard's status line) is wrapped here first.

/// Display columns of `text` (one per character: the texts fitted here are ASCII or
/// single-width symbols).
pub fn columns(text: &str) -> usize {
    text.chars().count()
}

/// `text` broken into lines of at most `width` columns at spaces; a word longer than a whole
/// line is split. Existing line breaks are kept, and so is a line that fits (with its spacing);
/// a longer line's continuation lines keep its indentation. An empty text gives one empty line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for paragraph in text.split('\n') {
        if columns(paragraph) <= width {
            out.push(paragraph.to_string());
            continue;
        }
        let indent_len = paragraph.len() - paragraph.trim_start_matches(' ').len();
        let indent = if indent_len * 2 < width { &paragraph[..indent_len] } else { "" };
        let mut line = indent.to_string();
        let blank = |l: &str| l.len() == indent.len();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let needed = if blank(&line) { columns(&line) + columns(word) } else { columns(&line) + 1 + columns(word) };
            if needed <= width {
                if !blank(&line) {
                    line.push(' ');
                }
                line.push_str(word);
                continue;
            }
            if !blank(&line) {
                out.push(std::mem::replace(&mut line, indent.to_string()));
            }
            // A word wider than the line (a URL, a path): split it, as nothing else can fit it.
            let room = width.saturating_sub(indent.len()).max(1);
            let mut rest: Vec<char> = word.chars().collect();
            while rest.len() > room {
                out.push(format!("{indent}{}", rest.drain(..room).collect::<String>()));
            }
            line.extend(rest);
        }
        out.push(line);
    }
    out
}

/// `text` cut to `room` columns, with `…` at the end when something was cut.
pub fn cut(text: &str, room: usize) -> String {
    if columns(text) <= room {
        text.to_string()
    } else if room == 0 {
        String::new()
    } else {
        let mut out: String = text.chars().take(room - 1).collect();
        out.push('…');
        out
    }
}

/// `text` cut to `room` columns by removing its middle (`02-seal…ets.yaml:32`): both the start
/// and the end of a file name tell which file it is.
pub fn cut_middle(text: &str, room: usize) -> String {
    let n = columns(text);
    if n <= room {
        return text.to_string();
    }
    if room < 3 {
        return cut(text, room);
    }
    let tail = (room - 1) / 2;
    let head = room - 1 - tail;
    let chars: Vec<char> = text.chars().collect();
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[n - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_never_mid_word() {
        let text = "vibe init: a few questions about your app. Ctrl-C stops without writing anything.";
        let lines = wrap(text, 30);
        assert!(lines.iter().all(|l| columns(l) <= 30), "{lines:?}");
        let words: Vec<&str> = text.split(' ').collect();
        let rewrapped: Vec<&str> = lines.iter().flat_map(|l| l.split(' ')).collect();
        assert_eq!(words, rewrapped, "every word stays whole");
        assert_eq!(wrap("a\nb c", 10), ["a", "b c"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("abcdefgh ij", 3), ["abc", "def", "gh", "ij"]);
        // A line that fits keeps its spacing; a long one keeps its indentation.
        assert_eq!(wrap("  Name       Shop", 30), ["  Name       Shop"]);
        assert_eq!(wrap("  Secrets API_KEY, STRIPE_KEY", 20), ["  Secrets API_KEY,", "  STRIPE_KEY"]);
    }

    #[test]
    fn cuts_show_what_was_removed() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        assert_eq!(cut_middle("02-sealed-secrets.yaml:32", 15), "02-seal…yaml:32");
        assert_eq!(columns(&cut_middle("02-sealed-secrets.yaml:32", 15)), 15);
        assert_eq!(cut_middle("short", 15), "short");
    }
}

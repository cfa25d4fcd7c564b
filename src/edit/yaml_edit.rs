//! A small text-edit layer for YAML files: set, merge, append and remove at the positions the
//! parser reports, so comments, key order and formatting everywhere else stay as written.
//!
//! Files are never re-serialised. Every operation:
//! 1. parses the current text and finds the mapping it works on by a path from the document root;
//! 2. makes one text change: replaces a scalar's token, inserts lines at the end of a block
//!    mapping or sequence (indented like its siblings), replaces one entry, or rewrites one flow
//!    collection (`{…}`, `[…]`) in flow style;
//! 3. re-parses the result and checks that the document now means exactly what was asked — its
//!    old content with that one change, compared as JSON — and that every other document of the
//!    file is untouched. An edit that cannot be made that way is refused with a reason, never
//!    guessed (anchors, merge keys and exotic layouts end up there).
//!
//! Compound changes ([`merge`]) are sequences of single verified steps, each on a fresh parse,
//! so positions are always current.

use crate::yaml::{self, Node, Value};
use serde_json::Value as J;

/// One step of a path from a document root: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Idx(usize),
}

/// Builds a path from dotted text (`spec.template.spec`; numeric parts are indexes).
pub fn path(dotted: &str) -> Vec<Seg> {
    dotted
        .split('.')
        .filter(|p| !p.is_empty())
        .map(|p| match p.parse::<usize>() {
            Ok(i) => Seg::Idx(i),
            Err(_) => Seg::Key(p.to_string()),
        })
        .collect()
}

/// `base` followed by `more` (dotted).
pub fn join(base: &[Seg], more: &str) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.extend(path(more));
    p
}

/// Why an edit was refused.
pub type EditResult<T> = Result<T, String>;

/// A YAML value to write. Scalars hold their text as written (quoted where needed).
#[derive(Debug, Clone, PartialEq)]
pub enum Y {
    /// A scalar, as it appears in the file.
    Scalar(String),
    /// A mapping, in order.
    Map(Vec<(String, Y)>),
    /// A sequence.
    Seq(Vec<Y>),
}

impl Y {
    /// A string: plain when YAML (1.1 and 1.2) reads it back as the same string, else double-quoted.
    pub fn str(s: &str) -> Y {
        if plain_safe(s) { Y::Scalar(s.to_string()) } else { Y::quoted(s) }
    }

    /// A string, always double-quoted (annotation values, ports written as text).
    pub fn quoted(s: &str) -> Y {
        Y::Scalar(serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()))
    }

    /// An integer.
    pub fn int(n: i64) -> Y {
        Y::Scalar(n.to_string())
    }

    /// A boolean.
    pub fn bool(b: bool) -> Y {
        Y::Scalar(b.to_string())
    }

    /// A mapping from pairs.
    pub fn map<'k>(pairs: impl IntoIterator<Item = (&'k str, Y)>) -> Y {
        Y::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    /// A sequence.
    pub fn seq(items: impl IntoIterator<Item = Y>) -> Y {
        Y::Seq(items.into_iter().collect())
    }

    /// The same value as a parsed node holds (for rewriting flow collections).
    pub fn from_node(node: &Node) -> Y {
        match &node.value {
            Value::Scalar { text, quoted: true } => Y::quoted(text),
            Value::Scalar { text, quoted: false } => Y::Scalar(text.clone()),
            Value::Seq(items) => Y::Seq(items.iter().map(Y::from_node).collect()),
            Value::Map(entries) => Y::Map(entries.iter().map(|e| (e.key.clone(), Y::from_node(&e.value))).collect()),
        }
    }

    /// Sets `key` in a mapping (replacing its value, or appending it).
    fn set(&mut self, key: &str, value: Y) {
        if let Y::Map(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value,
                None => entries.push((key.to_string(), value)),
            }
        }
    }

    /// Flow style: `{a: 1, b: [x, y]}`.
    pub fn render_flow(&self) -> String {
        match self {
            Y::Scalar(s) => s.clone(),
            Y::Map(entries) => {
                let inner: Vec<String> =
                    entries.iter().map(|(k, v)| format!("{}: {}", key_text(k), v.render_flow())).collect();
                format!("{{{}}}", inner.join(", "))
            }
            Y::Seq(items) => format!("[{}]", items.iter().map(Y::render_flow).collect::<Vec<_>>().join(", ")),
        }
    }

    /// What the value means, as JSON (YAML 1.2 core schema, like the review reads it).
    pub fn to_json(&self) -> J {
        match self {
            Y::Scalar(s) => yaml::parse_one(&format!("v: {s}\n"))
                .ok()
                .flatten()
                .and_then(|n| n.get("v").map(Node::to_json))
                .unwrap_or(J::Null),
            Y::Map(entries) => J::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Y::Seq(items) => J::Array(items.iter().map(Y::to_json).collect()),
        }
    }

    /// True when `node` already means this value.
    pub fn same_as(&self, node: &Node) -> bool {
        self.to_json() == node.to_json()
    }
}

/// True when `s` can be written as a plain scalar and is read back as that same string by
/// YAML 1.2 and by the YAML 1.1 readers Kubernetes tools use (`yes`, `on`, `0755`...).
fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if s != s.trim() || s.contains(['\n', '\r', '\t']) || s.chars().any(char::is_control) {
        return false;
    }
    if "?:,[]{}#&*!|>'\"%@`".contains(first) || (first == '-' && (s.len() == 1 || s[1..].starts_with(' '))) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~") {
        return false;
    }
    // Anything that could read as a number (ints, floats, octal, hex, sexagesimal, .inf, .nan).
    let numberish = s.chars().all(|c| c.is_ascii_hexdigit() || "+-._:xXoO".contains(c))
        && s.chars().any(|c| c.is_ascii_digit())
        && (first.is_ascii_digit() || "+-.".contains(first));
    !numberish && !lower.starts_with(".inf") && !lower.starts_with(".nan")
}

fn key_text(k: &str) -> String {
    if plain_safe(k) { k.to_string() } else { serde_json::to_string(k).unwrap_or_default() }
}

/// How the file indents block sequences under a key: `key:\n  - x` (indented) or `key:\n- x`.
#[derive(Debug, Clone, Copy)]
struct Style {
    seq_indented: bool,
}

impl Style {
    fn detect(text: &str) -> Style {
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_end();
            let body = t.trim_start();
            if body.is_empty() || body.starts_with('#') || !body.ends_with(':') || body.starts_with("- ") {
                continue;
            }
            let Some(next) = lines[i + 1..].iter().find(|n| !n.trim().is_empty() && !n.trim_start().starts_with('#'))
            else {
                continue;
            };
            if next.trim_start().starts_with("- ") {
                return Style { seq_indented: indent_of(next) > indent_of(t) };
            }
        }
        Style { seq_indented: true }
    }
}

/// Renders `key: value` in block style with the key at `indent` spaces.
fn render_entry(key: &str, v: &Y, indent: usize, st: Style, out: &mut String) {
    let pad = " ".repeat(indent);
    let k = key_text(key);
    match v {
        Y::Scalar(s) => out.push_str(&format!("{pad}{k}: {s}\n")),
        Y::Map(e) if e.is_empty() => out.push_str(&format!("{pad}{k}: {{}}\n")),
        Y::Seq(i) if i.is_empty() => out.push_str(&format!("{pad}{k}: []\n")),
        Y::Map(entries) => {
            out.push_str(&format!("{pad}{k}:\n"));
            for (k2, v2) in entries {
                render_entry(k2, v2, indent + 2, st, out);
            }
        }
        Y::Seq(items) => {
            out.push_str(&format!("{pad}{k}:\n"));
            let dash = if st.seq_indented { indent + 2 } else { indent };
            for item in items {
                render_item(item, dash, st, out);
            }
        }
    }
}

/// Renders one `- item` of a block sequence with the dash at `dash` spaces.
fn render_item(v: &Y, dash: usize, st: Style, out: &mut String) {
    let pad = " ".repeat(dash);
    match v {
        Y::Map(entries) if !entries.is_empty() => {
            let mut body = String::new();
            for (k, v2) in entries {
                render_entry(k, v2, dash + 2, st, &mut body);
            }
            // The first entry goes on the dash's line.
            out.push_str(&pad);
            out.push_str("- ");
            out.push_str(&body[dash + 2..]);
        }
        other => out.push_str(&format!("{pad}- {}\n", other.render_flow())),
    }
}

/// Line offsets of a text (1-based lines, columns in characters as the parser counts them).
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    fn count(&self) -> u32 {
        // A final newline does not start another line.
        let n = self.starts.len() - usize::from(self.text.ends_with('\n'));
        n as u32
    }

    fn start(&self, line: u32) -> usize {
        self.starts.get(line.saturating_sub(1) as usize).copied().unwrap_or(self.text.len())
    }

    /// Offset just after the line's newline (or the end of the text).
    fn end(&self, line: u32) -> usize {
        self.starts.get(line as usize).copied().unwrap_or(self.text.len())
    }

    fn get(&self, line: u32) -> &'a str {
        let (a, b) = (self.start(line), self.end(line));
        self.text[a..b].trim_end_matches(['\n', '\r'])
    }

    fn line_of(&self, offset: usize) -> u32 {
        match self.starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    fn offset(&self, pos: yaml::Pos) -> usize {
        let start = self.start(pos.line);
        let line = self.get(pos.line);
        start + line.char_indices().nth(pos.col.saturating_sub(1) as usize).map(|(i, _)| i).unwrap_or(line.len())
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

fn is_doc_marker(line: &str) -> bool {
    line.starts_with("---") || line.starts_with("...")
}

/// The last line any part of a node starts on.
pub(crate) fn last_line(node: &Node) -> u32 {
    let own = node.line().unwrap_or(0);
    match &node.value {
        Value::Scalar { .. } => own,
        Value::Seq(items) => items.iter().map(last_line).fold(own, u32::max),
        Value::Map(entries) => {
            entries.iter().map(|e| e.key_pos.map(|p| p.line).unwrap_or(0).max(last_line(&e.value))).fold(own, u32::max)
        }
    }
}

/// Offset just after the last line of a node whose own lines are indented more than `indent`
/// (or, for flow collections and quoted scalars, after the line where they close).
fn node_end(lines: &Lines, node: &Node, indent: usize) -> usize {
    if let Some(pos) = node.pos {
        let start = lines.offset(pos);
        let rest = &lines.text[start..];
        if let Some(end) = rest.starts_with(['{', '[']).then(|| flow_end(lines.text, start)).flatten() {
            return lines.end(lines.line_of(end.saturating_sub(1)));
        }
        if let Some((_, end)) = scalar_span(lines, node) {
            return lines.end(lines.line_of(end.saturating_sub(1)));
        }
    }
    let mut last = last_line(node);
    let mut l = last + 1;
    // Continuation lines (multi-line plain scalars, block scalars) are indented deeper.
    while l <= lines.count() {
        let s = lines.get(l);
        if is_blank_or_comment(s) {
            l += 1;
            continue;
        }
        if is_doc_marker(s) || indent_of(s) <= indent {
            break;
        }
        last = l;
        l += 1;
    }
    lines.end(last)
}

/// Offset just after the bracket closing the flow collection that opens at `start`.
fn flow_end(text: &str, start: usize) -> Option<usize> {
    flow_scan(text, start).map(|(end, _)| end)
}

/// The end of the flow collection that opens at `start` (as [`flow_end`]), for rewriting it
/// whole: refused when it holds a comment, which a rewrite in flow style would drop.
fn flow_to_rewrite(text: &str, start: usize) -> EditResult<usize> {
    match flow_scan(text, start) {
        Some((end, false)) => Ok(end),
        Some((_, true)) => Err(format!(
            "`{}` is written on several lines with a comment inside; rewriting it would lose the comment",
            text[start..].lines().next().unwrap_or_default().trim()
        )),
        None => Err("unclosed flow collection".into()),
    }
}

/// Scans a flow collection from its opening bracket: the offset after its closing bracket and
/// whether a comment is inside. Brackets in quotes and comments do not count.
fn flow_scan(text: &str, start: usize) -> Option<(usize, bool)> {
    let mut depth = 0usize;
    let mut comment = false;
    let mut prev = ' ';
    let mut chars = text[start..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((start + i + c.len_utf8(), comment));
                }
            }
            // A comment starts at `#` after white space and runs to the end of the line.
            '#' if prev.is_whitespace() => {
                comment = true;
                while chars.peek().is_some_and(|(_, n)| *n != '\n') {
                    chars.next();
                }
            }
            '"' => {
                let mut escaped = false;
                for (_, q) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if q == '\\' {
                        escaped = true;
                    } else if q == '"' {
                        break;
                    }
                }
            }
            '\'' => {
                while let Some((_, q)) = chars.next() {
                    if q == '\'' {
                        if chars.peek().map(|(_, n)| *n) == Some('\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            _ => {}
        }
        prev = c;
    }
    None
}

/// Byte span of a scalar's token: plain single-line scalars and quoted scalars; `None` for block
/// scalars, multi-line plain scalars and empty values (those are replaced as whole entries).
fn scalar_span(lines: &Lines, node: &Node) -> Option<(usize, usize)> {
    let Value::Scalar { text, quoted } = &node.value else { return None };
    let start = lines.offset(node.pos?);
    let rest = &lines.text[start..];
    match rest.chars().next()? {
        '"' => {
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    return Some((start, start + i + 1));
                }
            }
            None
        }
        '\'' => {
            let mut it = rest.char_indices().skip(1).peekable();
            while let Some((i, c)) = it.next() {
                if c == '\'' {
                    if it.peek().map(|(_, n)| *n) == Some('\'') {
                        it.next();
                    } else {
                        return Some((start, start + i + 1));
                    }
                }
            }
            None
        }
        _ if *quoted || text.is_empty() => None,
        _ => rest.starts_with(text.as_str()).then(|| (start, start + text.len())),
    }
}

/// Follows a path from a document root.
fn locate<'n>(root: &'n Node, path: &[Seg]) -> Option<&'n Node> {
    path.iter().try_fold(root, |n, seg| match seg {
        Seg::Key(k) => n.get(k),
        Seg::Idx(i) => n.items().get(*i),
    })
}

fn locate_json<'j>(root: &'j mut J, path: &[Seg]) -> Option<&'j mut J> {
    path.iter().try_fold(root, |n, seg| match seg {
        Seg::Key(k) => n.as_object_mut()?.get_mut(k),
        Seg::Idx(i) => n.as_array_mut()?.get_mut(*i),
    })
}

fn parse(text: &str) -> EditResult<Vec<yaml::Document>> {
    yaml::parse_documents(text).map_err(|e| format!("the file is not valid YAML ({e})"))
}

fn splice(text: &str, a: usize, b: usize, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..a]);
    // Inserting after a last line that has no newline: start a new line first.
    if a == b && a == text.len() && !text.is_empty() && !text.ends_with('\n') && with.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(with);
    out.push_str(&text[b..]);
    out
}

/// Parses `after` and checks that document `doc` now means `expected` and the others are unchanged.
fn verify(before: &[yaml::Document], after: &str, doc: usize, expected: &J) -> EditResult<()> {
    let docs = parse(after).map_err(|e| format!("the edit would break the file: {e}"))?;
    if docs.len() != before.len() {
        return Err("the edit would change the number of documents in the file".into());
    }
    for (b, a) in before.iter().zip(&docs) {
        let want = if b.index == doc { expected.clone() } else { b.root.to_json() };
        if a.root.to_json() != want {
            return Err(if b.index == doc {
                "the edit would not mean what was intended (anchors, merge keys or an unusual layout?)".into()
            } else {
                "the edit would change another document of the file".into()
            });
        }
    }
    Ok(())
}

fn doc_root(docs: &[yaml::Document], doc: usize) -> EditResult<&Node> {
    docs.get(doc).map(|d| &d.root).ok_or_else(|| format!("the file has no document {}", doc + 1))
}

fn describe(path: &[Seg]) -> String {
    if path.is_empty() {
        return "the document".into();
    }
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Idx(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn mapping_at<'n>(root: &'n Node, map: &[Seg]) -> EditResult<&'n Node> {
    let m = locate(root, map).ok_or_else(|| format!("`{}` is not in the file", describe(map)))?;
    if !m.is_map() {
        return Err(format!("`{}` is not a mapping", describe(map)));
    }
    Ok(m)
}

/// Sets `key` to `value` in the mapping at `map` (which must exist), replacing any old value.
pub fn set(text: &str, doc: usize, map: &[Seg], key: &str, value: &Y) -> EditResult<String> {
    let docs = parse(text)?;
    let root = doc_root(&docs, doc)?;
    let m = mapping_at(root, map)?;
    if m.get(key).is_some_and(|v| value.same_as(v)) {
        return Ok(text.to_string());
    }
    let lines = Lines::new(text);
    let st = Style::detect(text);
    let out = raw_set(&lines, st, m, key, value)?;
    let mut expected = root.to_json();
    if let Some(J::Object(o)) = locate_json(&mut expected, map) {
        o.insert(key.to_string(), value.to_json());
    }
    verify(&docs, &out, doc, &expected)?;
    Ok(out)
}

fn raw_set(lines: &Lines, st: Style, m: &Node, key: &str, value: &Y) -> EditResult<String> {
    let text = lines.text;
    let start = lines.offset(m.pos.ok_or("no position")?);
    if text[start..].starts_with('{') {
        let end = flow_to_rewrite(text, start)?;
        let mut y = Y::from_node(m);
        y.set(key, value.clone());
        return Ok(splice(text, start, end, &y.render_flow()));
    }
    match m.entry(key) {
        Some(e) => {
            if let (Y::Scalar(s), Some((a, b))) = (value, scalar_span(lines, &e.value)) {
                return Ok(splice(text, a, b, s));
            }
            let kp = e.key_pos.ok_or("no position")?;
            let kstart = lines.offset(kp);
            let indent = (kp.col - 1) as usize;
            let end = node_end(lines, &e.value, indent).max(lines.end(kp.line));
            let mut rendered = String::new();
            render_entry(key, value, indent, st, &mut rendered);
            Ok(splice(text, kstart, end, &rendered[indent..]))
        }
        None => {
            let indent = (m.pos.ok_or("no position")?.col - 1) as usize;
            let at = node_end(lines, m, indent);
            let mut rendered = String::new();
            render_entry(key, value, indent, st, &mut rendered);
            Ok(splice(text, at, at, &rendered))
        }
    }
}

/// Like [`set`], but a missing key goes before the first of `before` in the mapping (with the
/// comment lines right above it), so e.g. a pod's `securityContext` lands above `containers`.
pub fn set_before(text: &str, doc: usize, map: &[Seg], key: &str, value: &Y, before: &[&str]) -> EditResult<String> {
    let docs = parse(text)?;
    let root = doc_root(&docs, doc)?;
    let m = mapping_at(root, map)?;
    let lines = Lines::new(text);
    let is_flow = m.pos.is_some_and(|p| text[lines.offset(p)..].starts_with('{'));
    // The first of `before` that starts its own line (not the first key of a list item).
    let anchor = m.entries().iter().filter(|e| before.contains(&e.key.as_str())).find_map(|e| {
        let kp = e.key_pos?;
        text[lines.start(kp.line)..lines.offset(kp)].trim().is_empty().then_some(kp)
    });
    let (Some(kp), false, None) = (anchor, is_flow, m.get(key)) else { return set(text, doc, map, key, value) };
    let indent = (kp.col - 1) as usize;
    let mut line = kp.line;
    while line > 1 {
        let prev = lines.get(line - 1);
        if prev.trim_start().starts_with('#') && indent_of(prev) == indent {
            line -= 1;
        } else {
            break;
        }
    }
    let at = lines.start(line);
    let mut rendered = String::new();
    render_entry(key, value, indent, Style::detect(text), &mut rendered);
    let out = splice(text, at, at, &rendered);
    let mut expected = root.to_json();
    if let Some(J::Object(o)) = locate_json(&mut expected, map) {
        o.insert(key.to_string(), value.to_json());
    }
    verify(&docs, &out, doc, &expected)?;
    Ok(out)
}

/// Replaces the entry `old` of the mapping at `map` by `new: value`, in the same place.
pub fn replace_entry(text: &str, doc: usize, map: &[Seg], old: &str, new: &str, value: &Y) -> EditResult<String> {
    let docs = parse(text)?;
    let root = doc_root(&docs, doc)?;
    let m = mapping_at(root, map)?;
    let Some(e) = m.entry(old) else { return set(text, doc, map, new, value) };
    if m.get(new).is_some() {
        return Err(format!("`{new}` is already there"));
    }
    let lines = Lines::new(text);
    let start = lines.offset(m.pos.ok_or("no position")?);
    let out = if text[start..].starts_with('{') {
        let end = flow_to_rewrite(text, start)?;
        let Y::Map(entries) = Y::from_node(m) else { return Err("internal: not a mapping".into()) };
        let swapped = entries
            .into_iter()
            .map(|(k, v)| if k == old { (new.to_string(), value.clone()) } else { (k, v) })
            .collect();
        splice(text, start, end, &Y::Map(swapped).render_flow())
    } else {
        let kp = e.key_pos.ok_or("no position")?;
        let indent = (kp.col - 1) as usize;
        let end = node_end(&lines, &e.value, indent).max(lines.end(kp.line));
        let mut rendered = String::new();
        render_entry(new, value, indent, Style::detect(text), &mut rendered);
        splice(text, lines.offset(kp), end, &rendered[indent..])
    };
    let mut expected = root.to_json();
    if let Some(J::Object(o)) = locate_json(&mut expected, map) {
        o.remove(old);
        o.insert(new.to_string(), value.to_json());
    }
    verify(&docs, &out, doc, &expected)?;
    Ok(out)
}

/// Merges a mapping into the one at `map`, key by key and recursively: missing keys are added;
/// with `overwrite`, differing values are replaced (else kept). Each step is one verified edit.
pub fn merge(text: &str, doc: usize, map: &[Seg], value: &Y, overwrite: bool) -> EditResult<String> {
    let Y::Map(entries) = value else { return Err("internal: merge needs a mapping".into()) };
    let mut text = text.to_string();
    for (k, v) in entries {
        let docs = parse(&text)?;
        let m = mapping_at(doc_root(&docs, doc)?, map)?;
        match (m.get(k), v) {
            (Some(existing), Y::Map(_)) if existing.is_map() => {
                let mut inner = map.to_vec();
                inner.push(Seg::Key(k.clone()));
                text = merge(&text, doc, &inner, v, overwrite)?;
            }
            (Some(existing), _) if v.same_as(existing) => {}
            (Some(existing), _) if !overwrite && !existing.is_null() => {}
            _ => text = set(&text, doc, map, k, v)?,
        }
    }
    Ok(text)
}

/// Appends `item` to the sequence under `key` of the mapping at `map` (creating it when missing).
pub fn append(text: &str, doc: usize, map: &[Seg], key: &str, item: &Y) -> EditResult<String> {
    let docs = parse(text)?;
    let root = doc_root(&docs, doc)?;
    let m = mapping_at(root, map)?;
    let lines = Lines::new(text);
    let st = Style::detect(text);
    let mut expected = root.to_json();
    let target = locate_json(&mut expected, map).and_then(J::as_object_mut).ok_or("internal: mapping vanished")?;
    let out = match m.get(key) {
        None => {
            target.insert(key.to_string(), J::Array(vec![item.to_json()]));
            raw_set(&lines, st, m, key, &Y::Seq(vec![item.clone()]))?
        }
        Some(v) if v.is_null() => {
            target.insert(key.to_string(), J::Array(vec![item.to_json()]));
            raw_set(&lines, st, m, key, &Y::Seq(vec![item.clone()]))?
        }
        Some(v) => {
            let Value::Seq(items) = &v.value else { return Err(format!("`{key}` is not a list")) };
            match target.get_mut(key) {
                Some(J::Array(a)) => a.push(item.to_json()),
                _ => return Err("internal: list vanished".into()),
            }
            let start = lines.offset(v.pos.ok_or("no position")?);
            if text[start..].starts_with('[') {
                let end = flow_to_rewrite(text, start)?;
                let mut y = Y::from_node(v);
                if let Y::Seq(list) = &mut y {
                    list.push(item.clone());
                }
                splice(text, start, end, &y.render_flow())
            } else {
                let first = items.first().and_then(|i| i.pos).ok_or("empty block list")?;
                let line = lines.get(first.line);
                let before: String = line.chars().take(first.col.saturating_sub(1) as usize).collect();
                let dash = before.trim_end().strip_suffix('-').ok_or("cannot find the list's dash")?;
                if !dash.trim().is_empty() {
                    return Err("a list nested on one line is not edited".into());
                }
                let dash = dash.len();
                let at = node_end(&lines, v, dash);
                let mut rendered = String::new();
                render_item(item, dash, st, &mut rendered);
                splice(text, at, at, &rendered)
            }
        }
    };
    verify(&docs, &out, doc, &expected)?;
    Ok(out)
}

/// Removes `key` (and its value) from the mapping at `map`; nothing to do when it is absent.
pub fn remove(text: &str, doc: usize, map: &[Seg], key: &str) -> EditResult<String> {
    let docs = parse(text)?;
    let root = doc_root(&docs, doc)?;
    let m = mapping_at(root, map)?;
    let Some(index) = m.entries().iter().position(|e| e.key == key) else { return Ok(text.to_string()) };
    let e = &m.entries()[index];
    let lines = Lines::new(text);
    let mut expected = root.to_json();
    if let Some(J::Object(o)) = locate_json(&mut expected, map) {
        o.remove(key);
    }
    let start = lines.offset(m.pos.ok_or("no position")?);
    let out = if text[start..].starts_with('{') {
        let end = flow_to_rewrite(text, start)?;
        let Y::Map(entries) = Y::from_node(m) else { return Err("internal: not a mapping".into()) };
        let kept = Y::Map(entries.into_iter().filter(|(k, _)| k != key).collect());
        splice(text, start, end, &kept.render_flow())
    } else {
        let kp = e.key_pos.ok_or("no position")?;
        let kstart = lines.offset(kp);
        let line_start = lines.start(kp.line);
        let before = &text[line_start..kstart];
        if before.trim().is_empty() {
            let end = node_end(&lines, &e.value, (kp.col - 1) as usize).max(lines.end(kp.line));
            splice(text, line_start, end, "")
        } else if before.trim_end().ends_with('-') {
            // The first key of a list item: pull the next key up onto the dash's line.
            let next = m
                .entries()
                .get(index + 1)
                .and_then(|n| n.key_pos)
                .ok_or("cannot remove the only key of a list item")?;
            splice(text, kstart, lines.offset(next), "")
        } else {
            return Err(format!("`{key}` shares its line with other content"));
        }
    };
    verify(&docs, &out, doc, &expected)?;
    Ok(out)
}

/// Appends a document (YAML text without `---`) at the end of a stream.
pub fn append_document(text: &str, document: &str) -> EditResult<String> {
    let before = parse(text)?;
    let mut out = text.to_string();
    if !before.is_empty() {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        let last = out.trim_end().lines().last().unwrap_or_default();
        if last.trim_end() != "---" {
            out.push_str("---\n");
        }
    }
    out.push_str(document);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    // A trailing `---` opens an empty document that the new one takes the place of.
    let real = |docs: Vec<yaml::Document>| docs.into_iter().filter(|d| !d.root.is_null()).collect::<Vec<_>>();
    let before = real(before);
    let after = real(parse(&out)?);
    let added = real(parse(document)?);
    let same_prefix = after.len() == before.len() + added.len()
        && before.iter().zip(&after).all(|(b, a)| b.root.to_json() == a.root.to_json());
    if !same_prefix {
        return Err("appending the document would change the file's other documents".into());
    }
    Ok(out)
}

/// Renders a whole document (a mapping) in block style, for new objects.
pub fn render_document(value: &Y, seq_indented: bool) -> String {
    let mut out = String::new();
    if let Y::Map(entries) = value {
        for (k, v) in entries {
            render_entry(k, v, 0, Style { seq_indented }, &mut out);
        }
    }
    out
}

/// True when the file writes block lists indented under their key (the renderer follows it).
pub fn seq_indented(text: &str) -> bool {
    Style::detect(text).seq_indented
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<Seg> {
        path(s)
    }

    #[test]
    fn flow_collections_with_a_comment_are_not_rewritten() {
        let t = "a: {\n  b: 1, # why b } matters\n}\nc: [x, # first\n  y]\n";
        let why = set(t, 0, &p("a"), "d", &Y::int(2)).unwrap_err();
        assert!(why.contains("comment"), "{why}");
        assert!(append(t, 0, &[], "c", &Y::str("z")).unwrap_err().contains("comment"));
        assert!(remove(t, 0, &p("a"), "b").unwrap_err().contains("comment"));
        // Without a comment, the collection is rewritten as before.
        assert_eq!(set("a: {b: 1}\n", 0, &p("a"), "d", &Y::int(2)).unwrap(), "a: {b: 1, d: 2}\n");
    }

    #[test]
    fn scalars_are_replaced_in_place_keeping_comments() {
        let t = "a:\n  b: 1 # keep me\n  c: 'x'\n";
        let out = set(t, 0, &p("a"), "b", &Y::int(2)).unwrap();
        assert_eq!(out, "a:\n  b: 2 # keep me\n  c: 'x'\n");
        let out = set(&out, 0, &p("a"), "c", &Y::str("y z")).unwrap();
        assert_eq!(out, "a:\n  b: 2 # keep me\n  c: y z\n");
    }

    #[test]
    fn missing_keys_go_at_the_end_of_their_mapping() {
        let t = "# top\na:\n  b: 1\n  # trailing comment\nc: 2\n";
        let out = set(t, 0, &p("a"), "d", &Y::map([("e", Y::bool(true))])).unwrap();
        assert_eq!(out, "# top\na:\n  b: 1\n  d:\n    e: true\n  # trailing comment\nc: 2\n");
    }

    #[test]
    fn lists_follow_the_file_style() {
        let t = "spec:\n  containers:\n  - name: a\n    image: x\n  volumes: []\n";
        let out =
            append(t, 0, &p("spec"), "containers", &Y::map([("name", Y::str("b")), ("image", Y::str("z"))])).unwrap();
        assert_eq!(out, "spec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n    image: z\n  volumes: []\n");
        let out = append(&out, 0, &p("spec"), "volumes", &Y::map([("name", Y::str("tmp"))])).unwrap();
        assert!(out.ends_with("volumes: [{name: tmp}]\n"), "{out}");
        let t2 = "spec:\n  ports:\n    - 1\n";
        let out = append(t2, 0, &p("spec"), "ports", &Y::int(2)).unwrap();
        assert_eq!(out, "spec:\n  ports:\n    - 1\n    - 2\n");
        let out = append("spec:\n  x: 1\n", 0, &p("spec"), "ports", &Y::int(2)).unwrap();
        assert_eq!(out, "spec:\n  x: 1\n  ports:\n    - 2\n");
    }

    #[test]
    fn flow_collections_are_rewritten_in_flow_style() {
        let t = "c:\n  securityContext: {runAsUser: 0, x: \"a\"} # why\n";
        let out = merge(
            t,
            0,
            &p("c.securityContext"),
            &Y::map([("runAsUser", Y::int(10001)), ("runAsNonRoot", Y::bool(true))]),
            true,
        )
        .unwrap();
        assert_eq!(out, "c:\n  securityContext: {runAsUser: 10001, x: \"a\", runAsNonRoot: true} # why\n");
    }

    #[test]
    fn null_values_and_nested_merges() {
        let t = "spec:\n  securityContext:\n  containers:\n  - name: a\n";
        let out =
            merge(t, 0, &p("spec"), &Y::map([("securityContext", Y::map([("runAsNonRoot", Y::bool(true))]))]), false)
                .unwrap();
        assert_eq!(out, "spec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: a\n");
        // Existing values are kept without overwrite, replaced with it.
        let out2 = merge(
            &out,
            0,
            &p("spec"),
            &Y::map([("securityContext", Y::map([("runAsNonRoot", Y::bool(false))]))]),
            false,
        )
        .unwrap();
        assert_eq!(out2, out);
    }

    #[test]
    fn keys_can_go_before_a_sibling_and_its_comment() {
        let t = "spec:\n  replicas: 1\n  # the app\n  containers:\n  - name: a\n";
        let out = set_before(
            t,
            0,
            &p("spec"),
            "securityContext",
            &Y::map([("runAsNonRoot", Y::bool(true))]),
            &["containers"],
        )
        .unwrap();
        assert_eq!(
            out,
            "spec:\n  replicas: 1\n  securityContext:\n    runAsNonRoot: true\n  # the app\n  containers:\n  - name: a\n"
        );
        // Without the sibling, at the end as usual.
        let out = set_before("spec:\n  a: 1\n", 0, &p("spec"), "b", &Y::int(2), &["containers"]).unwrap();
        assert_eq!(out, "spec:\n  a: 1\n  b: 2\n");
    }

    #[test]
    fn entries_are_replaced_in_place() {
        let t = "p:\n  exec:\n    command: [x] # old\n  periodSeconds: 5\n";
        let out = replace_entry(t, 0, &p("p"), "exec", "httpGet", &Y::map([("port", Y::int(8082))])).unwrap();
        assert_eq!(out, "p:\n  httpGet:\n    port: 8082\n  periodSeconds: 5\n");
        let out = replace_entry(
            "p: {tcpSocket: {port: 1}, x: 1}\n",
            0,
            &p("p"),
            "tcpSocket",
            "httpGet",
            &Y::map([("port", Y::int(2))]),
        )
        .unwrap();
        assert_eq!(out, "p: {httpGet: {port: 2}, x: 1}\n");
    }

    #[test]
    fn entries_are_removed_whole() {
        let t = "p:\n  exec:\n    command: [x]\n  timeoutSeconds: 1\nq: 1\n";
        assert_eq!(remove(t, 0, &p("p"), "exec").unwrap(), "p:\n  timeoutSeconds: 1\nq: 1\n");
        let t = "env:\n- value: s3cret\n  name: A\n";
        assert_eq!(remove(t, 0, &p("env.0"), "value").unwrap(), "env:\n- name: A\n");
    }

    #[test]
    fn block_values_are_replaced_as_entries() {
        let t = "a:\n  drop:\n  - NET_RAW\n  keep: 1\n";
        let out = set(t, 0, &p("a"), "drop", &Y::seq([Y::str("ALL")])).unwrap();
        assert_eq!(out, "a:\n  drop:\n  - ALL\n  keep: 1\n");
        let t = "- name: a\n  cmd: |\n    line 1\n    line 2\n  x: 1\n";
        let out = set(t, 0, &p("0"), "cmd", &Y::str("one")).unwrap();
        assert_eq!(out, "- name: a\n  cmd: one\n  x: 1\n");
    }

    #[test]
    fn other_documents_and_unicode_columns_stay_intact() {
        let t = "a: é\nb: 1\n---\nc: 2\n";
        let out = set(t, 1, &[], "d", &Y::str("ü")).unwrap();
        assert_eq!(out, "a: é\nb: 1\n---\nc: 2\nd: ü\n");
        let out = set(&out, 0, &[], "a", &Y::str("ß")).unwrap();
        assert_eq!(out, "a: ß\nb: 1\n---\nc: 2\nd: ü\n");
    }

    #[test]
    fn files_without_a_final_newline() {
        let out = set("a:\n  b: 1", 0, &p("a"), "c", &Y::int(2)).unwrap();
        assert_eq!(out, "a:\n  b: 1\n  c: 2\n");
    }

    #[test]
    fn strings_that_look_like_other_types_are_quoted() {
        for s in ["true", "yes", "8081", "0755", "1e3", "null", "", "a: b", "-", "#x", "{x}"] {
            assert!(matches!(Y::str(s), Y::Scalar(ref t) if t.starts_with('"')), "{s}");
            assert_eq!(Y::str(s).to_json(), J::String(s.to_string()), "{s}");
        }
        for s in ["/metrics", "-c", "harbor.example.com/x/y:1.2", "REPLACE_ME", "prometheus.io/scrape"] {
            assert_eq!(Y::str(s), Y::Scalar(s.to_string()), "{s}");
        }
    }

    #[test]
    fn documents_are_appended_after_a_separator() {
        let out = append_document("# only a comment\na: 1\n", "b: 2\n").unwrap();
        assert_eq!(out, "# only a comment\na: 1\n---\nb: 2\n");
        assert_eq!(append_document("", "b: 2\n").unwrap(), "b: 2\n");
        assert_eq!(append_document("a: 1\n---\n", "b: 2\n").unwrap(), "a: 1\n---\nb: 2\n");
    }

    #[test]
    fn edits_that_would_change_meaning_are_refused() {
        // An aliased node: changing the anchor would change the alias too.
        let t = "a: &x {b: 1}\nc: *x\n";
        assert!(set(t, 0, &p("a"), "b", &Y::int(2)).is_err());
        assert!(set("a: [1\n", 0, &[], "b", &Y::int(1)).is_err());
    }

    #[test]
    fn rendering_nested_documents() {
        let y = Y::map([
            ("kind", Y::str("NetworkPolicy")),
            ("spec", Y::map([("podSelector", Y::map([])), ("policyTypes", Y::seq([Y::str("Ingress")]))])),
            ("items", Y::seq([Y::map([("a", Y::int(1)), ("b", Y::seq([Y::int(2)]))])])),
        ]);
        let text = render_document(&y, true);
        assert_eq!(
            text,
            "kind: NetworkPolicy\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\nitems:\n  - a: 1\n    b:\n      - 2\n"
        );
        assert_eq!(yaml::parse_one(&text).unwrap().unwrap().to_json(), y.to_json());
    }
}

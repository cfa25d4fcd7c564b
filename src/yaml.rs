//! YAML with positions: every node knows its 1-based line and column.
//!
//! Built on saphyr-parser's event stream rather than a `Value` type so that we control
//! alias expansion (a budget against alias bombs), merge keys and the shape of the tree
//! the checks walk. Nodes built from JSON (live cluster objects) have no position; the
//! checks do not care where a node came from.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;
use std::fmt;

/// Most nodes one file may expand to (aliases included) before it is refused.
const NODE_BUDGET: usize = 2_000_000;
/// Most bytes of scalar text (keys included) one file may expand to through aliases: a few
/// nodes can be huge (one 4 MB scalar referenced a million times is 4 TB).
const ALIAS_BYTES_BUDGET: usize = 64 * 1024 * 1024;
/// Mappings with more entries than this get a key index while they are built, so that finding a
/// duplicate key stays linear in the mapping's size (a scan is cheaper for small ones).
const INDEX_KEYS_FROM: usize = 16;
/// Deepest nesting accepted.
const MAX_DEPTH: usize = 256;

/// A position in a text file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// One YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts, if it came from text.
    pub pos: Option<Pos>,
    /// The node itself.
    pub value: Value,
}

/// A mapping entry: the key text, where the key is, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as written (non-string keys are kept as their text).
    pub key: String,
    /// Where the key starts.
    pub key_pos: Option<Pos>,
    /// The value.
    pub value: Node,
}

/// The shape of a node. Scalars keep their text; typed views are methods on [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar: its text, and whether it was quoted (quoted scalars are always strings).
    Scalar {
        /// The scalar's text.
        text: String,
        /// True for quoted and block scalars, which YAML never reads as numbers or booleans.
        quoted: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<Entry>),
}

/// A YAML document inside a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based index of the document in its file.
    pub index: usize,
    /// The document's root node.
    pub root: Node,
}

/// A file that is not valid YAML (or is too large to expand).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct YamlError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// The parser's message.
    pub message: String,
}

static NULL: Node = Node { pos: None, value: Value::Seq(Vec::new()) };

impl Node {
    /// A scalar node without a position (for trees built in code).
    pub fn scalar(text: impl Into<String>, quoted: bool) -> Node {
        Node { pos: None, value: Value::Scalar { text: text.into(), quoted } }
    }

    /// The line the node starts on, if known.
    pub fn line(&self) -> Option<u32> {
        self.pos.map(|p| p.line)
    }

    /// The value under `key`, for a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry under `key`, for a mapping (for the key's own position).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Follows a dotted path of keys (`spec.template.spec`); numeric parts index sequences.
    pub fn path(&self, path: &str) -> Option<&Node> {
        path.split('.').filter(|p| !p.is_empty()).try_fold(self, |node, part| match &node.value {
            Value::Seq(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => node.get(part),
        })
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The text of a scalar that is not null.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, quoted } if *quoted || !is_null_text(text) => Some(text),
            _ => None,
        }
    }

    /// True for a plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if is_null_text(text))
    }

    /// An integer scalar (plain, or quoted digits: Kubernetes accepts ports both ways in the wild).
    pub fn as_i64(&self) -> Option<i64> {
        self.as_str().and_then(|t| t.trim().parse().ok())
    }

    /// A boolean scalar (plain `true`/`false`, YAML 1.2 core schema).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar { text, quoted: false } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// True for a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// The empty node used where a lookup found nothing but a reference is handier.
    pub fn none() -> &'static Node {
        &NULL
    }

    /// Converts to JSON (scalars typed by the YAML 1.2 core schema).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Scalar { text, quoted: true } => J::String(text.clone()),
            Value::Scalar { text, quoted: false } => {
                if is_null_text(text) {
                    J::Null
                } else if let Some(b) = self.as_bool() {
                    J::Bool(b)
                } else if let Ok(i) = text.parse::<i64>() {
                    J::from(i)
                } else if let Some(f) = text.parse::<f64>().ok().filter(|f| f.is_finite() && looks_numeric(text)) {
                    J::from(f)
                } else {
                    J::String(text.clone())
                }
            }
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(entries.iter().map(|e| (e.key.clone(), e.value.to_json())).collect()),
        }
    }

    /// Builds a position-less tree from JSON (live objects read from a cluster).
    pub fn from_json(json: &serde_json::Value) -> Node {
        use serde_json::Value as J;
        let value = match json {
            J::Null => Value::Scalar { text: "null".into(), quoted: false },
            J::Bool(b) => Value::Scalar { text: b.to_string(), quoted: false },
            J::Number(n) => Value::Scalar { text: n.to_string(), quoted: false },
            J::String(s) => Value::Scalar { text: s.clone(), quoted: true },
            J::Array(items) => Value::Seq(items.iter().map(Node::from_json).collect()),
            J::Object(map) => Value::Map(
                map.iter().map(|(k, v)| Entry { key: k.clone(), key_pos: None, value: Node::from_json(v) }).collect(),
            ),
        };
        Node { pos: None, value }
    }
}

fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn looks_numeric(text: &str) -> bool {
    text.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
}

fn pos_of(span: &Span) -> Pos {
    Pos { line: span.start.line() as u32, col: span.start.col() as u32 + 1 }
}

/// Parses every document of a YAML stream.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, YamlError> {
    Builder::default().run(text)
}

/// Parses a stream expected to hold a single document (an empty stream gives `None`).
pub fn parse_one(text: &str) -> Result<Option<Node>, YamlError> {
    Ok(parse_documents(text)?.into_iter().next().map(|d| d.root))
}

enum Frame {
    Seq(Pos, Vec<Node>, usize),
    Map(Pos, MapBuilder, Option<(String, Pos)>, usize),
}

/// A mapping being built: its entries, and once it is large, where each key is among them.
#[derive(Default)]
struct MapBuilder {
    entries: Vec<Entry>,
    index: Option<HashMap<String, usize>>,
}

impl MapBuilder {
    /// Where `key` is among the entries.
    fn find(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|e| e.key == key),
        }
    }

    /// Adds an entry whose key is not there yet.
    fn push(&mut self, entry: Entry) {
        if let Some(index) = &mut self.index {
            index.insert(entry.key.clone(), self.entries.len());
        } else if self.entries.len() >= INDEX_KEYS_FROM {
            let mut index: HashMap<String, usize> =
                self.entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i)).collect();
            index.insert(entry.key.clone(), self.entries.len());
            self.index = Some(index);
        }
        self.entries.push(entry);
    }

    /// Sets `entry`, replacing an entry of the same key.
    fn set(&mut self, entry: Entry) {
        match self.find(&entry.key) {
            Some(i) => self.entries[i] = entry,
            None => self.push(entry),
        }
    }

    /// Applies a YAML merge key: entries already present win.
    fn merge(&mut self, source: Node) {
        let sources = match source.value {
            Value::Seq(items) => items,
            other => vec![Node { pos: source.pos, value: other }],
        };
        for src in sources {
            if let Value::Map(src_entries) = src.value {
                for e in src_entries {
                    if self.find(&e.key).is_none() {
                        self.push(e);
                    }
                }
            }
        }
    }
}

/// An anchored node, with what one alias to it expands to.
struct Anchored {
    node: Node,
    nodes: usize,
    bytes: usize,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    docs: Vec<Document>,
    budget_used: usize,
    alias_bytes: usize,
}

impl Builder {
    fn run(mut self, text: &str) -> Result<Vec<Document>, YamlError> {
        let mut parser = Parser::new_from_str(text);
        while let Some(item) = parser.next_event() {
            let (event, span) = item.map_err(|e| YamlError {
                pos: Pos { line: e.marker().line() as u32, col: e.marker().col() as u32 + 1 },
                message: e.info().to_string(),
            })?;
            let pos = pos_of(&span);
            match event {
                Event::Scalar(text, style, anchor, tag) => {
                    // A `!!str` tag makes a plain scalar a string, like quoting it.
                    let tagged_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                    let quoted = style != ScalarStyle::Plain || tagged_str;
                    let node = Node { pos: Some(pos), value: Value::Scalar { text: text.into_owned(), quoted } };
                    self.push(node, anchor, pos)?;
                }
                Event::SequenceStart(anchor, _) => {
                    self.depth_check(pos)?;
                    self.stack.push(Frame::Seq(pos, Vec::new(), anchor));
                }
                Event::MappingStart(anchor, _) => {
                    self.depth_check(pos)?;
                    self.stack.push(Frame::Map(pos, MapBuilder::default(), None, anchor));
                }
                Event::SequenceEnd => {
                    if let Some(Frame::Seq(start, mut items, anchor)) = self.stack.pop() {
                        // Trees live for the whole review: drop the growth slack.
                        items.shrink_to_fit();
                        self.push(Node { pos: Some(start), value: Value::Seq(items) }, anchor, start)?;
                    }
                }
                Event::MappingEnd => {
                    if let Some(Frame::Map(start, map, _, anchor)) = self.stack.pop() {
                        let mut entries = map.entries;
                        entries.shrink_to_fit();
                        self.push(Node { pos: Some(start), value: Value::Map(entries) }, anchor, start)?;
                    }
                }
                Event::Alias(id) => {
                    let anchored = self
                        .anchors
                        .get(&id)
                        .ok_or_else(|| YamlError { pos, message: "alias refers to an unknown anchor".into() })?;
                    // Counted before the copy is made: the copy is what a bomb would blow up.
                    self.budget_used += anchored.nodes;
                    self.alias_bytes += anchored.bytes;
                    if self.budget_used > NODE_BUDGET {
                        return Err(YamlError {
                            pos,
                            message: "aliases expand to too many nodes (alias bomb?)".into(),
                        });
                    }
                    if self.alias_bytes > ALIAS_BYTES_BUDGET {
                        return Err(YamlError {
                            pos,
                            message: format!(
                                "aliases expand to more than {} MiB of text (alias bomb?)",
                                ALIAS_BYTES_BUDGET / 1024 / 1024
                            ),
                        });
                    }
                    let node = anchored.node.clone();
                    self.push(node, 0, pos)?;
                }
                Event::DocumentStart(_)
                | Event::DocumentEnd
                | Event::StreamStart
                | Event::StreamEnd
                | Event::Nothing => {}
            }
        }
        Ok(self.docs)
    }

    fn depth_check(&self, pos: Pos) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError { pos, message: format!("nesting deeper than {MAX_DEPTH} levels") });
        }
        Ok(())
    }

    fn push(&mut self, node: Node, anchor: usize, pos: Pos) -> Result<(), YamlError> {
        self.budget_used += 1;
        if self.budget_used > NODE_BUDGET {
            return Err(YamlError { pos, message: "document has too many nodes".into() });
        }
        if anchor > 0 {
            let (nodes, bytes) = expanded_size(&node);
            self.anchors.insert(anchor, Anchored { node: node.clone(), nodes, bytes });
        }
        match self.stack.last_mut() {
            None => {
                let index = self.docs.len();
                self.docs.push(Document { index, root: node });
            }
            Some(Frame::Seq(_, items, _)) => items.push(node),
            Some(Frame::Map(_, map, pending, _)) => match pending.take() {
                None => {
                    let key_pos = node.pos.unwrap_or(pos);
                    let key = match node.value {
                        // The scalar's own text becomes the key (no copy).
                        Value::Scalar { text, .. } => text,
                        // Complex keys are rare in manifests; keep their JSON text so nothing is lost.
                        value => Node { pos: node.pos, value }.to_json().to_string(),
                    };
                    *pending = Some((key, key_pos));
                }
                Some((key, _)) if key == "<<" => map.merge(node),
                // An explicit key wins over one a merge key brought in earlier.
                Some((key, key_pos)) => map.set(Entry { key, key_pos: Some(key_pos), value: node }),
            },
        }
        Ok(())
    }
}

/// How many nodes, and how many bytes of scalar text (keys included), a node holds.
fn expanded_size(node: &Node) -> (usize, usize) {
    match &node.value {
        Value::Scalar { text, .. } => (1, text.len()),
        Value::Seq(items) => items.iter().map(expanded_size).fold((1, 0), |(n, b), (n2, b2)| (n + n2, b + b2)),
        Value::Map(entries) => entries.iter().fold((1, 0), |(n, b), e| {
            let (n2, b2) = expanded_size(&e.value);
            (n + n2, b + b2 + e.key.len())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_point_at_values() {
        let docs = parse_documents("a: 1\nb:\n  c: [x, y]\n---\nkind: Pod\n").unwrap();
        assert_eq!(docs.len(), 2);
        let c = docs[0].root.path("b.c").unwrap();
        assert_eq!(c.pos, Some(Pos { line: 3, col: 6 }));
        assert_eq!(docs[0].root.path("b.c.1").unwrap().as_str(), Some("y"));
        assert_eq!(docs[1].root.get("kind").unwrap().line(), Some(5));
    }

    #[test]
    fn anchors_aliases_and_merge_keys_resolve() {
        let doc = parse_one("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n").unwrap().unwrap();
        assert_eq!(doc.path("use.x").unwrap().as_i64(), Some(1));
        assert_eq!(doc.path("use.y").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse_documents("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.pos.line >= 1, "{err}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let err = parse_documents(&text).unwrap_err();
        assert!(err.message.contains("too many"), "{err}");
    }

    #[test]
    fn an_alias_string_bomb_is_refused_by_its_size() {
        // Few nodes, huge text: a 1 MiB scalar referenced 100 times (the reported bomb was 4 MB
        // a million times) would be 100 MiB expanded; the node count alone lets it through.
        let mut text = format!("big: &b \"{}\"\nrefs:\n", "x".repeat(1024 * 1024));
        text.push_str(&"- *b\n".repeat(100));
        let err = parse_documents(&text).unwrap_err();
        assert!(err.message.contains("MiB of text"), "{err}");
        // Aliases that stay within the budget still resolve.
        let doc = parse_one("a: &a {x: 1}\nb: [*a, *a]\n").unwrap().unwrap();
        assert_eq!(doc.path("b.1.x").unwrap().as_i64(), Some(1));
    }

    #[test]
    fn a_huge_flat_mapping_is_built_in_linear_time() {
        // 100k distinct keys: scanning the entries for each key (the old duplicate check) is 5e9
        // comparisons, minutes of work; with the key index it is a fraction of a second.
        let keys = 100_000;
        let entry = |key: String, value: &str| Entry { key, key_pos: None, value: Node::scalar(value, false) };
        let start = std::time::Instant::now();
        let mut map = MapBuilder::default();
        for i in 0..keys {
            map.set(entry(format!("k{i}"), "v"));
        }
        map.set(entry("k7".into(), "again"));
        let took = start.elapsed();
        assert_eq!(map.entries.len(), keys);
        assert_eq!(map.entries[7].value.as_str(), Some("again"), "a repeated key replaces the first, in place");
        // Generous (a debug build on a busy machine): quadratic work takes minutes.
        assert!(took < std::time::Duration::from_secs(10), "{took:?}");
    }

    #[test]
    fn repeated_and_merged_keys_in_a_large_mapping() {
        // Past INDEX_KEYS_FROM the index decides: the last explicit key wins, merge keys never do.
        let mut text: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k7: again\n<<: {k8: merged, extra: 1}\n");
        let doc = parse_one(&text).unwrap().unwrap();
        assert_eq!(doc.entries().len(), 101);
        assert_eq!(doc.get("k7").unwrap().as_str(), Some("again"));
        assert_eq!(doc.get("k8").unwrap().as_i64(), Some(8));
        assert_eq!(doc.get("extra").unwrap().as_i64(), Some(1));
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let doc = parse_one("a: \"8081\"\nb: 8081\nc: 'true'\nd: ~\n").unwrap().unwrap();
        assert_eq!(doc.to_json(), serde_json::json!({"a": "8081", "b": 8081, "c": "true", "d": null}));
    }
}

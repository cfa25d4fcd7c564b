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
    Map(Pos, Vec<Entry>, Option<(String, Pos)>, usize),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    docs: Vec<Document>,
    budget_used: usize,
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
                    self.stack.push(Frame::Map(pos, Vec::new(), None, anchor));
                }
                Event::SequenceEnd => {
                    if let Some(Frame::Seq(start, mut items, anchor)) = self.stack.pop() {
                        // Trees live for the whole review: drop the growth slack.
                        items.shrink_to_fit();
                        self.push(Node { pos: Some(start), value: Value::Seq(items) }, anchor, start)?;
                    }
                }
                Event::MappingEnd => {
                    if let Some(Frame::Map(start, mut entries, _, anchor)) = self.stack.pop() {
                        entries.shrink_to_fit();
                        self.push(Node { pos: Some(start), value: Value::Map(entries) }, anchor, start)?;
                    }
                }
                Event::Alias(id) => {
                    let node = self
                        .anchors
                        .get(&id)
                        .cloned()
                        .ok_or_else(|| YamlError { pos, message: "alias refers to an unknown anchor".into() })?;
                    self.budget_used += count_nodes(&node);
                    if self.budget_used > NODE_BUDGET {
                        return Err(YamlError {
                            pos,
                            message: "aliases expand to too many nodes (alias bomb?)".into(),
                        });
                    }
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
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                let index = self.docs.len();
                self.docs.push(Document { index, root: node });
            }
            Some(Frame::Seq(_, items, _)) => items.push(node),
            Some(Frame::Map(_, entries, pending, _)) => match pending.take() {
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
                Some((key, _)) if key == "<<" => merge_into(entries, node),
                // An explicit key wins over one a merge key brought in earlier.
                Some((key, key_pos)) => match entries.iter_mut().find(|e| e.key == key) {
                    Some(existing) => *existing = Entry { key, key_pos: Some(key_pos), value: node },
                    None => entries.push(Entry { key, key_pos: Some(key_pos), value: node }),
                },
            },
        }
        Ok(())
    }
}

/// Applies a YAML merge key: entries already present win.
fn merge_into(entries: &mut Vec<Entry>, source: Node) {
    let sources = match source.value {
        Value::Seq(items) => items,
        other => vec![Node { pos: source.pos, value: other }],
    };
    for src in sources {
        if let Value::Map(src_entries) = src.value {
            for e in src_entries {
                if !entries.iter().any(|x| x.key == e.key) {
                    entries.push(e);
                }
            }
        }
    }
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::Scalar { .. } => 0,
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries.iter().map(|e| count_nodes(&e.value)).sum(),
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
    fn quoted_scalars_stay_strings() {
        let doc = parse_one("a: \"8081\"\nb: 8081\nc: 'true'\nd: ~\n").unwrap().unwrap();
        assert_eq!(doc.to_json(), serde_json::json!({"a": "8081", "b": 8081, "c": "true", "d": null}));
    }
}

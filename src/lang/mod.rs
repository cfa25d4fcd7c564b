//! Language knowledge: one module per supported language (node, python, go, jvm, rust, php), each
//! implementing [`LanguageSupport`], and a small lexer for strings, comments and calls shared by
//! all of them. Detection, generation and the review checks ask these modules, never their own
//! per-language tables.

mod go;
mod jvm;
mod language;
mod lexer;
mod mask;
mod node;
mod php;
mod pins;
pub(crate) mod python;
mod rust;
mod scan;
pub mod toml;
mod words;

pub(crate) use language::ENV_NAME;
pub use language::{Dependency, LANGUAGES, Language, LanguageSupport};
pub use pins::{Manifest, Neighbours, Unpinned};

pub use lexer::{LIT_MARK, Lit, bare_identifier, is_ident, lex_string, literals, without_literals};
pub use mask::{files_matching, mask, masked};
pub use scan::{call_args, statement_end};
pub use words::{env_name, split_parts, upper_words};

use crate::repo::TextFile;
use regex::Regex;

/// How a file is lexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Python.
    Python,
    /// JavaScript / TypeScript.
    Js,
    /// Go.
    Go,
    /// Java.
    Java,
    /// Kotlin (string templates).
    Kotlin,
    /// Rust.
    Rust,
    /// PHP.
    Php,
    /// .env, .properties, YAML and JSON app config.
    Config,
}

/// The dialect of a source file.
pub fn dialect(f: &TextFile) -> Dialect {
    match f.lang.language() {
        Some(language) => language.support().dialect(&f.file),
        None => Dialect::Config,
    }
}

// The registry of languages: adding one is its module, its templates and one line here.
impl Language {
    /// What vibe knows of this language (its module under `src/lang/`).
    pub fn support(self) -> &'static dyn LanguageSupport {
        match self {
            Language::Node => &node::Support,
            Language::Python => &python::Support,
            Language::Go => &go::Support,
            Language::Jvm => &jvm::Support,
            Language::Rust => &rust::Support,
            Language::Php => &php::Support,
        }
    }
}

/// Byte offsets to 1-based line numbers.
pub struct Lines(Vec<usize>);

impl Lines {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    /// The line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        self.0.partition_point(|&s| s <= offset) as u32
    }
}

/// Compiles a pattern with ASCII word boundaries: a Unicode `\b` makes the regex engine fall
/// back to its slow path on any non-ASCII text.
pub fn re(pattern: &str) -> Regex {
    let pattern = pattern.replace(r"\b", r"(?-u:\b)");
    Regex::new(&pattern).unwrap_or_else(|e| panic!("bad pattern {pattern}: {e}"))
}

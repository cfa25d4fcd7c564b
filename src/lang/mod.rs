//! Language knowledge of application source: which dialect a file is written in, and a small
//! lexer for its strings, comments and calls. The review checks read code through it; modules for
//! single languages build on the same pieces.

mod lexer;
mod mask;
mod scan;
mod words;

pub use lexer::{LIT_MARK, Lit, bare_identifier, is_ident, lex_string, literals, without_literals};
pub use mask::{files_matching, mask, masked};
pub use scan::{call_args, statement_end};
pub use words::{env_name, split_parts, upper_words};

use crate::repo::{Lang, TextFile};

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
    match f.lang {
        Lang::Python => Dialect::Python,
        Lang::Js => Dialect::Js,
        Lang::Go => Dialect::Go,
        Lang::Java if f.file.ends_with(".kt") || f.file.ends_with(".kts") => Dialect::Kotlin,
        Lang::Java => Dialect::Java,
        Lang::Rust => Dialect::Rust,
        Lang::Php => Dialect::Php,
        Lang::Config => Dialect::Config,
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

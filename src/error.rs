//! Typed errors at the library edge. Every message says what failed, where, and what to do;
//! the binary prints them and maps them to exit status 2.

use crate::yaml::Pos;
use std::fmt;
use std::path::{Path, PathBuf};

/// Anything that stops a command before it can do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file that is not valid YAML, or has unknown keys or wrong types.
    #[error("{0}")]
    Parse(Located),
    /// Answers that parsed but break a rule (one entry per problem).
    #[error("{0}")]
    Invalid(Invalid),
    /// A file or folder that could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The command was called in a way that cannot work; the message says what to do instead.
    #[error("{0}")]
    Usage(String),
    /// The creator stopped the wizard (Esc or Ctrl-C); nothing was written.
    #[error("stopped: nothing was written")]
    Cancelled,
    /// A bug in a built-in template (never the user's fault).
    #[error("internal error in template {name}: {message} (please report this)")]
    Template {
        /// Template path.
        name: String,
        /// Tera's message.
        message: String,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), source }
    }
}

/// A message tied to a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// Where in the file, if known.
    pub pos: Option<Pos>,
    /// What is wrong and what to write instead.
    pub message: String,
    /// The offending lines, when the parser gives them.
    pub snippet: Option<String>,
}

impl Located {
    /// Converts a serde-saphyr error (which carries a 1-based location and a snippet).
    pub fn from_saphyr(file: &Path, err: &serde_saphyr::Error) -> Located {
        let text = err.to_string();
        let mut lines = text.lines();
        let first = lines.next().unwrap_or_default();
        // serde-saphyr says "error: line L column C: message"; keep only the message.
        let message = first
            .strip_prefix("error: ")
            .map(|rest| match rest.split_once(": ") {
                Some((loc, msg)) if loc.starts_with("line ") => msg,
                _ => rest,
            })
            .unwrap_or(first)
            .to_string();
        let snippet: Vec<&str> = lines.filter(|l| !l.trim_start().starts_with("-->")).collect();
        let pos = err.location().map(|l| Pos { line: l.line() as u32, col: l.column() as u32 });
        Located { file: file.to_path_buf(), pos, message, snippet: (!snippet.is_empty()).then(|| snippet.join("\n")) }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}: {}", self.file.display(), p, self.message)?,
            None => write!(f, "{}: {}", self.file.display(), self.message)?,
        }
        if let Some(s) = &self.snippet {
            write!(f, "\n{s}")?;
        }
        Ok(())
    }
}

/// One broken rule in the answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The answer concerned: a vibe.yaml path (`metrics[1].name`) or a flag (`--slug`).
    pub field: String,
    /// Where it is in vibe.yaml, when it came from there.
    pub pos: Option<Pos>,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// Every broken rule found in one set of answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Where the answers came from: a file path, or "the command line".
    pub source: String,
    /// The problems, in the order of the answers.
    pub problems: Vec<Problem>,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "{} has {} problem{}:", self.source, n, if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            match p.pos {
                Some(pos) => write!(f, "\n  {}:{}: {}: {}", self.source, pos, p.field, p.message)?,
                None => write!(f, "\n  {}: {}", p.field, p.message)?,
            }
        }
        Ok(())
    }
}

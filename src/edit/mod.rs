//! Editing files as text, so comments, order and the rest of a file stay as they were:
//! [`yaml_edit`] changes YAML at the positions the parser reports and verifies each edit by
//! parsing the result again; `format` writes an edited document back in the format it had on
//! disk; [`Files`] holds the current text of the files a fix plan is changing.
//!
//! Below `review` (whose fixers use it) and `fix` (which plans and applies the fixes).

pub mod format;
pub mod yaml_edit;

use crate::repo_path::{self, Existing};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One file to rewrite: path relative to the repo, its current content, the complete new content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Repo-relative path.
    pub path: String,
    /// Current content (empty for a new file).
    pub before: String,
    /// The complete new content.
    pub after: String,
}

/// The files a plan is working on: what is on disk and the text so far.
#[derive(Debug, Clone)]
pub struct Files {
    root: PathBuf,
    /// Path -> (content on disk, `None` for a new file; current text).
    map: BTreeMap<String, (Option<String>, String)>,
    /// Files whose current text is vibe's regenerated output.
    pub(crate) regenerated: BTreeSet<String>,
    /// Secret values the edits removed (masked in diffs).
    pub(crate) redact: Vec<String>,
}

impl Files {
    pub(crate) fn new(root: &Path) -> Files {
        Files { root: root.to_path_buf(), map: BTreeMap::new(), regenerated: BTreeSet::new(), redact: Vec::new() }
    }

    pub(crate) fn load(&mut self, path: &str) -> Result<Option<&(Option<String>, String)>, String> {
        if !self.map.contains_key(path) {
            // A link is never read (it may lead outside the repo): regenerating replaces the
            // link itself, and an edit of a linked file is refused.
            match repo_path::read_existing(&self.root, path).map_err(|e| e.to_string())? {
                Existing::File(bytes) => {
                    let text = String::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8 text"))?;
                    self.map.insert(path.to_string(), (Some(text.clone()), text));
                }
                Existing::Missing => return Ok(None),
                Existing::Link(to) => {
                    return Err(format!("{path} is a symbolic link (to {to}); vibe never edits through a link"));
                }
                Existing::Other(what) => return Err(format!("{path} is {what}, not a regular file")),
            }
        }
        Ok(self.map.get(path))
    }

    /// The current text of an existing file.
    pub(crate) fn text(&mut self, path: &str) -> Result<String, String> {
        self.load(path)?.map(|(_, t)| t.clone()).ok_or_else(|| format!("{path} does not exist"))
    }

    /// The current text of a file, empty when it does not exist yet.
    pub(crate) fn text_or_empty(&mut self, path: &str) -> String {
        match self.load(path) {
            Ok(Some((_, t))) => t.clone(),
            _ => String::new(),
        }
    }

    /// Stores the new text of a file (an edit: no longer vibe's pure output).
    pub(crate) fn put(&mut self, path: &str, text: String) {
        let before = self.map.get(path).and_then(|(b, _)| b.clone());
        self.map.insert(path.to_string(), (before, text));
        self.regenerated.remove(path);
    }

    /// Puts every edited file back in the format it has on disk (JSON stays JSON, CRLF stays
    /// CRLF); errs, naming the file, when an edit cannot be written in it.
    pub(crate) fn keep_formats(&mut self) -> Result<(), String> {
        for (path, (before, text)) in self.map.iter_mut() {
            if let Some(on_disk) = before.as_deref().filter(|b| *b != text.as_str()) {
                *text = format::keep(path, on_disk, std::mem::take(text)).map_err(|why| format!("{path}: {why}"))?;
            }
        }
        Ok(())
    }

    /// Records a secret value that must not be shown in previews.
    pub(crate) fn redact(&mut self, value: &str) {
        if !value.trim().is_empty() && !self.redact.iter().any(|v| v == value) {
            self.redact.push(value.to_string());
        }
    }

    /// Stores vibe's own output for a file, exactly as generated.
    pub(crate) fn regenerate(&mut self, path: &str, text: String) {
        let before = self.map.get(path).and_then(|(b, _)| b.clone());
        self.map.insert(path.to_string(), (before, text));
        self.regenerated.insert(path.to_string());
    }

    pub(crate) fn changes(&self) -> Vec<FileChange> {
        self.map
            .iter()
            .filter(|(_, (before, text))| before.as_deref() != Some(text.as_str()))
            .map(|(path, (before, text))| FileChange {
                path: path.clone(),
                before: before.clone().unwrap_or_default(),
                after: text.clone(),
            })
            .collect()
    }
}

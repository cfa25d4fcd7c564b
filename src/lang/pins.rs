//! What the pin rule (S4) of every language reads: a dependency manifest, the files beside it
//! (lockfiles), and the shape of its answer.

use super::TextFile;
use std::collections::HashSet;

/// A dependency manifest as read from the repo.
pub struct Manifest<'a> {
    /// Its folder, repo-relative (`""` at the root).
    pub dir: &'a str,
    /// Its file name (`package.json`).
    pub name: &'a str,
    /// Its content.
    pub text: &'a str,
}

impl<'a> Manifest<'a> {
    /// The manifest at repo-relative `file`.
    pub fn new(file: &'a str, text: &'a str) -> Manifest<'a> {
        Manifest { dir: dir_of(file), name: name_of(file), text }
    }
}

/// A manifest that does not pin its dependencies: (line, what is wrong, how to fix it).
pub type Unpinned = (Option<u32>, String, String);

/// The repo's files by (folder, name), for lockfile look-ups, and its dependency files' text.
pub struct Neighbours<'a> {
    names: HashSet<(&'a str, &'a str)>,
    manifests: Vec<(&'a str, &'a str, &'a str)>,
}

impl<'a> Neighbours<'a> {
    /// Indexes a repo's files: its dependency files and sources (with their text), and the paths
    /// of its other files (`others`, e.g. its YAML files).
    pub fn new(
        dependency_files: &'a [TextFile],
        sources: &'a [TextFile],
        others: impl Iterator<Item = &'a str>,
    ) -> Neighbours<'a> {
        let files = dependency_files.iter().map(|f| f.file.as_str()).chain(sources.iter().map(|f| f.file.as_str()));
        let names = files.chain(others).map(|f| (dir_of(f), name_of(f))).collect();
        let manifests = dependency_files.iter().map(|f| (dir_of(&f.file), name_of(&f.file), f.text.as_str())).collect();
        Neighbours { names, manifests }
    }

    /// True when one of `names` exists in `dir` (or, with `ancestors`, in a folder above it).
    pub fn has(&self, dir: &str, names: &[&str], ancestors: bool) -> bool {
        let mut d = dir;
        loop {
            if names.iter().any(|n| self.names.contains(&(d, *n))) {
                return true;
            }
            if !ancestors || d.is_empty() {
                return false;
            }
            d = dir_of(d);
        }
    }

    /// The text of every dependency file called `name` in `dir`.
    pub fn texts<'s>(&'s self, dir: &'s str, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.manifests.iter().filter(move |(d, n, _)| *d == dir && *n == name).map(|(_, _, t)| *t)
    }
}

/// The folder of a repo-relative path.
fn dir_of(file: &str) -> &str {
    file.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// The file name of a repo-relative path.
fn name_of(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

/// The 1-based line where `needle` first occurs.
pub(super) fn line_of(text: &str, needle: &str) -> Option<u32> {
    text.find(needle).map(|i| text[..i].matches('\n').count() as u32 + 1)
}

/// "`a` is" / "`a`, `b` and 3 more are".
pub(super) fn plural_list(names: &[String], more: &str) -> String {
    match names.len() {
        1 if more.is_empty() => format!("{} is", names[0]),
        _ => format!("{}{more} are", names.join(", ")),
    }
}

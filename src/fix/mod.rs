//! Automatic fixes (`vibe review --fix`, the dashboard's `f`/`F`).
//!
//! A fix is safe to apply mechanically and always yields complete files. Files vibe
//! generated are regenerated; hand-written manifests get text edits at the positions
//! the YAML parser reports, so comments and the rest of the file stay as they were.

use crate::review::Finding;
use crate::Error;
use std::path::Path;

/// Whether vibe can fix this finding by itself (the dashboard shows an `f` hint).
pub fn can_fix(finding: &Finding) -> bool {
    let _ = finding;
    false
}

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

/// The fixes for a set of findings: complete files, plus what could not be fixed automatically and why.
#[derive(Debug, Clone, Default)]
pub struct FixPlan {
    /// Files to rewrite, in path order.
    pub changes: Vec<FileChange>,
    /// Findings the changes fix.
    pub fixed: Vec<Finding>,
    /// Findings left for the creator, with what to do by hand.
    pub manual: Vec<(Finding, String)>,
}

impl FixPlan {
    /// Unified diff of all changes, for previews.
    pub fn diff(&self) -> String {
        String::new()
    }

    /// True when the plan changes no file.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Plans fixes for `findings` in the repo at `root` (reads files; writes nothing).
pub fn plan(root: &Path, findings: &[Finding]) -> Result<FixPlan, Error> {
    let _ = root;
    Ok(FixPlan { manual: findings.iter().map(|f| (f.clone(), String::new())).collect(), ..FixPlan::default() })
}

/// Applies a plan: backs up files vibe did not generate unchanged (same backup rule as
/// regeneration: `.vibe/backup/<stamp>/`), writes complete files atomically, and returns
/// a summary line per file.
pub fn apply(root: &Path, plan: &FixPlan) -> Result<Vec<String>, Error> {
    let _ = (root, plan);
    Ok(Vec::new())
}

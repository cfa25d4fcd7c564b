//! The review gate: the check catalogue run over a repo (or live objects), giving findings
//! with file:line, the problem in plain words, and the exact fix.
//!
//! A check is a catalogue entry (`contract::catalogue`) plus a function registered in
//! [`registry`]. Checks read a [`Review`] (the repo and what we know of the app) and
//! push [`Finding`]s; they never print and never touch the disk.

pub mod context;
pub mod finding;
pub mod registry;
pub mod workload;

mod checks;

pub use context::ReviewContext;
pub use finding::{Evidence, Finding};

use crate::contract::catalogue::Severity;
use crate::repo::{Diagnostic, Repo};

/// What a check reads.
pub struct Review<'a> {
    /// The files.
    pub repo: &'a Repo,
    /// What is known of the app (from vibe.yaml and the platform, else inferred).
    pub ctx: &'a ReviewContext,
}

/// The outcome of a review.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Findings that count, sorted by severity, area, file and line.
    pub findings: Vec<Finding>,
    /// Warnings suppressed in vibe.yaml, with the reason given.
    pub suppressed: Vec<Finding>,
    /// Files that could not be read.
    pub diagnostics: Vec<Diagnostic>,
    /// Checks judged from source code only, for want of a running app.
    pub static_only: Vec<&'static str>,
    /// App name, if known.
    pub app: Option<String>,
    /// Namespace reviewed against, if known.
    pub namespace: Option<String>,
    /// Files read.
    pub files_read: usize,
    /// YAML documents parsed.
    pub documents: usize,
}

impl Report {
    /// Number of CRITICAL findings.
    pub fn critical(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Critical).count()
    }

    /// Number of WARNING findings.
    pub fn warnings(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Warning).count()
    }

    /// True when deployment is blocked.
    pub fn blocked(&self) -> bool {
        self.critical() > 0
    }
}

/// Runs every check of the catalogue over the repo.
pub fn run(repo: &Repo, ctx: &ReviewContext) -> Report {
    let review = Review { repo, ctx };
    let mut all = Vec::new();
    for check in registry::CHECKS {
        (check.run)(&review, &mut all);
    }
    finish(repo, ctx, all)
}

/// Sorts, de-duplicates and applies suppressions.
fn finish(repo: &Repo, ctx: &ReviewContext, all: Vec<Finding>) -> Report {
    let mut findings = Vec::new();
    let mut suppressed = Vec::new();
    for mut f in all {
        match ctx.suppression_for(&f) {
            Some(reason) if f.severity == Severity::Warning => {
                f.suppressed = Some(reason.to_string());
                suppressed.push(f);
            }
            _ => findings.push(f),
        }
    }
    findings.sort_by_key(Finding::sort_key);
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.message == b.message);
    suppressed.sort_by_key(Finding::sort_key);
    let static_only =
        registry::STATIC_ONLY.iter().copied().filter(|id| !ctx.live_evidence.contains(&id.to_string())).collect();
    Report {
        findings,
        suppressed,
        diagnostics: repo.diagnostics.clone(),
        static_only,
        app: ctx.app_name.clone(),
        namespace: ctx.namespace.clone(),
        files_read: repo.files_read,
        documents: repo.documents,
    }
}

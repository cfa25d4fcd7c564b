//! The review gate: the check catalogue run over a repo (or live objects), giving findings
//! with file:line, the problem in plain words, and the exact fix.
//!
//! Shape:
//!
//! ```text
//! Repo + ReviewContext --> model::Model (built once: workloads, Ingress routes)
//!                      \--> Review { repo, ctx, model } --> every check in registry::all()
//!                                                        --> Finding { .., remedy } --> Report
//! Finding + remedy --> the check's fixer (checks/<family>/fix.rs) --> crate::edit --> files
//! ```
//!
//! A check is a catalogue entry (`contract::catalogue`) plus a function in its own file in its
//! family's folder (`checks/<family>/<what_it_checks>.rs`), declared once in the family's
//! `CHECKS` (id, function, evidence, scope, fixer); [`registry`] lists the families. Checks read
//! a [`Review`] (the repo, what we know of the app, and the shared [`model::Model`]) and push
//! [`Finding`]s; they never print, never touch the disk and never call each other. Where a check
//! knows how to fix what it found, it says so as a typed [`Remedy`] the fixer interprets (never
//! the message text). Fixers share [`fixers`] (what they read, how they find an object).

pub mod chart;
pub mod check;
pub mod context;
pub mod finding;
pub mod fixers;
pub mod model;
pub mod registry;
pub mod workload;

mod checks;

/// The name manifests give the management port (B6 judges it; the admission policy too).
pub(crate) use checks::health::MGMT_PORT_NAME;
pub use checks::secrets::env_name;
pub use context::ReviewContext;
pub use finding::{Direction, Evidence, Finding, Remedy, Sender};

use crate::contract::CheckId;
use crate::contract::catalogue::Severity;
use crate::repo::{Diagnostic, Repo};
use model::Model;

/// What a check reads.
pub struct Review<'a> {
    /// The files.
    pub repo: &'a Repo,
    /// What is known of the app (from vibe.yaml and the platform, else inferred).
    pub ctx: &'a ReviewContext,
    /// What the checks share (workloads, routes), built once per review.
    pub model: &'a Model<'a>,
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
    pub static_only: Vec<crate::contract::CheckId>,
    /// App name, if known.
    pub app: Option<String>,
    /// Namespace reviewed against, if known.
    pub namespace: Option<String>,
    /// Files read.
    pub files_read: usize,
    /// YAML documents parsed.
    pub documents: usize,
    /// What was reviewed (a passing report's closing advice depends on it).
    pub subject: Subject,
    /// Chart templates reviewed as the chart ArgoCD deploys renders them (not skipped).
    pub rendered_templates: usize,
}

/// What a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Subject {
    /// The files of a repo.
    #[default]
    Repo,
    /// A running app, probed (`vibe probe`).
    RunningApp,
    /// A live namespace (`vibe review --cluster`).
    Namespace,
}

impl Subject {
    /// What a pass means, or what to do next, as a sentence (for the report and the dashboard).
    pub fn advice(self) -> &'static str {
        match self {
            Subject::Repo => "Commit and push: CI builds the image and ArgoCD deploys it.",
            Subject::RunningApp => "The app answers, counts and logs as the platform expects.",
            Subject::Namespace => "The namespace runs what the repo says, the way the contract asks.",
        }
    }
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

    /// Adds findings: warnings suppressed in vibe.yaml go to `suppressed` (CRITICAL ones never
    /// do), and both lists stay sorted by severity, area, file and line, without repeats.
    pub fn add(&mut self, ctx: &ReviewContext, found: impl IntoIterator<Item = Finding>) {
        for mut f in found {
            match ctx.suppression_for(&f) {
                Some(reason) if f.severity == Severity::Warning => {
                    f.suppressed = Some(reason.to_string());
                    self.suppressed.push(f);
                }
                _ => self.findings.push(f),
            }
        }
        self.findings.sort_by_key(Finding::sort_key);
        self.findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.message == b.message);
        self.suppressed.sort_by_key(Finding::sort_key);
    }

    /// Files in a place objects come from that could not be read or parsed (each blocks).
    pub fn blocking_diagnostics(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.blocking).count()
    }

    /// True when deployment is blocked: a CRITICAL finding, or a file the gate could not read
    /// where objects come from (the gate fails closed).
    pub fn blocked(&self) -> bool {
        self.critical() > 0 || self.blocking_diagnostics() > 0
    }

    /// Puts the context's diagnostics (vibe.yaml, the platform file) first; the repo's own
    /// note on the same file (vibe.yaml is read as YAML too) gives way to the context's.
    pub fn put_context_diagnostics(&mut self, context: Vec<Diagnostic>) {
        self.diagnostics.retain(|d| !context.iter().any(|c| c.file == d.file));
        self.diagnostics.splice(0..0, context);
    }
}

/// Loads the repo at `root` and reviews it: what `vibe review` and the dashboard show. Files the
/// context could not read (vibe.yaml, the platform file) come first among the diagnostics.
pub fn review_dir(ws: &crate::workspace::Workspace) -> Result<Report, crate::Error> {
    let root = ws.root.as_path();
    let repo = Repo::load(root)?;
    // An empty review of an empty folder would list every missing file as CRITICAL and send a
    // newcomer to `vibe generate`, which needs answers first: point at `vibe init` instead.
    if !repo.holds_an_app() {
        return Err(crate::Error::no_app(root));
    }
    let mut ctx = ReviewContext::for_workspace(&repo, ws);
    let mut report = run(&repo, &ctx);
    report.put_context_diagnostics(std::mem::take(&mut ctx.diagnostics));
    Ok(report)
}

/// Refuses a folder with nothing of an app in it ([`crate::Error::NoApp`]).
pub fn ensure_app(root: &std::path::Path) -> Result<(), crate::Error> {
    if Repo::load(root)?.holds_an_app() { Ok(()) } else { Err(crate::Error::no_app(root)) }
}

/// Below this many YAML documents the checks run on the calling thread: starting threads would
/// cost more than it saves.
const PARALLEL_FROM_DOCUMENTS: usize = 500;

/// Runs every check of the catalogue over the repo.
///
/// On a large repo the checks are shared out over the cores (each takes the next check not yet
/// run); their findings are put back in registry order, so the report is the same either way.
pub fn run(repo: &Repo, ctx: &ReviewContext) -> Report {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(CheckId::ALL.len());
    run_with_threads(repo, ctx, threads)
}

/// [`run`] on at most `threads` threads (the report does not depend on it). The charts ArgoCD
/// deploys are reviewed as they render ([`chart`]): P7 reads what could not be rendered, and the
/// rendered objects' own findings join the report.
fn run_with_threads(repo: &Repo, ctx: &ReviewContext, threads: usize) -> Report {
    let charts = chart::charts(repo, ctx);
    let mut model = Model::new(repo);
    model.charts = charts.views.clone();
    let mut all = checks_with(repo, ctx, threads, &model);
    let from_charts = chart::findings(repo, ctx, &charts, &all);
    all.extend(from_charts);
    let mut report = finish(repo, ctx, all);
    let reviewed = |v: &&crate::chart::View| {
        !matches!(v.rendering, crate::chart::Rendering::Unrenderable(_) | crate::chart::Rendering::Unread)
    };
    for view in charts.views.iter().filter(reviewed) {
        let before = report.diagnostics.len();
        report.diagnostics.retain(|d| !(d.template && view.templates.contains(&d.file)));
        report.rendered_templates += before - report.diagnostics.len();
    }
    report
}

/// Every check's findings over `repo` as it stands (no chart rendered): the chart's second view.
fn checks_only(repo: &Repo, ctx: &ReviewContext) -> Vec<Finding> {
    checks_with(repo, ctx, 1, &Model::new(repo))
}

fn checks_with(repo: &Repo, ctx: &ReviewContext, threads: usize, model: &Model) -> Vec<Finding> {
    let review = Review { repo, ctx, model };
    let threads = if repo.documents < PARALLEL_FROM_DOCUMENTS { 1 } else { threads };
    let checks: Vec<&registry::Check> = registry::all().collect();
    let per_check = crate::parallel::map_in_order(&checks, threads, |check| {
        let mut found = Vec::new();
        (check.run)(&review, &mut found);
        found
    });
    per_check.into_iter().flatten().collect()
}

/// Sorts, de-duplicates and applies suppressions.
fn finish(repo: &Repo, ctx: &ReviewContext, all: Vec<Finding>) -> Report {
    let static_only = registry::static_only().filter(|id| !ctx.live_evidence.contains(id)).collect();
    let mut report = Report {
        diagnostics: repo.diagnostics.clone(),
        static_only,
        app: ctx.app_name.clone(),
        namespace: ctx.namespace.clone(),
        files_read: repo.files_read,
        documents: repo.documents,
        ..Report::default()
    };
    report.add(ctx, all);
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn checks_shared_over_threads_give_exactly_the_sequential_report() {
        let mut texts = Vec::new();
        for i in 0..PARALLEL_FROM_DOCUMENTS {
            texts.push((
                format!("k8s/app-{i}.yaml"),
                format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{i}}}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: shop/app:latest\n        env:\n        - {{name: DB_PASSWORD, value: hunter2-{i}}}\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: app-{i}}}\nspec: {{type: NodePort}}\n"
                ),
            ));
        }
        let files: Vec<(&str, &str)> = texts.iter().map(|(f, t)| (f.as_str(), t.as_str())).collect();
        let repo = Repo::from_files(Path::new("/r"), &files);
        assert!(repo.documents >= PARALLEL_FROM_DOCUMENTS);
        let ctx = ReviewContext::default();
        let one = run_with_threads(&repo, &ctx, 1);
        let two = run_with_threads(&repo, &ctx, 2);
        assert!(one.critical() >= 3 * PARALLEL_FROM_DOCUMENTS, "latest tag, plain password, NodePort each");
        let key = |r: &Report| r.findings.iter().map(|f| (f.sort_key(), f.message.clone())).collect::<Vec<_>>();
        assert_eq!(key(&one), key(&two));
    }
}

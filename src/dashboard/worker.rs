//! The worker thread: reviews, fix plans and fix writes run here, one at a time, so the
//! UI thread never waits on the disk. Results come back as [`Action`]s on the loop's channel.

use super::state::{Action, Excerpt, Item, ReviewOutcome};
use crate::contract::CheckId;
use crate::fix::{self, FixPlan};
use crate::review::{self, Finding};
use crate::workspace::Workspace;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Component, Path};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

/// The worker thread's name; the panic hook recognises it (see `terminal`).
pub const THREAD_NAME: &str = "vibe-dashboard-worker";

/// Lines shown above and below a finding's line.
const CONTEXT_LINES: u32 = 5;
/// Excerpt lines are cut to this many characters (a minified file is one huge line).
const MAX_LINE_CHARS: usize = 240;

/// A job for the worker.
#[derive(Debug)]
pub enum Job {
    /// Review the repo.
    Review,
    /// Plan fixes for these findings.
    PlanFix(Vec<Finding>),
    /// Write a plan.
    ApplyFix(FixPlan),
}

/// Where the reviewed Kubernetes objects come from.
#[derive(Debug, Clone, Default)]
pub enum Source {
    /// The repo's manifests.
    #[default]
    Repo,
    /// The live namespace, read through the Kubernetes API (`vibe watch --cluster`).
    Cluster(crate::cluster::Options),
}

/// Starts the worker for the workspace `ws`; it ends when the returned sender is dropped.
pub fn spawn(ws: Workspace, results: Sender<Action>) -> std::io::Result<Sender<Job>> {
    spawn_from(ws, Source::Repo, results)
}

/// [`spawn`], reviewing the objects of `source`.
pub fn spawn_from(ws: Workspace, source: Source, results: Sender<Action>) -> std::io::Result<Sender<Job>> {
    let (tx, rx) = channel::<Job>();
    std::thread::Builder::new().name(THREAD_NAME.into()).spawn(move || serve(&ws, &source, &rx, &results))?;
    Ok(tx)
}

fn serve(ws: &Workspace, source: &Source, jobs: &Receiver<Job>, results: &Sender<Action>) {
    while let Ok(job) = jobs.recv() {
        // The creator edits vibe.yaml and the platform file while the dashboard runs: every
        // job reads them again, and a review and the fixes planned from it use the same ones.
        let ws = ws.reload();
        // A bug in a check must not take the dashboard down: it becomes a message instead.
        let action = catch_unwind(AssertUnwindSafe(|| run(&ws, source, job))).unwrap_or_else(|panic| {
            Action::ReviewFailed(format!("internal error: {} (please report this)", panic_text(&panic)))
        });
        if results.send(action).is_err() {
            return;
        }
    }
}

/// Runs one job and says how it went. Reviews read the Kubernetes objects from `source`; fixes
/// always edit the repo, planned with the workspace's platform settings as the review was.
pub fn run(ws: &Workspace, source: &Source, job: Job) -> Action {
    match job {
        Job::Review => {
            let outcome = match source {
                Source::Repo => review_outcome(ws),
                Source::Cluster(opts) => cluster_outcome(ws, opts),
            };
            match outcome {
                Ok(outcome) => Action::Reviewed(Box::new(outcome)),
                Err(e) => Action::ReviewFailed(e.to_string()),
            }
        }
        Job::PlanFix(findings) => Action::FixPlanned(fix::plan(ws, &findings).map_err(|e| e.to_string())),
        Job::ApplyFix(plan) => Action::FixApplied(fix::apply(&ws.root, &plan).map_err(|e| e.to_string())),
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a check stopped unexpectedly".into())
}

/// Reviews the repo as `vibe review` does, and reads the excerpt around every finding.
pub fn review_outcome(ws: &Workspace) -> Result<ReviewOutcome, crate::Error> {
    let started = Instant::now();
    Ok(outcome(&ws.root, review::review_dir(ws)?, started))
}

/// Reviews the live namespace as `vibe review --cluster` does. Findings on live objects have no
/// excerpt; drift findings point into the repo's manifests and get theirs.
pub fn cluster_outcome(ws: &Workspace, opts: &crate::cluster::Options) -> Result<ReviewOutcome, crate::Error> {
    let started = Instant::now();
    Ok(outcome(&ws.root, crate::cluster::review(ws, opts)?.report, started))
}

/// A finished review with the file excerpt around every finding.
fn outcome(root: &Path, report: review::Report, started: Instant) -> ReviewOutcome {
    let mut files = FileCache::default();
    let items = report
        .findings
        .iter()
        .map(|f| Item { finding: f.clone(), excerpt: files.excerpt(root, f), fixable: fix::can_fix(f) })
        .collect();
    ReviewOutcome { report, items, finished_at: clock_time(), took: started.elapsed() }
}

/// Files read once per review, however many findings point into them.
#[derive(Default)]
struct FileCache {
    files: HashMap<String, Option<Vec<String>>>,
}

impl FileCache {
    fn excerpt(&mut self, root: &Path, f: &Finding) -> Option<Excerpt> {
        let line = f.line?;
        let lines = self.files.entry(f.file.clone()).or_insert_with(|| read_lines(root, &f.file)).as_ref()?;
        excerpt(lines, line, Masking::of(f))
    }
}

/// Reads a repo-relative file, refusing paths that leave the repo.
fn read_lines(root: &Path, rel: &str) -> Option<Vec<String>> {
    let rel = Path::new(rel);
    if !rel.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
        return None;
    }
    let bytes = crate::fsread::read_bytes_in_repo_if_exists(root, &root.join(rel)).ok()??;
    Some(String::from_utf8_lossy(&bytes).lines().map(str::to_string).collect())
}

/// The shortest secret value masked on other lines than the finding's.
const MIN_MASKED_ELSEWHERE: usize = 5;

/// What an excerpt hides.
#[derive(Debug, Clone, Copy)]
pub enum Masking<'a> {
    /// Nothing: the finding is about no secret value.
    Nothing,
    /// These values, wherever they appear: the secrets the finding is about. The code around
    /// them stays readable.
    Values(&'a [String]),
    /// The value of every `KEY=value` line: the file is a `.env` file, where each setting may
    /// be a password (S2).
    EveryValue,
}

impl<'a> Masking<'a> {
    /// What the excerpt of finding `f` hides.
    pub fn of(f: &'a Finding) -> Masking<'a> {
        if f.id == CheckId::S2 {
            Masking::EveryValue
        } else if f.secrets.is_empty() {
            Masking::Nothing
        } else {
            Masking::Values(&f.secrets)
        }
    }

    /// Masks `line`; `own`: it is the finding's own line.
    fn apply(self, line: String, own: bool) -> String {
        match self {
            Masking::Nothing => line,
            Masking::EveryValue => redact_line(&line),
            // A value of a few letters would also match ordinary words: only on the finding's line.
            Masking::Values(values) => values
                .iter()
                .filter(|v| own || v.chars().count() >= MIN_MASKED_ELSEWHERE)
                .fold(line, |l, v| l.replace(v.as_str(), &mask(v))),
        }
    }
}

/// The lines around `line` (1-based), cut and masked.
pub fn excerpt(lines: &[String], line: u32, masking: Masking) -> Option<Excerpt> {
    if line == 0 || line as usize > lines.len() {
        return None;
    }
    let first = line.saturating_sub(CONTEXT_LINES).max(1);
    let last = (line + CONTEXT_LINES).min(lines.len() as u32);
    let shown = (first..=last)
        .zip(&lines[first as usize - 1..last as usize])
        .map(|(n, l)| {
            // Masked before it is cut, so a secret running past the cut is still found whole.
            let l = masking.apply(l.replace('\t', "    "), n == line);
            l.chars().take(MAX_LINE_CHARS).collect()
        })
        .collect();
    Some(Excerpt { first_line: first, lines: shown, highlight: line })
}

/// Masks the value of a `key: value` / `KEY=value` / `ENV KEY value` line, keeping the key so
/// the creator still sees what the line is.
pub fn redact_line(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let (head, body) = line.split_at(indent);
    let cut = body.find([':', '=']).map(|i| i + 1).or_else(|| {
        // `ENV NAME value`: keep two words.
        let mut words = body.match_indices(char::is_whitespace);
        words.nth(1).map(|(i, _)| i)
    });
    let Some(cut) = cut else { return line.to_string() };
    let (key, value) = body.split_at(cut);
    let trimmed = value.trim();
    if trimmed.is_empty() || matches!(trimmed, "|" | ">" | "|-" | ">-" | "{" | "[") {
        return line.to_string();
    }
    let space = &value[..value.len() - value.trim_start().len()];
    format!("{head}{key}{space}{}", mask(trimmed))
}

/// All but the first 4 characters hidden, the rule findings' messages follow.
fn mask(value: &str) -> String {
    if value.chars().count() <= 4 {
        "****".into()
    } else {
        format!("{}****", value.chars().take(4).collect::<String>())
    }
}

/// The local wall-clock time as `HH:MM:SS`.
pub fn clock_time() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs();
    let secs = local_seconds_of_day(now as i64);
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

#[cfg(unix)]
fn local_seconds_of_day(epoch: i64) -> i64 {
    let t: libc::time_t = epoch as libc::time_t;
    // SAFETY: localtime_r only writes the tm we own; a zeroed tm is a valid initial value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the call.
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if ok {
        i64::from(tm.tm_hour) * 3600 + i64::from(tm.tm_min) * 60 + i64::from(tm.tm_sec)
    } else {
        epoch.rem_euclid(86_400)
    }
}

#[cfg(not(unix))]
fn local_seconds_of_day(epoch: i64) -> i64 {
    epoch.rem_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: u32) -> Vec<String> {
        (1..=n).map(|i| format!("line {i}")).collect()
    }

    #[test]
    fn excerpt_is_a_window_clipped_to_the_file() {
        let e = excerpt(&lines(20), 10, Masking::Nothing).unwrap();
        assert_eq!((e.first_line, e.lines.len(), e.highlight), (5, 11, 10));
        assert_eq!(e.lines[5], "line 10");
        let e = excerpt(&lines(3), 1, Masking::Nothing).unwrap();
        assert_eq!((e.first_line, e.lines.len()), (1, 3));
        assert!(excerpt(&lines(3), 4, Masking::Nothing).is_none());
        assert!(excerpt(&lines(3), 0, Masking::Nothing).is_none());
    }

    #[test]
    fn secret_values_are_masked_and_keys_kept() {
        assert_eq!(redact_line("        value: hunter2hunter2"), "        value: hunt****");
        assert_eq!(redact_line("API_KEY=sk-live-123456"), "API_KEY=sk-l****");
        assert_eq!(redact_line("ENV TOKEN abcdefgh"), "ENV TOKEN abcd****");
        assert_eq!(redact_line("  stringData:"), "  stringData:");
        assert_eq!(redact_line("  password: |"), "  password: |");
        assert_eq!(redact_line("plain"), "plain");
    }

    /// The text of every excerpt of a review of `files`, by check id.
    fn excerpts_of(files: &[(&str, &str)]) -> Vec<(&'static str, String)> {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let outcome = review_outcome(&Workspace::load(dir.path(), None)).unwrap();
        outcome
            .items
            .iter()
            .filter_map(|it| Some((it.finding.id.as_str(), it.excerpt.as_ref()?.lines.join("\n"))))
            .collect()
    }

    #[test]
    fn excerpts_mask_the_findings_secret_and_leave_the_code_readable() {
        let token = "sk_live_4eC39HqLyjWDarjtT1zdp7dc9a8b7c6d";
        let js = format!(
            "const {{ Pool }} = require('pg');\nconst express = require('express');\nconst stripe = require('stripe')('{token}');\nconst app = express();\n"
        );
        let sealed = "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: orders-secrets\n  \
                      namespace: platform-vibe-orders\n  labels:\n    app.kubernetes.io/part-of: orders\nspec:\n  \
                      encryptedData:\n    DB_PASSWORD: REPLACE_ME\n";
        let excerpts = excerpts_of(&[("src/index.js", &js), ("k8s/02-sealed-secrets.yaml", sealed)]);
        let s1 = excerpts.iter().find(|(id, _)| *id == "S1").map(|(_, t)| t.as_str()).expect("S1 finds the token");
        assert!(!s1.contains(token), "the token shows in plain text:\n{s1}");
        assert!(s1.contains("sk_l****"), "the token is masked as in the message:\n{s1}");
        assert!(s1.contains("const { Pool } = require('pg');"), "ordinary code is masked:\n{s1}");
        assert!(s1.contains("const app = express();"), "{s1}");
        // A private key is hidden whole, not only its header.
        let pem = "const KEY = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----`;\nmodule.exports = KEY;\n";
        let key = excerpts_of(&[("src/key.js", pem)]);
        let key = key.iter().find(|(id, _)| *id == "S1").map(|(_, t)| t.as_str()).expect("S1 finds the key");
        assert!(!key.contains("MIIEvQIBADANBgkqhkiG9w0") && key.contains("module.exports = KEY;"), "{key}");
        let e4 =
            excerpts.iter().find(|(id, _)| *id == "E4").map(|(_, t)| t.as_str()).expect("E4 finds the placeholder");
        assert!(e4.contains("app.kubernetes.io/part-of: orders") && e4.contains("DB_PASSWORD: REPLACE_ME"), "{e4}");
    }

    #[test]
    fn a_short_secret_is_masked_on_its_line_only() {
        let lines: Vec<String> = ["  labels:", "    tier: ab-test", "  DB_PASSWORD: ab"].map(String::from).to_vec();
        let secrets = ["ab".to_string()];
        let e = excerpt(&lines, 3, Masking::Values(&secrets)).unwrap();
        assert_eq!(e.lines, ["  labels:", "    tier: ab-test", "  DB_PASSWORD: ****"]);
    }

    #[test]
    fn a_committed_env_file_shows_no_value() {
        let excerpts = excerpts_of(&[(".env", "DATABASE_URL=postgres://app:hunter2hunter2@db/app\nDEBUG=true\n")]);
        let s2 = excerpts.iter().find(|(id, _)| *id == "S2").map(|(_, t)| t.as_str()).expect("S2 finds the .env");
        assert!(!s2.contains("hunter2") && s2.contains("DATABASE_URL="), "{s2}");
    }

    #[test]
    fn the_fix_preview_uses_the_platform_settings_of_the_review_it_fixes() {
        // `vibe watch --platform platform.yaml`: a platform whose Prometheus runs in another
        // namespace. The C3 fix opens the app to that namespace, not the default one.
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("k8s/app.yaml", include_str!("../../tests/fixtures/fix/c3/before/k8s/app.yaml")),
            ("k8s/network-policies.yaml", include_str!("../../tests/fixtures/fix/c3/before/k8s/network-policies.yaml")),
            ("platform.yaml", "observabilityNamespace: team-prometheus\n"),
        ];
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let ws = Workspace::load(dir.path(), Some(&dir.path().join("platform.yaml")));
        let Action::Reviewed(outcome) = run(&ws, &Source::Repo, Job::Review) else { panic!("the review failed") };
        let c3: Vec<Finding> = outcome.report.findings.iter().filter(|f| f.id == CheckId::C3).cloned().collect();
        assert!(!c3.is_empty(), "C3 finds no policy letting Prometheus in");
        let Action::FixPlanned(Ok(plan)) = run(&ws, &Source::Repo, Job::PlanFix(c3)) else { panic!("no fix plan") };
        let diff = plan.diff();
        assert!(diff.contains("kubernetes.io/metadata.name: team-prometheus"), "{diff}");
        assert!(!diff.contains("platform-vibe-observability"), "the preview uses the default platform:\n{diff}");
        assert!(!plan.fixed.is_empty(), "the planned policy does not fix C3");
    }

    #[test]
    fn paths_outside_the_repo_are_not_read() {
        let dir = std::env::temp_dir();
        assert!(read_lines(&dir, "../etc/passwd").is_none());
        assert!(read_lines(&dir, "/etc/passwd").is_none());
    }
}

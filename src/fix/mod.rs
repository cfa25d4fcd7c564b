//! Automatic fixes (`vibe review --fix`, the dashboard's `f`/`F`).
//!
//! A fix is safe to apply mechanically and always yields complete files (never a patch for the
//! creator to apply by hand):
//! - a file vibe generated (listed in `.vibe/lock.json`) is regenerated from vibe.yaml;
//! - a hand-written manifest gets text edits at the positions the YAML parser reports
//!   ([`crate::edit`]), by the fixer declared with the check (`review/checks/<family>/fix.rs`), so comments and the rest of the file stay
//!   as they were; each edit is verified by parsing the result again.
//!
//! Planning reads files and writes nothing; it then reviews the planned files in memory, so
//! a finding is listed as fixed only when the check no longer reports it. Applying backs up
//! every file that is not vibe's unchanged output (same rule as regeneration) and writes
//! each file atomically.

pub use crate::edit::FileChange;

use crate::Error;
use crate::contract::CheckId;
use crate::contract::catalogue::Area;
use crate::edit::Files;
use crate::generate::write::{self, Existing, Lock, Writer, hash};
use crate::repo::Repo;
use crate::review::fixers::{self as checks};
use crate::review::{self, Evidence, Finding, ReviewContext};
use crate::words::plural;
use crate::workspace::Workspace;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

/// Whether `vibe review --fix` has an automatic fix for the check `id` (`vibe explain` says so).
pub fn check_is_fixable(id: CheckId) -> bool {
    review::registry::check(id).fixer.is_some()
}

/// How the reason of a finding whose fixer failed starts.
const FIXER_FAILED: &str = "vibe cannot change this safely: ";

/// Whether vibe can fix this finding by itself (the dashboard shows an `f` hint).
///
/// True for the checks with an automatic fix; the plan may still leave a finding for the
/// creator (with the reason) when its particular case is not safe to change mechanically.
pub fn can_fix(finding: &Finding) -> bool {
    finding.evidence == Evidence::Repo
        && (check_is_fixable(finding.id) || finding.remedy == Some(review::Remedy::RestoreGenerated))
}

/// The fixes for a set of findings: complete files, plus what could not be fixed automatically and why.
#[derive(Debug, Clone, Default)]
pub struct FixPlan {
    /// Files to rewrite, in path order.
    pub changes: Vec<FileChange>,
    /// Findings the changes fix (checked by reviewing the planned files).
    pub fixed: Vec<Finding>,
    /// Findings left for the creator, with why and what to do by hand.
    pub manual: Vec<(Finding, String)>,
    /// Paths whose new content is exactly vibe's generated output (recorded in the lock when applied).
    pub regenerated: Vec<String>,
    /// Plain secret values the changes remove; [`FixPlan::diff`] masks them.
    pub redact: Vec<String>,
}

impl FixPlan {
    /// Unified diff of all changes, for previews: credential values masked ([`crate::diff::unified`]).
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for c in &self.changes {
            let old = if c.before.is_empty() { "/dev/null".to_string() } else { format!("a/{}", c.path) };
            out.push_str(&crate::diff::unified(&old, &format!("b/{}", c.path), &c.before, &c.after, &self.redact));
        }
        out
    }

    /// True when the plan changes no file.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// One line per file: its path and how many lines are added and removed.
    pub fn summary(&self) -> Vec<String> {
        self.changes
            .iter()
            .map(|c| {
                let (plus, minus) = line_counts(c);
                let what = if c.before.is_empty() {
                    "new file".to_string()
                } else if self.regenerated.contains(&c.path) {
                    "regenerated".to_string()
                } else {
                    "edited".to_string()
                };
                format!("{} ({what}, +{plus} -{minus})", c.path)
            })
            .collect()
    }
}

/// Lines added and removed by a change.
fn line_counts(c: &FileChange) -> (usize, usize) {
    let diff = similar::TextDiff::from_lines(c.before.as_str(), c.after.as_str());
    let (mut plus, mut minus) = (0, 0);
    for op in diff.iter_all_changes() {
        match op.tag() {
            similar::ChangeTag::Insert => plus += 1,
            similar::ChangeTag::Delete => minus += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    (plus, minus)
}

/// Plans fixes for `findings` in the workspace's repo, with its platform settings (reads
/// files; writes nothing).
pub fn plan(ws: &Workspace, findings: &[Finding]) -> Result<FixPlan, Error> {
    let root = ws.root.as_path();
    let repo = Repo::load(root)?;
    let ctx = ReviewContext::for_workspace(&repo, ws);
    let lock = Lock::load(root)?;
    let mut planning = Planning { files: Files::new(root), attempted: Vec::new(), manual: Vec::new() };
    let by_hand = planning.regenerate_generated(ws, &lock, findings);
    planning.fix_by_hand(&checks::Fx { repo: &repo, ctx: &ctx }, by_hand);
    let reviews = if planning.files.changes().is_empty() {
        None
    } else {
        let before = review::run(&repo, &ctx);
        let after = planning.follow_up(ws, &before)?;
        Some((before, after))
    };
    Ok(planning.finish(reviews))
}

/// A plan being made: the planned files, the findings a change was made for, and those left
/// for the creator.
struct Planning {
    files: Files,
    attempted: Vec<Finding>,
    manual: Vec<(Finding, String)>,
}

impl Planning {
    /// Regenerates the files vibe generated (once each) for their findings; returns the findings
    /// on hand-written files (and on generated ones that cannot be regenerated but have a fixer).
    fn regenerate_generated<'a>(&mut self, ws: &Workspace, lock: &Lock, findings: &'a [Finding]) -> Vec<&'a Finding> {
        let mut generated: Option<Result<BTreeMap<String, String>, String>> = None;
        let mut seen = HashSet::new();
        let mut by_hand = Vec::new();
        for f in findings {
            if !seen.insert((f.id, f.file.clone(), f.line, f.object.clone(), f.message.clone())) {
                continue;
            }
            if f.evidence == Evidence::Live {
                let why = format!("This was seen on the running app, not in a file. What to do: {}", f.fix);
                self.manual.push((f.clone(), why));
                continue;
            }
            if !lock.files.contains_key(&f.file) || edits_another_file(f) {
                by_hand.push(f);
                continue;
            }
            match generated.get_or_insert_with(|| regenerate(ws)) {
                Ok(planned) => self.regenerate_one(f, planned),
                // Without usable answers, hand-written fixes still apply to the file.
                Err(_) if review::registry::check(f.id).fixer.is_some() => by_hand.push(f),
                Err(e) => self.manual.push((
                    f.clone(),
                    format!("vibe wrote {} but cannot regenerate it now ({e}). What to do: {}", f.file, f.fix),
                )),
            }
        }
        by_hand
    }

    /// Plans vibe's output for the generated file of `f`, or says why regenerating cannot fix it.
    fn regenerate_one(&mut self, f: &Finding, planned: &BTreeMap<String, String>) {
        let Some(content) = planned.get(&f.file) else {
            let why = format!(
                "vibe no longer writes {} for the answers in vibe.yaml: run `vibe generate`, which removes it.",
                f.file
            );
            self.manual.push((f.clone(), why));
            return;
        };
        if *content != self.files.text_or_empty(&f.file) {
            self.files.regenerate(&f.file, content.clone());
            self.attempted.push(f.clone());
        } else if self.files.regenerated.contains(&f.file) {
            self.attempted.push(f.clone());
        } else if review::registry::check(f.id).fixer.is_none() {
            self.manual.push((f.clone(), manual_reason(f)));
        } else {
            let why = format!(
                "vibe wrote {} exactly like this from the answers in vibe.yaml, so regenerating it changes \
                 nothing. What to do: {} Where an answer decides it, change vibe.yaml and run `vibe generate`.",
                f.file, f.fix
            );
            self.manual.push((f.clone(), why));
        }
    }

    /// Hand-written files: one fixer per check; a failed fixer leaves no partial edit behind.
    fn fix_by_hand(&mut self, fx: &checks::Fx, by_hand: Vec<&Finding>) {
        for f in by_hand {
            let Some(fixer) = review::registry::check(f.id).fixer else {
                self.manual.push((f.clone(), manual_reason(f)));
                continue;
            };
            if self.files.regenerated.contains(&f.file) && !edits_another_file(f) {
                self.attempted.push(f.clone());
                continue;
            }
            let snapshot = self.files.clone();
            match run_fixer(fixer, fx, f, &mut self.files) {
                Ok(()) => self.attempted.push(f.clone()),
                Err(why) => {
                    self.files = snapshot;
                    self.manual.push((f.clone(), format!("{FIXER_FAILED}{why}. What to do: {}", f.fix)));
                }
            }
        }
    }

    /// Reviews the planned files and returns that review. A change can bring up findings of its
    /// own (a default-deny makes every needed allow necessary): fixable ones are fixed in a
    /// further round, on the planned files, so a fix never leaves new findings behind.
    fn follow_up(&mut self, ws: &Workspace, before: &review::Report) -> Result<review::Report, Error> {
        let was = counts(before);
        let mut round = 1;
        loop {
            let after_repo = overlay(&ws.root, &self.files.changes())?;
            let after_ctx = ReviewContext::for_workspace(&after_repo, ws);
            let report = review::run(&after_repo, &after_ctx);
            let now = counts(&report);
            let follow_up: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|g| check_is_fixable(g.id) && now.get(&key(g)) > was.get(&key(g)).or(Some(&0)))
                .collect();
            if follow_up.is_empty() || round > FOLLOW_UP_ROUNDS {
                return Ok(report);
            }
            let unchanged = self.files.changes();
            self.fix_quietly(&checks::Fx { repo: &after_repo, ctx: &after_ctx }, &follow_up);
            if self.files.changes() == unchanged {
                return Ok(report);
            }
            round += 1;
        }
    }

    /// Runs the fixers of findings the planned changes brought up; a failed one leaves no
    /// partial edit and is not reported (the review of the planned files still lists it).
    fn fix_quietly(&mut self, fx: &checks::Fx, findings: &[&Finding]) {
        for g in findings {
            let snapshot = self.files.clone();
            if review::registry::check(g.id)
                .fixer
                .is_some_and(|fixer| run_fixer(fixer, fx, g, &mut self.files).is_err())
            {
                self.files = snapshot;
            }
        }
    }

    /// The plan: a finding a change was made for is fixed when the review of the planned files
    /// (`reviews`: before and after the changes, none when nothing changed) no longer reports it.
    fn finish(mut self, reviews: Option<(review::Report, review::Report)>) -> FixPlan {
        let changes = self.files.changes();
        let mut fixed = Vec::new();
        for f in std::mem::take(&mut self.attempted) {
            match &reviews {
                Some((before, after)) if still_reported(&f, before, after) => {
                    let why =
                        format!("vibe changed the files, but the check still finds a problem. What to do: {}", f.fix);
                    self.manual.push((f, why));
                }
                Some(_) => fixed.push(f),
                None => {
                    let why = format!("Nothing needed changing. What to do: {}", f.fix);
                    self.manual.push((f, why));
                }
            }
        }
        // A rewritten file can fix more than was asked (regenerating a Deployment for A3 also puts a
        // probe's timeout back, B5): every finding the planned files no longer have is listed.
        if let Some((before, after)) = &reviews {
            also_fixed(before, after, &mut fixed, &mut self.manual);
        }
        fixed.sort_by_key(Finding::sort_key);
        self.manual.sort_by_key(|(f, _)| f.sort_key());
        let regenerated =
            changes.iter().filter(|c| self.files.regenerated.contains(&c.path)).map(|c| c.path.clone()).collect();
        FixPlan { changes, fixed, manual: self.manual, regenerated, redact: self.files.redact.clone() }
    }
}

/// True when the finding's fix lies in another file than the one it is reported on (B8's missing
/// gunicorn on vibe's Dockerfile goes into requirements.txt; A7's missing lockfile is a new file).
fn edits_another_file(f: &Finding) -> bool {
    f.remedy.as_ref().is_some_and(review::Remedy::edits_another_file)
}

/// Runs one fixer, then puts the files it edited back in their own format.
fn run_fixer(fixer: checks::Fixer, fx: &checks::Fx, f: &Finding, files: &mut Files) -> checks::Fixed {
    fixer(fx, f, files)?;
    files.keep_formats()
}

/// Adds to `fixed` the findings of the review before the changes that the review of the planned
/// files no longer reports, and takes them off `manual` (a by-hand finding the changes happen to
/// fix is fixed).
fn also_fixed(
    before: &review::Report,
    after: &review::Report,
    fixed: &mut Vec<Finding>,
    manual: &mut Vec<(Finding, String)>,
) {
    let same = |a: &Finding, b: &Finding| a.sort_key() == b.sort_key() && a.message == b.message;
    for f in &before.findings {
        if fixed.iter().any(|g| same(g, f)) || still_reported(f, before, after) {
            continue;
        }
        manual.retain(|(g, _)| !same(g, f));
        fixed.push(f.clone());
    }
}

/// How many times fixable findings that the planned changes bring up are fixed in turn.
const FOLLOW_UP_ROUNDS: usize = 2;

/// Findings are compared by check, file and object: lines move when files are edited.
fn key(f: &Finding) -> (CheckId, String, Option<String>) {
    (f.id, f.file.clone(), f.object.clone())
}

fn counts(r: &review::Report) -> BTreeMap<(CheckId, String, Option<String>), usize> {
    let mut out = BTreeMap::new();
    for f in r.findings.iter().chain(r.suppressed.iter()) {
        *out.entry(key(f)).or_default() += 1;
    }
    out
}

/// vibe's generated files for the repo's vibe.yaml: path -> content.
fn regenerate(ws: &Workspace) -> Result<BTreeMap<String, String>, String> {
    let root = ws.root.as_path();
    let spec = match ws.spec(None) {
        Ok(spec) => spec,
        // Outside git (or before the first commit) there is no SHA: keep the tag the files carry
        // now, which CD keeps current in the chart values.
        Err(first) => {
            let tag = deployed_tag(root).ok_or_else(|| first.to_string())?;
            ws.spec(Some(tag)).map_err(|_| first.to_string())?
        }
    };
    let sealed = crate::generate::sealed_on_disk(root, &spec);
    let plan = crate::generate::Plan::build(&spec, &sealed).map_err(|e| e.to_string())?;
    Ok(plan.files.into_iter().map(|f| (f.path, f.content)).collect())
}

/// The app image tag in the generated chart values (`image.tag`), if any.
fn deployed_tag(root: &Path) -> Option<String> {
    let values = format!("{}/values.yaml", crate::contract::CHART_DIR);
    let write::Existing::File(bytes) = write::read_existing(root, &values).ok()? else { return None };
    let text = String::from_utf8(bytes).ok()?;
    let values = crate::yaml::parse_one(&text).ok()??;
    values.path("image.tag").and_then(crate::yaml::Node::as_str).map(str::to_string)
}

/// The repo as it will be once the changes are written.
fn overlay(root: &Path, changes: &[FileChange]) -> Result<Repo, Error> {
    let mut repo = Repo::load(root)?;
    for c in changes {
        let p = c.path.as_str();
        repo.objects.retain(|o| o.file != p);
        repo.yaml.retain(|y| y.file != p);
        repo.dockerfiles.retain(|d| d.file != p);
        repo.workflows.retain(|w| w.file != p);
        repo.sources.retain(|s| s.file != p);
        repo.dependency_files.retain(|s| s.file != p);
        repo.gitignores.retain(|(f, _)| f != p);
        repo.dockerignores.retain(|(f, _)| f != p);
        repo.env_files.retain(|f| f != p);
        repo.diagnostics.retain(|d| d.file != p);
        // A new file (a lockfile A7's fix writes) is part of the repo's listing from now on.
        if let Err(at) = repo.files.binary_search_by(|f| f.as_str().cmp(p)) {
            repo.files.insert(at, p.to_string());
        }
        repo.add_text(p, &c.after);
    }
    Ok(repo)
}

/// True when the review of the planned files still reports `f`: a finding of the same check
/// on the same object and file with the same message, or as many such findings as before.
fn still_reported(f: &Finding, before: &review::Report, after: &review::Report) -> bool {
    let same = |g: &&Finding| g.id == f.id && g.file == f.file && g.object == f.object;
    let all =
        |r: &review::Report| r.findings.iter().chain(r.suppressed.iter()).filter(same).cloned().collect::<Vec<_>>();
    let (was, now) = (all(before), all(after));
    !now.is_empty() && (now.iter().any(|g| g.message == f.message) || now.len() >= was.len())
}

/// Why a check has no automatic fix, and what to do instead.
fn manual_reason(f: &Finding) -> String {
    let why = match f.id {
        CheckId::A6 => {
            "Where the app image comes from decides what runs: CI has to build and push it to the platform registry."
        }
        CheckId::B6 => "Which port a public route uses is a design decision.",
        CheckId::D1 | CheckId::D4 => "Where data lives is a decision about your data: vibe does not move it.",
        CheckId::E1 | CheckId::E2 | CheckId::E3 | CheckId::E4 | CheckId::E6 | CheckId::E7 => {
            "Only you have the secret values: vibe never copies one, and sealing needs the real value."
        }
        CheckId::F3 | CheckId::F4 => {
            "Sizing and scaling change cost and behaviour: choose them in vibe.yaml or by hand."
        }
        CheckId::H1 | CheckId::H3 => "Changing the route changes the app's public address or layout.",
        id if matches!(id.info().area, Area::Observability | Area::Source) => {
            "This is application code: vibe does not change your code."
        }
        id if id.info().area == Area::Pipeline => {
            "vibe does not patch hand-written CI/CD workflows; `vibe generate` writes compliant ones from vibe.yaml."
        }
        _ => "vibe has no automatic fix for this check.",
    };
    format!("{why} What to do: {}", f.fix)
}

/// Applies a plan: backs up files vibe did not generate unchanged (same backup rule as
/// regeneration: `.vibe/backup/<stamp>/`), writes complete files atomically
/// ([`Writer::write`]), and returns a summary line per file. Holds the repo's write lock.
///
/// Refuses (and writes nothing) when a file changed since the plan was made.
pub fn apply(root: &Path, plan: &FixPlan) -> Result<Vec<String>, Error> {
    apply_locked(&Writer::lock(root)?, plan)
}

/// [`apply`] for a caller already holding the lock.
fn apply_locked(writer: &Writer, plan: &FixPlan) -> Result<Vec<String>, Error> {
    let root = writer.root();
    let mut lock = Lock::load(root)?;
    let mut current = Vec::new();
    for c in &plan.changes {
        let now = write::read_existing(root, &c.path)?;
        let unchanged = match &now {
            Existing::File(bytes) => String::from_utf8_lossy(bytes) == c.before,
            // The plan never reads a link: it replaces the link with a whole file.
            Existing::Missing | Existing::Link(_) => c.before.is_empty(),
            Existing::Other(_) => false,
        };
        if !unchanged {
            return Err(Error::Usage(format!(
                "{} changed since the fixes were planned: nothing was written. Review again and fix from the new review.",
                c.path
            )));
        }
        current.push(now);
    }
    writer.check_writable(plan.changes.iter().map(|c| c.path.as_str()))?;
    writer.clean_temp(plan.changes.iter().map(|c| c.path.as_str()))?;
    let mut lines = Vec::new();
    let mut lock_changed = false;
    let mut backed_up = false;
    for (c, now) in plan.changes.iter().zip(current) {
        let ids: BTreeSet<&str> = plan.fixed.iter().filter(|f| f.file == c.path).map(|f| f.id.as_str()).collect();
        let ids = if ids.is_empty() {
            String::new()
        } else {
            format!(" for {}", ids.into_iter().collect::<Vec<_>>().join(", "))
        };
        let (plus, minus) = line_counts(c);
        let verb = match &now {
            Existing::Link(_) => "replaced the symbolic link",
            Existing::File(_) if plan.regenerated.contains(&c.path) => "regenerated",
            Existing::File(_) => "updated",
            _ => "created",
        };
        let mut line = format!("{verb} {} (+{plus} -{minus}){ids}", c.path);
        if let Existing::Link(to) = &now {
            line.push_str(&format!(" with a file; it pointed to {to}, which vibe did not read or change"));
        }
        if let Existing::File(old) = &now
            && !lock.wrote(&c.path, old)
        {
            let backup = writer.backup(&c.path, old)?;
            line.push_str(&format!("; your version is saved in {backup}"));
            backed_up = true;
        }
        writer.write(&c.path, c.after.as_bytes())?;
        if plan.regenerated.contains(&c.path) {
            lock.files.insert(c.path.clone(), hash(c.after.as_bytes()));
            lock_changed = true;
        }
        lines.push(line);
    }
    if backed_up {
        // Backups are local: keep them out of git, as regeneration does.
        write::write_state_gitignore(writer)?;
    }
    if lock_changed {
        lock.save(writer)?;
    }
    Ok(lines)
}

/// What `vibe review --fix` did, for the command to print.
#[derive(Debug, Clone, Default)]
pub struct FixRun {
    /// The plan.
    pub plan: FixPlan,
    /// One line per file written (empty for a dry run).
    pub written: Vec<String>,
    /// True when nothing was written.
    pub dry_run: bool,
}

impl FixRun {
    /// What changes (a diff for dry runs, else a per-file summary), printed before the new report.
    pub fn changes_text(&self) -> String {
        let mut out = String::new();
        if self.plan.is_empty() {
            out.push_str("vibe review --fix: nothing to change automatically.\n\n");
            return out;
        }
        if self.dry_run {
            out.push_str(&self.plan.diff());
            out.push_str(&format!(
                "\nDry run: {} file{} would change; nothing was written.\n",
                self.plan.changes.len(),
                plural(self.plan.changes.len())
            ));
            for s in self.plan.summary() {
                out.push_str(&format!("  {s}\n"));
            }
        } else {
            out.push_str(&format!(
                "vibe review --fix changed {} file{}:\n",
                self.written.len(),
                plural(self.written.len())
            ));
            for w in &self.written {
                out.push_str(&format!("  {w}\n"));
            }
        }
        out.push('\n');
        out
    }

    /// What was fixed and what is left by hand, printed after the new report.
    pub fn outcome_text(&self) -> String {
        let mut out = String::new();
        let verb = if self.dry_run { "Would fix" } else { "Fixed" };
        if !self.plan.fixed.is_empty() {
            out.push_str(&format!("\n{verb} automatically ({}):\n", self.plan.fixed.len()));
            for f in &self.plan.fixed {
                out.push_str(&format!("  {} {}: {}\n", f.id, location(f), f.message));
            }
        }
        if !self.plan.manual.is_empty() {
            let ids: BTreeSet<&str> = self.plan.manual.iter().map(|(f, _)| f.id.as_str()).collect();
            out.push_str(&format!(
                "\nTo do by hand ({}; each finding above says how): {}\n",
                self.plan.manual.len(),
                ids.into_iter().collect::<Vec<_>>().join(", ")
            ));
            // A fix that was tried and failed says why (a package manager missing, a tool's error):
            // the finding alone does not.
            for (f, why) in self.plan.manual.iter().filter(|(_, why)| why.starts_with(FIXER_FAILED)) {
                let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
                let why = why.strip_prefix(FIXER_FAILED).unwrap_or(why);
                let why = why.split(". What to do: ").next().unwrap_or(why);
                out.push_str(&format!("  {} {}{at}: the automatic fix failed: {why}\n", f.id, f.file));
            }
        }
        if self.plan.fixed.iter().any(|f| f.id == CheckId::E5) {
            out.push_str(
                "\nSecrets moved out of the manifests now wait in the SealedSecret as REPLACE_ME: seal each with \
                 `vibe seal NAME`, using a NEW value (the old one stays in the git history).\n",
            );
        }
        out
    }
}

fn location(f: &Finding) -> String {
    match f.line {
        Some(l) => format!("{}:{l}", f.file),
        None => f.file.clone(),
    }
}

/// Plans fixes for `findings` and, unless `dry_run`, applies them (`vibe review --fix`).
pub fn run(ws: &Workspace, findings: &[Finding], dry_run: bool) -> Result<FixRun, Error> {
    // Held from planning to writing, so no other run changes the files in between.
    let writer = if dry_run { None } else { Some(Writer::lock(&ws.root)?) };
    let plan = plan(ws, findings)?;
    let written = match &writer {
        Some(w) if !plan.is_empty() => apply_locked(w, &plan)?,
        _ => Vec::new(),
    };
    Ok(FixRun { plan, written, dry_run })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        }
        dir
    }

    const APP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop-app}\nspec:\n  template:\n    metadata:\n      labels: {app: shop}\n    spec:\n      containers:\n      - name: app\n        image: harbor.internal.example.com/vibe/shop:abc1234\n        env:\n        - name: DB_PASSWORD\n          value: s3cr3t-value\n";

    #[test]
    fn findings_without_a_fix_say_what_to_do_and_change_nothing() {
        let dir = repo(&[("app.yaml", APP)]);
        let f = Finding::new(CheckId::S3, "app.py", Some(3)).fix("Use a parameterised query.");
        let plan = plan(&Workspace::load(dir.path(), None), std::slice::from_ref(&f)).unwrap();
        assert!(plan.is_empty() && plan.fixed.is_empty());
        assert_eq!(plan.manual.len(), 1);
        assert!(
            plan.manual[0].1.contains("application code") && plan.manual[0].1.ends_with("Use a parameterised query.")
        );
        assert!(
            !can_fix(&f)
                && can_fix(&Finding::new(CheckId::A3, "x", None))
                && !can_fix(&Finding::new(CheckId::A3, "x", None).live())
        );
    }

    #[test]
    fn a_failing_fixer_leaves_no_partial_edit() {
        let dir = repo(&[("app.yaml", APP)]);
        // Points at an object that is not there.
        let f = Finding::new(CheckId::G1, "app.yaml", Some(1)).object("Deployment/other");
        let plan = plan(&Workspace::load(dir.path(), None), &[f]).unwrap();
        assert!(plan.is_empty());
        assert!(
            plan.manual[0].1.starts_with("vibe cannot change this safely: Deployment/other is no longer"),
            "{}",
            plan.manual[0].1
        );
    }

    #[test]
    fn previews_mask_the_secret_values_they_remove() {
        let dir = repo(&[("app.yaml", APP)]);
        let f = Finding::new(CheckId::E5, "app.yaml", Some(14)).object("Deployment/shop-app");
        let plan = plan(&Workspace::load(dir.path(), None), &[f]).unwrap();
        assert_eq!(plan.redact, vec!["s3cr3t-value".to_string()]);
        let diff = plan.diff();
        assert!(diff.contains("-          value: s3cr****") && !diff.contains("s3cr3t-value"), "{diff}");
        assert!(plan.summary().iter().any(|s| s.starts_with("app.yaml (edited, +")), "{:?}", plan.summary());
        // Applying writes the files and backs up the creator's own file.
        let lines = apply(dir.path(), &plan).unwrap();
        assert!(lines.iter().any(|l| l.starts_with("updated app.yaml") && l.contains(".vibe/backup/")), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("created k8s/02-sealed-secrets.yaml")), "{lines:?}");
        assert!(!std::fs::read_to_string(dir.path().join("app.yaml")).unwrap().contains("s3cr3t-value"));
        assert!(!dir.path().join(write::LOCK_FILE).exists(), "hand-written files do not enter the lock");
    }
}

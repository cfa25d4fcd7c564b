//! `vibe review --fix` on fixture repos, and on generated repos (regeneration).
//!
//! Each case folder under tests/fixtures/fix/<case>/ holds:
//! - `before/`: a small hand-written repo where the case's check fires;
//! - `after/`: the repo exactly as `vibe review --fix` must leave it (set VIBE_BLESS=1 to write it
//!   from the current output after reviewing the diff);
//! - `case.txt`: `checks: A3` (the checks the case is about) and optionally `allow-new: E4`
//!   (findings the fix may add: moving a plain secret leaves a REPLACE_ME stub to seal).
//!
//! For every case: the checks fire before; after `--fix` they do not, and no other finding
//! appears (none of any check is counted more often than before); a second `--fix` changes
//! nothing; every manifest passes `kubernetes-validate --strict` (tests/tools/k8s_validate.py,
//! from the venv at VIBE_TEST_VENV or target/venv: a missing venv fails the test) and every
//! YAML file still parses. The fixture is a git repo with a fixed commit, so the app image tag
//! (the short SHA) is the same on every run.

use crate::common::venv_python;
use crate::common::{App, INVENTORY_FLAGS, repo_root, vibe};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use vibe::repo::Repo;
use vibe::review::{self, Finding, ReviewContext};

/// A fixture case.
struct Case {
    name: String,
    dir: PathBuf,
    checks: Vec<String>,
    allow_new: Vec<String>,
}

fn cases() -> Vec<Case> {
    let root = repo_root().join("tests/fixtures/fix");
    let mut out: Vec<Case> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .filter(|e| e.path().join("case.txt").exists())
        .map(|e| {
            let text = std::fs::read_to_string(e.path().join("case.txt")).unwrap();
            let list = |key: &str| -> Vec<String> {
                text.lines()
                    .filter_map(|l| l.trim().strip_prefix(key))
                    .flat_map(|rest| rest.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                    .collect()
            };
            Case {
                name: e.file_name().to_string_lossy().into_owned(),
                dir: e.path(),
                checks: list("checks:"),
                allow_new: list("allow-new:"),
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Makes `dir` a git repo with one commit whose SHA depends only on the files.
fn commit(dir: &Path) {
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args([
                "-c",
                "user.name=vibe",
                "-c",
                "user.email=vibe@example.com",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "fixture"]);
}

/// Every file of a repo (relative path -> content), without .git and .vibe.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name == ".git" || name == ".vibe" {
                continue;
            }
            if e.path().is_dir() {
                walk(root, &e.path(), out);
            } else {
                let rel = e.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn review_of(dir: &Path) -> review::Report {
    let repo = Repo::load(dir).unwrap();
    let ctx = ReviewContext::for_repo(&repo, dir, None);
    review::run(&repo, &ctx)
}

/// Findings counted by check, file and object (lines move when files are edited).
fn counts(findings: &[Finding]) -> BTreeMap<(String, String, String), usize> {
    let mut out = BTreeMap::new();
    for f in findings {
        *out.entry((f.id.to_string(), f.file.clone(), f.object.clone().unwrap_or_default())).or_default() += 1;
    }
    out
}

/// Validates the Kubernetes manifests of a repo strictly; returns the failures.
fn validate_manifests(py: &Path, dir: &Path) -> Option<String> {
    let manifests: Vec<PathBuf> = snapshot(dir)
        .iter()
        .filter(|(p, text)| {
            (p.ends_with(".yaml") || p.ends_with(".yml")) && text.contains("apiVersion:") && text.contains("kind:")
        })
        .filter(|(p, _)| !p.ends_with("Chart.yaml"))
        .map(|(p, _)| dir.join(p))
        .collect();
    if manifests.is_empty() {
        return None;
    }
    let out = std::process::Command::new(py)
        .arg(repo_root().join("tests/tools/k8s_validate.py"))
        .args(&manifests)
        .output()
        .expect("run k8s_validate.py");
    (!out.status.success())
        .then(|| format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn run_fix(dir: &Path) -> String {
    let out = vibe().arg("review").arg(dir).arg("--fix").output().expect("vibe runs");
    let code = out.status.code().unwrap_or(-1);
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(code == 0 || code == 1, "vibe review --fix failed ({code}):\n{text}");
    text
}

/// Runs one case; returns its problems (empty when it passes).
fn check_case(case: &Case, py: &Path, bless: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_tree(&case.dir.join("before"), dir);
    commit(dir);

    let before = review_of(dir);
    for id in &case.checks {
        if !before.findings.iter().any(|f| f.id.as_str() == id) {
            problems.push(format!("{id} does not fire on before/ (is the check implemented yet?)"));
        }
    }
    let out = run_fix(dir);
    let after = review_of(dir);
    for f in after.findings.iter().filter(|f| case.checks.iter().any(|c| c == f.id.as_str())) {
        problems.push(format!("{} still fires after --fix: {}:{:?} {}", f.id, f.file, f.line, f.message));
    }
    let (was, now) = (counts(&before.findings), counts(&after.findings));
    for (key, n) in &now {
        if *n > was.get(key).copied().unwrap_or(0) && !case.allow_new.contains(&key.0) {
            let f = after.findings.iter().find(|f| f.id.as_str() == key.0 && f.file == key.1).unwrap();
            problems
                .push(format!("new finding after --fix: {} {}:{:?} {}: {}", f.id, f.file, f.line, key.2, f.message));
        }
    }
    if !after.diagnostics.is_empty() {
        problems.push(format!("files no longer read after --fix: {:?}", after.diagnostics));
    }
    let fixed = snapshot(dir);
    if bless {
        let target = case.dir.join("after");
        let _ = std::fs::remove_dir_all(&target);
        for (rel, text) in &fixed {
            let p = target.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    } else {
        let expected = snapshot(&case.dir.join("after"));
        if expected != fixed {
            let mut diff = String::new();
            for path in expected.keys().chain(fixed.keys()).collect::<BTreeSet<_>>() {
                let (e, g) = (
                    expected.get(path).map(String::as_str).unwrap_or(""),
                    fixed.get(path).map(String::as_str).unwrap_or(""),
                );
                if e != g {
                    diff.push_str(
                        &similar::TextDiff::from_lines(e, g)
                            .unified_diff()
                            .header(&format!("after/{path}"), &format!("got/{path}"))
                            .to_string(),
                    );
                }
            }
            problems.push(format!("the fixed repo differs from after/ (VIBE_BLESS=1 rewrites after/ once the diff is right):\n{diff}\n--fix said:\n{out}"));
        }
    }
    let again = run_fix(dir);
    if snapshot(dir) != fixed || !again.contains("nothing to change automatically") {
        problems.push(format!("a second --fix changed something:\n{again}"));
    }
    if let Some(failure) = validate_manifests(py, dir) {
        problems.push(format!("manifests are not valid after --fix:\n{failure}"));
    }
    problems
}

#[test]
fn every_fixable_check_has_a_fixture_and_each_fixture_is_fixed_cleanly() {
    let py = venv_python();
    let bless = std::env::var_os("VIBE_BLESS").is_some();
    let cases = cases();
    let covered: BTreeSet<&str> = cases.iter().flat_map(|c| c.checks.iter().map(String::as_str)).collect();
    let fixable: Vec<&str> = vibe::contract::catalogue::CATALOGUE
        .iter()
        .filter(|c| vibe::fix::can_fix(&Finding::new(c.id, "x", None)))
        .map(|c| c.id.as_str())
        .collect();
    let missing: Vec<&&str> = fixable.iter().filter(|id| !covered.contains(**id)).collect();
    assert!(missing.is_empty(), "fixable checks without a fixture under tests/fixtures/fix: {missing:?}");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let problems = check_case(c, &py, bless);
            (!problems.is_empty()).then(|| format!("case {}:\n  {}", c.name, problems.join("\n  ")))
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} fix cases fail:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

#[test]
fn dry_runs_write_nothing_and_never_show_a_secret() {
    let case = cases().into_iter().find(|c| c.name == "e5").expect("the e5 case");
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&case.dir.join("before"), tmp.path());
    let before = snapshot(tmp.path());
    let out = vibe().arg("review").arg(tmp.path()).args(["--fix", "--dry-run"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(snapshot(tmp.path()), before, "a dry run wrote files");
    assert!(!tmp.path().join(".vibe").exists(), "a dry run made backups");
    assert!(text.contains("+++ b/k8s/app.yaml") && text.contains("secretKeyRef"), "{text}");
    assert!(text.contains("nothing was written"), "{text}");
    assert!(!text.contains("hunter2-very-secret"), "the secret value was printed:\n{text}");
    // After the real fix, the value is nowhere in the repo but the backup of the creator's file.
    run_fix(tmp.path());
    for (path, content) in snapshot(tmp.path()) {
        assert!(!content.contains("hunter2-very-secret"), "{path} still holds the secret value");
    }
    let backups = tmp.path().join(".vibe/backup");
    assert!(backups.exists(), "the creator's file was not backed up");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join(".vibe/.gitignore"))
            .unwrap()
            .lines()
            .filter(|l| *l == "backup/")
            .count(),
        1
    );
}

#[test]
fn machine_readable_reports_stay_clean_with_fix() {
    let case = cases().into_iter().find(|c| c.name == "a3").expect("the a3 case");
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&case.dir.join("before"), tmp.path());
    let out = vibe().arg("review").arg(tmp.path()).args(["--fix", "--format", "json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is the JSON report only");
    assert!(json.is_object(), "{json}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Fixed automatically"), "the fix summary goes to stderr");
}

#[test]
fn generated_files_are_regenerated_and_the_lock_follows() {
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    let pristine = app.read("k8s/08-app.yaml");
    let lock_before = app.read(".vibe/lock.json");
    // The creator loosens the app's security context by hand.
    let edited = pristine.replacen("            allowPrivilegeEscalation: false\n", "", 1);
    assert_ne!(edited, pristine, "the generated Deployment sets allowPrivilegeEscalation");
    app.write("k8s/08-app.yaml", &edited);
    let report = review_of(app.path());
    assert!(
        report.findings.iter().any(|f| f.id.as_str() == "A4" && f.file == "k8s/08-app.yaml"),
        "A4 fires on the edited file"
    );

    let plan = vibe::fix::plan(&vibe::workspace::Workspace::load(app.path(), None), &report.findings).unwrap();
    assert_eq!(plan.regenerated, vec!["k8s/08-app.yaml".to_string()]);
    assert!(plan.fixed.iter().any(|f| f.id.as_str() == "A4"), "{:?}", plan.manual);
    let lines = vibe::fix::apply(app.path(), &plan).unwrap();
    assert!(lines[0].starts_with("regenerated k8s/08-app.yaml") && lines[0].contains(".vibe/backup/"), "{lines:?}");
    assert_eq!(app.read("k8s/08-app.yaml"), pristine, "regeneration gives vibe's own file back");
    assert_eq!(app.read(".vibe/lock.json"), lock_before, "the lock records vibe's content again");
    assert!(!review_of(app.path()).findings.iter().any(|f| f.id.as_str() == "A4"));
    // Nothing left that regeneration could change: the plan says so and writes nothing.
    let again =
        vibe::fix::plan(&vibe::workspace::Workspace::load(app.path(), None), &review_of(app.path()).findings).unwrap();
    assert!(again.is_empty(), "{:?}", again.changes.iter().map(|c| &c.path).collect::<Vec<_>>());
}

#[test]
fn a_file_changed_after_planning_is_not_overwritten() {
    let case = cases().into_iter().find(|c| c.name == "g1").expect("the g1 case");
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&case.dir.join("before"), tmp.path());
    let plan =
        vibe::fix::plan(&vibe::workspace::Workspace::load(tmp.path(), None), &review_of(tmp.path()).findings).unwrap();
    assert!(!plan.is_empty());
    std::fs::write(tmp.path().join("k8s/app.yaml"), "# edited meanwhile\n").unwrap();
    let err = vibe::fix::apply(tmp.path(), &plan).unwrap_err();
    assert!(err.to_string().contains("changed since the fixes were planned"), "{err}");
    assert_eq!(std::fs::read_to_string(tmp.path().join("k8s/app.yaml")).unwrap(), "# edited meanwhile\n");
}

#[test]
fn a_fix_lists_every_finding_its_rewrite_removes() {
    let app = App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    let pristine = app.read("k8s/08-app.yaml");
    // The creator loosens the security context and shortens a probe's timeout in the same file.
    let edited = pristine.replacen("            allowPrivilegeEscalation: false\n", "", 1).replacen(
        "timeoutSeconds: 5",
        "timeoutSeconds: 1",
        1,
    );
    assert_ne!(edited, pristine);
    app.write("k8s/08-app.yaml", &edited);
    let report = review_of(app.path());
    let a4: Vec<Finding> = report.findings.iter().filter(|f| f.id.as_str() == "A4").cloned().collect();
    assert!(!a4.is_empty(), "A4 fires on the edited file");
    assert!(report.findings.iter().any(|f| f.id.as_str() == "B5"), "B5 fires on the edited file");

    // Fixing A4 alone regenerates the file, which also puts the timeout back: the plan says so.
    let plan = vibe::fix::plan(&vibe::workspace::Workspace::load(app.path(), None), &a4).unwrap();
    let ids: BTreeSet<&str> = plan.fixed.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains("A4") && ids.contains("B5"), "the plan lists {ids:?}");
    let n = plan.fixed.len();
    let run = vibe::fix::FixRun { plan, written: Vec::new(), dry_run: true };
    let outcome = run.outcome_text();
    assert!(outcome.contains(&format!("Would fix automatically ({n})")), "{outcome}");
    assert!(outcome.contains("B5 k8s/08-app.yaml"), "{outcome}");
}

//! A7's fixer: a missing Node lockfile that the Dockerfile's install step needs is written by the
//! real npm (on a copy of package.json, without scripts), shown as a new file in the diff, and
//! written only when the fix is applied. Without npm, the fix says what to run by hand.

use crate::common::{repo_root, vibe};
use std::path::Path;
use vibe::repo::Repo;
use vibe::review::{self, ReviewContext};

/// The a7 fix case's repo (a Node app without package-lock.json), in a temporary folder.
fn app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let before = repo_root().join("tests/fixtures/fix/a7/before");
    for name in ["Dockerfile", "package.json", "server.js"] {
        std::fs::copy(before.join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn a7_findings(dir: &Path) -> Vec<String> {
    let repo = Repo::load(dir).unwrap();
    let ctx = ReviewContext::for_repo(&repo, dir, None);
    review::run(&repo, &ctx)
        .findings
        .iter()
        .filter(|f| f.id.as_str() == "A7")
        .map(|f| format!("{}:{:?} {}", f.file, f.line, f.message))
        .collect()
}

fn output(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().expect("vibe runs");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn a_dry_run_shows_the_lockfile_npm_writes_and_writes_nothing() {
    let dir = app();
    assert_eq!(a7_findings(dir.path()).len(), 1, "A7 fires on the COPY of the missing lockfile");
    let text = output(vibe().arg("review").arg(dir.path()).args(["--fix", "--dry-run"]));
    assert!(text.contains("+++ b/package-lock.json"), "the new lockfile is shown as a diff:\n{text}");
    assert!(text.contains("+  \"lockfileVersion\": 3"), "{text}");
    assert!(!dir.path().join("package-lock.json").exists(), "a dry run wrote the lockfile");
    assert!(!dir.path().join(".vibe").exists(), "a dry run left npm's work folder behind");
}

#[test]
fn the_fix_writes_a_lockfile_npm_ci_accepts() {
    let dir = app();
    // A real dependency: npm resolves it from the registry, as the creator's own install would.
    let pkg = r#"{"name": "hello-shop", "version": "1.0.0", "dependencies": {"ms": "^2.1.0"}}"#;
    std::fs::write(dir.path().join("package.json"), pkg).unwrap();
    let text = output(vibe().arg("review").arg(dir.path()).arg("--fix"));
    let lock = std::fs::read_to_string(dir.path().join("package-lock.json"))
        .unwrap_or_else(|_| panic!("no package-lock.json after --fix:\n{text}"));
    let json: serde_json::Value = serde_json::from_str(&lock).expect("the lockfile is JSON");
    assert_eq!(json["name"], "hello-shop");
    assert!(json["packages"]["node_modules/ms"]["integrity"].is_string(), "ms is locked with its checksum:\n{lock}");
    assert!(!dir.path().join("node_modules").exists(), "the fix installed packages");
    assert!(a7_findings(dir.path()).is_empty(), "{:?}", a7_findings(dir.path()));
    // What `npm ci` in the image will do: it accepts the lockfile as in sync with package.json.
    let ci = std::process::Command::new("npm")
        .args(["ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(dir.path())
        .output()
        .expect("npm runs");
    assert!(ci.status.success(), "npm ci refuses the lockfile: {}", String::from_utf8_lossy(&ci.stderr));
}

#[test]
fn without_npm_the_fix_says_what_to_run_by_hand() {
    let dir = app();
    let empty = tempfile::tempdir().unwrap();
    let text = output(vibe().arg("review").arg(dir.path()).arg("--fix").env("PATH", empty.path()));
    assert!(
        text.contains("A7 Dockerfile:3: the automatic fix failed: `npm` is not installed on this machine: install it, or run `npm install --package-lock-only --ignore-scripts` in the repo root yourself and commit `package-lock.json`"),
        "{text}"
    );
    assert!(!dir.path().join("package-lock.json").exists());
    assert_eq!(a7_findings(dir.path()).len(), 1, "A7 still fires");
}

//! The go, jvm and php skeletons cannot be installed here (the Go module proxy, Maven Central and
//! Packagist are not reachable), so each generated one gets the strongest check available offline:
//! go `gofmt -l -e` (parses, and the code is gofmt-formatted), php `php -l` on every file, jvm a
//! parse of every source with javac's tree API at release 17 (syntax and language level; imports
//! are not resolved). Each check is first shown to reject a broken file, so a pass means something.

use crate::common::{App, repo_root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn generate(runtime: &str) -> App {
    let app = App::new();
    app.vibe(&[
        "init",
        "--yes",
        "--name",
        "Static Demo",
        "--runtime",
        runtime,
        "--tag",
        "a1b2c3d",
        "--metric",
        "orders_processed_total:counter:status",
        "--metric",
        "queue_depth:gauge",
        "--metric",
        "checkout_seconds:histogram:route,region",
    ])
    .assert()
    .success();
    app
}

/// Runs a tool; a missing tool fails the test with how to install it.
fn run(program: &str, args: &[&str], install: &str) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{program}` is needed for this check ({e}): install it with `{install}`"))
}

fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

const GO: &str = "apt-get install golang-go";
const PHP: &str = "apt-get install php-cli";
const JDK: &str = "apt-get install openjdk-17-jdk-headless";

#[test]
fn go_skeleton_parses_and_is_gofmt_clean() {
    let broken = tempfile::tempdir().unwrap();
    std::fs::write(broken.path().join("x.go"), "package x\n\nfunc broken( {\n").unwrap();
    let o = run("gofmt", &["-l", "-e", broken.path().to_str().unwrap()], GO);
    assert!(!o.status.success(), "gofmt accepted a broken file: {}", text(&o));

    let app = generate("go1.23");
    let obs = app.join("observability");
    assert_eq!(files_with(&obs, "go").len(), 2, "observability.go and example/main.go");
    let o = run("gofmt", &["-l", "-e", obs.to_str().unwrap()], GO);
    assert!(o.status.success(), "gofmt -e found errors:\n{}", text(&o));
    assert!(o.stdout.is_empty(), "files gofmt would reformat:\n{}", text(&o));
}

#[test]
fn php_skeleton_passes_php_lint() {
    let broken = tempfile::tempdir().unwrap();
    let bad = broken.path().join("x.php");
    std::fs::write(&bad, "<?php\nfunction broken( {\n").unwrap();
    let o = run("php", &["-l", bad.to_str().unwrap()], PHP);
    assert!(!o.status.success(), "php -l accepted a broken file: {}", text(&o));

    let app = generate("php8.3");
    let files = files_with(&app.join("observability"), "php");
    assert_eq!(files.len(), 4, "{files:?}");
    for f in files {
        let o = run("php", &["-l", f.to_str().unwrap()], PHP);
        assert!(o.status.success(), "php -l {}:\n{}", f.display(), text(&o));
    }
}

fn parse_java(files: &[PathBuf]) -> Output {
    let checker = repo_root().join("tests/fixtures/probe/ParseCheck.java");
    let mut args = vec![checker.display().to_string(), "17".into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run("java", &args, JDK)
}

#[test]
fn jvm_skeletons_parse_at_java_17() {
    let broken = tempfile::tempdir().unwrap();
    let bad = broken.path().join("X.java");
    std::fs::write(&bad, "class X { void broken( }\n").unwrap();
    let o = parse_java(std::slice::from_ref(&bad));
    assert!(!o.status.success(), "the parse check accepted a broken file: {}", text(&o));

    for runtime in ["jvm21", "jvm17"] {
        let app = generate(runtime);
        let files = files_with(&app.join("observability"), "java");
        assert_eq!(files.len(), 3, "{files:?}");
        let o = parse_java(&files);
        assert!(o.status.success(), "{runtime}: Java parse errors:\n{}", text(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("3 files parsed, 0 errors"), "{}", text(&o));
    }
}

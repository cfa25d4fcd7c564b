//! Fixture repos for every check: each case folder under tests/fixtures/review/<area>/<case>/
//! holds a small repo and an `expect.txt`:
//!
//! ```text
//! # checks: A1 A5          the checks this case is about (only these are compared)
//! A1 k8s/app.yaml:12       one expected finding per line: id, file, line ("-" for none)
//! ```
//! A case with a `# checks:` line and no findings asserts that those checks stay silent.
//! The comparison is exact: a missing or an extra finding of a listed check fails.

use crate::common::repo_root;
use std::collections::BTreeSet;
use std::path::Path;
use vibe::repo::Repo;
use vibe::review::{self, ReviewContext};

fn cases() -> Vec<std::path::PathBuf> {
    let root = repo_root().join("tests/fixtures/review");
    let mut out = Vec::new();
    for area in std::fs::read_dir(&root).unwrap().flatten() {
        if !area.path().is_dir() {
            continue;
        }
        for case in std::fs::read_dir(area.path()).unwrap().flatten() {
            if case.path().join("expect.txt").exists() {
                out.push(case.path());
            }
        }
    }
    out.sort();
    out
}

fn expectations(case: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let text = std::fs::read_to_string(case.join("expect.txt")).unwrap();
    let mut checks = BTreeSet::new();
    let mut expected = BTreeSet::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(ids) = line.strip_prefix("# checks:") {
            checks.extend(ids.split_whitespace().map(str::to_string));
        } else if !line.starts_with('#') {
            expected.insert(line.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    assert!(!checks.is_empty(), "{}: expect.txt needs a `# checks:` line", case.display());
    (checks, expected)
}

#[test]
fn every_fixture_gives_exactly_its_expected_findings() {
    let cases = cases();
    assert!(!cases.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    let mut covered_fires = BTreeSet::new();
    let mut covered_passes = BTreeSet::new();
    for case in &cases {
        let (checks, expected) = expectations(case);
        let repo = Repo::load(case).unwrap();
        let ctx = ReviewContext::for_repo(&repo, case, None);
        let report = review::run(&repo, &ctx);
        let got: BTreeSet<String> = report
            .findings
            .iter()
            .chain(report.suppressed.iter())
            .filter(|f| checks.contains(f.id.as_str()))
            .map(|f| format!("{} {}:{}", f.id, f.file, f.line.map(|l| l.to_string()).unwrap_or("-".into())))
            .collect();
        for id in &checks {
            if expected.iter().any(|e| e.starts_with(&format!("{id} "))) {
                covered_fires.insert(id.clone());
            } else {
                covered_passes.insert(id.clone());
            }
        }
        if got != expected {
            let missing: Vec<_> = expected.difference(&got).collect();
            let extra: Vec<_> = got.difference(&expected).collect();
            failures.push(format!("{}:\n    missing {missing:?}\n    unexpected {extra:?}", case.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture cases differ:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
    let all: BTreeSet<String> = vibe::contract::catalogue::CATALOGUE.iter().map(|c| c.id.to_string()).collect();
    let no_fire: Vec<_> = all.difference(&covered_fires).collect();
    let no_pass: Vec<_> = all.difference(&covered_passes).collect();
    assert!(
        no_fire.is_empty() && no_pass.is_empty(),
        "checks without a firing case: {no_fire:?}; without a passing case: {no_pass:?}"
    );
}

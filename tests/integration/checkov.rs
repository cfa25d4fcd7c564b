//! Cross-check with checkov (PyPI checkov==3.3.30 in the test venv, run with `--skip-download` and
//! an absolute `-d`): wherever checkov fails one of the rules below on a workload, vibe must report
//! the corresponding check on the same object (same file, same `Kind/name`).
//!
//! The documented mapping (checkov id -> vibe check):
//!
//! | checkov    | checkov's rule                                      | vibe |
//! |------------|-----------------------------------------------------|------|
//! | CKV_K8S_8  | liveness probe configured                           | B3   |
//! | CKV_K8S_9  | readiness probe configured                          | B4   |
//! | CKV_K8S_10 | cpu requests set                                    | F1   |
//! | CKV_K8S_12 | memory requests set                                 | F1   |
//! | CKV_K8S_11 | cpu limits set                                      | F2   |
//! | CKV_K8S_13 | memory limits set                                   | F2   |
//! | CKV_K8S_14 | image tag fixed (not `latest`, not blank)           | A1   |
//! | CKV_K8S_20 | allowPrivilegeEscalation false                      | A4   |
//! | CKV_K8S_23 | no root containers (runAsNonRoot / runAsUser > 0)   | A3   |
//! | CKV_K8S_37 | capabilities dropped (ALL)                          | A4   |
//!
//! Scope, from CONTRACT.md "How checks apply": B3/B4 are judged on long-running app workloads only
//! (not Job/CronJob, not platform components: images nginx, postgres, mongo, redis, rabbitmq, the
//! exporters, busybox); the A and F checks apply to every workload, platform components included.
//! Several checkov ids that map to one vibe check on one object count once.
//!
//! checkov passing where vibe fires is fine: vibe is stricter (B3 wants /liveness on 8082, A3 wants
//! the pod-level securityContext, F1 wants requests declared even when limits are).
//!
//! The comparison itself is tests/tools/checkov_compare.py (also usable by hand).

use crate::common::venv_python;
use crate::common::{INVENTORY_FLAGS, repo_root};
use crate::corpus::corpus_dir;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// checkov id -> vibe check id (the table above).
pub const MAPPING: &[(&str, &str)] = &[
    ("CKV_K8S_8", "B3"),
    ("CKV_K8S_9", "B4"),
    ("CKV_K8S_10", "F1"),
    ("CKV_K8S_12", "F1"),
    ("CKV_K8S_11", "F2"),
    ("CKV_K8S_13", "F2"),
    ("CKV_K8S_14", "A1"),
    ("CKV_K8S_20", "A4"),
    ("CKV_K8S_23", "A3"),
    ("CKV_K8S_37", "A4"),
];

/// Pairs checkov flags on the review fixtures that vibe rightly does not report:
/// (file under tests/fixtures/review, `Kind/name`, vibe check, the contract's reason).
/// Only the contract can justify an entry here. None are needed today.
const FIXTURE_EXCEPTIONS: &[(&str, &str, &str, &str)] = &[];

/// Minimum share of checkov's (file, object, check) pairs on the real corpus that vibe reports.
const CORPUS_MIN_AGREEMENT: f64 = 95.0;

fn checkov_bin() -> std::path::PathBuf {
    let py = venv_python();
    let bin = py.with_file_name("checkov");
    assert!(
        bin.exists(),
        "checkov is missing from the test venv ({}): run `bash tests/run.sh` (tests/tools/requirements.txt pins checkov==3.3.30)",
        bin.display()
    );
    bin
}

/// Runs tests/tools/checkov_compare.py on `dir` and returns its JSON result.
fn compare(dir: &Path, cases: bool) -> serde_json::Value {
    let out_file = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = Command::new(venv_python());
    cmd.arg(repo_root().join("tests/tools/checkov_compare.py"))
        .arg(dir)
        .arg("--vibe")
        .arg(env!("CARGO_BIN_EXE_vibe"))
        .arg("--checkov")
        .arg(checkov_bin())
        .arg("--include-platform")
        .arg("--json")
        .arg(out_file.path())
        .env_remove("VIBE_PLATFORM")
        .env("NO_COLOR", "1");
    for (ckv, id) in MAPPING {
        cmd.arg("--map").arg(format!("{ckv}={id}"));
    }
    if cases {
        cmd.arg("--cases");
    }
    let out = cmd.output().expect("run checkov_compare.py");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    println!("{text}");
    assert!(out.status.success(), "checkov_compare.py failed on {}:\n{text}", dir.display());
    serde_json::from_str(&std::fs::read_to_string(out_file.path()).unwrap()).unwrap()
}

fn describe(d: &serde_json::Value) -> String {
    format!(
        "{} {} {} (checkov {}; vibe reports on this object: {})",
        d["check"].as_str().unwrap(),
        d["file"].as_str().unwrap(),
        d["object"].as_str().unwrap(),
        d["checkov"],
        d["vibe_on_object"]
    )
}

#[test]
fn the_tool_states_the_same_mapping() {
    let out = Command::new(venv_python())
        .arg(repo_root().join("tests/tools/checkov_compare.py"))
        .arg("--print-map")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tool: BTreeMap<String, String> = serde_json::from_slice(&out.stdout).unwrap();
    let here: BTreeMap<String, String> = MAPPING.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(tool, here, "tests/tools/checkov_compare.py's MAPPING differs from this file's table");
}

/// On the review fixtures (each case reviewed as its own repo), every pair checkov flags is reported.
#[test]
fn on_the_fixtures_vibe_reports_everything_checkov_flags() {
    let res = compare(&repo_root().join("tests/fixtures/review"), true);
    assert!(res["flagged"].as_u64().unwrap() > 100, "checkov flags pairs on the fixtures: {res}");
    for id in ["A1", "A3", "A4", "B3", "B4", "F1", "F2"] {
        assert!(res["by_check"][id]["flagged"].as_u64().unwrap() > 0, "no fixture makes checkov flag {id}");
    }
    let unexplained: Vec<String> = res["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            !FIXTURE_EXCEPTIONS.iter().any(|(f, o, c, _)| d["file"] == *f && d["object"] == *o && d["check"] == *c)
        })
        .map(describe)
        .collect();
    assert!(
        unexplained.is_empty(),
        "vibe misses {} pair(s) checkov flags on the fixtures:\n  {}",
        unexplained.len(),
        unexplained.join("\n  ")
    );
}

/// A freshly generated repo: checkov flags none of these rules on it (vibe reports none either).
#[test]
fn on_a_generated_repo_checkov_flags_nothing_vibe_misses() {
    let app = crate::common::App::new();
    app.vibe(INVENTORY_FLAGS).assert().success();
    let res = compare(app.path(), false);
    assert_eq!(res["disagreements"], serde_json::json!([]), "{res}");
}

/// On the real corpus, vibe reports at least 95% of the pairs checkov flags.
#[test]
fn on_the_real_corpus_vibe_agrees_with_checkov() {
    let Some(corpus) = corpus_dir("checkov::on_the_real_corpus_vibe_agrees_with_checkov") else { return };
    let res = compare(&corpus, false);
    let agreement = res["agreement"].as_f64().unwrap();
    let flagged = res["flagged"].as_u64().unwrap();
    let disagreements: Vec<String> = res["disagreements"].as_array().unwrap().iter().map(describe).collect();
    println!(
        "agreement {agreement}% of {flagged} pairs; {} disagreement(s):\n  {}",
        disagreements.len(),
        disagreements.join("\n  ")
    );
    assert!(flagged > 300, "checkov flags hundreds of pairs on the corpus: {res}");
    assert!(
        agreement >= CORPUS_MIN_AGREEMENT,
        "vibe agrees with checkov on {agreement}% of {flagged} pairs (>= {CORPUS_MIN_AGREEMENT}% required):\n  {}",
        disagreements.join("\n  ")
    );
}

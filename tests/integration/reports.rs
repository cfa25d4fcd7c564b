//! The review's output formats on the article's fixture: exit status, JSON shape, SARIF 2.1.0
//! validated against the OASIS schema (tests/data), GitHub annotations.

use crate::common::{repo_root, venv_python, vibe};

fn article() -> std::path::PathBuf {
    repo_root().join("tests/fixtures/review/article/typical-first-review")
}

fn review(format: &str) -> (i32, String) {
    let out = vibe().args(["review", "--format", format]).arg(article()).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn text_starts_with_the_gate_and_blocks_with_exit_1() {
    let (code, text) = review("text");
    assert_eq!(code, 1);
    assert!(text.starts_with("BLOCKED (9 critical, 4 warnings)"), "{text}");
}

#[test]
fn json_has_the_documented_shape() {
    let (code, text) = review("json");
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["gate"], "blocked");
    // P6 (the CI pushes without running the review), B8 (the image runs module `app`, the app is main.py) and
    // A7 (the Dockerfile copies requirements.txt, which the fixture never had) join the article's five.
    assert_eq!(v["summary"]["critical"], 9);
    assert_eq!(v["summary"]["warning"], 4); // F2, H1 and G7 twice (no alerts, no dashboard)
    let a1 = v["findings"].as_array().unwrap().iter().find(|f| f["id"] == "A1").unwrap();
    assert_eq!(a1["file"], "k8s/08-app.yaml");
    assert_eq!(a1["object"], "Deployment/inventory-checker-app");
    assert!(a1["line"].is_u64() && a1["message"].is_string() && a1["fix"].is_string() && a1["severity"] == "critical");
    let c1 = v["findings"].as_array().unwrap().iter().find(|f| f["id"] == "C1").unwrap();
    assert!(c1["line"].is_null(), "a missing policy has no line");
    assert!(v["diagnostics"].is_array());
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let (_, sarif) = review("sarif");
    let doc: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 13);
    // Every catalogue check is a SARIF rule.
    assert_eq!(doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), 60);
    let script = "import json,sys,jsonschema\n\
                  schema=json.load(open(sys.argv[1]))\n\
                  jsonschema.validate(json.load(sys.stdin), schema)\n\
                  print('valid')";
    let mut child = std::process::Command::new(venv_python())
        .args(["-c", script])
        .arg(repo_root().join("tests/data/sarif-schema-2.1.0.json"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(sarif.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn github_annotations_name_file_and_line() {
    let (_, text) = review("github");
    assert!(text.lines().any(|l| l.starts_with("::error file=k8s/08-app.yaml,line=")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("::warning file=k8s/10-ingress.yaml,line=")), "{text}");
}

#[test]
fn an_unreadable_path_is_exit_2() {
    vibe().args(["review", "/nonexistent/vibe-app"]).assert().code(2);
}

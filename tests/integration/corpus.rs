//! Real-world input: `vibe review` on ../shared/corpus/real (manifests copied from four public
//! projects, see its SOURCES.md) exits 0 or 1, never panics, prints a JSON report, and lists every
//! file that cannot be read as YAML/JSON under `diagnostics`.
//!
//! The expected diagnostics are computed here independently of vibe's parser:
//! - `.json` files: serde_json must parse them (the empty JSON file of kubernetes-examples fails);
//! - `.yaml`/`.yml` files: PyYAML (a second, YAML 1.1 parser, from the test venv) must load every
//!   document, and a file whose `{{` appears in a plain (unquoted) scalar or as flow syntax is a
//!   placeholder template (kubernetes-examples' `{{placeholder}}` files, CONTRACT.md: "Files that
//!   are not YAML (Helm templates with `{{`) ... are diagnostics");
//! - files that are not UTF-8.
//!
//! vibe may report more files than that only for its own documented rule (a file containing `{{`
//! anywhere is treated as a template); those extra files are printed, and any other extra
//! diagnostic (a valid file vibe could not read) fails.
//!
//! The corpus is found at $VIBE_CORPUS, else <repo>/../shared/corpus/real. A user's clone has no
//! ../shared: there these tests are recorded as skipped (tests/run.sh says so in its closing line)
//! unless VIBE_REQUIRE_CORPUS is set, as `.ci/run` does, which turns a missing corpus into a failure.

use crate::common::repo_root;
use crate::common::venv_python;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The corpus folder, or `None` (recorded as a skip by `test_name`) where this machine has none;
/// panics when VIBE_REQUIRE_CORPUS is set and the corpus is missing.
pub fn corpus_dir(test_name: &str) -> Option<PathBuf> {
    let given = std::env::var_os("VIBE_CORPUS").map(PathBuf::from);
    match locate(given, std::env::var_os("VIBE_REQUIRE_CORPUS").is_some()) {
        Ok(found) => Some(found),
        Err(Missing::Skip(why)) => {
            crate::common::record_skip(test_name, "no real corpus", &why);
            None
        }
        Err(Missing::Fail(why)) => panic!("{why}"),
    }
}

/// Why the corpus is not there, and whether that is a skip or a failure.
#[derive(Debug, PartialEq)]
enum Missing {
    Skip(String),
    Fail(String),
}

/// Where the corpus is: `given` (VIBE_CORPUS), else ../shared/corpus/real beside the repo.
fn locate(given: Option<PathBuf>, required: bool) -> Result<PathBuf, Missing> {
    let dir = given.unwrap_or_else(|| repo_root().join("../shared/corpus/real"));
    if dir.join("SOURCES.md").is_file() {
        return Ok(dir.canonicalize().unwrap());
    }
    let why = format!(
        "no real corpus at {} (set VIBE_CORPUS to the folder holding SOURCES.md and the projects' manifests)",
        dir.display()
    );
    if required {
        Err(Missing::Fail(format!("VIBE_REQUIRE_CORPUS is set but there is {why}")))
    } else {
        Err(Missing::Skip(why))
    }
}

#[test]
fn a_missing_corpus_is_a_skip_on_a_users_machine_and_a_failure_where_it_is_required() {
    let nowhere = Some(PathBuf::from("/nonexistent/corpus"));
    assert!(matches!(locate(nowhere.clone(), false), Err(Missing::Skip(why)) if why.contains("/nonexistent/corpus")));
    assert!(matches!(locate(nowhere, true), Err(Missing::Fail(why)) if why.contains("VIBE_REQUIRE_CORPUS")));
    // A folder holding SOURCES.md is the corpus, required or not.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("SOURCES.md"), "# sources\n").unwrap();
    assert_eq!(locate(Some(dir.path().to_path_buf()), true), Ok(dir.path().canonicalize().unwrap()));
}

fn files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            files(root, &p, out);
        } else {
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

/// For each YAML file (paths relative to the cwd, one per stdin line): `ok`, `invalid <why>` or
/// `template <line>`, judged by PyYAML's scanner and loader.
const PYYAML_JUDGE: &str = r#"
import sys, yaml
for path in sys.stdin.read().splitlines():
    text = open(path, encoding="utf-8").read()
    verdict = "ok"
    try:
        tokens = list(yaml.scan(text))
        for a, b in zip(tokens, tokens[1:] + [None]):
            plain = isinstance(a, yaml.ScalarToken) and a.plain and "{{" in a.value
            flow = isinstance(a, yaml.FlowMappingStartToken) and isinstance(b, yaml.FlowMappingStartToken)
            if plain or flow:
                verdict = "template %d" % (a.start_mark.line + 1)
                break
        if verdict == "ok":
            list(yaml.safe_load_all(text))
    except yaml.YAMLError as e:
        verdict = "invalid " + str(e).replace("\n", " ")
    print(path + "\t" + verdict)
"#;

/// Files of the corpus that a correct reader must report, with why.
fn expected_diagnostics(root: &Path, all: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut yaml = Vec::new();
    for f in all {
        let is_json = f.ends_with(".json");
        if !(is_json || f.ends_with(".yaml") || f.ends_with(".yml")) {
            continue;
        }
        let Ok(text) = String::from_utf8(std::fs::read(root.join(f)).unwrap()) else {
            out.insert(f.clone(), "not UTF-8".into());
            continue;
        };
        if is_json {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                out.insert(f.clone(), format!("not JSON: {e}"));
            }
        } else {
            yaml.push(f.clone());
        }
    }
    let mut child = Command::new(venv_python())
        .args(["-c", PYYAML_JUDGE])
        .current_dir(root)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run python");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(yaml.join("\n").as_bytes()).unwrap();
    }
    let res = child.wait_with_output().unwrap();
    assert!(res.status.success(), "PyYAML judge failed (is PyYAML in the venv?)");
    let text = String::from_utf8(res.stdout).unwrap();
    let judged: Vec<(&str, &str)> = text.lines().filter_map(|l| l.split_once('\t')).collect();
    assert_eq!(judged.len(), yaml.len(), "PyYAML judged every YAML file:\n{text}");
    for (f, verdict) in judged {
        if verdict != "ok" {
            out.insert(f.to_string(), verdict.to_string());
        }
    }
    out
}

#[test]
fn the_real_corpus_is_reviewed_without_crashing_and_every_unreadable_file_is_a_diagnostic() {
    let Some(root) = corpus_dir("corpus::the_real_corpus_is_reviewed_without_crashing") else { return };
    let out = Command::new(env!("CARGO_BIN_EXE_vibe"))
        .env_remove("VIBE_PLATFORM")
        .env("NO_COLOR", "1")
        .arg("review")
        .arg(&root)
        .args(["--format", "json"])
        .output()
        .expect("run vibe review");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "vibe review panicked on the corpus:\n{stderr}");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "vibe review exited with {:?} (0 or 1 expected):\n{stderr}",
        out.status
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("the report is not JSON ({e}):\n{}", String::from_utf8_lossy(&out.stdout)));
    let findings = report["findings"].as_array().expect("findings array");
    assert!(!findings.is_empty(), "these projects were not written for the contract: findings expected");
    assert_eq!(out.status.code(), Some(i32::from(report["gate"] == "blocked")), "exit status follows the gate");

    let mut all = Vec::new();
    files(&root, &root, &mut all);
    all.sort();
    let diagnosed: BTreeSet<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| d["file"].as_str().expect("diagnostic file").to_string())
        .collect();
    for f in &diagnosed {
        assert!(all.contains(f), "diagnostic names a file that is not in the corpus: {f}");
    }
    for f in findings {
        let file = f["file"].as_str().unwrap_or_default();
        assert!(!diagnosed.contains(file), "a finding in a file reported as unreadable: {f}");
    }

    let expected = expected_diagnostics(&root, &all);
    assert!(
        expected.len() >= 7,
        "the corpus has templates and an empty JSON file (SOURCES.md), found only {expected:?}"
    );
    let missing: Vec<String> =
        expected.iter().filter(|(f, _)| !diagnosed.contains(*f)).map(|(f, why)| format!("{f}: {why}")).collect();
    assert!(
        missing.is_empty(),
        "{} unreadable file(s) are not listed under diagnostics:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
    // Valid YAML whose `{{` sits only inside quoted or block scalars (a sed command, a config file
    // in a ConfigMap) is YAML, and is reviewed: nothing beyond the judge's list may be skipped.
    let extra: Vec<&String> = diagnosed.iter().filter(|f| !expected.contains_key(*f)).collect();
    assert!(extra.is_empty(), "vibe reports readable YAML/JSON files as unreadable or templates: {extra:?}");
}

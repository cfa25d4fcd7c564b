//! The generated observability/ skeletons really run: for python, node, rust and go, a generated repo's
//! example app is installed from the package registries (pip in a venv, npm ci, cargo build; go
//! builds its standard-library-only module offline) by
//! `vibe probe --example --install` and probed with zero findings and every business metric in
//! /metrics; then the example is made bad (plain-text log with an e-mail and a Bearer token, no
//! /metrics) and the probe fails with G2, G3 and G6 without repeating the leak. `vibe review
//! --probe` merges such evidence into the review.
//!
//! Package caches and the cargo build are shared through VIBE_EXAMPLE_CACHE (target/example-cache),
//! so a second run does not download or rebuild from scratch.

use crate::common::{App, repo_root};
use crate::probe::{free_ports, ids};
use std::time::{Duration, Instant};

/// Three business metrics, one of each type, two of them labelled (a labelled metric without a
/// sample is where client libraries differ).
const METRICS: &[&str] =
    &["orders_processed_total:counter:status", "queue_depth:gauge", "checkout_seconds:histogram:route"];

const EMAIL: &str = "jane.doe@example.com";
const TOKEN: &str = "abcDEF123456ghiJKL789";

fn generate(runtime: &str) -> App {
    let app = App::new();
    let mut args = vec!["init", "--yes", "--name", "Live Demo", "--runtime", runtime, "--tag", "a1b2c3d"];
    for m in METRICS {
        args.extend_from_slice(&["--metric", m]);
    }
    app.vibe(&args).assert().success();
    crate::common::write_app_manifests(&app, runtime);
    app
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }
}

fn example_cache() -> String {
    repo_root().join("target/example-cache").display().to_string()
}

/// `vibe probe --example [--install] --format json` on free ports; the install's progress goes to stderr.
fn probe_example(app: &App, install: bool) -> Run {
    let (http, mgmt) = free_ports();
    let (http, mgmt) = (http.to_string(), mgmt.to_string());
    let mut args =
        vec!["probe", "--example", "--port", &http, "--mgmt-port", &mgmt, "--window", "1", "--format", "json"];
    if install {
        args.push("--install");
    }
    let out =
        app.vibe(&args).env("VIBE_EXAMPLE_CACHE", example_cache()).timeout(Duration::from_secs(600)).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn edit(app: &App, rel: &str, edits: &[(&str, &str)]) {
    let mut text = app.read(rel);
    for (from, to) in edits {
        assert!(text.contains(from), "{rel} no longer contains {from:?}: update this test with the template");
        text = text.replacen(from, to, 1);
    }
    app.write(rel, &text);
}

/// Installs and probes the good example, then the bad one; returns the wall time of each.
fn good_then_bad(runtime: &str, bad_edits: &[(&str, &[(&str, &str)])]) -> (Duration, Duration) {
    let app = generate(runtime);
    let started = Instant::now();
    let good = probe_example(&app, true);
    let good_time = started.elapsed();
    assert_eq!(good.code, 0, "{runtime}: the generated example must pass the probe\n{}", good.all());
    assert!(ids(&good.stdout).is_empty(), "{}", good.all());
    assert!(good.stderr.contains("3 of 3 business metrics present"), "{}", good.all());
    assert!(good.stderr.contains("The app stopped on SIGTERM"), "{}", good.all());
    // The install showed its steps.
    assert!(good.stderr.contains("[1/"), "{}", good.all());

    for (file, edits) in bad_edits {
        edit(&app, file, edits);
    }
    let started = Instant::now();
    let bad = probe_example(&app, true);
    let bad_time = started.elapsed();
    assert_eq!(bad.code, 1, "{runtime}: the bad example must be blocked\n{}", bad.all());
    assert_eq!(ids(&bad.stdout), ["G2", "G3", "G6"], "{}", bad.all());
    let all = bad.all();
    assert!(!all.contains("jane.doe") && !all.contains(TOKEN), "the leak is repeated:\n{all}");
    assert!(bad.stdout.contains("an e-mail address") || bad.stdout.contains("e-mail"), "{all}");
    eprintln!("{runtime}: good example {good_time:.1?} (install + probe), bad example {bad_time:.1?}");
    (good_time, bad_time)
}

fn leak_line() -> String {
    format!("user {EMAIL} signed in with Authorization: Bearer {TOKEN}")
}

#[test]
fn python_example_runs_clean_and_a_bad_one_fails() {
    let leak = format!("    print(\"{}\", flush=True)\n    obs.logger.info(\"listening\"", leak_line());
    good_then_bad(
        "python3.12",
        &[(
            "observability/example_app.py",
            &[
                ("app = obs.MetricsWSGIMiddleware(hello_app)", "app = hello_app"),
                ("    obs.logger.info(\"listening\"", &leak),
            ],
        )],
    );
}

#[test]
fn node_example_runs_clean_and_a_bad_one_fails() {
    let leak = format!("console.log('{}');\nserver.listen(", leak_line());
    good_then_bad(
        "node22",
        &[(
            "observability/example-app.js",
            &[("obs.instrument((req, res) => {", "((req, res) => {"), ("server.listen(", &leak)],
        )],
    );
}

#[test]
fn rust_example_runs_clean_and_a_bad_one_fails() {
    // Good and bad in one test: the shared cargo build (VIBE_EXAMPLE_CACHE) has one example binary.
    let leak = format!("println!(\"{}\");\n    tracing::info!(port, \"listening\")", leak_line());
    good_then_bad(
        "rust1.78",
        &[(
            "observability/examples/hello.rs",
            &[(".route(\"/metrics\", get(metrics))", ""), ("tracing::info!(port, \"listening\")", &leak)],
        )],
    );
}

#[test]
fn go_example_runs_clean_and_a_bad_one_fails() {
    // The module uses the standard library only: it builds here with no module proxy.
    let leak =
        format!("_, _ = os.Stdout.WriteString(\"{}\\n\")\n\t\tobservability.Logger.Info(\"listening\"", leak_line());
    good_then_bad(
        "go1.23",
        &[(
            "observability/example/main.go",
            &[
                ("Handler:           observability.Instrument(mux),", "Handler:           mux,"),
                ("observability.Logger.Info(\"listening\"", &leak),
            ],
        )],
    );
}

#[test]
fn example_without_install_asks_for_it_and_stays_out_of_git() {
    let app = generate("python3.12");
    let run = probe_example(&app, false);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("run `vibe probe --example --install`"), "{}", run.all());
    assert!(run.stderr.contains("PyPI"), "{}", run.all());

    let run = probe_example(&app, true);
    assert_eq!(run.code, 0, "{}", run.all());
    // A changed requirement asks for a new install instead of probing the old one.
    let req = app.read("observability/requirements.txt");
    app.write("observability/requirements.txt", &format!("{req}# pinned again\n"));
    let run = probe_example(&app, false);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("changed since the example was installed"), "{}", run.all());

    // Nothing of the install is seen by git (venv, caches, stamps).
    crate::common::git_commit_all(&app);
    let tracked = std::process::Command::new("git")
        .arg("-C")
        .arg(app.path())
        .args(["ls-files", ".vibe"])
        .output()
        .expect("git is installed");
    let tracked = String::from_utf8_lossy(&tracked.stdout);
    assert!(app.join(".vibe/example-env/venv/bin/python").exists());
    assert!(!tracked.contains("example-env"), "git tracks the example's install:\n{tracked}");
    assert!(tracked.contains(".vibe/lock.json"), "{tracked}");
}

/// `vibe review --probe CMD` on the contract's ports (8081/8082): the only test using them, so the
/// good and the bad run are in one test.
#[test]
fn review_probe_merges_live_evidence() {
    let app = generate("python3.12");
    let install = probe_example(&app, true);
    assert_eq!(install.code, 0, "{}", install.all());
    let review = |format: &str| {
        let out = app
            .vibe(&[
                "review",
                "--format",
                format,
                "--probe",
                ".vibe/example-env/venv/bin/python -m observability.example_app",
            ])
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    // Statically, G2/G3/G5/G6 are judged from source only.
    let static_only = app.vibe(&["review"]).output().unwrap();
    assert!(String::from_utf8_lossy(&static_only.stdout).contains("Judged from the source code only"));

    let good = review("text");
    assert_eq!(good.code, 0, "{}", good.all());
    assert!(good.stdout.contains("PASS"), "{}", good.all());
    assert!(!good.stdout.contains("Judged from the source code only"), "{}", good.all());
    assert!(good.stderr.contains("3 of 3 business metrics present"), "{}", good.all());
    let json = review("json");
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("a JSON report");
    assert_eq!(report["static_only"], serde_json::json!([]), "{}", json.all());

    // The app now logs plain text with personal data: the live G3 and G6 findings block the review.
    let leak = format!("    print(\"{}\", flush=True)\n    obs.logger.info(\"listening\"", leak_line());
    edit(&app, "observability/example_app.py", &[("    obs.logger.info(\"listening\"", &leak)]);
    let bad = review("json");
    assert_eq!(bad.code, 1, "{}", bad.all());
    let report: serde_json::Value = serde_json::from_str(&bad.stdout).expect("a JSON report");
    let live: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["evidence"].as_str().unwrap_or("")))
        .collect();
    assert!(live.contains(&("G3", "live")) && live.contains(&("G6", "live")), "{}", bad.all());
    assert!(!bad.all().contains("jane.doe") && !bad.all().contains(TOKEN), "{}", bad.all());
}

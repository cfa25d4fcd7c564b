//! `vibe init --yes` does what the wizard does: detection fills the answers the flags leave
//! out, a metric is required, store passwords are sealed, and `--tag` is remembered.

use crate::common::{App, git_commit_all, sealing_platform};

fn text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

const METRIC: &str = "orders_processed_total:counter:status";

/// A small Python app using postgres and redis, reading one credential.
fn python_app() -> App {
    let app = App::new();
    app.write("requirements.txt", "fastapi==0.115.0\npsycopg[binary]==3.2.1\nredis==5.0.8\n");
    app.write("main.py", "import os\nAPI_KEY = os.environ[\"API_KEY\"]\n");
    app
}

#[test]
fn yes_takes_the_runtime_database_components_and_secrets_detection_finds_and_says_where() {
    let app = python_app();
    let out = app.vibe(&["init", "--yes", "--name", "Shop", "--metric", METRIC, "--tag", "a1b2c3d"]).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    let (answers, _) = vibe::spec::load_answers(&app.join("vibe.yaml")).unwrap();
    assert_eq!(answers.runtime, "python3.12", "{said}");
    assert_eq!(answers.database, "postgres");
    assert!(answers.components.redis, "{said}");
    assert_eq!(answers.secrets, vec!["API_KEY".to_string()]);
    assert!(said.contains("Detected Python 3.12 from requirements.txt"), "{said}");
    assert!(said.contains("postgres (seen in requirements.txt"), "{said}");
    assert!(said.contains("main.py:2"), "{said}");
}

#[test]
fn flags_win_over_detection() {
    let app = python_app();
    let out = app
        .vibe(&["init", "--yes", "--name", "Shop", "--runtime", "python3.11", "--db", "mongo", "--nginx"])
        .args(["--metric", METRIC, "--secret", "STRIPE_KEY", "--tag", "a1b2c3d"])
        .output()
        .unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    let (answers, _) = vibe::spec::load_answers(&app.join("vibe.yaml")).unwrap();
    assert_eq!((answers.runtime.as_str(), answers.database.as_str()), ("python3.11", "mongo"));
    assert!(answers.components.nginx && !answers.components.redis, "component flags choose the components");
    assert!(said.contains("add --redis"), "the detected component left out is named: {said}");
    assert_eq!(answers.secrets, vec!["STRIPE_KEY".to_string()]);
}

#[test]
fn yes_asks_only_for_what_detection_cannot_decide() {
    let app = App::new();
    let out = app.vibe(&["init", "--yes", "--name", "Shop", "--metric", METRIC, "--tag", "a1b2c3d"]).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("--runtime:"), "the flag to pass is named: {said}");
    assert!(!said.contains("--name:"), "{said}");
    assert!(!app.join("vibe.yaml").exists());
}

#[test]
fn yes_without_a_metric_is_refused_with_an_example() {
    let app = python_app();
    let out =
        app.vibe(&["init", "--yes", "--name", "Shop", "--runtime", "python3.12", "--tag", "a1b2c3d"]).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("--metric: at least one business metric is needed"), "{said}");
    assert!(said.contains("--metric orders_processed_total:counter:status"), "a suggestion to copy: {said}");
    assert!(!app.join("vibe.yaml").exists(), "nothing is written with `metrics: []`");
}

#[test]
fn yes_with_a_certificate_seals_the_store_passwords_so_the_fresh_repo_passes() {
    let app = App::new();
    sealing_platform(&app);
    let out = app
        .vibe(&["init", "--yes", "--name", "Shop", "--runtime", "python3.12"])
        .arg("--platform")
        .arg(app.join("platform.yaml"))
        .args(["--db", "postgres", "--rabbitmq", "--metric", METRIC, "--tag", "a1b2c3d"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    crate::common::write_app_manifests(&app, "python3.12");
    let sealed = app.read("k8s/02-sealed-secrets.yaml");
    for key in ["POSTGRES_PASSWORD", "POSTGRES_ADMIN_PASSWORD", "RABBITMQ_PASSWORD"] {
        let line = sealed.lines().find(|l| l.trim_start().starts_with(&format!("{key}:"))).unwrap_or_default();
        assert!(line.len() > key.len() + 100 && !line.contains("REPLACE_ME"), "{key} is not sealed: {line:?}");
    }
    let review = app.vibe(&["review", "--format", "json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&review.stdout).unwrap();
    assert_eq!(review.status.code(), Some(0), "{}", text(&review));
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0), "{report:#}");
}

#[test]
fn the_tag_given_to_init_is_remembered_until_there_is_a_commit() {
    let app = App::new();
    sealing_platform(&app);
    let init = ["init", "--yes", "--name", "Shop", "--runtime", "python3.12"];
    let out = app
        .vibe(&init)
        .arg("--platform")
        .arg(app.join("platform.yaml"))
        .args(["--metric", METRIC, "--secret", "API_KEY", "--tag", "a3f91bc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(app.read("vibe.yaml").contains("tag: a3f91bc"));
    // No commit yet: seal and generate use the remembered tag.
    let seal = app.vibe(&["seal", "API_KEY"]).write_stdin("the-value\n").output().unwrap();
    assert_eq!(seal.status.code(), Some(0), "{}", text(&seal));
    assert!(app.read("k8s/08-app.yaml").contains(":a3f91bc"));
    // After a commit, CI tags the image with the commit SHA: the stale tag gives way to it.
    git_commit_all(&app);
    let sha = vibe::git::short_sha(app.path()).unwrap();
    let generated = app.vibe(&["generate"]).output().unwrap();
    assert_eq!(generated.status.code(), Some(0), "{}", text(&generated));
    assert!(app.read("k8s/08-app.yaml").contains(&format!(":{sha}")), "{}", app.read("k8s/08-app.yaml"));
    let review = app.vibe(&["review"]).output().unwrap();
    assert!(!text(&review).contains("a3f91bc"), "{}", text(&review));
}

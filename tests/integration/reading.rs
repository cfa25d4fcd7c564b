//! What vibe reads, and how it fails closed: files it could not read where objects come from
//! block the gate, special files never hang it, and a file it does not own is never quoted.

use crate::common::App;
use std::time::Duration;

/// Long enough for a debug build on a busy machine; a FIFO read would block forever.
const PROMPT: Duration = Duration::from_secs(60);

/// A generated app that passes the review as it stands (no database, no secrets to seal).
fn passing_app() -> App {
    let app = App::new();
    app.vibe(&[
        "init",
        "--yes",
        "--name",
        "Shop",
        "--runtime",
        "python3.12",
        "--metric",
        "orders_processed_total:counter",
        "--tag",
        "a1b2c3d",
    ])
    .assert()
    .success();
    crate::common::write_app_manifests(&app, "python3.12");
    let out = app.vibe(&["review"]).timeout(PROMPT).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "the base app passes: {}", String::from_utf8_lossy(&out.stdout));
    app
}

struct Run {
    code: Option<i32>,
    out: String,
}

fn run(app: &App, args: &[&str]) -> Run {
    let out = app.vibe(args).timeout(PROMPT).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    // A timeout kills the process: no exit code, which no assertion below accepts.
    Run { code: out.status.code(), out: text }
}

/// `vibe review --format json`, parsed.
fn review_json(app: &App) -> (Option<i32>, serde_json::Value) {
    let out = app.vibe(&["review", "--format", "json"]).timeout(PROMPT).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code(), json)
}

/// Asserts the review blocks on `file` alone (no finding), saying `why`, in text and JSON.
fn assert_blocks_on(app: &App, file: &str, why: &str) {
    let text = run(app, &["review"]);
    assert_eq!(text.code, Some(1), "{}", text.out);
    assert!(text.out.starts_with("BLOCKED (0 critical, 0 warnings, 1 file unreadable)"), "{}", text.out);
    assert!(text.out.contains("could not be read (BLOCKING)") && text.out.contains(file), "{}", text.out);
    assert!(text.out.contains(why), "{}", text.out);
    assert!(!text.out.contains("Every check passed"), "{}", text.out);
    let (code, json) = review_json(app);
    assert_eq!(code, Some(1));
    assert_eq!(json["gate"], "blocked", "{json:#}");
    let blocking: Vec<&serde_json::Value> =
        json["diagnostics"].as_array().unwrap().iter().filter(|d| d["blocking"] == true).collect();
    assert_eq!(blocking.len(), 1, "{json:#}");
    assert_eq!(blocking[0]["file"], file, "{json:#}");
    assert!(blocking[0]["message"].as_str().unwrap().contains(why), "{json:#}");
}

fn append(app: &App, rel: &str, bytes: &[u8]) {
    use std::io::Write;
    std::fs::OpenOptions::new().append(true).open(app.join(rel)).unwrap().write_all(bytes).unwrap();
}

fn mkfifo(path: &std::path::Path) {
    let _ = std::fs::remove_file(path);
    let ok = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo is installed").success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn an_unparseable_manifest_blocks_the_gate() {
    let app = passing_app();
    append(&app, "k8s/03-configmap.yaml", b"oops: [\n");
    assert_blocks_on(&app, "k8s/03-configmap.yaml", "not valid YAML");
}

/// `{{` in a string (here the app name, in every generated file) used to make a broken manifest
/// look like a template, skipped unread: the gate passed.
#[test]
fn braces_in_a_broken_manifest_do_not_make_it_a_template_that_passes() {
    let app = passing_app();
    let map = app.read("k8s/03-configmap.yaml");
    app.write("k8s/03-configmap.yaml", &format!("{map}  GREETING: \"hello {{{{name}}}}\"\n"));
    let out = run(&app, &["review"]);
    assert_eq!(out.code, Some(0), "braces inside a quoted string are YAML, reviewed: {}", out.out);
    append(&app, "k8s/03-configmap.yaml", b"oops: [\n");
    assert_blocks_on(&app, "k8s/03-configmap.yaml", "not valid YAML");
}

/// A template outside a chart's templates/ folder, where objects are read, is not skipped.
#[test]
fn a_template_among_the_manifests_blocks_the_gate() {
    let app = passing_app();
    app.write("k8s/20-extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n");
    assert_blocks_on(&app, "k8s/20-extra.yaml", "only a chart's templates/ folder may hold templates");
}

#[test]
fn an_oversized_manifest_blocks_the_gate() {
    let app = passing_app();
    let big = format!("# {}\n", "x".repeat(8 * 1024 * 1024));
    app.write("k8s/20-big.yaml", &big);
    assert_blocks_on(&app, "k8s/20-big.yaml", "larger than 8 MiB");
}

#[test]
fn a_manifest_that_is_not_utf8_blocks_the_gate() {
    let app = passing_app();
    append(&app, "k8s/03-configmap.yaml", b"  note: \xff\xfe\n");
    assert_blocks_on(&app, "k8s/03-configmap.yaml", "not UTF-8");
}

#[test]
fn a_dockerfile_that_is_not_utf8_blocks_the_gate() {
    let app = passing_app();
    append(&app, "Dockerfile", b"# \xff\n");
    assert_blocks_on(&app, "Dockerfile", "not UTF-8");
}

#[test]
fn broken_chart_values_block_the_gate_and_templates_are_still_only_skipped() {
    let app = passing_app();
    append(&app, "helm/vibe-stack/values.yaml", b"oops: [\n");
    assert_blocks_on(&app, "helm/vibe-stack/values.yaml", "not valid YAML");
    let text = run(&app, &["review"]).out;
    assert!(text.contains("files skipped as templates (not YAML)"), "{text}");
}

#[test]
fn a_symlink_leaving_the_repo_is_not_read_and_blocks() {
    let app = passing_app();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("deploy.yaml");
    std::fs::write(
        &secret,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leaked}\ndata: {token: s3cr3t-outside}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, app.join("k8s/20-shared.yaml")).unwrap();
    assert_blocks_on(&app, "k8s/20-shared.yaml", "outside the repo");
    assert!(!run(&app, &["review"]).out.contains("s3cr3t-outside"));
    // A linked folder leaving the repo where manifests live blocks too.
    std::fs::remove_file(app.join("k8s/20-shared.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.path(), app.join("k8s/shared")).unwrap();
    assert_blocks_on(&app, "k8s/shared", "outside the repo");
}

#[test]
fn a_symlink_inside_the_repo_is_followed() {
    let app = passing_app();
    app.write(
        "shared/web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: platform-vibe-shop}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: web, image: 'nginx:latest'}\n",
    );
    std::os::unix::fs::symlink("../shared/web.yaml", app.join("k8s/20-web.yaml")).unwrap();
    let (code, json) = review_json(&app);
    assert_eq!(code, Some(1), "{json:#}");
    let a1: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "A1")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(a1.contains(&"k8s/20-web.yaml"), "the linked manifest is reviewed under its own name: {json:#}");
    assert!(json["diagnostics"].as_array().unwrap().iter().all(|d| d["blocking"] == false), "{json:#}");
}

#[test]
fn broken_yaml_outside_the_manifest_places_is_listed_but_does_not_block() {
    let app = passing_app();
    app.write("docs/example.yaml", "title: [unfinished\n");
    let text = run(&app, &["review"]);
    assert_eq!(text.code, Some(0), "{}", text.out);
    assert!(text.out.contains("docs/example.yaml") && text.out.contains("not blocking"), "{}", text.out);
    // A broken manifest is one wherever it is.
    app.write("docs/example.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n");
    assert_blocks_on(&app, "docs/example.yaml", "not valid YAML");
}

#[test]
fn a_fifo_among_the_manifests_blocks_promptly() {
    let app = passing_app();
    mkfifo(&app.join("k8s/20-pipe.yaml"));
    assert_blocks_on(&app, "k8s/20-pipe.yaml", "FIFO");
}

#[test]
fn a_fifo_as_vibe_yaml_blocks_review_and_stops_generate_promptly() {
    let app = passing_app();
    mkfifo(&app.join("vibe.yaml"));
    assert_blocks_on(&app, "vibe.yaml", "FIFO");
    let generate = run(&app, &["generate"]);
    assert_eq!(generate.code, Some(2), "{}", generate.out);
    assert!(generate.out.contains("vibe.yaml") && generate.out.contains("not a regular file"), "{}", generate.out);
}

#[test]
fn a_fifo_or_a_device_as_the_platform_file_is_refused_promptly() {
    let app = passing_app();
    let fifo = app.join("platform.yaml");
    mkfifo(&fifo);
    let answers = app.read("vibe.yaml");
    for platform in ["platform.yaml", "/dev/zero"] {
        app.write("vibe.yaml", &format!("{answers}platform: {platform}\n"));
        let review = run(&app, &["review"]);
        assert_eq!(review.code, Some(1), "{platform}: {}", review.out);
        assert!(review.out.contains("platform settings could not be used"), "{}", review.out);
        assert!(review.out.contains("not a regular file"), "{}", review.out);
        for args in [&["generate"][..], &["seal", "--list"]] {
            let r = run(&app, args);
            assert_eq!(r.code, Some(2), "{platform} {args:?}: {}", r.out);
            assert!(r.out.contains(platform) && r.out.contains("not a regular file"), "{}", r.out);
        }
    }
    // --platform names it directly.
    app.write("vibe.yaml", &answers);
    let r = run(&app, &["--platform", "/dev/zero", "generate"]);
    assert_eq!(r.code, Some(2), "{}", r.out);
}

#[test]
fn a_fifo_as_the_lock_or_a_generated_file_stops_generate_and_fix_promptly() {
    let app = passing_app();
    // Something for --fix to do: a generated file gone.
    std::fs::remove_file(app.join("k8s/12-hpa.yaml")).unwrap();
    mkfifo(&app.join(".vibe/lock.json"));
    for args in [&["generate", "--tag", "a1b2c3d"][..], &["review", "--fix"]] {
        let r = run(&app, args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.out);
        assert!(r.out.contains(".vibe/lock.json") && r.out.contains("not a regular file"), "{}", r.out);
    }
    std::fs::remove_file(app.join(".vibe/lock.json")).unwrap();
    app.vibe(&["generate", "--tag", "a1b2c3d"]).timeout(PROMPT).assert().success();
    mkfifo(&app.join("k8s/08-app.yaml"));
    let r = run(&app, &["generate", "--tag", "a1b2c3d"]);
    assert_eq!(r.code, Some(2), "{}", r.out);
    assert!(r.out.contains("k8s/08-app.yaml") && r.out.contains("not a regular file"), "{}", r.out);
}

#[test]
fn a_platform_file_vibe_does_not_own_is_named_never_quoted() {
    let app = passing_app();
    app.write(
        "home/.docker/config.json",
        "{\n  \"auths\": {\n    \"ghcr.io\": {\"auth\": \"c2VjcmV0OnRva2Vu\"}\n  }\n}\n",
    );
    let answers = app.read("vibe.yaml");
    app.write("vibe.yaml", &format!("{answers}platform: home/.docker/config.json\n"));
    let (code, json) = review_json(&app);
    assert_eq!(code, Some(1), "a platform that cannot be used blocks: {json:#}");
    let runs = [
        run(&app, &["review"]),
        Run { code, out: json.to_string() },
        run(&app, &["generate"]),
        run(&app, &["seal", "--list"]),
    ];
    for r in runs {
        assert!(r.out.contains("home/.docker/config.json"), "{}", r.out);
        for content in ["c2VjcmV0OnRva2Vu", "ghcr.io", "auths"] {
            assert!(!r.out.contains(content), "{content} printed:\n{}", r.out);
        }
    }
}

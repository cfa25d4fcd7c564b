//! The wiring fix on Go net/http apps, live: each Go app of the corpus is built with the machine's
//! Go (1.19 here; the contract's image builds with 1.23) offline — no module proxy, no go.sum — and
//! its own route answers. Then `vibe init` writes observability/ (standard library only) and
//! `vibe review --fix` wires it in as a text edit (go.mod's local `replace`, `Setup()` first in
//! main, the instrumented handler on PORT, fmt's and log's printing as JSON lines); the review
//! finds nothing left for A7 B7 B8 G2 G3 G5, the app builds offline again and, started with PORT and
//! MGMT_PORT as the Deployment sets them, serves its own route unchanged, Prometheus text on
//! GET /metrics (its request counted) and /readiness, /liveness on the management port, and logs
//! only JSON lines with time, level and msg.

use crate::common::{record_skip, repo_root};
use crate::probe::free_ports;
use crate::wire::{Running, answers, assert_json_lines, assert_prometheus_text, copy_app, port_is_free};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// (app, a route of its own answering 2xx, the port it hard-codes before the fix).
const GO_APPS: &[(&str, &str, u16)] = &[("go-nethttp", "/", 8080), ("go-tasks-api", "/tasks", 3000)];

/// The checks a wired app must pass.
const CLEAN: &[&str] = &["A7", "B7", "B8", "G2", "G3", "G5"];

/// `go build -o <out> .` offline: no proxy to ask, no toolchain to download; the build cache is under target/.
fn go_build(dir: &Path, out: &Path) {
    let cache = repo_root().join("target/example-cache/go-wire");
    let o = Command::new("go")
        .args(["build", "-o", &out.display().to_string(), "."])
        .current_dir(dir)
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", cache.join("cache"))
        .env("GOMODCACHE", cache.join("mod"))
        .stdin(Stdio::null())
        .output()
        .expect("go is needed (tests/run.sh: apt-get install golang-go)");
    assert!(
        o.status.success(),
        "go build failed in {}:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn before_and_after(name: &str, route: &str, hard_coded: u16) {
    let app = copy_app(name);
    let dir = app.path();
    let bin = dir.join(".vibe-test-app");

    // Before: the creator's app, as they run it (it listens on its own port).
    go_build(dir, &bin);
    let command = vec![bin.display().to_string()];
    if port_is_free(hard_coded) {
        let running = Running::start(dir, &command, &[]);
        answers(&running, hard_coded, route, &format!("{name} before the fix"));
        running.stop();
    } else {
        record_skip(
            &format!("wire_go::{name}::before"),
            "port in use",
            &format!(
                "{name} hard-codes port {hard_coded}, which another process holds: its run before the fix was not checked"
            ),
        );
    }
    let own_before = std::fs::read_to_string(dir.join("main.go")).unwrap();

    // The fix.
    app.vibe(&["init", "--yes", "--metric", "items_total:counter", "--tag", "a1b2c3d"]).assert().success();
    let fix = app.vibe(&["review", "--fix"]).output().unwrap();
    let fix_out = String::from_utf8_lossy(&fix.stdout).into_owned();
    assert!(fix_out.contains("vibe review --fix changed"), "{name}: the fix changed nothing:\n{fix_out}");
    let go_mod = app.read("go.mod");
    assert!(go_mod.contains("=> ./observability"), "{name}: go.mod does not require the local module:\n{go_mod}");
    assert!(!dir.join("go.sum").exists(), "{name}: the wiring needs no go.sum");
    let review = app.vibe(&["review", "--format", "json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&review.stdout).expect("a JSON report");
    let left: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| CLEAN.contains(&f["id"].as_str().unwrap_or_default()))
        .map(|f| format!("{} {}:{} {}", f["id"], f["file"], f["line"], f["message"]))
        .collect();
    assert!(left.is_empty(), "{name}: after the fix the review still finds {left:#?}\n{fix_out}");
    let main = app.read("main.go");
    assert_ne!(main, own_before, "{name}: main.go is not wired");

    // After: built offline again, started as the Deployment starts it.
    go_build(dir, &bin);
    let (http, mgmt) = free_ports();
    let running = Running::start(dir, &command, &[("PORT", http.to_string()), ("MGMT_PORT", mgmt.to_string())]);
    let after = format!("{name} after the fix");
    answers(&running, mgmt, "/readiness", &after);
    answers(&running, mgmt, "/liveness", &after);
    answers(&running, http, route, &after);
    let metrics = answers(&running, http, "/metrics", &after);
    assert_prometheus_text(&metrics, &after);
    assert!(
        metrics.lines().any(|l| l.starts_with("http_requests_total{") && l.contains("code=\"200\"")),
        "{after}: the app's own request is not counted in /metrics:\n{metrics}"
    );
    assert!(metrics.contains("# TYPE items_total counter"), "{after}: the business metric is not exposed:\n{metrics}");
    let stdout = running.stop();
    assert_json_lines(&stdout, &after);
}

#[test]
fn go_corpus_apps_build_offline_and_run_before_and_after_the_wiring_fix() {
    let started = Instant::now();
    for (name, route, port) in GO_APPS {
        before_and_after(name, route, *port);
    }
    eprintln!(
        "wire_go: {} go apps built, run, wired, rebuilt offline and run in {:.1?}",
        GO_APPS.len(),
        started.elapsed()
    );
}

//! `vibe probe` against a fake app (tests/fixtures/probe/app.py, Python standard library only):
//! a compliant app gives zero findings, a bad one G2/G3/G6, and the app's process never
//! outlives the probe (also when it ignores SIGTERM or never becomes ready).

use crate::common::App;
use std::net::TcpListener;
use std::path::PathBuf;

fn fake_app() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe/app.py").display().to_string()
}

/// Two free loopback ports: bound to port 0, then released for the app.
pub fn free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").unwrap();
    let b = TcpListener::bind("127.0.0.1:0").unwrap();
    (a.local_addr().unwrap().port(), b.local_addr().unwrap().port())
}

const VIBE_YAML: &str = "name: Probe Demo\nslug: probe-demo\nruntime: python3.12\ndatabase: none\nmetrics:\n  - name: orders_processed_total\n    type: counter\n    labels: [status]\n    help: Orders processed\n";

struct Run {
    code: i32,
    /// The report (stdout).
    report: String,
    /// Everything printed, for failure messages and notes.
    stdout: String,
    pid: Option<i32>,
}

fn probe(mode: &str, extra: &[&str]) -> Run {
    let app = App::new();
    app.write("vibe.yaml", VIBE_YAML);
    let (http, mgmt) = free_ports();
    let pid_file = app.join("app.pid");
    let (http, mgmt) = (http.to_string(), mgmt.to_string());
    let mut args = vec!["probe", "--port", &http, "--mgmt-port", &mgmt, "--window", "1", "--grace", "1"];
    args.extend_from_slice(extra);
    let script = fake_app();
    args.extend_from_slice(&["--", "python3", &script, mode]);
    let output =
        app.vibe(&args).env("PID_FILE", &pid_file).timeout(std::time::Duration::from_secs(60)).output().unwrap();
    let pid = std::fs::read_to_string(&pid_file).ok().and_then(|p| p.trim().parse().ok());
    Run {
        code: output.status.code().unwrap_or(-1),
        report: String::from_utf8_lossy(&output.stdout).into_owned(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr),
        pid,
    }
}

/// The process is gone: no `/proc/PID`, or a zombie (dead, waiting for init to reap it after its
/// parent shell died), which runs nothing and counts as gone.
fn assert_gone(pid: Option<i32>) {
    let pid = pid.expect("the fake app wrote its pid");
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"));
    let zombie = stat.as_ref().is_ok_and(|s| s.rsplit_once(") ").is_some_and(|(_, rest)| rest.starts_with('Z')));
    assert!(stat.is_err() || zombie, "process {pid} is still running after vibe probe returned");
}

pub fn ids(stdout: &str) -> Vec<String> {
    let start = stdout.find('{').expect("a JSON report");
    let json: serde_json::Value = serde_json::from_str(&stdout[start..]).expect("JSON report");
    let mut ids: Vec<String> =
        json["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect();
    ids.dedup();
    ids
}

#[test]
fn compliant_app_has_no_findings() {
    let run = probe("good", &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("PASS"), "{}", run.stdout);
    assert!(run.stdout.contains("1 of 1 business metrics present"), "{}", run.stdout);
    assert!(run.stdout.contains("stopped on SIGTERM"), "{}", run.stdout);
    assert!(run.stdout.contains("Every check passed: the app answers"), "{}", run.stdout);
    assert!(!run.stdout.contains("Commit and push"), "advice for a repo, not a running app:\n{}", run.stdout);
    assert_gone(run.pid);
}

/// An app whose management server answers /readiness before its traffic port is bound (the
/// generated skeletons start it first) is judged once the traffic port opens, not in the gap.
#[test]
fn a_traffic_port_opening_after_readiness_is_waited_for() {
    let run = probe("slow-traffic", &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("1 of 1 business metrics present"), "{}", run.stdout);
    assert_gone(run.pid);
}

#[test]
fn bad_app_fails_g2_g3_g6_with_masked_excerpts() {
    let run = probe("bad", &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(ids(&run.report), ["G2", "G3", "G6"], "{}", run.stdout);
    // The report names the leak without repeating it.
    assert!(!run.stdout.contains("jane.doe"), "{}", run.stdout);
    assert!(!run.stdout.contains("abcDEF123456"), "{}", run.stdout);
    assert!(
        run.stdout.contains("\"evidence\": \"live\"") || run.stdout.contains("\"evidence\":\"live\""),
        "{}",
        run.stdout
    );
    assert_gone(run.pid);
}

#[test]
fn app_ignoring_sigterm_is_killed() {
    let run = probe("ignore-term", &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("ignored SIGTERM"), "{}", run.stdout);
    assert_gone(run.pid);
}

#[test]
fn app_never_ready_is_b4_and_stopped() {
    let run = probe("never-ready", &["--timeout", "2"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("B4"), "{}", run.stdout);
    assert!(run.stdout.contains("did not answer 200 within 2s (last: status 503)"), "{}", run.stdout);
    assert_gone(run.pid);
}

#[test]
fn probe_without_target_teaches_usage() {
    let app = App::new();
    let out = app.vibe(&["probe"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("vibe probe -- python3 app.py"));
    let out = app.vibe(&["probe", "--url", "http://127.0.0.1:9", "--mgmt-url", "http://127.0.0.1:9"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("own port"));
}

#[test]
fn app_that_exits_at_start_is_b4_with_its_output_judged() {
    let app = App::new();
    let (http, mgmt) = free_ports();
    let out = app
        .vibe(&["probe", "--port", &http.to_string(), "--mgmt-port", &mgmt.to_string(), "--format", "json", "--"])
        .args(["python3", "-c", "print('Traceback: boom'); raise SystemExit(3)"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert_eq!(ids(&report), ["B4", "G3"], "{report}");
    assert!(report.contains("exited (exit status: 3)"), "{report}");
}

#[test]
fn command_that_cannot_start_is_a_usage_error() {
    let app = App::new();
    let out = app.vibe(&["probe", "--", "/nonexistent/vibe-probe-app"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not start `/nonexistent/vibe-probe-app`"));
    // Through a shell (as `vibe review --probe` starts it), "not found" is the shell's exit status
    // 127, not an app that printed a plain-text line (G3) and died (B4). The review needs an app
    // in the folder (an empty one is "no app here").
    app.write("main.py", "print('hello')\n");
    let out = app.vibe(&["review", "--probe", "vibe-no-such-command --serve"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("could not start `vibe-no-such-command --serve`: the command was not found"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).is_empty(), "no report for an app that never ran");
}

#[test]
fn process_started_through_a_shell_is_stopped_with_its_group() {
    // `sh -c "...; true"` forks: the app is a grandchild of vibe, reached only through the group.
    let app = App::new();
    let (http, mgmt) = free_ports();
    let pid_file = app.join("app.pid");
    let script = format!("python3 '{}' ignore-term; true", fake_app());
    let out = app
        .vibe(&[
            "probe",
            "--port",
            &http.to_string(),
            "--mgmt-port",
            &mgmt.to_string(),
            "--grace",
            "1",
            "--window",
            "0",
        ])
        .args(["--", "sh", "-c", &script])
        .env("PID_FILE", &pid_file)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let pid = std::fs::read_to_string(&pid_file).ok().and_then(|p| p.trim().parse().ok());
    assert_gone(pid);
}

#[test]
fn known_secret_value_in_the_logs_is_g6() {
    let app = App::new();
    app.write("vibe.yaml", &format!("{VIBE_YAML}secrets: [API_KEY]\n"));
    let (http, mgmt) = free_ports();
    let out = app
        .vibe(&["probe", "--port", &http.to_string(), "--mgmt-port", &mgmt.to_string(), "--window", "0"])
        .args(["--", "python3", &fake_app(), "good"])
        .env("API_KEY", "k3y-only-the-app-knows")
        .env("LOG_SECRET", "API_KEY")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("G6 stdout:2"), "{report}");
    assert!(report.contains("the value of secret API_KEY"), "{report}");
    assert!(!report.contains("only-the-app"), "{report}");
}

//! `vibe probe --app --docker` with a stand-in engine (tests/tools/fake_engine.py as `docker` on
//! PATH; no Docker or Podman engine runs on this machine): the exact build and run commands a user
//! sees, the probe of what `run` starts, the container removed after the probe, after a failed
//! start and after Ctrl-C, a failed build as A7 with its output masked, and the errors without an
//! engine.

use crate::common::{App, repo_root};
use crate::probe::{free_ports, ids};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const VIBE_YAML: &str = "name: Probe Demo\nslug: probe-demo\nruntime: python3.12\ndatabase: none\nmetrics:\n  - name: orders_processed_total\n    type: counter\n    labels: [status]\n    help: Orders processed\n";
const DOCKERFILE: &str = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nUSER 10001\nCMD [\"python\", \"app.py\"]\n";

/// An app folder and a bin folder whose `docker` is the stand-in.
fn setup() -> (App, tempfile::TempDir) {
    let app = App::new();
    app.write("vibe.yaml", VIBE_YAML);
    app.write("Dockerfile", DOCKERFILE);
    app.write("requirements.txt", "flask==3.1.0\n");
    let bin = tempfile::tempdir().unwrap();
    let tool = repo_root().join("tests/tools/fake_engine.py");
    let script = format!("#!/bin/sh\nexec python3 {} \"$@\"\n", tool.display());
    let docker = bin.path().join("docker");
    std::fs::write(&docker, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();
    (app, bin)
}

/// PATH with the stand-in first (python3 stays reachable).
fn path_with(bin: &Path) -> String {
    format!("{}:/usr/bin:/bin", bin.display())
}

/// The engine calls recorded, one argv each.
fn calls(log: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(log).unwrap_or_default().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn vibe_docker(app: &App, bin: &Path, env: &[(&str, &str)]) -> (std::process::Output, Vec<Vec<String>>, (u16, u16)) {
    let (http, mgmt) = free_ports();
    let log = app.join("engine.log");
    let fake_app = repo_root().join("tests/fixtures/probe/app.py");
    let mut cmd = app.vibe(&[
        "probe",
        "--app",
        "--docker",
        "--port",
        &http.to_string(),
        "--mgmt-port",
        &mgmt.to_string(),
        "--window",
        "1",
        "--grace",
        "2",
        "--format",
        "json",
    ]);
    cmd.env("PATH", path_with(bin)).env("FAKE_ENGINE_LOG", &log).env("FAKE_ENGINE_APP", &fake_app);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.timeout(Duration::from_secs(120)).output().unwrap();
    (out, calls(&log), (http, mgmt))
}

fn text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn the_image_is_built_run_hardened_on_loopback_probed_and_removed() {
    let (app, bin) = setup();
    let (out, calls, (http, mgmt)) = vibe_docker(&app, bin.path(), &[]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(ids(&String::from_utf8_lossy(&out.stdout)).is_empty(), "{all}");
    let verbs: Vec<&str> = calls.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(verbs, ["info", "build", "run", "rm"], "{calls:?}");

    let build = &calls[1];
    assert_eq!(build[..4], ["build", "-f", "Dockerfile", "-t"], "{build:?}");
    let tag = &build[4];
    let hash = tag.strip_prefix("vibe-probe/probe-demo:").expect("vibe-probe/<slug>:<hash>");
    assert!(hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{tag}");
    assert_eq!(build[5], ".");
    assert!(all.contains(&format!("Building the image: `docker build -f Dockerfile -t {tag} .`")), "{all}");

    let run = &calls[2];
    let name = format!("vibe-probe-probe-demo-{}", run[3].rsplit('-').next().unwrap());
    let expected_start: Vec<String> = [
        "run",
        "--rm",
        "--name",
        &name,
        "--read-only",
        "--tmpfs",
        "/tmp",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "-p",
        &format!("127.0.0.1:{http}:8081"),
        "-p",
        &format!("127.0.0.1:{mgmt}:8082"),
        "-e",
        "PORT=8081",
        "-e",
        "MGMT_PORT=8082",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(run[..expected_start.len()], expected_start[..], "{run:?}");
    assert_eq!(run.last(), Some(tag), "the image built is the image run: {run:?}");
    assert!(run.contains(&"APP_SLUG=probe-demo".to_string()), "vibe.yaml's environment: {run:?}");
    assert!(all.contains("runs as the image's USER"), "{all}");
    assert_eq!(calls[3], ["rm", "-f", &name], "the container is removed by name");
}

#[test]
fn the_deployments_user_is_the_containers() {
    let (app, bin) = setup();
    app.vibe(&["init", "--yes", "--tag", "a1b2c3d"]).env("PATH", "/usr/bin:/bin").assert().success();
    let (out, calls, _) = vibe_docker(&app, bin.path(), &[]);
    let run = calls.iter().find(|c| c[0] == "run").unwrap_or_else(|| panic!("no run: {}", text(&out)));
    let at = run.iter().position(|a| a == "--user").unwrap_or_else(|| panic!("no --user: {run:?}"));
    let user = &run[at + 1];
    let deployment = app.read("k8s/08-app.yaml");
    let uid = user.split(':').next().unwrap();
    assert!(deployment.contains(&format!("runAsUser: {uid}")), "{user} is not the Deployment's:\n{deployment}");
}

#[test]
fn a_start_that_exits_is_b4_with_its_output_and_the_container_is_removed() {
    let (app, bin) = setup();
    let (out, calls, _) = vibe_docker(&app, bin.path(), &[("FAKE_ENGINE_MODE", "exit")]);
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(ids(&report).contains(&"B4".to_string()), "{report}");
    assert!(report.contains("cannot find module"), "the start's output is the evidence: {report}");
    let run = calls.iter().find(|c| c[0] == "run").expect("run");
    assert_eq!(calls.last().unwrap(), &vec!["rm".to_string(), "-f".into(), run[3].clone()], "{calls:?}");
}

#[test]
fn a_failed_build_is_a7_with_the_engines_output_masked_and_nothing_runs() {
    let (app, bin) = setup();
    let (out, calls, _) = vibe_docker(&app, bin.path(), &[("FAKE_ENGINE_BUILD", "fail")]);
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(ids(&report), ["A7"], "{report}");
    assert!(report.contains("failed to solve"), "the build's error is shown: {report}");
    assert!(report.contains("Dockerfile"), "{report}");
    assert!(!text(&out).contains("SuperSecretPw9"), "the credential in the build output is masked: {}", text(&out));
    assert!(calls.iter().all(|c| c[0] != "run"), "{calls:?}");
}

#[test]
fn ctrl_c_during_the_probe_removes_the_container() {
    let (app, bin) = setup();
    let (http, mgmt) = free_ports();
    let log = app.join("engine.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vibe"))
        .args(["probe", "--app", "--docker", "--port", &http.to_string(), "--mgmt-port", &mgmt.to_string()])
        .args(["--window", "30", "--grace", "2"])
        .current_dir(app.path())
        .env("PATH", path_with(bin.path()))
        .env("FAKE_ENGINE_LOG", &log)
        .env("FAKE_ENGINE_APP", repo_root().join("tests/fixtures/probe/app.py"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !calls(&log).iter().any(|c| c[0] == "run") {
        assert!(start.elapsed() < Duration::from_secs(60), "the container never started: {:?}", calls(&log));
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(2));
    // SAFETY: kill(2) on the pid of the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "stopped by Ctrl-C");
    let calls = calls(&log);
    let run = calls.iter().find(|c| c[0] == "run").unwrap();
    assert_eq!(calls.last().unwrap(), &vec!["rm".to_string(), "-f".into(), run[3].clone()], "{calls:?}");
}

#[test]
fn without_a_reachable_engine_the_error_says_what_to_do() {
    let (app, bin) = setup();
    let empty = tempfile::tempdir().unwrap();
    let out = app
        .vibe(&["probe", "--app", "--docker"])
        .env("PATH", empty.path())
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("needs Docker or Podman, and neither is installed"), "{}", text(&out));
    assert!(text(&out).contains("vibe probe --app --install"), "{}", text(&out));

    let log = app.join("engine.log");
    let out = app
        .vibe(&["probe", "--app", "--docker"])
        .env("PATH", path_with(bin.path()))
        .env("FAKE_ENGINE_LOG", &log)
        .env("FAKE_ENGINE_INFO", "fail")
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("cannot reach a Docker daemon"), "{}", text(&out));
    assert_eq!(calls(&log).len(), 1, "only `docker info` ran: {:?}", calls(&log));
}

//! The wiring fix (G2's fixer) does not break an app. Each Node and Python app of the corpus
//! (tests/fixtures/apps/) that G2 finds unwired is installed from its own dependency files and started as its creator
//! starts it, and its own route answers. Then `vibe init` writes observability/ and
//! `vibe review --fix` wires it in; the app is installed again from its edited dependency files
//! (`npm ci` proves the merged lockfile) and started the way its image starts it (node's start
//! script, gunicorn, uvicorn) with PORT and MGMT_PORT set as the Deployment sets them (free ports
//! here, 8081/8082 on the cluster): GET /metrics answers Prometheus text on PORT, GET /readiness
//! answers on MGMT_PORT, the app's own route still answers and is counted, every line on stdout is
//! a JSON object with time, level and msg, and the app's tests are untouched. In between, the
//! wired version passes `vibe probe --app --install` (installed and started as its image does it,
//! probed on /metrics, the management endpoints and its logs) with no CRITICAL finding.
//!
//! Packages come from the registries into target/example-cache (npm's cache, pip's cache and one
//! venv), shared with the example-app tests, so a second run downloads nothing.

use crate::common::{App, git_commit_all, record_skip, repo_root};
use crate::probe::free_ports;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One corpus app: how its creator starts it and how its image starts it once wired.
struct Case {
    name: &'static str,
    /// A route of the app's own that answers 2xx; None: the app has none that answers here
    /// (it calls the internet, or answers 404 to unknown codes), any answer on the port will do.
    route: Option<&'static str>,
    /// The metric counting its requests once wired (an app with its own prom-client keeps its own).
    counted: &'static str,
    /// The creator's start command, and the port it listens on when it ignores PORT.
    before: &'static [&'static str],
    before_port: Option<u16>,
    /// The image's start command once wired ({port}: the traffic port); empty: package.json's start script.
    after: &'static [&'static str],
    /// Files of the app's tests, which the fix must leave as they are.
    tests: &'static [&'static str],
}

const NODE: &[Case] = &[
    Case {
        name: "express-hardcoded-port",
        route: Some("/todos"),
        counted: "http_requests_total{",
        before: &["node", "server.js"],
        before_port: Some(3000),
        after: &[],
        tests: &[],
    },
    Case {
        name: "fastify-app",
        route: Some("/recipes/1"),
        counted: "http_requests_total{",
        before: &["node", "app.js"],
        before_port: Some(3000),
        after: &[],
        tests: &[],
    },
    Case {
        name: "express-no-lockfile",
        route: Some("/messages/count"),
        counted: "http_requests_total{",
        before: &["node", "index.js"],
        before_port: None,
        after: &[],
        tests: &[],
    },
    Case {
        name: "express-prom-client",
        route: Some("/products"),
        counted: "shop_orders_total",
        before: &["node", "server.js"],
        before_port: None,
        after: &[],
        tests: &[],
    },
    Case {
        name: "node-no-lockfile",
        route: None,
        counted: "http_requests_total{",
        before: &["node", "index.js"],
        before_port: None,
        after: &[],
        tests: &[],
    },
    Case {
        name: "express-esm-split",
        route: Some("/tasks"),
        counted: "http_requests_total{",
        before: &["node", "server.js"],
        before_port: Some(3000),
        after: &[],
        tests: &[],
    },
    Case {
        name: "node-print-no-metrics",
        route: Some("/quotes"),
        counted: "http_requests_total{",
        before: &["node", "src/index.js"],
        before_port: None,
        after: &[],
        tests: &["test/quotes.test.js"],
    },
];

const PYTHON: &[Case] = &[
    Case {
        name: "flask-postgres-redis",
        route: Some("/about"),
        counted: "http_requests_total{",
        before: &["{venv}/bin/python", "app.py"],
        before_port: Some(5000),
        after: &["{venv}/bin/gunicorn", "--bind", "127.0.0.1:{port}", "app:app"],
        tests: &[],
    },
    Case {
        name: "flask-debug",
        route: Some("/notes"),
        counted: "http_requests_total{",
        before: &["{venv}/bin/python", "app.py"],
        before_port: Some(5000),
        after: &["{venv}/bin/gunicorn", "--bind", "127.0.0.1:{port}", "app:app"],
        tests: &[],
    },
    Case {
        name: "fastapi-uvicorn",
        route: Some("/books"),
        counted: "http_requests_total{",
        before: &["{venv}/bin/python", "main.py"],
        before_port: Some(8000),
        after: &["{venv}/bin/uvicorn", "main:app", "--host", "127.0.0.1", "--port", "{port}"],
        tests: &[],
    },
    Case {
        name: "fastapi-basic",
        route: Some("/recipes"),
        counted: "http_requests_total{",
        before: &["{venv}/bin/python", "main.py"],
        before_port: Some(8000),
        after: &["{venv}/bin/uvicorn", "main:app", "--host", "127.0.0.1", "--port", "{port}"],
        tests: &[],
    },
    Case {
        name: "fastapi-main-run",
        route: Some("/habits"),
        counted: "http_requests_total{",
        before: &["{venv}/bin/python", "main.py"],
        before_port: Some(8000),
        after: &["{venv}/bin/uvicorn", "main:app", "--host", "127.0.0.1", "--port", "{port}"],
        tests: &[],
    },
    Case {
        name: "django-basic",
        route: Some("/polls/1/"),
        counted: "http_requests_total{",
        before: &["{venv}/bin/gunicorn", "--bind", "127.0.0.1:{port}", "mysite.wsgi"],
        before_port: None,
        after: &["{venv}/bin/gunicorn", "--bind", "127.0.0.1:{port}", "mysite.wsgi"],
        tests: &[],
    },
    Case {
        name: "flask-own-dockerfile",
        route: Some("/weather/paris"),
        counted: "http_requests_total{",
        before: &["{venv}/bin/flask", "run"],
        before_port: Some(5000),
        after: &["{venv}/bin/gunicorn", "--bind", "127.0.0.1:{port}", "app:app"],
        tests: &[],
    },
    Case {
        name: "python-logging-no-metrics",
        route: Some("/items"),
        counted: "http_requests_total{",
        before: &["{venv}/bin/python", "app.py"],
        before_port: None,
        after: &["{venv}/bin/gunicorn", "--bind", "127.0.0.1:{port}", "app:app"],
        tests: &["tests/test_app.py"],
    },
];

fn cache() -> PathBuf {
    repo_root().join("target/example-cache")
}

/// Copies a corpus app into a fresh folder and commits it (vibe tags the image with the commit).
pub(crate) fn copy_app(name: &str) -> App {
    let app = App::new();
    let from = repo_root().join("tests/fixtures/apps").join(name);
    copy_dir(&from, app.path());
    git_commit_all(&app);
    app
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub(crate) fn run(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{program} could not start: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed in {}:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn npm_install(dir: &Path) {
    let npm_cache = cache().join("node/npm").display().to_string();
    // Without a lockfile, as the creator has it: `npm install` that does not write one.
    let verb: &[&str] =
        if dir.join("package-lock.json").exists() { &["ci"] } else { &["install", "--no-package-lock"] };
    let mut args = verb.to_vec();
    args.extend_from_slice(&["--cache", &npm_cache, "--prefer-offline", "--no-audit", "--no-fund"]);
    run(dir, "npm", &args);
}

/// The venv the Python apps run in (with gunicorn and uvicorn, as their images have them).
fn venv() -> PathBuf {
    let venv = cache().join("wire-venv");
    // A stamp, so a venv whose creation was interrupted is made again rather than used.
    let ready = venv.join(".created");
    if !ready.exists() {
        let _ = std::fs::remove_dir_all(&venv);
        run(&repo_root(), "python3", &["-m", "venv", &venv.display().to_string()]);
        std::fs::write(&ready, "").unwrap();
    }
    venv
}

fn pip_install(venv: &Path, dir: &Path, extra: &[&str]) {
    let pip_cache = cache().join("pip").display().to_string();
    let mut args = vec!["-m", "pip", "install", "-q", "--disable-pip-version-check", "--cache-dir", &pip_cache];
    args.extend_from_slice(&["-r", "requirements.txt"]);
    args.extend_from_slice(extra);
    run(dir, &venv.join("bin/python").display().to_string(), &args);
}

/// A running app in its own process group, stopped (SIGTERM to the group) when dropped.
pub(crate) struct Running {
    child: Child,
    stdout: PathBuf,
}

impl Running {
    pub(crate) fn start(dir: &Path, command: &[String], env: &[(&str, String)]) -> Running {
        use std::os::unix::process::CommandExt;
        let stdout = dir.join(".vibe-test-stdout.log");
        let stderr = dir.join(".vibe-test-stderr.log");
        let child = Command::new(&command[0])
            .args(&command[1..])
            .current_dir(dir)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env_remove("FLASK_DEBUG")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("{command:?} could not start: {e}"));
        Running { child, stdout }
    }

    /// Stops the app and returns what it printed on stdout.
    pub(crate) fn stop(mut self) -> String {
        self.signal();
        let start = Instant::now();
        while self.child.try_wait().ok().flatten().is_none() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    fn output(&self) -> String {
        let err = self.stdout.with_file_name(".vibe-test-stderr.log");
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            std::fs::read_to_string(&self.stdout).unwrap_or_default(),
            std::fs::read_to_string(err).unwrap_or_default()
        )
    }

    fn signal(&mut self) {
        signal_group(self.child.id(), "TERM");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.signal();
            std::thread::sleep(Duration::from_millis(300));
            signal_group(self.child.id(), "KILL");
            let _ = self.child.wait();
        }
    }
}

/// Sends `signal` to the process group `pgid` (the app and what it started: Flask's reloader,
/// npm's node). `--` keeps kill from reading the negative id as an option.
fn signal_group(pgid: u32, signal: &str) {
    let _ = Command::new("kill").args(["-s", signal, "--", &format!("-{pgid}")]).status();
}

/// GET on loopback: (status, body).
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    Some((status, if chunked { dechunk(body) } else { body.to_string() }))
}

/// The body of a chunked HTTP answer (some servers chunk even for HTTP/1.0 clients).
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Waits for a 2xx answer; panics with the app's output when none comes.
pub(crate) fn answers(app: &Running, port: u16, path: &str, what: &str) -> String {
    let start = Instant::now();
    loop {
        if let Some((status, body)) = get(port, path)
            && (200..300).contains(&status)
        {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what}: GET {path} on port {port} never answered 2xx\n{}",
            app.output()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Waits for the app's own answer: 2xx on its route, or any HTTP answer on the port without one.
fn own_answer(app: &Running, port: u16, route: Option<&str>, what: &str) {
    if let Some(route) = route {
        answers(app, port, route, what);
        return;
    }
    let start = Instant::now();
    while get(port, "/").is_none() {
        assert!(start.elapsed() < Duration::from_secs(30), "{what}: nothing answered on port {port}\n{}", app.output());
        std::thread::sleep(Duration::from_millis(250));
    }
}

pub(crate) fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok() && TcpListener::bind(("0.0.0.0", port)).is_ok()
}

fn expand(parts: &[&str], venv: &Path, port: u16) -> Vec<String> {
    parts
        .iter()
        .map(|p| p.replace("{venv}", &venv.display().to_string()).replace("{port}", &port.to_string()))
        .collect()
}

/// The node command of package.json's start script (`node server.js`).
fn start_script(dir: &Path) -> Vec<String> {
    let pj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).unwrap()).unwrap();
    let script = pj["scripts"]["start"].as_str().expect("a start script").to_string();
    let parts: Vec<String> = script.split_whitespace().map(str::to_string).collect();
    assert_eq!(parts[0], "node", "the corpus' start scripts run node directly: {script}");
    parts
}

/// Prometheus text format: comments, blank lines and `name{labels} value` samples only.
pub(crate) fn assert_prometheus_text(body: &str, what: &str) {
    let sample = regex::Regex::new(r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [^ ]+( [0-9]+)?$").unwrap();
    assert!(body.contains("# TYPE "), "{what}: /metrics is not Prometheus text:\n{body}");
    for line in body.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        assert!(sample.is_match(line), "{what}: not a Prometheus sample: {line:?}");
    }
}

pub(crate) fn assert_json_lines(stdout: &str, what: &str) {
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "{what}: the wired app logged nothing on stdout");
    for line in lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("{what}: a log line is not JSON: {line:?}\n{stdout}"));
        for key in ["time", "level", "msg"] {
            assert!(v.get(key).is_some(), "{what}: a log line lacks `{key}`: {line}");
        }
    }
}

/// Before, fix, after for one app.
fn before_and_after(case: &Case, node: bool, venv: Option<&Path>) {
    let what = case.name;
    let app = copy_app(what);
    let dir = app.path();
    let tests_before: Vec<String> = case.tests.iter().map(|t| app.read(t)).collect();
    let venv_path = venv.map(Path::to_path_buf).unwrap_or_default();

    // Before: the app as its creator runs it.
    if node {
        npm_install(dir);
    } else {
        // The servers the creator may start with, unless the app pins its own.
        let pinned = app.read("requirements.txt").to_lowercase();
        let servers: Vec<&str> = ["gunicorn==23.0.0", "uvicorn==0.34.0"]
            .into_iter()
            .filter(|s| !pinned.contains(s.split('=').next().unwrap_or(s)))
            .collect();
        pip_install(&venv_path, dir, &servers);
    }
    let (http, _) = free_ports();
    let port = case.before_port.unwrap_or(http);
    if port_is_free(port) {
        let running = Running::start(dir, &expand(case.before, &venv_path, port), &[("PORT", port.to_string())]);
        own_answer(&running, port, case.route, &format!("{what} before the fix"));
        running.stop();
    } else {
        record_skip(
            &format!("wire::{what}::before"),
            "port in use",
            &format!(
                "{what} hard-codes port {port}, which another process holds: its run before the fix was not checked"
            ),
        );
    }

    // The fix: vibe writes observability/, then wires it into the app.
    app.vibe(&["init", "--yes", "--metric", "items_total:counter", "--tag", "a1b2c3d"]).assert().success();
    let fix = app.vibe(&["review", "--fix"]).output().unwrap();
    let fix_out = String::from_utf8_lossy(&fix.stdout).into_owned();
    assert!(fix_out.contains("vibe review --fix changed"), "{what}: the fix changed nothing:\n{fix_out}");
    // The review after the fix finds the module wired and the logs JSON.
    let review = app.vibe(&["review", "--format", "json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&review.stdout).expect("a JSON report");
    let left: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .filter(|id| ["G2", "G3", "G5"].contains(id))
        .collect();
    assert!(left.is_empty(), "{what}: after the fix the review still finds {left:?}:\n{fix_out}");
    for (t, before) in case.tests.iter().zip(&tests_before) {
        assert_eq!(&app.read(t), before, "{what}: the fix changed the app's test {t}");
    }

    // The wired version as the image runs it: `vibe probe --app --install`.
    let probe = crate::probe_app::probe_app(&app, true, crate::probe_app::READY);
    let critical: Vec<String> = probe_findings(&probe.stdout)
        .into_iter()
        .filter(|(_, severity, _)| severity == "critical")
        .map(|(id, _, message)| format!("{id}: {message}"))
        .collect();
    assert!(
        critical.is_empty() && probe.code == 0,
        "{what}: the probe of the wired app finds {critical:?}\n{}",
        probe.all()
    );
    eprintln!("wire: {what}: probe --app --install took {:.1}s", probe.took.as_secs_f64());

    // After: what the probe installed from the edited dependency files (npm ci in its copy of the
    // app, pip -r into its venv), started as the image starts it.
    let env_dir = dir.join(".vibe/app-env");
    let (run_dir, venv_after) =
        if node { (env_dir.join("node-app"), venv_path) } else { (dir.to_path_buf(), env_dir.join("venv")) };
    let (http, mgmt) = free_ports();
    let command = if case.after.is_empty() { start_script(&run_dir) } else { expand(case.after, &venv_after, http) };
    let running = Running::start(&run_dir, &command, &[("PORT", http.to_string()), ("MGMT_PORT", mgmt.to_string())]);
    let after = format!("{what} after the fix");
    answers(&running, mgmt, "/readiness", &after);
    own_answer(&running, http, case.route, &after);
    let metrics = answers(&running, http, "/metrics", &after);
    assert_prometheus_text(&metrics, &after);
    // Its own route's request is counted with its 200; an answer to another route, with any code.
    let code = if case.route.is_some() { "code=\"200\"" } else { "" };
    assert!(
        metrics.lines().any(|l| l.starts_with(case.counted) && (l.contains(code) || !case.counted.ends_with('{'))),
        "{after}: `{}` is not in /metrics:\n{metrics}",
        case.counted
    );
    let stdout = running.stop();
    assert_json_lines(&stdout, &after);
}

/// (id, severity, message) of a probe's JSON report.
fn probe_findings(stdout: &str) -> Vec<(String, String, String)> {
    let start = stdout.find('{').expect("a JSON report");
    let json: serde_json::Value = serde_json::from_str(&stdout[start..]).expect("a JSON report");
    let text = |f: &serde_json::Value, k: &str| f[k].as_str().unwrap_or_default().to_string();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (text(f, "id"), text(f, "severity"), text(f, "message")))
        .collect()
}

fn have(program: &str) -> bool {
    Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

#[test]
fn node_corpus_apps_run_before_and_after_the_wiring_fix() {
    assert!(have("node") && have("npm"), "node and npm are needed (tests/run.sh installs them)");
    let started = Instant::now();
    for case in NODE {
        before_and_after(case, true, None);
    }
    eprintln!("wire: {} node apps installed, run, fixed, reinstalled and run in {:.1?}", NODE.len(), started.elapsed());
}

#[test]
fn python_corpus_apps_run_before_and_after_the_wiring_fix() {
    assert!(have("python3"), "python3 is needed (tests/run.sh installs it)");
    let started = Instant::now();
    let venv = venv();
    for case in PYTHON {
        before_and_after(case, false, Some(&venv));
    }
    eprintln!(
        "wire: {} python apps installed, run, fixed, reinstalled and run in {:.1?}",
        PYTHON.len(),
        started.elapsed()
    );
}

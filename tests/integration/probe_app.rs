//! `vibe probe --app [--install]` on small realistic apps written for the test
//! (tests/fixtures/probe-apps/): a Flask shop served by gunicorn and an Express shop, each with its
//! own Dockerfile, installed live from the package registries the way the Dockerfile installs
//! (pip -r in a venv, npm ci) into .vibe/app-env, started with the Dockerfile's CMD and the
//! environment vibe.yaml gives the Deployment, and probed. Then broken variants: a CMD naming a
//! missing file, a hard-coded port, a dependency that cannot install, and --docker without a
//! container engine.
//!
//! Package downloads are cached in target/example-cache (VIBE_EXAMPLE_CACHE), like the example apps.

use crate::common::{App, repo_root};
use crate::probe::{free_ports, ids};
use std::path::Path;
use std::time::{Duration, Instant};

/// A copy of a fixture app in a temporary folder.
fn fixture(name: &str) -> App {
    let app = App::new();
    copy(&repo_root().join("tests/fixtures/probe-apps").join(name), app.path());
    app
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Seconds an app gets to become ready (a loaded machine starts gunicorn slowly).
pub(crate) const READY: u32 = 60;
/// Seconds to wait for a traffic port that is known never to open.
const NEVER_OPENS: u32 = 10;

pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) took: Duration,
}

impl Run {
    pub(crate) fn all(&self) -> String {
        format!("exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

/// `vibe probe --app [--install] --format json` on free ports, waiting at most `timeout` seconds
/// for the app.
pub(crate) fn probe_app(app: &App, install: bool, timeout: u32) -> Run {
    let (http, mgmt) = free_ports();
    let (http, mgmt, timeout) = (http.to_string(), mgmt.to_string(), timeout.to_string());
    let mut args = vec![
        "probe",
        "--app",
        "--port",
        &http,
        "--mgmt-port",
        &mgmt,
        "--window",
        "1",
        "--timeout",
        &timeout,
        "--format",
        "json",
    ];
    if install {
        args.push("--install");
    }
    let cache = repo_root().join("target/example-cache");
    let started = Instant::now();
    let out = app.vibe(&args).env("VIBE_EXAMPLE_CACHE", &cache).timeout(Duration::from_secs(600)).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: started.elapsed(),
    }
}

/// The findings of a JSON report: (id, message).
fn findings(stdout: &str) -> Vec<(String, String)> {
    let start = stdout.find("\n{").map(|i| i + 1).or_else(|| stdout.find('{')).expect("a JSON report");
    let json: serde_json::Value = serde_json::from_str(&stdout[start..]).expect("JSON report");
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_string(), f["message"].as_str().unwrap_or("").to_string()))
        .collect()
}

fn edit(app: &App, rel: &str, from: &str, to: &str) {
    let text = app.read(rel);
    assert!(text.contains(from), "{rel} no longer contains {from:?}: update this test with the fixture");
    app.write(rel, &text.replacen(from, to, 1));
}

#[test]
fn flask_app_runs_as_its_dockerfile_says_and_passes_then_its_broken_variants_are_found() {
    let app = fixture("flask-shop");
    let good = probe_app(&app, true, READY);
    assert_eq!(good.code, 0, "{}", good.all());
    assert_eq!(ids(&good.stdout), Vec::<String>::new(), "{}", good.all());
    // gunicorn from the venv, the config file under the WORKDIR mapped to the repo folder.
    let venv_gunicorn = app.join(".vibe/app-env/venv/bin/gunicorn").display().to_string();
    let config = app.join("gunicorn.conf.py").display().to_string();
    assert!(good.stderr.contains(&format!("`{venv_gunicorn} --config {config} shop:app`")), "{}", good.all());
    assert!(good.stderr.contains("The image's command (Dockerfile:10): `gunicorn --config /app/gunicorn.conf.py shop:app`, run in the repo folder (the image's /app)."), "{}", good.all());
    // The app exits at start without SHOP_CURRENCY (vibe.yaml env) or PAYMENT_API_KEY (a secret).
    assert!(good.stderr.contains("PAYMENT_API_KEY as fake values"), "{}", good.all());
    assert!(good.stderr.contains("1 of 1 business metrics present"), "{}", good.all());
    assert!(app.read(".vibe/app-env/.gitignore").contains('*'));
    eprintln!("flask: install and probe took {:.1}s", good.took.as_secs_f64());

    // Installed once: the next probe needs no --install.
    let again = probe_app(&app, false, READY);
    assert_eq!(again.code, 0, "{}", again.all());
    eprintln!("flask: probe without install took {:.1}s", again.took.as_secs_f64());

    // A CMD naming a file that does not exist: the app exits before it is ready, with what it said.
    edit(
        &app,
        "Dockerfile",
        r#"CMD ["gunicorn", "--config", "/app/gunicorn.conf.py", "shop:app"]"#,
        r#"CMD ["python", "/app/main.py"]"#,
    );
    let missing = probe_app(&app, false, READY);
    assert_eq!(missing.code, 1, "{}", missing.all());
    let f = findings(&missing.stdout);
    let exited =
        f.iter().find(|(id, m)| id == "B4" && m.contains("exited")).unwrap_or_else(|| panic!("{}", missing.all()));
    assert!(exited.1.contains("main.py") && exited.1.contains("No such file"), "{}", exited.1);

    // A hard-coded traffic port: readiness answers, the traffic port never opens, and the
    // finding says where the app listens instead.
    edit(
        &app,
        "Dockerfile",
        r#"CMD ["python", "/app/main.py"]"#,
        r#"CMD ["gunicorn", "--config", "/app/gunicorn.conf.py", "shop:app"]"#,
    );
    let port = free_ports().0.to_string();
    edit(&app, "gunicorn.conf.py", "os.environ.get('PORT', '8081')", &format!("'{port}'"));
    let hard_coded = probe_app(&app, false, NEVER_OPENS);
    assert_eq!(hard_coded.code, 1, "{}", hard_coded.all());
    let f = findings(&hard_coded.stdout);
    assert!(
        f.iter().any(|(id, m)| id == "G2" && m.contains(&format!("listens on {port} but not on"))),
        "{}",
        hard_coded.all()
    );

    // The requirements changed: the install is stale and the probe says so.
    edit(&app, "requirements.txt", "flask==3.1.1", "flask==0.0.1");
    let stale = probe_app(&app, false, READY);
    assert_eq!(stale.code, 2, "{}", stale.all());
    assert!(stale.stderr.contains("requirements.txt changed since"), "{}", stale.all());
    // A dependency that cannot install: pip's own message, exit 2, and what to do.
    let failed = probe_app(&app, true, READY);
    assert_eq!(failed.code, 2, "{}", failed.all());
    assert!(
        failed.stderr.contains("pip install --disable-pip-version-check -r requirements.txt` failed"),
        "{}",
        failed.all()
    );
    assert!(failed.stderr.contains("flask==0.0.1"), "{}", failed.all());
    assert!(failed.stderr.contains("run `vibe probe --app --install` again"), "{}", failed.all());
}

#[test]
fn express_app_runs_from_a_copy_with_its_npm_ci_and_a_hard_coded_port_is_found() {
    let app = fixture("express-shop");
    let good = probe_app(&app, true, READY);
    assert_eq!(good.code, 0, "{}", good.all());
    assert_eq!(ids(&good.stdout), Vec::<String>::new(), "{}", good.all());
    assert!(good.stderr.contains("npm ci --no-audit --no-fund"), "{}", good.all());
    // ES modules resolve packages next to the importing file: the app runs from its copy.
    assert!(good.stderr.contains("run in .vibe/app-env/node-app/ (the image's /app)"), "{}", good.all());
    assert!(good.stderr.contains("1 of 1 business metrics present"), "{}", good.all());
    assert!(!app.join("node_modules").exists(), "the repo's own folder is left alone");
    eprintln!("express: install and probe took {:.1}s", good.took.as_secs_f64());

    // `app.listen(3000)`-style: the code changes, the copy follows without a new install.
    let port = free_ports().0.to_string();
    edit(&app, "server.js", "app.listen(port,", &format!("app.listen({port},"));
    let hard_coded = probe_app(&app, false, NEVER_OPENS);
    assert_eq!(hard_coded.code, 1, "{}", hard_coded.all());
    let f = findings(&hard_coded.stdout);
    assert!(
        f.iter().any(|(id, m)| id == "G2" && m.contains(&format!("listens on {port} but not on"))),
        "{}",
        hard_coded.all()
    );

    // package.json out of step with the lockfile: npm ci refuses, as in the image build.
    edit(&app, "package.json", r#""prom-client": "15.1.3""#, r#""prom-client": "15.1.2""#);
    let failed = probe_app(&app, true, READY);
    assert_eq!(failed.code, 2, "{}", failed.all());
    assert!(failed.stderr.contains("`npm ci --no-audit --no-fund` failed"), "{}", failed.all());
    assert!(failed.stderr.contains("package-lock.json"), "{}", failed.all());
}

/// A yarn app (tests/fixtures/apps/yarn-app) installs the way vibe's Dockerfile for it does:
/// `yarn install --frozen-lockfile` (through npm when yarn is not installed here), not `npm ci`,
/// which needs a package-lock.json the app does not have.
#[test]
fn yarn_app_installs_with_yarn_as_its_dockerfile_does() {
    let app = crate::wire::copy_app("yarn-app");
    app.vibe(&["init", "--yes", "--metric", "links_total:counter", "--tag", "a1b2c3d"]).assert().success();
    // Unwired, nothing answers on the management port: no need to wait long for it.
    let run = probe_app(&app, true, NEVER_OPENS);
    assert!(run.stderr.contains("yarn install --frozen-lockfile"), "{}", run.all());
    assert!(!run.stderr.contains("npm ci"), "{}", run.all());
    assert!(app.join(".vibe/app-env/node-app/node_modules/express").is_dir(), "{}", run.all());
    // Installed, it starts and stays up (unwired, nothing answers on the management port yet).
    assert!(run.stderr.contains("Starting `"), "{}", run.all());
    assert!(findings(&run.stdout).iter().all(|(_, m)| !m.contains("exited")), "{}", run.all());
}

#[test]
fn docker_says_plainly_what_is_missing_and_runs_nothing() {
    let app = fixture("flask-shop");
    let bin = tempfile::tempdir().unwrap();
    // No engine on PATH.
    let none = app.vibe(&["probe", "--app", "--docker"]).env("PATH", bin.path()).output().unwrap();
    let said = String::from_utf8_lossy(&none.stderr);
    assert_eq!(none.status.code(), Some(2), "{said}");
    assert!(said.contains("neither is installed here: install Docker Engine"), "{said}");
    // A docker client whose daemon does not answer.
    let docker = bin.path().join("docker");
    std::fs::write(&docker, "#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n").unwrap();
    std::fs::set_permissions(&docker, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let no_daemon = app.vibe(&["probe", "--app", "--docker"]).env("PATH", bin.path()).output().unwrap();
    let said = String::from_utf8_lossy(&no_daemon.stderr);
    assert_eq!(no_daemon.status.code(), Some(2), "{said}");
    assert!(said.contains("cannot reach a Docker daemon"), "{said}");
    assert!(!app.join(".vibe/app-env").exists(), "nothing was installed");
}

#[test]
fn without_a_dockerfile_or_vibe_yaml_or_an_install_it_says_what_to_do() {
    let app = App::new();
    app.write("server.js", "require('http').createServer().listen(3000)\n");
    let out = app.vibe(&["probe", "--app"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("no Dockerfile and no vibe.yaml"), "{said}");

    // A Dockerfile but nothing installed yet.
    let app = fixture("express-shop");
    let out = app.vibe(&["probe", "--app"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("run `vibe probe --app --install`"), "{said}");

    // --install alone.
    let out = app.vibe(&["probe", "--install"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("--install installs what --example or --app starts"), "{said}");

    // A Dockerfile without a command.
    app.write("Dockerfile", "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n");
    let out = app.vibe(&["probe", "--app"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("Dockerfile: the last stage has no CMD or ENTRYPOINT"), "{said}");
}

#[test]
fn go_app_is_built_into_the_app_env_and_started_as_its_entrypoint_says() {
    if std::process::Command::new("go").arg("version").output().is_err() {
        crate::common::record_skip(
            "probe_app::go_app_is_built_into_the_app_env_and_started_as_its_entrypoint_says",
            "no go toolchain",
            "`go` is not on PATH: install Go to run this test",
        );
        return;
    }
    let app = fixture("go-shop");
    let good = probe_app(&app, true, READY);
    assert_eq!(good.code, 0, "{}", good.all());
    assert_eq!(ids(&good.stdout), Vec::<String>::new(), "{}", good.all());
    // The multi-stage build's `go build -o /out/shop`, into .vibe/app-env/bin, started as ENTRYPOINT ["/shop"].
    let built = app.join(".vibe/app-env/bin/shop").display().to_string();
    assert!(good.stderr.contains("go build -o .vibe/app-env/bin/shop -trimpath ."), "{}", good.all());
    assert!(good.stderr.contains(&format!("Starting `{built}`")), "{}", good.all());
    assert!(good.stderr.contains("1 of 1 business metrics present"), "{}", good.all());
    // The build is the install: changed code asks for a new one instead of probing the old binary.
    edit(&app, "main.go", "\"listed products\"", "\"listed the products\"");
    let stale = probe_app(&app, false, READY);
    assert_eq!(stale.code, 2, "{}", stale.all());
    assert!(stale.stderr.contains("The Go code changed since"), "{}", stale.all());
}

//! A small builder for running the real `vibe` binary in a temporary app folder.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A temporary app folder and the commands run in it.
pub struct App {
    pub dir: tempfile::TempDir,
}

impl App {
    /// An empty app folder.
    pub fn new() -> App {
        App { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the folder.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, content: &str) -> &App {
        let p = self.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
        self
    }

    /// Reads a file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// `vibe ARGS` with `--dir` set to this folder, no platform file from the environment.
    pub fn vibe(&self, args: &[&str]) -> Command {
        let mut cmd = vibe();
        cmd.arg("--dir").arg(self.path()).args(args);
        cmd
    }

    /// Every file under the folder (relative paths), sorted.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect(self.path(), self.path(), &mut out);
        out.sort();
        out
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(root, &p, out);
        } else {
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

/// The `vibe` binary with a clean environment for its own variables.
pub fn vibe() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("vibe"));
    cmd.env_remove("VIBE_PLATFORM").env("NO_COLOR", "1");
    cmd
}

/// The demo answers as flags, with a fixed tag.
pub const INVENTORY_FLAGS: &[&str] = &[
    "init",
    "--yes",
    "--name",
    "Inventory Checker",
    "--runtime",
    "python3.12",
    "--db",
    "postgres",
    "--redis",
    "--nginx",
    "--ingress",
    "--size",
    "md",
    "--metric",
    "orders_processed_total:counter:status",
    "--metric",
    "inventory_low_stock_items:gauge:category",
    "--secret",
    "API_KEY",
    "--tag",
    "a1b2c3d",
];

/// The repo's root (for fixtures and tools).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Records that `test` could not run here for `reason` (a short phrase the suite's closing line
/// groups by, e.g. "no real corpus"); `detail` says what is missing and how to provide it.
///
/// cargo test has no run-time skip: the test returns early and so counts as passed there.
/// tests/run.sh points VIBE_SKIP_LOG at a file, subtracts these lines from the passed count and
/// reports them as skipped, so a test that did not run is never counted as a pass.
pub fn record_skip(test: &str, reason: &str, detail: &str) {
    use std::io::Write;
    eprintln!("SKIPPED {test}: {detail}");
    if let Some(log) = std::env::var_os("VIBE_SKIP_LOG") {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap_or_else(|e| panic!("cannot record a skip in {}: {e}", PathBuf::from(&log).display()));
        // One write per line: appends from parallel tests do not interleave.
        file.write_all(format!("{test}\t{reason}\n").as_bytes()).unwrap();
    }
}

/// A tmux server of its own (unique socket) running one session, killed when dropped,
/// also when the test fails. Drives the real binary in a real terminal.
pub struct Tmux {
    socket: String,
}

static TMUX_SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Tmux {
    /// A detached session of `width`×`height` running `command` (through sh).
    pub fn start(width: u16, height: u16, command: &str) -> Tmux {
        let n = TMUX_SESSIONS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let tmux = Tmux { socket: format!("vibe-test-{}-{n}", std::process::id()) };
        let (w, h) = (width.to_string(), height.to_string());
        tmux.run(&["new-session", "-d", "-s", "t", "-x", &w, "-y", &h, command]);
        tmux
    }

    fn try_run(&self, args: &[&str]) -> std::io::Result<std::process::Output> {
        std::process::Command::new("tmux").arg("-L").arg(&self.socket).args(args).output()
    }

    /// Runs a tmux command, asserting it worked; returns its output.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.try_run(args).expect("tmux is installed (apt-get install tmux)");
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends keys (tmux key names or literal text).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// The visible screen.
    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    /// The visible screen plus scrollback (everything the session showed).
    pub fn history(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t", "-S", "-2000"])
    }

    /// Polls the screen until `ok` holds; returns it and how long that took.
    pub fn wait(
        &self,
        what: &str,
        timeout: std::time::Duration,
        ok: impl Fn(&str) -> bool,
    ) -> (String, std::time::Duration) {
        let start = std::time::Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return (screen, start.elapsed());
            }
            assert!(start.elapsed() < timeout, "waited {timeout:?} for {what}; the screen shows:\n{screen}");
            std::thread::sleep(std::time::Duration::from_millis(30));
        }
    }

    /// Waits until the screen contains `text`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait(text, std::time::Duration::from_secs(15), |s| s.contains(text)).0
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.try_run(&["kill-server"]);
    }
}

/// The Python of the validators' venv (VIBE_TEST_VENV, else target/venv), which
/// `tests/run.sh` installs. A missing venv fails the test: a skipped check is no pass.
pub fn venv_python() -> PathBuf {
    let venv = std::env::var_os("VIBE_TEST_VENV").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target/venv"));
    let py = venv.join("bin/python");
    assert!(
        py.exists(),
        "the validators' venv is missing at {}: run `bash tests/run.sh`, which installs tests/tools/requirements.txt",
        venv.display()
    );
    py
}

/// Commits everything in `app` as a first commit (a throwaway identity, no signing).
pub fn git_commit_all(app: &App) {
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(app.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
            .args(args)
            .status()
            .expect("git is installed")
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "first"]);
}

/// Writes a self-signed RSA certificate (made by the openssl CLI, as a sealed-secrets controller
/// would have it) into `app` as cert.pem, and a platform file `platform.yaml` naming it.
pub fn sealing_platform(app: &App) {
    let ok = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=sealed-secret", "-keyout"])
        .arg(app.join(".key.pem"))
        .arg("-out")
        .arg(app.join("cert.pem"))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl is installed")
        .success();
    assert!(ok, "openssl made no certificate");
    app.write("platform.yaml", "sealedSecrets:\n  certificate: cert.pem\n");
}

/// Writes the dependency manifests a creator's app of `runtime` has beside vibe's generated files:
/// the files the generated Dockerfile copies (A7: without them the image does not build). Empty of
/// packages, so nothing else about the app changes.
pub fn write_app_manifests(app: &App, runtime: &str) {
    let files: &[(&str, &str)] = match runtime.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.') {
        "node" => &[
            ("package.json", "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\"\n}\n"),
            (
                "package-lock.json",
                "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {\"\": {\"name\": \"app\", \"version\": \"1.0.0\"}}\n}\n",
            ),
        ],
        "python" => &[("requirements.txt", "# The app's packages, pinned with ==.\n")],
        "go" => &[("go.mod", "module example.com/app\n\ngo 1.23\n"), ("go.sum", "")],
        "jvm" => &[
            (
                "pom.xml",
                "<project><modelVersion>4.0.0</modelVersion><groupId>app</groupId><artifactId>app</artifactId><version>1.0.0</version></project>\n",
            ),
            ("src/main/resources/.gitkeep", ""),
        ],
        "php" => &[
            ("composer.json", "{\"name\": \"acme/app\", \"require\": {\"php\": \"^8.3\"}}\n"),
            ("composer.lock", "{\"packages\": [], \"packages-dev\": []}\n"),
        ],
        "rust" => &[
            ("Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
            ("Cargo.lock", "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n"),
        ],
        other => panic!("no app manifests known for runtime {other}"),
    };
    for (path, text) in files {
        app.write(path, text);
    }
}

//! Writes a missing Node lockfile with the app's own package manager, for A7's fixer.
//!
//! The package manager runs as a child process without a shell, with a time limit, on a copy of
//! the app's package.json (and its registry settings) in a work folder inside the repo's `.vibe/`:
//! nothing of the creator's changes until the fix is applied, so the new file is shown as a diff
//! first and written with the other fixes (a dry run writes nothing). Scripts never run
//! (`--ignore-scripts`, or Yarn's lockfile-only mode), and nothing is installed.

use crate::review::model::build::creation_command;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the package manager may take (it resolves versions from the registry).
const TIME_LIMIT: Duration = Duration::from_secs(180);
/// Files copied beside package.json: the registry settings the creator's own install would use.
const SETTINGS: &[&str] = &[".npmrc", ".yarnrc", ".yarnrc.yml"];
/// Lines of the package manager's output shown when it fails.
const SHOWN_LINES: usize = 25;

/// The text of the lockfile at `path` (repo-relative, beside a package.json whose text is
/// `manifest`: the planned one, so dependencies another fix adds are in it), written by the
/// package manager its name belongs to; `Err` says what failed and what to run by hand.
pub fn write(root: &Path, path: &str, manifest: &str) -> Result<String, String> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let argv = creation_command(name).ok_or_else(|| format!("vibe does not know how to write `{name}`"))?;
    let by_hand = format!(
        "run `{}` in {} yourself and commit `{name}`",
        argv.join(" "),
        if dir.is_empty() { "the repo root".to_string() } else { format!("`{dir}/`") }
    );
    if dir.split('/').any(|seg| seg == ".." || seg == ".") || Path::new(path).is_absolute() {
        return Err(format!("`{path}` is not a path inside the repo"));
    }
    let app = root.join(dir);
    if let Some(why) = needs_the_repo(manifest) {
        return Err(format!("package.json {why}, which a copy of it cannot resolve: {by_hand}"));
    }
    let work = WorkDir::new(root, dir)?;
    std::fs::write(work.path.join("package.json"), manifest)
        .map_err(|e| format!("cannot prepare the work folder: {e}"))?;
    for s in SETTINGS {
        if let Ok(text) = std::fs::read_to_string(app.join(s)) {
            std::fs::write(work.path.join(s), text).map_err(|e| format!("cannot prepare the work folder: {e}"))?;
        }
    }
    run(argv, &work.path).map_err(|failure| match failure {
        Failure::NotInstalled => format!("`{}` is not installed on this machine: install it, or {by_hand}", argv[0]),
        Failure::TimedOut => {
            format!("`{}` took longer than {} s and was stopped: {by_hand}", argv.join(" "), TIME_LIMIT.as_secs())
        }
        Failure::Failed(status, output) => {
            format!("`{}` failed ({status}); fix what it says, or {by_hand}:\n{output}", argv.join(" "))
        }
    })?;
    std::fs::read_to_string(work.path.join(name))
        .map_err(|_| format!("`{}` did not write `{name}`: {by_hand}", argv.join(" ")))
}

/// Why package.json cannot be resolved apart from the repo (workspaces, local packages), if so.
fn needs_the_repo(manifest: &str) -> Option<&'static str> {
    let json: serde_json::Value = serde_json::from_str(manifest).ok()?;
    if json.get("workspaces").is_some() {
        return Some("declares workspaces");
    }
    let local = ["dependencies", "devDependencies", "optionalDependencies"].iter().any(|section| {
        json.get(*section).and_then(|d| d.as_object()).is_some_and(|deps| {
            deps.values()
                .filter_map(|v| v.as_str())
                .any(|v| ["file:", "link:", "workspace:", "portal:", "./", "../"].iter().any(|p| v.starts_with(p)))
        })
    });
    local.then_some("names local packages")
}

/// A work folder under the repo's `.vibe/`, named like the app's folder (npm names the lockfile's
/// package after it when package.json has no name); removed, with `.vibe/` if it made it, when dropped.
struct WorkDir {
    path: PathBuf,
    top: PathBuf,
}

impl WorkDir {
    fn new(root: &Path, dir: &str) -> Result<WorkDir, String> {
        let vibe = root.join(".vibe");
        let made_vibe = !vibe.exists();
        let unique = vibe.join(format!("lockfile-{}-{}", std::process::id(), rand::random::<u32>()));
        let base = match Path::new(dir).file_name() {
            Some(name) => name.to_os_string(),
            None => root
                .canonicalize()
                .ok()
                .and_then(|r| r.file_name().map(|n| n.to_os_string()))
                .unwrap_or_else(|| "app".into()),
        };
        let path = unique.join(base);
        let top = if made_vibe { vibe } else { unique };
        let work = WorkDir { path, top };
        std::fs::create_dir_all(&work.path).map_err(|e| format!("cannot make a work folder in .vibe/: {e}"))?;
        Ok(work)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.top);
    }
}

enum Failure {
    NotInstalled,
    TimedOut,
    Failed(std::process::ExitStatus, String),
}

/// Runs `argv` in `cwd` (no shell, no input), within [`TIME_LIMIT`]; the output's last lines, with
/// anything that looks like a credential masked, on failure.
fn run(argv: &[&str], cwd: &Path) -> Result<(), Failure> {
    let mut child = Command::new(argv[0])
        .args(&argv[1..])
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Failure::NotInstalled
            } else {
                Failure::Failed(exit_127(), e.to_string())
            }
        })?;
    // Read both pipes on their own threads so a chatty child never blocks on a full pipe.
    let readers: Vec<_> = [
        child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
        child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|mut pipe| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    })
    .collect();
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::TimedOut);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(Failure::Failed(exit_127(), e.to_string())),
        }
    };
    let output: Vec<u8> = readers.into_iter().flat_map(|r| r.join().unwrap_or_default()).collect();
    if status.success() {
        return Ok(());
    }
    Err(Failure::Failed(status, masked_tail(&String::from_utf8_lossy(&output))))
}

/// A status for a child that could not be waited for.
fn exit_127() -> std::process::ExitStatus {
    use std::os::unix::process::ExitStatusExt;
    std::process::ExitStatus::from_raw(127 << 8)
}

/// The last lines of a tool's output, each credential in it masked.
fn masked_tail(output: &str) -> String {
    let lines: Vec<&str> = output.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(SHOWN_LINES);
    lines[start..]
        .iter()
        .map(|l| {
            // One pass: a masked value can still look like a credential (`ci:s3cr****@host`), so
            // searching the masked line again would never end.
            let line = match crate::credentials::embedded_secret(l) {
                Some(secret) => l.replace(secret, &crate::credentials::mask(secret)),
                None => l.to_string(),
            };
            format!("    {line}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspaces_and_local_packages_need_the_repo() {
        assert!(needs_the_repo(r#"{"workspaces": ["a"]}"#).is_some());
        assert!(needs_the_repo(r#"{"dependencies": {"lib": "file:../lib"}}"#).is_some());
        assert!(needs_the_repo(r#"{"dependencies": {"express": "^4.19.2"}}"#).is_none());
    }

    #[test]
    fn failures_show_the_last_lines_masked() {
        let out = masked_tail("npm ERR! 1\n\nnpm ERR! fetch https://ci:s3cr3tpassw0rd@registry.local/x failed\n");
        assert!(out.contains("npm ERR! 1") && !out.contains("s3cr3tpassw0rd"), "{out}");
    }

    #[test]
    fn a_missing_package_manager_says_what_to_run_by_hand() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("package.json"), "{\"name\":\"x\",\"version\":\"1.0.0\"}").unwrap();
        let err = match run(&["vibe-no-such-package-manager"], dir.path()) {
            Err(Failure::NotInstalled) => "not installed",
            _ => "other",
        };
        assert_eq!(err, "not installed");
    }
}

//! `vibe probe --app --docker`: the real image, built by Docker or Podman from the repo's
//! Dockerfile and run the way the Deployment runs the pod, for the probe.
//!
//! The container runs in the foreground of the engine's `run` (the probe's command): its output is
//! the app's log, an exit is the app's exit, and the probe's SIGTERM reaches the app through the
//! engine's signal proxy, so every live check works as it does for `--app`. The pod's security
//! settings are the engine's flags (a read-only root with a tmpfs /tmp, all capabilities dropped,
//! no privilege escalation, the Deployment's user), ports are published on 127.0.0.1 only, and the
//! container is removed afterwards by name whatever happened ([`Cleanup`]).

use super::app::{self, Value};
use crate::contract::{CheckId, PORT_HTTP, PORT_MGMT};
use crate::error::Error;
use crate::generate::write::PROPOSED_DIR;
use crate::lang::Language;
use crate::repo::{Repo, SKIPPED_DIRS};
use crate::review::{Finding, workload};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the image tag and container name start with.
pub const NAME_PREFIX: &str = "vibe-probe";

/// The image built and the command that runs it.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The engine's `run` command (the probe starts it and stops it).
    pub command: Vec<String>,
    /// The container's name, for [`Cleanup`].
    pub name: String,
    /// The fake secret values given to the app (name, value).
    pub secrets: Vec<(String, String)>,
    /// What was read and decided, in plain words.
    pub notes: Vec<String>,
}

/// The outcome of the build.
#[derive(Debug)]
pub enum Built {
    /// The image is built: run it.
    Ready(Prepared),
    /// The build failed: A7, with the engine's output masked.
    Failed(Finding),
}

/// Builds the image of the repo at `root` with `engine` (docker or podman) and prepares its run on
/// the host ports `http` and `mgmt`. `language` is vibe.yaml's runtime, when there is one (its
/// answers give the environment where the repo has no Deployment); `slug` names the image;
/// `progress` gets one line per step.
pub fn prepare(
    root: &Path,
    engine: &str,
    language: Option<Language>,
    slug: Option<&str>,
    (http, mgmt): (u16, u16),
    progress: &mut dyn FnMut(&str),
) -> Result<Built, Error> {
    let root = std::path::absolute(root).map_err(|e| Error::io(root, e))?;
    let dockerfile = dockerfile(&root)?;
    let slug = slug.map(str::to_string).unwrap_or_else(|| fallback_slug(&root));
    let hash = context_hash(&root)?;
    let tag = format!("{NAME_PREFIX}/{slug}:{}", &hash[..12]);
    let build: Vec<String> =
        [engine, "build", "-f", &dockerfile, "-t", &tag, "."].iter().map(|s| s.to_string()).collect();
    progress(&format!("Building the image: `{}` …", build.join(" ")));
    let out = Command::new(engine)
        .args(&build[1..])
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::Usage(format!("could not run `{engine} build`: {e}")))?;
    if !out.status.success() {
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let line = dockerfile_line(&root, &dockerfile);
        return Ok(Built::Failed(
            Finding::new(CheckId::A7, dockerfile.clone(), line)
                .message(format!(
                    "`{}` failed ({}): the image does not build, so the cluster has nothing to run. The engine said:\n{}",
                    build.join(" "),
                    out.status,
                    app::masked_tail(&text, app::FAILED_TAIL_LINES)
                ))
                .fix(format!(
                    "Fix what the build output names in {dockerfile} or the files it copies (`vibe review` checks \
                     COPY sources and install steps as A7), then run `vibe probe --app --docker` again."
                ))
                .live(),
        ));
    }
    let name = format!("{NAME_PREFIX}-{slug}-{}", std::process::id());
    let (deployment, mut notes) = app::deployment_env(&root, language, Some(&slug))?;
    let user = pod_user(&root)?;
    let mut command: Vec<String> = vec![engine.into(), "run".into(), "--rm".into(), "--name".into(), name.clone()];
    // The pod's security settings, as far as the engine has them.
    for flag in ["--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"] {
        command.push(flag.into());
    }
    match &user {
        Some(u) => {
            command.extend(["--user".into(), u.clone()]);
            notes.push(format!("The container runs as {u}, the Deployment's runAsUser."));
        }
        None => notes.push("The container runs as the image's USER (the Deployment sets no runAsUser).".into()),
    }
    command.extend(["-p".into(), format!("127.0.0.1:{http}:{PORT_HTTP}")]);
    command.extend(["-p".into(), format!("127.0.0.1:{mgmt}:{PORT_MGMT}")]);
    command.extend(["-e".into(), format!("PORT={PORT_HTTP}"), "-e".into(), format!("MGMT_PORT={PORT_MGMT}")]);
    let mut secrets = Vec::new();
    for (key, value) in deployment {
        let value = match value {
            Value::Plain(v) => v,
            Value::Secret => {
                let fake = format!("{}{key}", app::FAKE_SECRET_PREFIX);
                secrets.push((key.clone(), fake.clone()));
                fake
            }
        };
        command.extend(["-e".into(), format!("{key}={value}")]);
    }
    command.push(tag);
    notes.insert(0, format!("The image is built from {dockerfile}; ports {http} and {mgmt} on 127.0.0.1 reach the container's {PORT_HTTP} and {PORT_MGMT}."));
    Ok(Built::Ready(Prepared { command, name, secrets, notes }))
}

/// Removes the container by name when dropped: after the probe, on its errors and after Ctrl-C
/// (the probe turns SIGINT into a normal return, so this runs).
pub struct Cleanup {
    engine: String,
    name: String,
}

impl Cleanup {
    /// Removes `name` with `engine` when dropped.
    pub fn new(engine: &str, name: &str) -> Cleanup {
        Cleanup { engine: engine.into(), name: name.into() }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        // `rm -f` of a container already gone (--rm) fails quietly: nothing to report.
        let _ = Command::new(&self.engine)
            .args(["rm", "-f", &self.name])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The Dockerfile the image is built from: the repo's, else the one vibe proposed beside it.
fn dockerfile(root: &Path) -> Result<String, Error> {
    for rel in ["Dockerfile".to_string(), format!("{PROPOSED_DIR}/Dockerfile")] {
        if root.join(&rel).is_file() {
            return Ok(rel);
        }
    }
    Err(Error::Usage(format!(
        "--docker builds the image from the repo's Dockerfile, and {} has none: run `vibe generate` (it writes one), \
         then run the command again.",
        root.display()
    )))
}

/// The line of the Dockerfile's first RUN, where a failed build usually stops (None: unknown).
fn dockerfile_line(root: &Path, rel: &str) -> Option<u32> {
    let text = crate::fsread::read_text(&root.join(rel)).ok()?;
    crate::repo::parse_dockerfile(&text).iter().find(|i| i.keyword == "RUN").map(|i| i.line)
}

/// The user the Deployment's app container runs as (`uid` or `uid:gid`), when it says.
fn pod_user(root: &Path) -> Result<Option<String>, Error> {
    let repo = Repo::load(root)?;
    let workloads = workload::workloads(&repo);
    let Some(w) = workloads.iter().find(|w| w.is_app() && w.long_running() && w.app_container().is_some()) else {
        return Ok(None);
    };
    let container = w.app_container().map(|c| c.node);
    let field = |key: &str| {
        container
            .and_then(|c| c.path(&format!("securityContext.{key}")))
            .or_else(|| w.pod.path(&format!("securityContext.{key}")))
            .and_then(|n| n.as_i64())
    };
    Ok(field("runAsUser").map(|uid| match field("runAsGroup") {
        Some(gid) => format!("{uid}:{gid}"),
        None => uid.to_string(),
    }))
}

/// An image name for a repo without vibe.yaml: its folder's name, in the characters tags allow.
fn fallback_slug(root: &Path) -> String {
    let name = root.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let slug: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() { "app".into() } else { slug }
}

/// A hash of the build context (the repo's files, without git's, vibe's and installed packages):
/// the same code gets the same tag, a changed file a new one.
fn context_hash(root: &Path) -> Result<String, Error> {
    let mut files = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = root.join(&rel);
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry.file_type().map_err(|e| Error::io(&entry.path(), e))?;
            let path = rel.join(&name);
            if kind.is_dir() && !SKIPPED_DIRS.contains(&name.as_str()) {
                stack.push(path);
            } else if kind.is_file() {
                files.push(path.to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    app::fingerprint(root, &files, ".").map(|h| h.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_follows_the_code() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("app.py"), "print(1)\n").unwrap();
        std::fs::create_dir_all(dir.path().join("node_modules/x")).unwrap();
        let first = context_hash(dir.path()).unwrap();
        std::fs::write(dir.path().join("node_modules/x/i.js"), "installed").unwrap();
        assert_eq!(context_hash(dir.path()).unwrap(), first, "installed packages are not the context");
        std::fs::write(dir.path().join("app.py"), "print(2)\n").unwrap();
        assert_ne!(context_hash(dir.path()).unwrap(), first);
        assert_eq!(fallback_slug(Path::new("/x/My Shop_2")), "my-shop-2");
    }
}

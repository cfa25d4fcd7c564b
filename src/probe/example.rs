//! `vibe probe --example [--install]`: the generated observability/ skeleton's example app, installed
//! with the runtime's own package manager into `.vibe/example-env` and started for the probe.
//!
//! What to install and run per language is each language module's data ([`crate::lang::example::ExampleApp`]); this
//! module only interprets it: placeholders, copies, commands with progress, and a stamp recording
//! what was installed, so a stale install is noticed instead of probing old code.

use crate::error::Error;
use crate::lang::Language;
use crate::lang::example::{self, EXAMPLE_CACHE_VAR, EXAMPLE_ENV_DIR, ExampleApp, ExampleInputs, ExampleStep};
use crate::programs::which;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The folder of the generated skeleton, relative to the app repo.
pub const OBSERVABILITY_DIR: &str = "observability";

/// Folders never copied nor hashed: build output and installed packages of someone's own run.
/// Not `repo::SKIPPED_DIRS`: that list lacks `build` (Gradle's and setuptools' output), and
/// taking it would also start skipping `.venv`, `venv` and `.vibe`, changing what is hashed.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", "vendor", ".git", "__pycache__", "build"];

/// The example ready to start: the probe's command, environment and working folder.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Program and arguments.
    pub command: Vec<String>,
    /// Extra environment.
    pub env: Vec<(String, String)>,
    /// Working folder.
    pub cwd: PathBuf,
}

/// The placeholder values of one repo.
struct Vars {
    root: PathBuf,
    obs: PathBuf,
    env: PathBuf,
    build: PathBuf,
    cached: bool,
}

impl Vars {
    fn new(root: &Path, language: Language) -> Vars {
        let env = root.join(EXAMPLE_ENV_DIR);
        let cache = std::env::var_os(EXAMPLE_CACHE_VAR).filter(|v| !v.is_empty()).map(PathBuf::from);
        let build = match &cache {
            Some(dir) => dir.join(language.as_str()),
            None => env.join("build"),
        };
        Vars { root: root.to_path_buf(), obs: root.join(OBSERVABILITY_DIR), env, build, cached: cache.is_some() }
    }

    fn expand(&self, text: &str) -> String {
        let s = |p: &Path| p.display().to_string();
        text.replace("{root}", &s(&self.root))
            .replace("{obs}", &s(&self.obs))
            .replace("{env}", &s(&self.env))
            .replace("{build}", &s(&self.build))
    }

    /// For messages: paths inside the repo shown relative to it.
    fn shown(&self, text: &str) -> String {
        let root = format!("{}/", self.root.display());
        text.replace(&root, "")
    }

    fn stamp(&self, language: Language) -> PathBuf {
        self.env.join(format!("{}.installed", language.as_str()))
    }
}

/// Installs (when `install`) and prepares the example of `language` in the repo at `root`.
/// `progress` receives one line per step; the package managers' own output goes to stderr.
pub fn prepare(
    root: &Path,
    language: Language,
    install: bool,
    progress: &mut dyn FnMut(&str),
) -> Result<Prepared, Error> {
    let example = example::example_app(language);
    // Absolute: the steps run in other folders, and a relative CARGO_TARGET_DIR would follow them.
    let root = std::path::absolute(root).map_err(|e| Error::io(root, e))?;
    let vars = Vars::new(&root, language);
    if !vars.obs.is_dir() {
        return Err(Error::Usage(format!(
            "{} has no {OBSERVABILITY_DIR}/ folder: run `vibe generate` to write the skeleton and its example.",
            root.display()
        )));
    }
    let fingerprint = fingerprint(&vars, example)?;
    let stamp = vars.stamp(language);
    super::stamp::install_or_check(
        &stamp,
        &fingerprint,
        install,
        || run_install(&vars, example, progress),
        || {
            format!(
                "{OBSERVABILITY_DIR}/ changed since the example was installed: run `vibe probe --example \
                 --install` to install {} again.",
                what_inputs(example)
            )
        },
        || {
            format!(
                "the example's dependencies are not installed: run `vibe probe --example --install` (it \
                 installs the pinned packages from {} into {EXAMPLE_ENV_DIR}/ with {}).",
                example.registry, example.installer
            )
        },
    )?;
    let command: Vec<String> = example.run.iter().map(|a| vars.expand(a)).collect();
    if let Some(program) = command.first()
        && !program.contains('/')
        && which(program).is_none()
    {
        return Err(tool_missing(example, program));
    }
    Ok(Prepared {
        command,
        env: example.run_env.iter().map(|(k, v)| (k.to_string(), vars.expand(v))).collect(),
        cwd: PathBuf::from(vars.expand(example.run_cwd)),
    })
}

fn what_inputs(example: &ExampleApp) -> String {
    match example.inputs {
        ExampleInputs::Files(files) => format!("its dependencies ({})", files.join(", ")),
        ExampleInputs::All => "and build it".into(),
    }
}

fn tool_missing(example: &ExampleApp, tool: &str) -> Error {
    let hint = example.tools.iter().find(|(t, _)| *t == tool).map_or("it", |(_, hint)| hint);
    Error::Usage(format!(
        "`{tool}` is not installed here, and the {} example needs it: install {hint}, then run the command again.",
        example.language.as_str()
    ))
}

fn run_install(vars: &Vars, example: &ExampleApp, progress: &mut dyn FnMut(&str)) -> Result<(), Error> {
    for (tool, _) in example.tools {
        if which(tool).is_none() {
            return Err(tool_missing(example, tool));
        }
    }
    std::fs::create_dir_all(&vars.env).map_err(|e| Error::io(&vars.env, e))?;
    // Installed packages and builds are local: nothing under the folder belongs in git.
    let ignore = vars.env.join(".gitignore");
    std::fs::write(&ignore, "# vibe probe --example --install: local packages and builds, never committed.\n*\n")
        .map_err(|e| Error::io(&ignore, e))?;
    let total = example.install.len();
    for (i, step) in example.install.iter().enumerate() {
        match step {
            ExampleStep::Copy { from, to } => {
                let (from, to) = (PathBuf::from(vars.expand(from)), PathBuf::from(vars.expand(to)));
                progress(&format!(
                    "[{}/{total}] copy {} to {}",
                    i + 1,
                    vars.shown(&from.display().to_string()),
                    vars.shown(&to.display().to_string())
                ));
                copy(&from, &to)?;
            }
            ExampleStep::Append { to, text } => {
                let to = PathBuf::from(vars.expand(to));
                let mut content = crate::fsread::read_text(&to).map_err(|e| Error::read(&to, e))?;
                content.push_str(text);
                std::fs::write(&to, content).map_err(|e| Error::io(&to, e))?;
            }
            ExampleStep::Run { cwd, argv, env } => {
                let argv: Vec<String> = argv.iter().map(|a| vars.expand(a)).collect();
                let cwd = PathBuf::from(vars.expand(cwd));
                let shown = vars.shown(&argv.join(" "));
                progress(&format!("[{}/{total}] {shown}", i + 1));
                std::fs::create_dir_all(&cwd).map_err(|e| Error::io(&cwd, e))?;
                let mut cmd = Command::new(&argv[0]);
                cmd.args(&argv[1..]).current_dir(&cwd).stdin(Stdio::null());
                // stdout may carry the report (--format json): the tools' output goes to stderr.
                cmd.stdout(stderr_handle());
                for (k, v) in *env {
                    cmd.env(k, vars.expand(v));
                }
                if vars.cached {
                    for (k, v) in example.cache_env {
                        cmd.env(k, vars.expand(v));
                    }
                }
                let status = match cmd.status() {
                    Ok(s) => s,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(tool_missing(example, &argv[0])),
                    Err(e) => return Err(Error::Usage(format!("could not run `{shown}`: {e}"))),
                };
                if !status.success() {
                    return Err(Error::Usage(format!(
                        "`{shown}` failed ({status}); its output is above. If it could not download the pinned \
                         packages, {} is not reachable from this machine: run the install where it is (or through \
                         your platform's mirror of it), or fix the error it shows.",
                        example.registry
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Our stderr as a child's stdout (falls back to inheriting stdout).
fn stderr_handle() -> Stdio {
    use std::os::fd::AsFd;
    std::io::stderr().as_fd().try_clone_to_owned().map(Stdio::from).unwrap_or_else(|_| Stdio::inherit())
}

/// Copies a file, or a folder in place of what was there.
fn copy(from: &Path, to: &Path) -> Result<(), Error> {
    let meta = std::fs::metadata(from).map_err(|e| Error::io(from, e))?;
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    if meta.is_dir() {
        if to.exists() {
            std::fs::remove_dir_all(to).map_err(|e| Error::io(to, e))?;
        }
        copy_dir(from, to)
    } else {
        // Replaced, not overwritten in place: the old file may be a running binary.
        let _ = std::fs::remove_file(to);
        std::fs::copy(from, to).map(|_| ()).map_err(|e| Error::io(to, e))
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    for (rel, path) in files_under(from)? {
        let dest = to.join(&rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::copy(&path, &dest).map_err(|e| Error::io(&dest, e))?;
    }
    Ok(())
}

/// Regular files under `dir` (relative path, full path), sorted, skipping build folders.
fn files_under(dir: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))? {
            let entry = entry.map_err(|e| Error::io(&d, e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if kind.is_dir() {
                if !SKIPPED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref()) {
                    stack.push(path);
                }
            } else if kind.is_file() {
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().into_owned();
                out.push((rel, path));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A hash of what the install depends on (the inputs' names and contents).
fn fingerprint(vars: &Vars, example: &ExampleApp) -> Result<String, Error> {
    let files: Vec<(String, PathBuf)> = match example.inputs {
        ExampleInputs::Files(names) => names.iter().map(|n| (n.to_string(), vars.obs.join(n))).collect(),
        ExampleInputs::All => files_under(&vars.obs)?,
    };
    let mut hash = Sha256::new();
    for (rel, path) in files {
        let content = match crate::fsread::read_bytes(&path) {
            Ok(c) => c,
            Err(e) if e.is_not_found() => {
                return Err(Error::Usage(format!(
                    "{OBSERVABILITY_DIR}/{rel} is missing: run `vibe generate` to write the skeleton again."
                )));
            }
            Err(e) => return Err(Error::read(&path, e)),
        };
        hash.update(rel.as_bytes());
        hash.update([0]);
        hash.update((content.len() as u64).to_le_bytes());
        hash.update(&content);
    }
    Ok(format!("{:x}\n", hash.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_an_example_whose_tools_are_named() {
        for r in crate::contract::RUNTIMES {
            let e = example::example_app(r.language);
            assert!(!e.tools.is_empty() && !e.run.is_empty(), "{}", r.id);
            for step in e.install {
                if let ExampleStep::Run { argv, .. } = step {
                    let program = argv[0];
                    assert!(
                        program.contains('{') || e.tools.iter().any(|(t, _)| *t == program),
                        "{}: {program} is not among its tools",
                        r.id
                    );
                }
            }
        }
    }

    #[test]
    fn nothing_installed_asks_for_install_and_changes_are_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let obs = dir.path().join(OBSERVABILITY_DIR);
        std::fs::create_dir_all(&obs).unwrap();
        std::fs::write(obs.join("requirements.txt"), "prometheus-client==0.26.0\n").unwrap();
        let err = prepare(dir.path(), Language::Python, false, &mut |_| {}).unwrap_err().to_string();
        assert!(err.contains("--example --install"), "{err}");
        // A stamp from an install of other requirements is stale.
        let vars = Vars::new(dir.path(), Language::Python);
        std::fs::create_dir_all(&vars.env).unwrap();
        std::fs::write(vars.stamp(Language::Python), "old\n").unwrap();
        let err = prepare(dir.path(), Language::Python, false, &mut |_| {}).unwrap_err().to_string();
        assert!(err.contains("changed since the example was installed"), "{err}");
        // The current stamp: the command is the venv's python, run from the repo.
        let fp = fingerprint(&vars, example::example_app(Language::Python)).unwrap();
        std::fs::write(vars.stamp(Language::Python), fp).unwrap();
        let p = prepare(dir.path(), Language::Python, false, &mut |_| {}).unwrap();
        assert_eq!(p.command[0], dir.path().join(".vibe/example-env/venv/bin/python").display().to_string());
        assert_eq!(p.cwd, dir.path());
    }

    #[test]
    fn without_observability_says_generate() {
        let dir = tempfile::tempdir().unwrap();
        let err = prepare(dir.path(), Language::Node, true, &mut |_| {}).unwrap_err().to_string();
        assert!(err.contains("vibe generate"), "{err}");
    }

    #[test]
    fn copies_skip_build_folders() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("target/debug")).unwrap();
        std::fs::create_dir_all(src.join("examples")).unwrap();
        std::fs::write(src.join("target/debug/big"), "x").unwrap();
        std::fs::write(src.join("examples/hello.rs"), "fn main() {}").unwrap();
        copy(&src, &dir.path().join("dst")).unwrap();
        assert!(dir.path().join("dst/examples/hello.rs").exists());
        assert!(!dir.path().join("dst/target").exists());
    }
}

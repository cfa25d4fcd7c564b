//! `vibe probe --app [--install]`: the creator's own app, installed and started the way its image
//! does it, for the probe.
//!
//! The Dockerfile that builds the image decides ([`super::image_start`]): its install steps are
//! replayed into the git-ignored `.vibe/app-env` (pip into a venv; npm in a copy of the app's folder,
//! since Node resolves ES modules from the importing file's own `node_modules` and never from
//! NODE_PATH; `go build` into `bin/`), and its CMD/ENTRYPOINT runs with the last stage's WORKDIR
//! mapped to the repo folder the COPY put there, the last stage's ENV, and the Deployment's
//! environment (the ConfigMap's settings; secrets as clearly fake values).

use super::image_start::{self, ImageStart, Install, StartError};
use crate::error::Error;
use crate::generate::write::PROPOSED_DIR;
use crate::lang::Language;
use crate::lang::example::EXAMPLE_CACHE_VAR;
use crate::programs::{is_executable, which};
use crate::repo::Repo;
pub(super) use crate::review::model::env::{EnvValue as Value, container_env};
use crate::review::workload;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where the app's dependencies are installed, relative to the repo (git-ignored).
pub const APP_ENV_DIR: &str = ".vibe/app-env";
/// What every fake secret value starts with: a log line holding one is a leaked secret.
pub const FAKE_SECRET_PREFIX: &str = "vibe-probe-fake-";
/// Lines of a failed install's output shown.
pub(super) const FAILED_TAIL_LINES: usize = 12;
/// Environment the image's own ENV may set but that means something else outside the container.
const HOST_ONLY_VARS: &[&str] = &["PATH", "HOME", "VIRTUAL_ENV", "HOSTNAME", "USER"];

/// The app ready to start: the probe's command, environment and working folder.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Program and arguments.
    pub command: Vec<String>,
    /// Extra environment (PORT and MGMT_PORT are set by the probe).
    pub env: Vec<(String, String)>,
    /// Working folder: the repo folder the image's WORKDIR holds (or its copy, for Node).
    pub cwd: PathBuf,
    /// The fake secret values given to the app (name, value): the probe looks for them in the logs.
    pub secrets: Vec<(String, String)>,
    /// What was read and decided, in plain words.
    pub notes: Vec<String>,
}

/// How the app's dependencies are installed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// A venv, and `pip install -r` of this repo file when the Dockerfile does.
    Python(Option<String>),
    /// `npm ci` (or `npm install`; `yarn`/`pnpm install` with its frozen lockfile when the
    /// Dockerfile installs with it: `manager`), then `npm run build --if-present` when it builds.
    Node { ci: bool, build: bool, manager: &'static str },
    /// `go build` with these arguments.
    Go(Vec<String>),
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Python(_) => "python",
            Kind::Node { .. } => "node",
            Kind::Go(_) => "go",
        }
    }

    /// The repo files the install depends on.
    fn inputs(&self, root: &Path, app_dir: &str) -> Vec<String> {
        let at = |f: &str| if app_dir == "." { f.to_string() } else { format!("{app_dir}/{f}") };
        match self {
            Kind::Python(Some(req)) => vec![req.clone()],
            Kind::Python(None) => Vec::new(),
            Kind::Node { manager, .. } => vec![at("package.json"), at(lockfile_of(manager))],
            // The build is the install: a changed source file makes the binary stale too.
            Kind::Go(_) => {
                let mut files = vec![at("go.mod"), at("go.sum")];
                files.extend(go_files(root, app_dir));
                files
            }
        }
    }
}

/// Installs (when `install`) and prepares the app of the repo at `root`. `language` is vibe.yaml's
/// runtime, when there is one; `generated` the Dockerfile `vibe generate` would write for it (used
/// when the repo has none, so the probe starts what the image would); and
/// `slug` the app's slug (APP_SLUG, when the environment comes from vibe.yaml).
/// `progress` receives one line per step.
pub fn prepare(
    root: &Path,
    language: Option<Language>,
    generated: Option<&str>,
    slug: Option<&str>,
    install: bool,
    progress: &mut dyn FnMut(&str),
) -> Result<Prepared, Error> {
    let root = std::path::absolute(root).map_err(|e| Error::io(root, e))?;
    let (dockerfile, text) = dockerfile(&root, generated)?;
    let start = image_start::read(&text).map_err(|e| match e {
        StartError::NoCommand => Error::Usage(format!(
            "{dockerfile}: the last stage has no CMD or ENTRYPOINT, so the image would not start the app. Add the \
             command that starts it in production, e.g. CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8081\", \"app:app\"] \
             or CMD [\"node\", \"server.js\"]."
        )),
        StartError::BadExecForm(line) => Error::Usage(format!(
            "{dockerfile}:{line}: the command is not a JSON array of strings (exec form), e.g. CMD [\"node\", \
             \"server.js\"]: fix the quotes and brackets."
        )),
    })?;
    let kind = kind(&root, &start, language).ok_or_else(|| {
        Error::Usage(format!(
            "{dockerfile}: vibe probe --app installs Python (pip -r), Node (npm ci) and Go (go build) apps, and found \
             none of these installs. Start the app yourself and run `vibe probe -- COMMAND`."
        ))
    })?;
    let env_dir = root.join(APP_ENV_DIR);
    let app_dir = if start.app_dir == "." { root.clone() } else { root.join(&start.app_dir) };
    if !app_dir.is_dir() {
        return Err(Error::Usage(format!(
            "{dockerfile}: the image copies {}/ into {}, but the repo has no such folder.",
            start.app_dir, start.workdir
        )));
    }
    let layout = Layout::new(&env_dir, &app_dir, &kind);
    let fingerprint = fingerprint(&root, &kind.inputs(&root, &start.app_dir), &start.app_dir)?;
    let stamp = env_dir.join(format!("{}.installed", kind.name()));
    super::stamp::install_or_check(
        &stamp,
        &fingerprint,
        install,
        || run_install(&root, &layout, &kind, progress),
        || {
            format!(
                "{} changed since the app's dependencies were installed: run `vibe probe --app --install` again.",
                shown_inputs(&root, &kind, &start.app_dir)
            )
        },
        || {
            format!(
                "the app's dependencies are not installed: run `vibe probe --app --install` (it installs them \
                 the way {dockerfile} does, into {APP_ENV_DIR}/)."
            )
        },
    )?;
    if !install && let Kind::Node { .. } = kind {
        // The copy gets the current code; its installed node_modules stay.
        sync_copy(&app_dir, &layout.cwd)?;
    }
    let mut notes = vec![format!(
        "The image's command ({dockerfile}{}): `{}`, run in {} (the image's {}).",
        start.line.map(|l| format!(":{l}")).unwrap_or_default(),
        start.argv.join(" "),
        shown(&root, &layout.cwd),
        start.workdir
    )];
    let command = command(&start, &layout)?;
    let (deployment, deploy_notes) = deployment_env(&root, language, slug)?;
    notes.extend(deploy_notes);
    let mut env: Vec<(String, String)> = start
        .env
        .iter()
        .filter(|(k, _)| !HOST_ONLY_VARS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), map_workdir(v, &start.workdir, &layout.cwd)))
        .collect();
    env.extend(layout.env.iter().cloned());
    let mut secrets = Vec::new();
    for (name, value) in deployment {
        match value {
            Value::Plain(v) => env.push((name, v)),
            Value::Secret => {
                let fake = format!("{FAKE_SECRET_PREFIX}{name}");
                env.push((name.clone(), fake.clone()));
                secrets.push((name, fake));
            }
        }
    }
    Ok(Prepared { command, env, cwd: layout.cwd, secrets, notes })
}

/// The Dockerfile that builds the image: the repo's, else the one vibe proposed, else the
/// generated template of vibe.yaml's runtime. Returns (how to name it, its text).
fn dockerfile(root: &Path, generated: Option<&str>) -> Result<(String, String), Error> {
    for rel in ["Dockerfile".to_string(), format!("{PROPOSED_DIR}/Dockerfile")] {
        let path = root.join(&rel);
        if path.is_file() {
            return crate::fsread::read_text(&path).map(|t| (rel, t)).map_err(|e| Error::read(&path, e));
        }
    }
    let Some(text) = generated else {
        return Err(Error::Usage(format!(
            "{} has no Dockerfile and no vibe.yaml, so vibe cannot tell how the image starts the app: run `vibe init` \
             (it generates the Dockerfile), or start the app yourself with `vibe probe -- COMMAND`.",
            root.display()
        )));
    };
    Ok(("the Dockerfile `vibe generate` would write (the repo has none yet)".to_string(), text.to_string()))
}

/// What to install: what the Dockerfile installs, else vibe.yaml's runtime, else the
/// dependency file the repo has.
fn kind(root: &Path, start: &ImageStart, language: Option<Language>) -> Option<Kind> {
    let build = start.installs.contains(&Install::NpmBuild);
    if let Some(req) = start.requirements() {
        return Some(Kind::Python(Some(req.to_string())));
    }
    if let Some(ci) = start.installs.iter().find_map(|i| if let Install::Npm { ci } = i { Some(*ci) } else { None }) {
        return Some(Kind::Node { ci, build, manager: "npm" });
    }
    if let Some(manager) =
        start.installs.iter().find_map(|i| if let Install::Lockfile(m) = i { Some(*m) } else { None })
    {
        return Some(Kind::Node { ci: true, build, manager });
    }
    if let Some(args) = start.go_build() {
        return Some(Kind::Go(args.to_vec()));
    }
    let app = root.join(&start.app_dir);
    match language {
        Some(Language::Python) => Some(Kind::Python(None)),
        Some(Language::Node) => Some(Kind::Node { ci: true, build, manager: "npm" }),
        Some(Language::Go) => Some(Kind::Go(vec![".".into()])),
        Some(_) => None,
        None if app.join("package.json").is_file() => Some(Kind::Node { ci: true, build, manager: "npm" }),
        None if app.join("go.mod").is_file() => Some(Kind::Go(vec![".".into()])),
        None if app.join("requirements.txt").is_file() || app.join("pyproject.toml").is_file() => {
            Some(Kind::Python(None))
        }
        None => None,
    }
}

/// Where things go for one kind of install.
struct Layout {
    /// Where the app runs (the image's WORKDIR).
    cwd: PathBuf,
    /// Folders of installed programs, searched first.
    bin: Vec<PathBuf>,
    /// Extra environment of the app.
    env: Vec<(String, String)>,
    /// `.vibe/app-env`.
    env_dir: PathBuf,
    /// The repo folder the image's WORKDIR holds.
    source: PathBuf,
}

impl Layout {
    fn new(env_dir: &Path, app_dir: &Path, kind: &Kind) -> Layout {
        let venv = env_dir.join("venv");
        let (cwd, bin, env) = match kind {
            Kind::Python(_) => (
                app_dir.to_path_buf(),
                vec![venv.join("bin")],
                vec![("VIRTUAL_ENV".to_string(), venv.display().to_string())],
            ),
            Kind::Node { .. } => {
                let copy = env_dir.join("node-app");
                (copy.clone(), vec![copy.join("node_modules/.bin")], Vec::new())
            }
            Kind::Go(_) => (app_dir.to_path_buf(), vec![env_dir.join("bin")], Vec::new()),
        };
        let path = std::env::var_os("PATH").unwrap_or_default();
        let joined = std::env::join_paths(bin.iter().cloned().chain(std::env::split_paths(&path))).unwrap_or(path);
        let mut env = env;
        env.push(("PATH".into(), joined.to_string_lossy().into_owned()));
        Layout { cwd, bin, env, env_dir: env_dir.to_path_buf(), source: app_dir.to_path_buf() }
    }
}

/// The image's command with its paths mapped: the WORKDIR to the repo folder, a program given by
/// an absolute path outside it (`/usr/local/bin/gunicorn`, `/opt/venv/bin/python`) to the one
/// installed in .vibe/app-env or on PATH.
fn command(start: &ImageStart, layout: &Layout) -> Result<Vec<String>, Error> {
    let mut argv: Vec<String> = start.argv.iter().map(|a| map_workdir(a, &start.workdir, &layout.cwd)).collect();
    let program = argv[0].clone();
    if program == "sh" && argv.get(1).map(String::as_str) == Some("-c") {
        return Ok(argv);
    }
    let base = program.rsplit('/').next().unwrap_or(&program).to_string();
    // What the install built or installed (a Go binary, a venv's script) wins, wherever the image had it.
    if let Some(built) = layout.bin.iter().map(|d| d.join(&base)).find(|p| is_executable(p)) {
        argv[0] = built.display().to_string();
        return Ok(argv);
    }
    let name = if program.starts_with('/') && !Path::new(&program).starts_with(&layout.cwd) { base } else { program };
    if name.contains('/') {
        return Ok(argv);
    }
    match which(&name) {
        Some(path) => argv[0] = path.display().to_string(),
        None => {
            return Err(Error::Usage(format!(
                "the image starts `{}`, but `{name}` is neither installed by the Dockerfile's install step (in \
                 {APP_ENV_DIR}/) nor on this machine's PATH. If the image has it, install it here too; if it is a \
                 package (gunicorn, uvicorn), add it to the dependencies the Dockerfile installs and run `vibe \
                 probe --app --install` again.",
                start.argv.join(" ")
            )));
        }
    }
    Ok(argv)
}

/// `text` with the image's WORKDIR (as a path prefix) replaced by the folder the app runs in.
fn map_workdir(text: &str, workdir: &str, cwd: &Path) -> String {
    if workdir == "/" {
        return text.to_string();
    }
    let here = cwd.display().to_string();
    if text == workdir {
        return here;
    }
    text.replace(&format!("{workdir}/"), &format!("{here}/"))
}

/// package.json's `packageManager` (`yarn@1.22.22`), without a `+sha...` suffix.
fn package_manager(app: &Path) -> Option<String> {
    let text = std::fs::read_to_string(app.join("package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let spec = json["packageManager"].as_str()?;
    Some(spec.split('+').next().unwrap_or(spec).to_string())
}

/// The lockfile a Node package manager installs from.
fn lockfile_of(manager: &str) -> &'static str {
    match manager {
        "yarn" => "yarn.lock",
        "pnpm" => "pnpm-lock.yaml",
        _ => "package-lock.json",
    }
}

/// One install command: where it runs, what, and its extra environment.
type Step = (PathBuf, Vec<String>, Vec<(String, String)>);

fn run_install(root: &Path, layout: &Layout, kind: &Kind, progress: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let env_dir = &layout.env_dir;
    std::fs::create_dir_all(env_dir).map_err(|e| Error::io(env_dir, e))?;
    // Installed packages, builds and the app's copy are local: nothing under the folder belongs in git.
    let ignore = env_dir.join(".gitignore");
    std::fs::write(&ignore, "# vibe probe --app --install: the app's local packages and builds, never committed.\n*\n")
        .map_err(|e| Error::io(&ignore, e))?;
    let cache = std::env::var_os(EXAMPLE_CACHE_VAR).filter(|v| !v.is_empty()).map(PathBuf::from);
    let steps: Vec<Step> = match kind {
        Kind::Python(req) => {
            let venv = env_dir.join("venv");
            let python = venv.join("bin/python").display().to_string();
            let cache_env: Vec<(String, String)> = cache
                .iter()
                .map(|c| ("PIP_CACHE_DIR".to_string(), c.join("python/pip").display().to_string()))
                .collect();
            let mut steps =
                vec![(root.to_path_buf(), strings(&["python3", "-m", "venv", &venv.display().to_string()]), vec![])];
            if let Some(req) = req {
                steps.push((
                    root.to_path_buf(),
                    strings(&[&python, "-m", "pip", "install", "--disable-pip-version-check", "-r", req]),
                    cache_env,
                ));
            }
            steps
        }
        Kind::Node { ci, build, manager } => {
            progress(&format!("copy the app's folder to {}", shown(root, &layout.cwd)));
            fresh_copy(&layout.source, &layout.cwd)?;
            let cache_env: Vec<(String, String)> = cache
                .iter()
                .flat_map(|c| {
                    [
                        ("npm_config_cache".to_string(), c.join("node/npm").display().to_string()),
                        ("YARN_CACHE_FOLDER".to_string(), c.join("node/yarn").display().to_string()),
                    ]
                })
                .collect();
            let install = match (*manager, *ci) {
                ("npm", true) => strings(&["npm", "ci", "--no-audit", "--no-fund"]),
                ("npm", false) => strings(&["npm", "install", "--no-audit", "--no-fund"]),
                (pm, _) if which(pm).is_some() => strings(&[pm, "install", "--frozen-lockfile"]),
                // Without it on PATH, npm fetches the one package.json names (packageManager),
                // else yarn 1 (whose lockfile format vibe's images install) or the current pnpm.
                (pm, _) => {
                    let wanted = package_manager(&layout.source).filter(|w| w.starts_with(&format!("{pm}@")));
                    let spec =
                        wanted.unwrap_or_else(|| if pm == "yarn" { "yarn@1".into() } else { format!("{pm}@latest") });
                    let mut argv = strings(&["npm", "exec", "--yes", &format!("--package={spec}"), "--", pm]);
                    argv.extend(strings(&["install", "--frozen-lockfile"]));
                    argv
                }
            };
            let mut steps = vec![(layout.cwd.clone(), install, cache_env)];
            if *build {
                steps.push((layout.cwd.clone(), strings(&["npm", "run", "build", "--if-present"]), Vec::new()));
            }
            steps
        }
        Kind::Go(args) => {
            let mut argv = strings(&["go", "build"]);
            argv.extend(go_args(args, &env_dir.join("bin")));
            vec![(layout.cwd.clone(), argv, Vec::new())]
        }
    };
    let total = steps.len();
    for (i, (cwd, argv, env)) in steps.iter().enumerate() {
        let shown_argv = argv.join(" ").replace(&format!("{}/", root.display()), "");
        progress(&format!("[{}/{total}] {shown_argv}", i + 1));
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]).current_dir(cwd).stdin(Stdio::null()).envs(env.iter().cloned());
        let out = match cmd.output() {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::Usage(format!(
                    "`{}` is not installed here, and installing the app needs it: install {}, then run the command \
                     again.",
                    argv[0],
                    tool_hint(&argv[0])
                )));
            }
            Err(e) => return Err(Error::Usage(format!("could not run `{shown_argv}`: {e}"))),
        };
        if !out.status.success() {
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            return Err(Error::Usage(format!(
                "`{shown_argv}` failed ({}), as the image build would. It said:\n{}\nFix what it names in the app's \
                 dependency files (a misspelt package or a version that does not exist is the usual cause), or, if \
                 the package registry is not reachable from this machine, run the install where it is; then run \
                 `vibe probe --app --install` again.",
                out.status,
                masked_tail(&text, FAILED_TAIL_LINES)
            )));
        }
    }
    Ok(())
}

/// The `go build` arguments with `-o` pointed into `bin` (named after the image's output, else `app`).
fn go_args(args: &[String], bin: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut output = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-o" {
            output = it.next().cloned();
        } else if let Some(o) = a.strip_prefix("-o=") {
            output = Some(o.to_string());
        } else {
            out.push(a.clone());
        }
    }
    let name = output.as_deref().and_then(|o| o.rsplit('/').next()).filter(|n| !n.is_empty()).unwrap_or("app");
    let mut all = vec!["-o".to_string(), bin.join(name).display().to_string()];
    all.extend(out);
    all
}

fn tool_hint(tool: &str) -> &'static str {
    match tool {
        "python3" => "Python 3 with venv (Debian: apt-get install python3 python3-venv)",
        "npm" => "Node.js and npm (Debian: apt-get install nodejs npm)",
        "go" => "Go (Debian: apt-get install golang)",
        _ => "it",
    }
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// What a failed install said, for the error: its lines naming an error (the first `n`: npm
/// prints its reason first and its usage after), else its last `n` lines; indented, with
/// personal data and credentials masked.
pub(super) fn masked_tail(text: &str, n: usize) -> String {
    let scanner = super::pii::Scanner::with_secrets(Vec::new());
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let errors: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| {
            let lower = l.to_ascii_lowercase();
            let rest = lower.trim().trim_start_matches("npm error").trim_start_matches("npm err!").trim();
            lower.contains("error") && !rest.is_empty()
        })
        .take(n)
        .collect();
    let shown = if errors.is_empty() { &lines[lines.len().saturating_sub(n)..] } else { &errors[..] };
    shown.iter().map(|l| format!("    {}", super::mask_line(&scanner, l))).collect::<Vec<_>>().join("\n")
}

/// Folders never copied: installed packages, build output, vibe's own files, git.
const NOT_COPIED: &[&str] = &["node_modules", ".git", ".vibe"];

/// Makes `to` an exact copy of `from` (without [`NOT_COPIED`]), dropping what was there.
fn fresh_copy(from: &Path, to: &Path) -> Result<(), Error> {
    if to.exists() {
        std::fs::remove_dir_all(to).map_err(|e| Error::io(to, e))?;
    }
    copy_tree(from, to)
}

/// Copies `from` over `to` again, keeping `to`'s installed node_modules and build output only.
fn sync_copy(from: &Path, to: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    for entry in std::fs::read_dir(to).map_err(|e| Error::io(to, e))? {
        let entry = entry.map_err(|e| Error::io(to, e))?;
        if entry.file_name() == "node_modules" {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
        let removed = if kind.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        removed.map_err(|e| Error::io(&path, e))?;
    }
    copy_tree(from, to)
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let name = entry.file_name();
        if NOT_COPIED.iter().any(|n| name == *n) {
            continue;
        }
        let (src, dest) = (entry.path(), to.join(&name));
        let kind = entry.file_type().map_err(|e| Error::io(&src, e))?;
        if kind.is_dir() {
            copy_tree(&src, &dest)?;
        } else if kind.is_file() {
            std::fs::copy(&src, &dest).map_err(|e| Error::io(&dest, e))?;
        }
    }
    Ok(())
}

/// The .go files under the app's folder (repo-relative, sorted), without vendored or vibe's own folders.
fn go_files(root: &Path, app_dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.join(app_dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            match entry.file_type() {
                Ok(t) if t.is_dir() && !crate::repo::SKIPPED_DIRS.contains(&name.as_str()) => stack.push(path),
                Ok(t) if t.is_file() && name.ends_with(".go") => {
                    if let Ok(rel) = path.strip_prefix(root) {
                        out.push(rel.display().to_string());
                    }
                }
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// A hash of what the install depends on: the inputs' names and contents, and the app folder.
pub(super) fn fingerprint(root: &Path, inputs: &[String], app_dir: &str) -> Result<String, Error> {
    let mut hash = Sha256::new();
    hash.update(app_dir.as_bytes());
    for rel in inputs {
        let path = root.join(rel);
        let content = match crate::fsread::read_bytes(&path) {
            Ok(c) => c,
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => return Err(Error::read(&path, e)),
        };
        hash.update([0]);
        hash.update(rel.as_bytes());
        hash.update([0]);
        hash.update((content.len() as u64).to_le_bytes());
        hash.update(&content);
    }
    Ok(format!("{:x}\n", hash.finalize()))
}

fn shown_inputs(root: &Path, kind: &Kind, app_dir: &str) -> String {
    if let Kind::Go(_) = kind {
        return "The Go code".into();
    }
    let inputs = kind.inputs(root, app_dir);
    if inputs.is_empty() { "The Dockerfile".into() } else { inputs.join(" or ") }
}

fn shown(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => "the repo folder".into(),
        Ok(rel) => format!("{}/", rel.display()),
        Err(_) => path.display().to_string(),
    }
}

/// The Deployment's environment: (name, value) in order.
pub(super) type Environment = Vec<(String, Value)>;

/// The app container's environment as the Deployment in k8s/ sets it (its ConfigMaps, plain
/// values, secrets), else as vibe.yaml describes it (`env:` settings, `secrets:` names).
pub(super) fn deployment_env(
    root: &Path,
    language: Option<Language>,
    slug: Option<&str>,
) -> Result<(Environment, Vec<String>), Error> {
    let repo = Repo::load(root)?;
    if let Some((found, where_)) = from_manifests(&repo) {
        let notes = vec![env_note(&found, &where_)];
        return Ok((found, notes));
    }
    let answers_path = root.join(crate::spec::ANSWERS_FILE);
    if language.is_some() && answers_path.is_file() {
        let (answers, _) = crate::spec::load_answers(&answers_path)?;
        // What the generated ConfigMap sets before the creator's settings.
        let mut found: Vec<(String, Value)> = vec![
            ("APP_NAME".into(), Value::Plain(answers.name.clone())),
            ("LOG_LEVEL".into(), Value::Plain("info".into())),
            ("LOG_FORMAT".into(), Value::Plain("json".into())),
        ];
        if let Some(slug) = slug {
            found.push(("APP_SLUG".into(), Value::Plain(slug.to_string())));
        }
        found.extend(answers.env.iter().map(|(k, v)| (k.clone(), Value::Plain(v.clone()))));
        let provided = crate::spec::provided_env_vars(&answers).into_iter().map(|(_, n)| n.to_string());
        let reserved = crate::spec::reserved_secret_keys(&answers)
            .into_iter()
            .filter(|k| !crate::contract::SERVER_ONLY_PASSWORD_KEYS.contains(k))
            .map(String::from);
        for name in answers.secrets.iter().cloned().chain(reserved).chain(provided) {
            found.push((name, Value::Secret));
        }
        let notes = vec![env_note(&found, crate::spec::ANSWERS_FILE)];
        return Ok((found, notes));
    }
    Ok((Vec::new(), vec!["No Deployment in the repo and no vibe.yaml: the app got only PORT and MGMT_PORT.".into()]))
}

fn env_note(found: &[(String, Value)], source: &str) -> String {
    let secrets: Vec<&str> = found.iter().filter(|(_, v)| *v == Value::Secret).map(|(k, _)| k.as_str()).collect();
    let plain = found.len() - secrets.len();
    let mut note = format!("Environment from {source}: {plain} setting{}", crate::words::plural(plain));
    if !secrets.is_empty() {
        note.push_str(&format!(
            ", and {} as fake values ({FAKE_SECRET_PREFIX}NAME: the app cannot reach real stores or services here)",
            secrets.join(", ")
        ));
    }
    note.push('.');
    note
}

/// The app container's environment from the manifests, and where it was read (`Deployment/x in k8s/08-app.yaml`).
fn from_manifests(repo: &Repo) -> Option<(Environment, String)> {
    let workloads = workload::workloads(repo);
    let w = workloads.iter().find(|w| w.is_app() && w.long_running() && w.app_container().is_some())?;
    let c = w.app_container()?;
    let out = container_env(repo, &c);
    let where_ = format!("{} in {}", w.obj.id(), w.obj.file);
    Some((out, where_))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFESTS: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-config\ndata:\n  APP_SLUG: shop\n  PORT: \"8081\"\n  CURRENCY: EUR\n\
---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: shop-secrets\nspec:\n  encryptedData:\n    STRIPE_KEY: AgB1\n\
---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: shop\n          image: reg/shop:1\n          envFrom:\n            - configMapRef:\n                name: shop-config\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: shop-secrets\n                  key: DB_PASSWORD\n            - name: DATABASE_URL\n              value: postgres://shop:$(DB_PASSWORD)@db:5432/shop\n            - name: PUBLIC_URL\n              value: https://$(APP_SLUG).example.org\n            - name: POD_NAME\n              valueFrom:\n                fieldRef:\n                  fieldPath: metadata.name\n";

    #[test]
    fn the_deployment_gives_configmap_settings_and_fakes_every_secret() {
        let repo = Repo::from_files(Path::new("/r"), &[("k8s/app.yaml", MANIFESTS)]);
        let (env, where_) = from_manifests(&repo).unwrap();
        assert_eq!(where_, "Deployment/shop in k8s/app.yaml");
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(get("CURRENCY"), Some(Value::Plain("EUR".into())));
        assert_eq!(get("PUBLIC_URL"), Some(Value::Plain("https://shop.example.org".into())));
        assert_eq!(get("DB_PASSWORD"), Some(Value::Secret));
        // Built from a secret: the whole connection string is fake, never half real.
        assert_eq!(get("DATABASE_URL"), Some(Value::Secret));
        assert_eq!(get("POD_NAME"), None);
        assert!(
            env_note(&env, &where_).contains("DB_PASSWORD, DATABASE_URL as fake values"),
            "{}",
            env_note(&env, &where_)
        );
    }

    #[test]
    fn the_image_paths_map_to_the_repo_and_the_installed_programs() {
        let dir = tempfile::tempdir().unwrap();
        let env_dir = dir.path().join(APP_ENV_DIR);
        std::fs::create_dir_all(env_dir.join("venv/bin")).unwrap();
        let gunicorn = env_dir.join("venv/bin/gunicorn");
        std::fs::write(&gunicorn, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&gunicorn, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let kind = Kind::Python(Some("requirements.txt".into()));
        let layout = Layout::new(&env_dir, dir.path(), &kind);
        let start = image_start::read(
            "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD [\"/usr/local/bin/gunicorn\", \"-c\", \"/app/conf.py\", \"app:app\"]\n",
        )
        .unwrap();
        let argv = command(&start, &layout).unwrap();
        assert_eq!(
            argv,
            [
                gunicorn.display().to_string(),
                "-c".into(),
                dir.path().join("conf.py").display().to_string(),
                "app:app".into()
            ]
        );
        // A program neither installed nor on PATH is named, with what to do.
        let start = image_start::read("FROM python:3.12\nCMD [\"uvicorn-that-is-not-here\", \"main:app\"]\n").unwrap();
        let err = command(&start, &layout).unwrap_err().to_string();
        assert!(err.contains("`uvicorn-that-is-not-here` is neither installed"), "{err}");
    }

    #[test]
    fn the_repo_dockerfile_wins_then_the_proposed_one_then_the_template() {
        let dir = tempfile::tempdir().unwrap();
        let generated = "FROM x\nCMD [\"gunicorn\", \"app:app\"]\n";
        let (name, text) = dockerfile(dir.path(), Some(generated)).unwrap();
        assert!(name.contains("`vibe generate` would write"), "{name}");
        assert_eq!(image_start::read(&text).unwrap().argv, ["gunicorn", "app:app"]);
        let err = dockerfile(dir.path(), None).unwrap_err().to_string();
        assert!(err.contains("no Dockerfile and no vibe.yaml"), "{err}");
        std::fs::create_dir_all(dir.path().join(PROPOSED_DIR)).unwrap();
        std::fs::write(dir.path().join(PROPOSED_DIR).join("Dockerfile"), "FROM x\nCMD [\"a\"]\n").unwrap();
        assert_eq!(dockerfile(dir.path(), None).unwrap().0, ".vibe/proposed/Dockerfile");
        std::fs::write(dir.path().join("Dockerfile"), "FROM x\nCMD [\"b\"]\n").unwrap();
        assert_eq!(
            dockerfile(dir.path(), None).unwrap(),
            ("Dockerfile".to_string(), "FROM x\nCMD [\"b\"]\n".to_string())
        );
    }

    #[test]
    fn go_builds_into_the_app_env() {
        let bin = Path::new("/r/.vibe/app-env/bin");
        let args = go_args(&["-trimpath".into(), "-o".into(), "/out/server".into(), "./cmd/server".into()], bin);
        assert_eq!(args, ["-o", "/r/.vibe/app-env/bin/server", "-trimpath", "./cmd/server"]);
        assert_eq!(go_args(&[".".into()], bin), ["-o", "/r/.vibe/app-env/bin/app", "."]);
    }

    #[test]
    fn a_failed_install_shows_its_last_lines_masked() {
        let text = (1..=30).map(|i| format!("line {i}\n")).collect::<String>()
            + "ERROR: could not fetch https://user:hunter2hunter2@mirror.invalid/simple with Bearer abcdef123456789xyz\n";
        let tail = masked_tail(&text, 3);
        assert!(tail.starts_with("    ERROR: could not fetch"), "{tail}");
        assert!(!tail.contains("abcdef123456789xyz"), "{tail}");
        // No line names an error: the last ones.
        let tail = masked_tail("one\ntwo\n\nthree\n", 2);
        assert_eq!(tail, "    two\n    three");
        // npm says why first, then its usage: the reason is shown, not only the usage.
        let npm = "npm error code EUSAGE\nnpm error\nnpm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.\nnpm error\nnpm error Clean install a project\n";
        let tail = masked_tail(npm, 2);
        assert!(tail.contains("EUSAGE") && tail.contains("in sync"), "{tail}");
    }
}

//! The app's entry code: the file(s) the app image starts and the local files they import,
//! transitively. B7 reads where the app listens there, B8 whether the image starts it in
//! production mode, and the G checks judge the code the app actually runs (a module nothing
//! imports does not count).
//!
//! The start command comes from the Dockerfile that builds the app image (its last stage's
//! CMD/ENTRYPOINT and WORKDIR); without one, from what the generated Dockerfile would start
//! (package.json's `start` script or `main`, else the usual entry file names). Files are read
//! from the repo's loaded sources only: nothing outside the repo, each file once.

mod command;
mod image;
mod imports;
pub mod stages;

pub use command::{Command, Target, literal_port, shell_words};
pub use image::{Image, app_dockerfile};
pub use stages::join as image_path;

use crate::lang::{Language, TextFile};
use crate::repo::Repo;
use std::collections::HashMap;

/// Most package.json scripts followed from one to the next (`start` -> `npm run serve` -> ...).
const MAX_SCRIPT_HOPS: usize = 4;
/// Folders a build step writes compiled JavaScript to.
const BUILD_DIRS: &[&str] = &["dist", "build", "out", "lib"];
/// Build steps that produce them.
const JS_BUILDS: &[&str] =
    &["npm run build", "yarn build", "yarn run build", "pnpm build", "pnpm run build", "tsc", "bun run build"];

/// What the start command names and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// As written in the command (`server.js`, `app` for `python -m app`, `dist/index.js`).
    pub written: String,
    /// The repo file it is, when found (for a built file, the source it is built from).
    pub found: Option<String>,
    /// True when a build step of the Dockerfile produces it (a compiled `dist/`, a Go binary).
    pub built: bool,
}

/// The package.json script a start command ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// Its name (`start`).
    pub name: String,
    /// Its command line, None when package.json has no such script.
    pub command: Option<String>,
    /// The package.json it is in.
    pub file: String,
}

/// The app's entry code.
#[derive(Default)]
pub struct Entry<'a> {
    /// How the app image starts, when a Dockerfile builds it.
    pub image: Option<Image<'a>>,
    /// The package.json scripts followed, in order.
    pub scripts: Vec<Script>,
    /// The command that finally runs (the image's, or the script it runs).
    pub command: Option<Command>,
    /// What the command names.
    pub named: Option<Named>,
    /// The entry files first ([`Entry::roots`] of them), then the local files they import.
    pub files: Vec<&'a TextFile>,
    /// How many of [`Entry::files`] are started directly.
    pub roots: usize,
    /// True when no start command was found and the entry files are the usual names guessed
    /// (`app.py`, `main.go`): a repo of several programs may start others too.
    pub guessed: bool,
    /// When the start command names nothing in the repo: the file that looks like the app's
    /// entry instead (what a generated Dockerfile would start), for the fix.
    pub guess: Option<String>,
}

impl<'a> Entry<'a> {
    /// Finds the entry code of `repo`.
    pub fn new(repo: &'a Repo) -> Entry<'a> {
        let sources: HashMap<&str, &TextFile> = repo.sources.iter().map(|f| (f.file.as_str(), f)).collect();
        let mut entry = Entry { image: image::read(repo), ..Entry::default() };
        let (command, base) = match &entry.image {
            Some(img) => (Some(img.command.clone()), image::context_dir(img.dockerfile).to_string()),
            None => (fallback_command(repo), String::new()),
        };
        let Some(mut command) = command else {
            entry.files = fallback_roots(repo, &sources);
            entry.roots = entry.files.len();
            entry.guessed = true;
            entry.files = imports::closure(repo, &sources, entry.files);
            return entry;
        };
        for _ in 0..MAX_SCRIPT_HOPS {
            let Target::Script(name) = &command.target else { break };
            let script = script(repo, &base, name);
            let Some(line) = script.command.clone() else {
                entry.scripts.push(script);
                break;
            };
            entry.scripts.push(script);
            let dev = command.dev;
            command = command::read(vec!["sh".into(), "-c".into(), line]);
            command.dev = command.dev.or(dev);
        }
        if command.target == Target::Unknown && command::runs_flask(&command.words) {
            command.target = flask_app(&sources, entry.image.as_ref());
        }
        let (named, roots) = resolve(repo, &sources, entry.image.as_ref(), &command);
        if named.as_ref().is_some_and(|n| n.found.is_none()) {
            entry.guess = fallback_roots(repo, &sources).first().map(|f| f.file.clone());
        }
        entry.named = named;
        entry.command = Some(command);
        entry.roots = roots.len();
        entry.files = imports::closure(repo, &sources, roots);
        entry
    }

    /// True when the review found the code the app starts.
    pub fn known(&self) -> bool {
        !self.files.is_empty()
    }

    /// True when the entry code is what a start command runs (not a guess from file names).
    pub fn started(&self) -> bool {
        self.known() && !self.guessed
    }

    /// The files the app starts directly.
    pub fn root_files(&self) -> &[&'a TextFile] {
        &self.files[..self.roots]
    }
}

/// The module `flask run` serves when the command does not say (`--app`): FLASK_APP as the
/// image's ENV sets it, else what Flask itself looks for, `wsgi.py` then `app.py`.
fn flask_app(sources: &HashMap<&str, &TextFile>, image: Option<&Image>) -> Target {
    let set = image.and_then(|img| {
        let envs = img.dockerfile.instructions.iter().filter(|i| i.keyword == "ENV");
        envs.flat_map(|i| crate::repo::env_pairs(&i.args)).filter(|(k, _)| k == "FLASK_APP").map(|(_, v)| v).next_back()
    });
    if let Some(app) = set.filter(|v| !v.contains('$')) {
        return Target::PyModule(command::module_of(&app));
    }
    let exists = |module: &str| match image {
        Some(img) => img.repo_paths(&format!("{module}.py")).iter().any(|p| sources.contains_key(p.as_str())),
        None => sources.contains_key(format!("{module}.py").as_str()),
    };
    Target::PyModule(if exists("wsgi") { "wsgi" } else { "app" }.to_string())
}

/// Reads a command line (a package.json script) as the program it runs.
pub fn read_command(line: &str) -> Command {
    command::read(vec!["sh".into(), "-c".into(), line.into()])
}

/// The package.json a command runs scripts of: the one in the build context, else the shallowest.
fn package_json<'r>(repo: &'r Repo, base: &str) -> Option<(&'r str, serde_json::Value)> {
    let wanted = if base.is_empty() { "package.json".to_string() } else { format!("{base}/package.json") };
    let f = repo.dependency_files.iter().find(|f| f.file == wanted).or_else(|| {
        repo.dependency_files
            .iter()
            .filter(|f| f.file.ends_with("package.json") && !f.file.starts_with("observability/"))
            .min_by_key(|f| f.file.matches('/').count())
    })?;
    Some((f.file.as_str(), serde_json::from_str(&f.text).ok()?))
}

fn script(repo: &Repo, base: &str, name: &str) -> Script {
    let Some((file, json)) = package_json(repo, base) else {
        return Script { name: name.into(), command: None, file: "package.json".into() };
    };
    let mut command = json["scripts"][name].as_str().map(str::to_string);
    // npm's own default: `npm start` without a start script runs `node server.js`.
    if command.is_none() && name == "start" && repo.sources.iter().any(|f| f.file == sibling(file, "server.js")) {
        command = Some("node server.js".into());
    }
    Script { name: name.into(), command, file: file.into() }
}

fn sibling(file: &str, name: &str) -> String {
    match file.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{name}"),
        None => name.to_string(),
    }
}

/// Without a Dockerfile: what the generated one starts (package.json's start script or main).
fn fallback_command(repo: &Repo) -> Option<Command> {
    let (_, json) = package_json(repo, "")?;
    if json["scripts"]["start"].is_string() {
        return Some(command::read(vec!["npm".into(), "start".into()]));
    }
    json["main"].as_str().map(|m| command::read(vec!["node".into(), m.into()]))
}

/// Without a start command: the usual entry files of the app's language, at the shallowest folder.
fn fallback_roots<'a>(repo: &'a Repo, sources: &HashMap<&str, &'a TextFile>) -> Vec<&'a TextFile> {
    const NAMES: &[&str] = &[
        "server.js",
        "index.js",
        "app.js",
        "main.js",
        "server.ts",
        "index.ts",
        "app.py",
        "main.py",
        "wsgi.py",
        "asgi.py",
        "manage.py",
        "main.go",
        "src/main.rs",
        "public/index.php",
        "index.php",
        "src/index.js",
        "src/server.js",
        "src/index.ts",
        "src/server.ts",
        "src/main.py",
        "app/main.py",
        "app/__main__.py",
    ];
    if let Some(f) = NAMES.iter().find_map(|n| sources.get(n)) {
        return if f.file.ends_with(".go") { go_package(repo, "") } else { vec![*f] };
    }
    if repo.sources.iter().any(|f| f.file.ends_with(".go")) {
        return go_main(repo);
    }
    jvm_mains(repo)
}

/// Resolves what a command names to repo files: (what it names, the root files).
fn resolve<'a>(
    repo: &'a Repo,
    sources: &HashMap<&str, &'a TextFile>,
    image: Option<&Image>,
    cmd: &Command,
) -> (Option<Named>, Vec<&'a TextFile>) {
    let chdir = cmd.chdir.as_deref().unwrap_or("");
    let places = |written: &str| -> Vec<String> {
        let written = stages::join("/", &format!("{chdir}/{written}")).trim_start_matches('/').to_string();
        match image {
            Some(img) if !written.is_empty() => img.repo_paths(&written),
            _ => vec![written],
        }
    };
    let find = |candidates: Vec<String>| candidates.into_iter().find_map(|c| sources.get(c.as_str()).copied());
    // A path from a variable (`"$APP_DOCROOT"`) is known only when the container runs.
    if let Target::File(w) | Target::PyModule(w) | Target::Built(w) = &cmd.target
        && w.contains('$')
    {
        return (None, vec![]);
    }
    match &cmd.target {
        Target::File(w) => {
            let mut tries = Vec::new();
            for p in places(w) {
                tries.extend(js_variants(&p));
            }
            if let Some(f) = find(tries.clone()) {
                return (Some(Named { written: w.clone(), found: Some(f.file.clone()), built: false }), vec![f]);
            }
            let built = image.is_some_and(|i| i.builds(JS_BUILDS)) || image.is_none();
            let compiled: Vec<String> = tries.iter().flat_map(|t| from_build_dir(t)).collect();
            match find(compiled).filter(|_| built) {
                Some(f) => (Some(Named { written: w.clone(), found: Some(f.file.clone()), built: true }), vec![f]),
                None => (Some(Named { written: w.clone(), found: exists_on_disk(repo, &tries), built: false }), vec![]),
            }
        }
        Target::PyModule(m) => {
            let path = m.replace('.', "/");
            let tries: Vec<String> = ["", "/__main__", "/__init__"]
                .iter()
                .flat_map(|suffix| places(&format!("{path}{suffix}.py")))
                .collect();
            let found = find(tries);
            let named = Named { written: m.clone(), found: found.map(|f| f.file.clone()), built: false };
            (Some(named), found.into_iter().collect())
        }
        Target::Built(b) => built(repo, sources, image, b),
        Target::Script(_) | Target::Unknown => (None, vec![]),
    }
}

/// `x` -> x, x.js, x.ts ..., x/index.js ...
fn js_variants(p: &str) -> Vec<String> {
    let mut out = vec![p.to_string()];
    let name = p.rsplit('/').next().unwrap_or(p);
    if !name.contains('.') {
        for ext in ["js", "ts", "mjs", "cjs"] {
            out.push(format!("{p}.{ext}"));
        }
        for ext in ["js", "ts", "mjs", "cjs"] {
            out.push(format!("{p}/index.{ext}"));
        }
    }
    out
}

/// The sources a compiled `dist/x.js` is built from: `src/x.ts`, `x.ts`.
fn from_build_dir(p: &str) -> Vec<String> {
    let (dir, rest) = p.split_once('/').unwrap_or(("", p));
    if !BUILD_DIRS.contains(&dir) {
        return vec![];
    }
    let stem = rest.trim_end_matches(".js").trim_end_matches(".mjs").trim_end_matches(".cjs");
    ["ts", "js", "mts"].iter().flat_map(|ext| [format!("src/{stem}.{ext}"), format!("{stem}.{ext}")]).collect()
}

/// A file that is in the repo but not read as source (a shell script, a jar): its path.
fn exists_on_disk(repo: &Repo, tries: &[String]) -> Option<String> {
    tries
        .iter()
        .find(|t| {
            crate::repo_path::check_relative(t, "the start command").is_ok()
                && !repo.root.as_os_str().is_empty()
                && repo.root.join(t).is_file()
        })
        .cloned()
}

/// A program the image builds: the Go main package, the Rust binary, the JVM main class, PHP's
/// front controller.
fn built<'a>(
    repo: &'a Repo,
    sources: &HashMap<&str, &'a TextFile>,
    image: Option<&Image>,
    written: &str,
) -> (Option<Named>, Vec<&'a TextFile>) {
    let named = |found: Option<String>, built: bool| Some(Named { written: written.into(), found, built });
    let Some(img) = image else { return (named(None, false), vec![]) };
    let program = written.rsplit('/').next().unwrap_or(written);
    if img.builds(&["go build"]) {
        let pkg = go_build_package(img, program);
        let roots = if pkg.is_empty() { go_main(repo) } else { go_package(repo, &pkg) };
        let roots = if roots.is_empty() { go_main(repo) } else { roots };
        return (named(roots.first().map(|f| f.file.clone()), true), roots);
    }
    if img.builds(&["cargo build", "cargo install"]) {
        let roots: Vec<&TextFile> = sources.get("src/main.rs").copied().into_iter().collect();
        return (named(roots.first().map(|f| f.file.clone()), true), roots);
    }
    if written.ends_with(".jar") || matches!(program, "java") {
        let built = img.builds(&["mvn", "gradle"]) || exists_on_disk(repo, &img.repo_paths(written)).is_some();
        let roots = jvm_mains(repo);
        return (named(roots.first().map(|f| f.file.clone()).or(built.then(|| written.to_string())), built), roots);
    }
    if matches!(program, "apache2-foreground" | "php-fpm" | "frankenphp") {
        let roots: Vec<&TextFile> =
            ["public/index.php", "index.php"].iter().find_map(|p| sources.get(p).copied()).into_iter().collect();
        return (Some(Named { written: written.into(), found: Some(program.into()), built: true }), roots);
    }
    if program == ".next" {
        let built = img.builds(&["next build", "npm run build", "yarn build", "pnpm build"]);
        return (named(built.then(|| ".next".into()), built), vec![]);
    }
    let on_disk = exists_on_disk(repo, &img.repo_paths(written));
    let copied_from_stage = img
        .dockerfile
        .instructions
        .iter()
        .any(|i| i.keyword == "COPY" && i.args.contains("--from") && i.args.contains(program));
    let found = on_disk.or(copied_from_stage.then(|| written.to_string()));
    let builtin = written.starts_with('/') && !copied_from_stage;
    (named(found.or(builtin.then(|| written.to_string())), copied_from_stage), vec![])
}

/// The package a `go build -o <program> <pkg>` step builds ("" when no step names the program).
fn go_build_package(img: &Image, program: &str) -> String {
    for run in &img.runs {
        for step in run.split("&&") {
            let words = command::shell_words(step);
            let Some(at) = words.windows(2).position(|w| w[0] == "go" && w[1] == "build") else { continue };
            let args = &words[at + 2..];
            let out = args.iter().position(|w| w == "-o").and_then(|i| args.get(i + 1));
            if out.is_some_and(|o| o.rsplit('/').next() != Some(program)) {
                continue;
            }
            let mut skip = false;
            for a in args {
                if skip {
                    skip = false;
                } else if a.starts_with('-') {
                    skip = !a.contains('=') && matches!(a.as_str(), "-o" | "-ldflags" | "-tags" | "-gcflags" | "-mod");
                } else {
                    return a
                        .trim_start_matches("./")
                        .trim_end_matches("/...")
                        .trim_end_matches('/')
                        .trim_end_matches('.')
                        .to_string();
                }
            }
            return String::new();
        }
    }
    String::new()
}

/// The Go files of the package in folder `dir` (tests aside).
fn go_package<'a>(repo: &'a Repo, dir: &str) -> Vec<&'a TextFile> {
    repo.sources
        .iter()
        .filter(|f| {
            f.file.ends_with(".go")
                && !f.file.ends_with("_test.go")
                && f.file.rsplit_once('/').map_or("", |(d, _)| d) == dir.trim_matches('/')
        })
        .collect()
}

/// The shallowest Go `package main`.
fn go_main(repo: &Repo) -> Vec<&TextFile> {
    let main = repo
        .sources
        .iter()
        .filter(|f| f.file.ends_with(".go") && !f.file.ends_with("_test.go") && f.text.contains("package main"))
        .filter(|f| !f.file.starts_with("observability/"))
        .min_by_key(|f| f.file.matches('/').count());
    main.map(|f| go_package(repo, f.file.rsplit_once('/').map_or("", |(d, _)| d))).unwrap_or_default()
}

/// The JVM sources declaring a main method.
fn jvm_mains(repo: &Repo) -> Vec<&TextFile> {
    repo.sources
        .iter()
        .filter(|f| f.lang.language() == Some(Language::Jvm) && !f.file.starts_with("observability/"))
        .filter(|f| {
            f.text.contains("static void main(")
                || f.text.contains("fun main(")
                || f.text.contains("@SpringBootApplication")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn entry_files(files: &[(&str, &str)]) -> (Vec<String>, Option<Named>) {
        let repo = Repo::from_files(Path::new("/nonexistent"), files);
        let e = Entry::new(&repo);
        (e.files.iter().map(|f| f.file.clone()).collect(), e.named.clone())
    }

    #[test]
    fn npm_start_is_followed_to_the_file_it_runs() {
        let (files, named) = entry_files(&[
            ("Dockerfile", "FROM node:20\nWORKDIR /app\nCOPY . .\nCMD [\"npm\", \"start\"]\n"),
            ("package.json", r#"{"scripts": {"start": "node src/server.js"}}"#),
            ("src/server.js", "require('./db');\n"),
            ("src/db.js", ""),
            ("src/unused.js", ""),
        ]);
        assert_eq!(files, ["src/server.js", "src/db.js"]);
        assert_eq!(named.unwrap().found.as_deref(), Some("src/server.js"));
    }

    #[test]
    fn a_compiled_dist_counts_only_when_the_dockerfile_builds_it() {
        let built = "FROM node:20 AS b\nWORKDIR /app\nCOPY . .\nRUN npm run build\nFROM node:20\nWORKDIR /app\nCOPY --from=b /app/dist ./dist\nCMD [\"node\", \"dist/server.js\"]\n";
        let (files, named) =
            entry_files(&[("Dockerfile", built), ("src/server.ts", "import './routes';\n"), ("src/routes.ts", "")]);
        assert_eq!(files, ["src/server.ts", "src/routes.ts"]);
        assert!(named.unwrap().built);
        let (files, named) = entry_files(&[
            ("Dockerfile", "FROM node:20\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"dist/server.js\"]\n"),
            ("src/server.ts", ""),
        ]);
        assert!(files.is_empty());
        assert_eq!(named.unwrap().found, None);
    }

    #[test]
    fn python_servers_and_modules_resolve_under_the_workdir() {
        let (files, _) = entry_files(&[
            (
                "Dockerfile",
                "FROM python:3.12\nWORKDIR /srv\nCOPY backend/ .\nCMD gunicorn -w 2 -b 0.0.0.0:8081 app.main:app\n",
            ),
            ("backend/app/__init__.py", ""),
            ("backend/app/main.py", "from .routes import api\n"),
            ("backend/app/routes.py", ""),
        ]);
        assert_eq!(files[0], "backend/app/main.py");
        assert!(files.contains(&"backend/app/routes.py".to_string()), "{files:?}");
        let (_, named) = entry_files(&[
            ("Dockerfile", "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"-m\", \"app\"]\n"),
            ("main.py", ""),
        ]);
        assert_eq!(named.unwrap().found, None);
    }

    #[test]
    fn flask_run_serves_flask_app_from_the_image_env_or_what_flask_looks_for() {
        let dockerfile = |env: &str| {
            format!("FROM python:3.12\nWORKDIR /app\nCOPY . .\n{env}CMD [\"flask\", \"run\", \"--host=0.0.0.0\"]\n")
        };
        let (files, named) = entry_files(&[
            ("Dockerfile", &dockerfile("ENV FLASK_APP=shop/web.py FLASK_DEBUG=0\n")),
            ("shop/__init__.py", ""),
            ("shop/web.py", "from . import db\n"),
            ("shop/db.py", ""),
            ("app.py", ""),
        ]);
        assert_eq!(named.unwrap().found.as_deref(), Some("shop/web.py"));
        assert!(files.contains(&"shop/db.py".to_string()), "{files:?}");
        let (files, _) = entry_files(&[("Dockerfile", &dockerfile("")), ("app.py", ""), ("helpers.py", "")]);
        assert_eq!(files, ["app.py"]);
        let (files, _) = entry_files(&[("Dockerfile", &dockerfile("")), ("app.py", ""), ("wsgi.py", "")]);
        assert_eq!(files, ["wsgi.py"]);
        // `--app` says it.
        let (files, _) = entry_files(&[
            ("Dockerfile", "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD flask --app web:create_app run\n"),
            ("web.py", ""),
            ("app.py", ""),
        ]);
        assert_eq!(files, ["web.py"]);
    }

    #[test]
    fn go_binaries_lead_to_their_main_package() {
        let (files, named) = entry_files(&[
            (
                "Dockerfile",
                "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/api ./cmd/api\nFROM scratch\nCOPY --from=build /out/api /api\nENTRYPOINT [\"/api\"]\n",
            ),
            ("go.mod", "module shop\n"),
            ("cmd/api/main.go", "package main\nimport \"shop/internal/store\"\n"),
            ("cmd/tool/main.go", "package main\n"),
            ("internal/store/store.go", "package store\n"),
        ]);
        assert_eq!(files, ["cmd/api/main.go", "internal/store/store.go"]);
        assert!(named.unwrap().built);
    }

    #[test]
    fn without_a_dockerfile_the_start_script_or_usual_names_are_the_entry() {
        let (files, _) =
            entry_files(&[("package.json", r#"{"main": "lib/index.js"}"#), ("lib/index.js", ""), ("server.js", "")]);
        assert_eq!(files, ["lib/index.js"]);
        let (files, _) = entry_files(&[("app.py", "import helpers\n"), ("helpers.py", ""), ("tests/test_app.py", "")]);
        assert_eq!(files, ["app.py", "helpers.py"]);
    }
}

//! B8: the image starts the app in production mode. Judged on the Dockerfile that builds the app
//! image: its CMD/ENTRYPOINT (and the package.json scripts it runs) names a file, module or
//! program that exists in the repo or that a build step of the Dockerfile produces, is not a
//! development server, and the production server it names is a declared dependency.

use super::*;
use crate::lang::{self, Language, TextFile, python::SERVER_PINS};
use crate::repo::Repo;
use crate::review::Remedy;
use crate::review::model::entry::{Entry, Image, Target};

/// Base images whose own default command is an interpreter prompt, not an app.
const INTERPRETER_BASES: &[&str] = &["node", "python", "pypy", "bun", "deno"];

/// B8: the start command exists, is not a development server, and has its server installed.
pub fn b8(r: &Review, out: &mut Vec<Finding>) {
    let entry = &r.model.entry;
    let Some(image) = &entry.image else { return };
    let Some(line) = image.line else {
        no_command(image, out);
        return;
    };
    let Some(cmd) = &entry.command else { return };
    let (file, at, shown) = site(r.repo, entry, image, line);
    if let Some(why) = cmd.dev {
        let (fix, instruction) = production_fix(r.repo, entry);
        let mut finding = Finding::new(CheckId::B8, file.clone(), Some(at))
            .message(format!("The image starts the app with `{shown}`: {why}, slow and unsafe in production"))
            .fix(format!("In `{file}` line {at}: {fix}"));
        // The fix rewrites a CMD the Dockerfile says on one line (not a package.json script).
        if let Some(instruction) = instruction.filter(|_| file == image.dockerfile.file && one_line_cmd(image, at)) {
            let dependency =
                instruction.contains("\"gunicorn\"").then(|| server_requirement(r.repo, image, "gunicorn")).flatten();
            finding = finding.remedy(Remedy::ReplaceStart { instruction, dependency });
        }
        out.push(finding);
    } else if let Some(f) = debug_run(entry) {
        out.push(f);
    }
    // A repo without code of the app yet (vibe's generated files only) has nothing the command could name.
    if let Some(missing) = missing(entry).filter(|_| has_app_code(r.repo)) {
        out.push(Finding::new(CheckId::B8, file.clone(), Some(at)).message(missing.0).fix(missing.1));
    }
    if let Some(server) = cmd.server {
        server_dependency(r.repo, image, server, (&file, at), out);
    }
}

/// Where the command to change is written: the package.json script `npm start` runs (the creator
/// changes that script), else the Dockerfile line; and its text.
fn site(repo: &Repo, entry: &Entry, image: &Image, line: u32) -> (String, u32, String) {
    let via_start = entry.scripts.first().is_some_and(|s| s.name == "start");
    if via_start
        && let Some(s) = entry.scripts.iter().rev().find(|s| s.command.is_some())
        && let Some(pkg) = repo.dependency_files.iter().find(|f| f.file == s.file)
    {
        let at = pkg.text.find(&format!("\"{}\"", s.name)).unwrap_or(0);
        let script = s.command.clone().unwrap_or_default();
        return (s.file.clone(), lang::Lines::new(&pkg.text).line(at), format!("\"{}\": \"{script}\"", s.name));
    }
    let ins = image.dockerfile.instructions.iter().find(|i| i.line == line);
    (image.dockerfile.file.clone(), line, ins.map(|i| format!("{} {}", i.keyword, i.args)).unwrap_or_default())
}

fn no_command(image: &Image, out: &mut Vec<Finding>) {
    let base = image.base.rsplit('/').next().unwrap_or("").split([':', '@']).next().unwrap_or("");
    if !INTERPRETER_BASES.contains(&base) {
        return;
    }
    let from = image.dockerfile.instructions.iter().rfind(|i| i.keyword == "FROM").map(|i| i.line);
    out.push(
        Finding::new(CheckId::B8, image.dockerfile.file.clone(), from)
            .message(format!(
                "The last stage of `{}` has no CMD or ENTRYPOINT, so the image starts `{base}`'s interactive prompt \
                 instead of the app, and exits at once",
                image.dockerfile.file
            ))
            .fix("End the Dockerfile with the command that starts the app in production, e.g. `CMD [\"node\", \"server.js\"]` or `CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8081\", \"app:app\"]`."),
    );
}

/// True when the repo holds code of the app beyond vibe's generated observability module.
fn has_app_code(repo: &Repo) -> bool {
    repo.sources.iter().any(|f| f.lang.language().is_some() && !f.file.starts_with("observability/"))
}

/// True when the CMD at `line` is the last stage's start command, written on one line, with no
/// ENTRYPOINT before it.
fn one_line_cmd(image: &Image, line: u32) -> bool {
    let ins = &image.dockerfile.instructions;
    let stage = ins.iter().rposition(|i| i.keyword == "FROM").unwrap_or(0);
    let cmd = ins[stage..].iter().find(|i| i.line == line && i.keyword == "CMD");
    cmd.is_some_and(|c| !c.args.contains('\n')) && !ins[stage..].iter().any(|i| i.keyword == "ENTRYPOINT")
}

/// What to run instead of a development server: the fix in words, and the CMD instruction a fix
/// can write where it is one production server's command.
fn production_fix(repo: &Repo, entry: &Entry) -> (String, Option<String>) {
    let Some(cmd) = &entry.command else { return (String::new(), None) };
    let program = cmd.words.first().map(|w| w.rsplit('/').next().unwrap_or(w)).unwrap_or("");
    let file = entry.named.as_ref().and_then(|n| n.found.clone());
    let words = cmd.words.join(" ");
    // `npm run dev` in the Dockerfile while package.json has a production `start`: run that.
    if entry.scripts.first().is_some_and(|s| s.name != "start")
        && let Some((file, json)) = package_json_start(repo)
    {
        return (
            format!(
                "Change the Dockerfile's CMD to `[\"npm\", \"start\"]`, which runs `{json}` (the `start` script of \
                 `{file}`); keep the development server for your machine."
            ),
            Some(r#"CMD ["npm", "start"]"#.to_string()),
        );
    }
    let gunicorn = |module: String| {
        let instruction = format!("CMD [\"gunicorn\", \"{module}\"]");
        (
            format!(
                "serve the app with gunicorn: `{instruction}` (gunicorn listens on 0.0.0.0:$PORT, which the \
                 Deployment sets to {PORT_HTTP}), and add gunicorn to requirements.txt."
            ),
            Some(instruction),
        )
    };
    let text = match program {
        "nodemon" | "node" | "ts-node" | "tsx" => format!(
            "Start the app with plain node: `node {}` (nodemon and --watch belong in a `dev` script for your machine).",
            file.unwrap_or_else(|| "server.js".into())
        ),
        "next" => "Build in the Dockerfile (`RUN npm run build`, where the build script is `next build`) and start \
                   with `next start` (the `start` script): it reads PORT."
            .into(),
        "uvicorn" | "gunicorn" | "hypercorn" => format!("Remove `--reload`: `{}`.", words.replace(" --reload", "")),
        "fastapi" => format!(
            "Use `fastapi run` instead of `fastapi dev`: `{}`.",
            words.replacen("fastapi dev", "fastapi run", 1)
        ),
        _ if words.contains("runserver") => {
            let wsgi = repo
                .sources
                .iter()
                .find(|f| f.file.ends_with("/wsgi.py"))
                .map(|f| f.file.trim_end_matches(".py").replace('/', "."));
            let (text, instruction) = gunicorn(wsgi.clone().unwrap_or_else(|| "project.wsgi".into()));
            return (format!("Django's {text}"), instruction.filter(|_| wsgi.is_some()));
        }
        _ if program.starts_with("python") || program == "flask" => {
            let module = module_of_file(file.as_deref().unwrap_or("app.py"));
            let object = flask_object(entry).unwrap_or("app");
            let (text, instruction) = gunicorn(format!("{module}:{object}"));
            return (format!("Flask's development server is for your machine only; {text}"), instruction);
        }
        _ => "Start the app the way it runs in production: in package.json, keep development servers in a `dev` \
              script and make `start` run the built app (e.g. `node dist/index.js`)."
            .into(),
    };
    (text, None)
}

/// The name of the Flask app object in the entry file (`app = Flask(__name__)` -> `app`).
fn flask_object<'e>(entry: &'e Entry) -> Option<&'e str> {
    let f = entry.root_files().first()?;
    let at = f.text.find("Flask(")?;
    let line = &f.text[f.text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
    let name = line.split('=').next()?.trim();
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

/// The `start` script of the app's package.json, when it starts the app without a development server.
fn package_json_start(repo: &Repo) -> Option<(String, String)> {
    let pkg = repo
        .dependency_files
        .iter()
        .filter(|f| f.file.ends_with("package.json") && !f.file.starts_with("observability/"))
        .min_by_key(|f| f.file.matches('/').count())?;
    let json: serde_json::Value = serde_json::from_str(&pkg.text).ok()?;
    let start = json["scripts"]["start"].as_str()?;
    let cmd = crate::review::model::entry::read_command(start);
    cmd.dev.is_none().then(|| (pkg.file.clone(), start.to_string()))
}

fn module_of_file(file: &str) -> String {
    file.trim_end_matches(".py").trim_end_matches("/__main__").trim_end_matches("/__init__").replace('/', ".")
}

/// `app.run(debug=True)` in the file the image runs directly: Flask's debugger, open to anyone.
fn debug_run(entry: &Entry) -> Option<Finding> {
    let cmd = entry.command.as_ref()?;
    if cmd.server.is_some() {
        return None;
    }
    for f in entry.root_files().iter().filter(|f| f.lang.language() == Some(Language::Python)) {
        let masked = lang::masked(f);
        let b = masked.as_bytes();
        for m in super::listen_sites::run_calls(&masked) {
            let Some((_, args)) = lang::call_args(b, m.1, lang::Dialect::Python) else { continue };
            let debug = args.iter().any(|a| {
                let t = masked[a.0..a.1].replace(' ', "");
                t.starts_with("debug=") && t != "debug=False"
            });
            if debug {
                return Some(debug_finding(f, m.0, &masked));
            }
        }
    }
    None
}

fn debug_finding(f: &TextFile, at: usize, masked: &str) -> Finding {
    let line = super::listen_sites::line_text(masked, at);
    Finding::new(CheckId::B8, f.file.clone(), Some(lang::Lines::new(masked).line(at)))
        .message(format!(
            "The image runs `{}` directly, and `{line}` starts Flask's development server with the debugger on: \
             anyone who reaches the app can run code in it",
            f.file
        ))
        .fix(format!(
            "Serve the app with gunicorn instead: `CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:{PORT_HTTP}\", \"{}:app\"]` \
             in the Dockerfile (add gunicorn to requirements.txt); keep `app.run(...)` for your machine only, \
             without `debug=True`.",
            module_of_file(&f.file)
        ))
}

/// The start command names something that is not in the repo and no build step makes: (message, fix).
fn missing(entry: &Entry) -> Option<(String, String)> {
    if let Some(s) = entry.scripts.last()
        && s.command.is_none()
    {
        return Some((
            format!(
                "The image runs the `{}` script, but `{}` has no such script, so the container exits at once",
                s.name, s.file
            ),
            format!(
                "Add `\"{}\": \"node <your entry file>\"` under `scripts` in `{}` (the file that calls `listen`).",
                s.name, s.file
            ),
        ));
    }
    let named = entry.named.as_ref()?;
    if named.found.is_some() {
        return None;
    }
    let cmd = entry.command.as_ref()?;
    let kind = match &cmd.target {
        Target::PyModule(_) => "module",
        Target::Built(_) => "program",
        _ => "file",
    };
    let compiled = named.written.split('/').next().is_some_and(|d| ["dist", "build", "out"].contains(&d));
    let fix = if compiled {
        format!(
            "Build it in the Dockerfile before the start (`RUN npm run build`, with a `build` script in package.json \
             that writes `{}`), or start the source file instead.",
            named.written
        )
    } else if let Some(guess) = entry.guess.as_ref() {
        let how = match guess.rsplit_once('.').map(|(_, e)| e) {
            Some("py") => format!("[\"python\", \"{guess}\"]"),
            Some("js" | "mjs" | "cjs") => format!("[\"node\", \"{guess}\"]"),
            _ => format!("the command that runs `{guess}`"),
        };
        format!(
            "The app's entry code looks like `{guess}`: change the CMD to `{how}` (paths are relative to the \
             Dockerfile's WORKDIR), or add the missing {kind}."
        )
    } else {
        format!(
            "Point the start command at the app's entry {kind} as it is in the repo (relative to the Dockerfile's WORKDIR), or add it."
        )
    };
    Some((
        format!(
            "The image starts `{}`, but no {kind} `{}` is in the repo or built by the Dockerfile, so the container exits at once",
            cmd.words.join(" "),
            named.written
        ),
        fix,
    ))
}

/// The production server the command names must be a dependency the image installs.
fn server_dependency(repo: &Repo, image: &Image, server: &str, (file, at): (&str, u32), out: &mut Vec<Finding>) {
    let Some((manifests, installed, pin)) = undeclared(repo, image, server) else { return };
    let target = installed.unwrap_or("requirements.txt");
    let mut finding = Finding::new(CheckId::B8, file.to_string(), Some(at))
        .message(format!(
            "The image starts the app with {server}, but no dependency file declares it ({}), so the image has no \
             `{server}` to run and the container exits at once",
            if manifests.is_empty() {
                "there is none".to_string()
            } else {
                manifests.iter().map(|m| format!("`{}`", m.file)).collect::<Vec<_>>().join(", ")
            }
        ))
        .fix(format!("Add `{}` to `{target}`.", pin.unwrap_or(server)));
    if let Some(pin) = pin
        && installed.is_some()
    {
        finding = finding.remedy(Remedy::AddDependency { manifest: target.to_string(), requirement: pin.to_string() });
    }
    out.push(finding);
}

/// The requirement (manifest, pinned line) a fix adds so the image installs `server`, when no
/// dependency file declares it.
fn server_requirement(repo: &Repo, image: &Image, server: &str) -> Option<(String, String)> {
    let (_, installed, pin) = undeclared(repo, image, server)?;
    Some((installed?.to_string(), pin?.to_string()))
}

/// When no Python dependency file declares `server`: the dependency files, the one the
/// Dockerfile installs from, and the server's pinned requirement.
fn undeclared<'r>(
    repo: &'r Repo,
    image: &Image,
    server: &str,
) -> Option<(Vec<&'r TextFile>, Option<&'r str>, Option<&'static str>)> {
    let support = Language::Python.support();
    let manifests: Vec<&TextFile> = repo
        .dependency_files
        .iter()
        .filter(|f| {
            let name = f.file.rsplit('/').next().unwrap_or("");
            support.manifests.contains(&name) && !f.file.starts_with("observability/")
        })
        .collect();
    let declared = manifests.iter().any(|m| {
        let name = m.file.rsplit('/').next().unwrap_or("");
        support.dependencies(name, &m.text).unwrap_or_default().iter().any(|(n, _)| n == server)
    });
    if declared {
        return None;
    }
    let installed = install_file(image, &manifests);
    let pin = SERVER_PINS.iter().find(|(s, _)| *s == server).map(|(_, p)| *p);
    Some((manifests, installed, pin))
}

/// The dependency file the Dockerfile installs from (`pip install -r requirements.txt`, a
/// pyproject), when the repo has it and a fix can add a line to it.
fn install_file<'r>(image: &Image, manifests: &[&'r TextFile]) -> Option<&'r str> {
    for run in &image.runs {
        let words = crate::review::model::entry::shell_words(run);
        if let Some(i) = words.iter().position(|w| w == "-r" || w == "--requirement") {
            let written = words.get(i + 1)?;
            for p in image.repo_paths(written) {
                if let Some(m) = manifests.iter().find(|m| m.file == p) {
                    return Some(m.file.as_str());
                }
            }
        }
    }
    manifests
        .iter()
        .filter(|m| matches!(m.file.rsplit('/').next(), Some("requirements.txt" | "pyproject.toml")))
        .min_by_key(|m| m.file.matches('/').count())
        .map(|m| m.file.as_str())
}

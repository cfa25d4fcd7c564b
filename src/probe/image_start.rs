//! How the image starts the app, read from the Dockerfile that builds it: the last stage's
//! CMD/ENTRYPOINT, WORKDIR and ENV, the repo folder the COPY put in the WORKDIR, and the
//! install steps (pip, npm, go build) of any stage. `vibe probe --app` replays these outside a
//! container.

use crate::repo::{Instruction, parse_dockerfile};
use crate::review::model::entry::image_path as join;
use crate::review::model::entry::stages::{Stage, copy_of, looks_like_folder, running, stages, tidy};

/// What the Dockerfile says about starting the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageStart {
    /// The command, exec form (`["sh", "-c", line]` for the shell form).
    pub argv: Vec<String>,
    /// The line of the CMD (or ENTRYPOINT) that decided it.
    pub line: Option<u32>,
    /// The last stage's WORKDIR (absolute, `/` when none).
    pub workdir: String,
    /// The last stage's ENV, in order.
    pub env: Vec<(String, String)>,
    /// The repo folder the build copies into the WORKDIR (`.` for the whole build context).
    pub app_dir: String,
    /// The install steps found, in Dockerfile order.
    pub installs: Vec<Install>,
}

/// An install step of the Dockerfile that `vibe probe --app --install` replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// `pip install -r FILE` (repo-relative, resolved against the stage's WORKDIR and COPYs).
    PipRequirements(String),
    /// `npm ci` or `npm install`.
    Npm {
        /// True for `npm ci`.
        ci: bool,
    },
    /// `yarn install` / `pnpm install` (with its frozen lockfile): the package manager's name.
    Lockfile(&'static str),
    /// `npm run build` (the project's build script).
    NpmBuild,
    /// `go build ARGS…` (arguments as written).
    GoBuild(Vec<String>),
}

/// Why the Dockerfile cannot tell how the app starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    /// No CMD or ENTRYPOINT in the last stage (or the stages it is built from).
    NoCommand,
    /// A CMD/ENTRYPOINT in exec form that is not a JSON array of strings.
    BadExecForm(u32),
}

/// Reads `text` (a Dockerfile).
pub fn read(text: &str) -> Result<ImageStart, StartError> {
    let instructions = parse_dockerfile(text);
    let stages = stages(&instructions);
    let running = running(&stages).ok_or(StartError::NoCommand)?;
    let form = |ins: Option<&Instruction>| ins.map(|i| Ok::<_, StartError>((i.line, form(i)?))).transpose();
    let (entrypoint, cmd) = (form(running.entrypoint)?, form(running.cmd)?);
    let (argv, line) = match (entrypoint, cmd) {
        (Some((line, Form::Shell(s))), _) => (sh(&s), line),
        (Some((line, Form::Exec(mut e))), Some((_, c))) => {
            e.extend(match c {
                Form::Exec(c) => c,
                Form::Shell(s) => sh(&s),
            });
            (e, line)
        }
        (Some((line, Form::Exec(e))), None) => (e, line),
        (None, Some((line, Form::Exec(c)))) => (c, line),
        (None, Some((line, Form::Shell(s)))) => (sh(&s), line),
        (None, None) => return Err(StartError::NoCommand),
    };
    if argv.is_empty() {
        return Err(StartError::BadExecForm(line));
    }
    let app_dir = app_dir(&stages, &running.workdir);
    let installs = installs(&stages);
    Ok(ImageStart { argv, line: Some(line), workdir: running.workdir, env: running.env, app_dir, installs })
}

impl ImageStart {
    /// The first pip requirements file installed, if any.
    pub fn requirements(&self) -> Option<&str> {
        self.installs.iter().find_map(|i| match i {
            Install::PipRequirements(f) => Some(f.as_str()),
            _ => None,
        })
    }

    /// True when the Dockerfile installs with npm.
    pub fn uses_npm(&self) -> bool {
        self.installs.iter().any(|i| matches!(i, Install::Npm { .. } | Install::Lockfile(_)))
    }

    /// The `go build` arguments, if the Dockerfile builds Go.
    pub fn go_build(&self) -> Option<&[String]> {
        self.installs.iter().find_map(|i| match i {
            Install::GoBuild(a) => Some(a.as_slice()),
            _ => None,
        })
    }
}

enum Form {
    Exec(Vec<String>),
    Shell(String),
}

fn form(ins: &Instruction) -> Result<Form, StartError> {
    let args = ins.args.trim();
    if args.starts_with('[') {
        return serde_json::from_str::<Vec<String>>(args)
            .map(Form::Exec)
            .map_err(|_| StartError::BadExecForm(ins.line));
    }
    Ok(Form::Shell(args.to_string()))
}

fn sh(line: &str) -> Vec<String> {
    vec!["sh".into(), "-c".into(), line.to_string()]
}

/// The repo folder copied into the final WORKDIR: the last `COPY <folder> <workdir>` of any
/// stage (a multi-stage build copies the context in the build stage and the result later);
/// the whole context (`.`) when none names a single folder.
fn app_dir(stages: &[Stage], final_workdir: &str) -> String {
    let mut found = ".".to_string();
    for stage in stages {
        let mut workdir = "/".to_string();
        for ins in &stage.body {
            if ins.keyword == "WORKDIR" {
                workdir = join(&workdir, ins.args.trim());
            }
            if let Some(copy) = copy_of(ins, &workdir)
                && copy.dest == final_workdir
                && let [source] = copy.sources.as_slice()
                && !source.contains('*')
                && looks_like_folder(source)
            {
                let rel = tidy(source);
                found = if rel.is_empty() { ".".into() } else { rel };
            }
        }
    }
    found
}

/// The install steps of every stage, with pip requirements files mapped back to the repo.
fn installs(stages: &[Stage]) -> Vec<Install> {
    let mut out = Vec::new();
    for stage in stages {
        let mut workdir = "/".to_string();
        // Where what was copied so far came from: (container path, repo path).
        let mut copied: Vec<(String, String)> = Vec::new();
        for ins in &stage.body {
            match ins.keyword.as_str() {
                "WORKDIR" => workdir = join(&workdir, ins.args.trim()),
                "COPY" | "ADD" => {
                    copied.extend(copy_of(ins, &workdir).map(|c| c.targets(&workdir)).unwrap_or_default())
                }
                "RUN" => {
                    for command in ins.args.split("&&").flat_map(|c| c.split(';')) {
                        out.extend(install_of(&crate::repo::dockerfile_words(command), &workdir, &copied));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The install a RUN command performs, if it is one vibe replays.
fn install_of(w: &[String], workdir: &str, copied: &[(String, String)]) -> Option<Install> {
    let w: Vec<&str> = w.iter().map(String::as_str).collect();
    let at = |i: usize| w.get(i).copied().unwrap_or("");
    let pip = w.iter().position(|x| *x == "pip" || *x == "pip3" || x.ends_with("/pip") || x.ends_with("/pip3"));
    let pip_module = w.windows(2).position(|p| p == ["-m", "pip"]).map(|i| i + 1);
    if let Some(i) = pip.or(pip_module)
        && at(i + 1) == "install"
    {
        let r = w[i..].iter().position(|x| *x == "-r" || *x == "--requirement")?;
        let file = at(i + r + 1);
        let container = join(workdir, file);
        // The longest copy destination that holds the file tells where it came from.
        let repo = copied
            .iter()
            .rev()
            .filter_map(|(dest, src)| {
                let rest = if container == *dest { Some("") } else { container.strip_prefix(&format!("{dest}/")) }?;
                Some((dest.len(), if rest.is_empty() { src.clone() } else { tidy(&format!("{src}/{rest}")) }))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, p)| p)
            .unwrap_or_else(|| file.to_string());
        return Some(Install::PipRequirements(repo));
    }
    if let Some(npm) = w.iter().position(|x| *x == "npm") {
        return match (at(npm + 1), at(npm + 2)) {
            ("ci", _) => Some(Install::Npm { ci: true }),
            ("install" | "i", next) if next.is_empty() || next.starts_with('-') => Some(Install::Npm { ci: false }),
            ("run" | "run-script", "build") => Some(Install::NpmBuild),
            _ => None,
        };
    }
    for manager in ["yarn", "pnpm"] {
        if let Some(at_pm) = w.iter().position(|x| *x == manager) {
            let next = at(at_pm + 1);
            if next.is_empty() || next == "install" || (next.starts_with('-') && next != "--version") {
                return Some(Install::Lockfile(manager));
            }
        }
    }
    let go = w.iter().position(|x| *x == "go")?;
    (at(go + 1) == "build").then(|| Install::GoBuild(w[go + 2..].iter().map(|s| s.to_string()).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Dockerfile `vibe generate` writes for `runtime` in a folder holding `files`.
    fn generated(runtime: &str, files: &[(&str, &str)]) -> String {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let mut answers: crate::spec::Answers = crate::wizard::blank();
        answers.name = "Shop".into();
        answers.runtime = runtime.into();
        let spec = crate::spec::AppSpec::resolve(answers, crate::platform::Platform::default(), Some("abc1234".into()))
            .unwrap()
            .read_repo(dir.path());
        let plan = crate::generate::Plan::build(&spec, &Default::default()).unwrap();
        plan.files.into_iter().find(|f| f.path == "Dockerfile").unwrap().content
    }

    #[test]
    fn the_generated_python_dockerfile_starts_the_app_object_from_the_whole_context() {
        let flask = "from flask import Flask\napp = Flask(__name__)\n";
        let s = read(&generated("python3.12", &[("app.py", flask), ("requirements.txt", "flask==3.0.3\n")])).unwrap();
        assert_eq!(s.argv, ["gunicorn", "app:app"]);
        assert_eq!(s.workdir, "/app");
        assert_eq!(s.app_dir, ".");
        assert_eq!(s.requirements(), Some("requirements.txt"));
        assert!(s.env.contains(&("PYTHONUNBUFFERED".into(), "1".into())), "{:?}", s.env);
    }

    #[test]
    fn the_generated_node_dockerfile_runs_the_start_scripts_command_after_npm_ci_and_the_build() {
        let package = r#"{"name": "shop", "scripts": {"start": "node server.js", "build": "tsc"}}"#;
        let s =
            read(&generated("node22", &[("package.json", package), ("package-lock.json", "{}"), ("server.js", "")]))
                .unwrap();
        // `node server.js` itself, not `npm start` (npm's banner lines are not JSON logs).
        assert_eq!(s.argv, ["node", "server.js"]);
        assert_eq!(s.app_dir, ".");
        assert_eq!(s.installs, [Install::Npm { ci: true }, Install::NpmBuild]);
        assert!(s.env.contains(&("NODE_ENV".into(), "production".into())));
    }

    #[test]
    fn entrypoint_and_cmd_combine_and_shell_form_runs_through_sh() {
        let s = read("FROM python:3.12\nWORKDIR /srv\nWORKDIR api\nCOPY src/ .\nENTRYPOINT [\"gunicorn\"]\nCMD [\"-b\", \"0.0.0.0:8081\", \"main:app\"]\n").unwrap();
        assert_eq!(s.argv, ["gunicorn", "-b", "0.0.0.0:8081", "main:app"]);
        assert_eq!(s.workdir, "/srv/api");
        assert_eq!(s.app_dir, "src");
        let s = read("FROM node:20\nENV APP=/app\nWORKDIR $APP\nCMD node server.js --port $PORT\n").unwrap();
        assert_eq!(s.argv, ["sh", "-c", "node server.js --port $PORT"]);
        assert_eq!(s.workdir, "/app");
        assert_eq!(s.line, Some(4));
    }

    #[test]
    fn the_last_stage_and_its_parents_decide_and_builder_commands_do_not() {
        let text = "FROM node:20 AS base\nWORKDIR /app\nENV A=1\nCMD [\"node\", \"dev.js\"]\n\
                    FROM base AS build\nCOPY . .\nRUN npm install\n\
                    FROM build\nENV B=\"two words\"\nCMD [\"node\", \"server.js\"]\n";
        let s = read(text).unwrap();
        assert_eq!(s.argv, ["node", "server.js"]);
        assert_eq!(s.env, [("A".to_string(), "1".to_string()), ("B".to_string(), "two words".to_string())]);
        assert_eq!(s.installs, [Install::Npm { ci: false }]);
        // vibe's own yarn image: the frozen lockfile, then the production install.
        let y = read(
            "FROM node:22\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile \\\n    && yarn cache clean\nCMD [\"node\", \"server.js\"]\n",
        )
        .unwrap();
        assert_eq!(y.installs, [Install::Lockfile("yarn")]);
        assert_eq!(read("FROM a AS b\nCMD x\nFROM c\nRUN true\n"), Err(StartError::NoCommand));
        assert_eq!(read("FROM a\nCMD [\"x\", 1]\n"), Err(StartError::BadExecForm(2)));
    }

    #[test]
    fn a_multi_stage_go_build_is_found_with_its_output_and_the_entrypoint() {
        let text = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /out/shop .\n\
                    FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/shop /shop\nENTRYPOINT [\"/shop\"]\n";
        let s = read(text).unwrap();
        assert_eq!(s.argv, ["/shop"]);
        assert_eq!(s.go_build(), Some(&["-trimpath".to_string(), "-o".into(), "/out/shop".into(), ".".into()][..]));
    }

    #[test]
    fn pip_requirements_are_found_where_the_copy_took_them_from() {
        let text = "FROM python:3.12\nWORKDIR /app\nCOPY backend/requirements/prod.txt reqs.txt\n\
                    RUN python -m pip install --no-cache-dir -r reqs.txt\nCOPY backend/ .\nCMD python main.py\n";
        let s = read(text).unwrap();
        assert_eq!(s.requirements(), Some("backend/requirements/prod.txt"));
        assert_eq!(s.app_dir, "backend");
        let s = read("FROM python:3.12\nCOPY . /code\nRUN pip install -r /code/req/base.txt\nCMD x\n").unwrap();
        assert_eq!(s.requirements(), Some("req/base.txt"));
    }

    #[test]
    fn an_entrypoint_keeps_the_cmd_of_its_own_stage() {
        // Docker resets only a CMD inherited from the base; one beside the ENTRYPOINT is its argument.
        let s = read("FROM python:3.12\nCMD [\"app.py\"]\nENTRYPOINT [\"python\"]\n").unwrap();
        assert_eq!(s.argv, ["python", "app.py"]);
    }
}

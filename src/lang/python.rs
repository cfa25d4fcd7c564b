//! Python: what vibe knows of the language.

use super::example::{ExampleApp, ExampleInputs, ExampleStep};
use super::language::ENV_NAME;
use super::pins::{line_of, plural_list};
use super::re;
use super::start::{RepoFiles, Start, line_at};
use super::toml::{toml_entries, toml_strings};
use super::{Dependency, Dialect, Language, LanguageSupport, LogPatterns, Manifest, Neighbours, Unpinned};
use regex::Regex;
use std::sync::LazyLock;

/// How `vibe probe --example` installs and runs the generated example app.
pub const EXAMPLE: ExampleApp = ExampleApp {
    language: Language::Python,
    tools: &[("python3", "Python 3 with venv (Debian: apt-get install python3 python3-venv)")],
    registry: "PyPI",
    installer: "pip, in a venv",
    inputs: ExampleInputs::Files(&["requirements.txt"]),
    install: &[
        ExampleStep::Run { cwd: "{root}", argv: &["python3", "-m", "venv", "{env}/venv"], env: &[] },
        ExampleStep::Run {
            cwd: "{root}",
            argv: &[
                "{env}/venv/bin/python",
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "-r",
                "{obs}/requirements.txt",
            ],
            env: &[],
        },
    ],
    cache_env: &[("PIP_CACHE_DIR", "{build}/pip")],
    run: &["{env}/venv/bin/python", "-m", "observability.example_app"],
    run_cwd: "{root}",
    // Unbuffered, so every log line reaches the probe as it is written.
    run_env: &[("PYTHONUNBUFFERED", "1"), ("PYTHONDONTWRITEBYTECODE", "1")],
};

/// Production servers a start command may name, and the pinned requirement a fix adds when the
/// app's dependency file lacks it (B8).
pub(crate) const SERVER_PINS: &[(&str, &str)] = &[("gunicorn", "gunicorn==27.0.1"), ("uvicorn", "uvicorn==0.55.0")];

/// What vibe knows of Python.
pub(super) static SUPPORT: LanguageSupport = LanguageSupport {
    language: Language::Python,
    source_extensions: &["py"],
    detection_extensions: &["py"],
    dialect: Dialect::Python,
    dialect_suffixes: &[],
    manifests: &["requirements.txt", "pyproject.toml", "Pipfile"],
    name_manifests: &["pyproject.toml"],
    env_read_template: "read it with `os.environ[\"{env}\"]`",
    env_read_pattern: LazyLock::new(|| {
        Regex::new(&format!(
            r#"\benviron\s*\[\s*['"]{ENV_NAME}['"]\s*\]|\benviron\.get\(\s*['"]{ENV_NAME}['"]|\bgetenv\(\s*['"]{ENV_NAME}['"]"#
        ))
        .unwrap()
    }),
    metrics_client: LazyLock::new(|| {
        re(
            r#"(?im)(?:^|["'\s])(prometheus[_-]client|prometheus[_-]fastapi[_-]instrumentator|prometheus[_-]flask[_-]exporter|django[_-]prometheus|starlette[_-]exporter|starlette[_-]prometheus|aioprometheus)\b"#,
        )
    }),
    json_logger: "python-json-logger's JsonFormatter on a StreamHandler(sys.stdout), or structlog with JSONRenderer",
    example_app: &EXAMPLE,
    logs: LogPatterns {
        json_logging: LazyLock::new(|| {
            re(
                r"\bpythonjsonlogger\b|\bjsonlogger\b|\bJsonFormatter\b|\bJSONRenderer\b|\bjson_logging\b|\becs_logging\b|\bserialize\s*=\s*True|\bJSONFormatter\b",
            )
        }),
        // A formatter class of its own, which writes JSON when it calls `json.dumps` (G3).
        custom_json_formatter: Some((
            LazyLock::new(|| re(r"class\s+\w+\(\s*(?:logging\.)?Formatter\s*\)")),
            "json.dumps",
        )),
        plain_logging: LazyLock::new(|| {
            re(r"\blogging\.basicConfig\s*\(|\blogging\.Formatter\s*\(|(?m)^\s*print\s*\(")
        }),
        json_logger_setup: LazyLock::new(|| re(r"\bJsonFormatter\s*\(|\bJSONRenderer\s*\(")),
        file_logging: LazyLock::new(|| {
            re(
                r#"\b(?:Rotating|TimedRotating|Watched)?FileHandler\s*\(|["']logging\.(?:handlers\.)?(?:Rotating|TimedRotating|Watched)?FileHandler["']|\bbasicConfig\s*\([^)]*\bfilename\s*=|\blogger\.add\(\s*["'][^"']+\.log["']"#,
            )
        }),
        print_calls: Some(LazyLock::new(|| re(r"\bprint[ \t]*\("))),
        skeleton_import: LazyLock::new(|| {
            re(r"(?m)^\s*(?:from\s+[\w.]*\b(?:vibe_)?observability\b|import\s+[\w.]*\b(?:vibe_)?observability\b)")
        }),
    },
    dialect_logs: &[],
    pin_rules: &[("requirements.txt", requirements_txt), ("pyproject.toml", pyproject), ("Pipfile", pipfile)],
    read_dependencies: dependencies,
    read_start: start,
};

// ---------------------------------------------------------------------------------------------
// The start command

/// How the app starts: a Django project, else an app object a server imports, else a script.
fn start(repo: &RepoFiles) -> Option<Start> {
    django(repo).or_else(|| app_object(repo)).or_else(|| script(repo))
}

/// A Django project: manage.py and the settings' WSGI_APPLICATION, served by gunicorn.
fn django(repo: &RepoFiles) -> Option<Start> {
    static WSGI: LazyLock<Regex> = LazyLock::new(|| re(r#"(?m)^WSGI_APPLICATION\s*=\s*['"]([\w.]+)\.application['"]"#));
    let (manage, _) =
        repo.ending_with(&["manage.py"]).into_iter().find(|(p, _)| *p == "manage.py" || p.ends_with("/manage.py"))?;
    let dir = manage.strip_suffix("manage.py").unwrap_or("").trim_end_matches('/');
    let (settings, text) =
        repo.ending_with(&[".py"]).into_iter().find(|(p, t)| p.starts_with(dir) && WSGI.is_match(t))?;
    let c = WSGI.captures(text)?;
    let module = c.get(1)?.as_str();
    let mut argv = vec!["gunicorn".to_string()];
    if !dir.is_empty() {
        argv.extend(["--chdir".to_string(), dir.to_string()]);
    }
    argv.push(format!("{module}:application"));
    let line = line_at(text, c.get(0)?.start());
    Some(Start { argv, sure: true, source: format!("{settings}:{line} (Django's WSGI_APPLICATION)") })
}

/// A module-level Flask or FastAPI app object, served by gunicorn or uvicorn. One object is a
/// sure answer; with several, the shallowest file with the usual name is the guess.
fn app_object(repo: &RepoFiles) -> Option<Start> {
    static APP: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?m)^([A-Za-z_]\w*)\s*(?::\s*[\w.]+\s*)?=\s*(?:flask\.|fastapi\.)?(Flask|FastAPI|Quart|Starlette)\s*\(")
    });
    let mut found = Vec::new();
    for (path, text) in repo.ending_with(&[".py"]) {
        for c in APP.captures_iter(text) {
            found.push((
                path,
                text,
                c.get(1).map_or("app", |m| m.as_str()),
                c.get(2).map_or("", |m| m.as_str()),
                c.get(0).map_or(0, |m| m.start()),
            ));
        }
    }
    let sure = found.len() == 1;
    let usual = |p: &str| {
        ["app.py", "main.py", "server.py", "wsgi.py", "asgi.py", "api.py"]
            .iter()
            .any(|n| p == *n || p.ends_with(&format!("/{n}")))
    };
    // Shallowest first (ending_with's order); among those, a usual name wins.
    let best = found.iter().position(|f| usual(f.0)).unwrap_or(0);
    let &(path, text, var, framework, at) = found.get(best)?;
    let (dir, module) = module_of(path, repo);
    let target = format!("{module}:{var}");
    let argv: Vec<String> = if framework == "Flask" {
        // gunicorn binds to 0.0.0.0:$PORT by itself when PORT is set (the image sets it).
        let mut argv = vec!["gunicorn".to_string()];
        if !dir.is_empty() {
            argv.extend(["--chdir".into(), dir]);
        }
        argv.push(target);
        argv
    } else {
        let mut argv = vec!["uvicorn".to_string(), target];
        if !dir.is_empty() {
            argv.extend(["--app-dir".into(), dir]);
        }
        argv.extend(["--host", "0.0.0.0", "--port", "$PORT"].map(String::from));
        argv
    };
    let line = line_at(text, at);
    Some(Start { argv, sure, source: format!("{path}:{line} ({framework} app `{var}`)") })
}

/// A plain script run as `python file.py` (it has `if __name__ == "__main__":`); sure when it is the only one.
fn script(repo: &RepoFiles) -> Option<Start> {
    static MAIN: LazyLock<Regex> = LazyLock::new(|| re(r#"(?m)^if\s+__name__\s*==\s*['"]__main__['"]\s*:"#));
    let scripts: Vec<(&str, &str)> = repo
        .ending_with(&[".py"])
        .into_iter()
        .filter(|(p, t)| !p.ends_with("setup.py") && !p.ends_with("manage.py") && MAIN.is_match(t))
        .collect();
    let usual = |p: &str| ["main.py", "app.py", "server.py", "run.py", "bot.py"].contains(&p);
    let &(path, text) = scripts.iter().find(|(p, _)| usual(p)).or(scripts.first())?;
    let line = MAIN.find(text).map_or(1, |m| line_at(text, m.start()));
    Some(Start {
        argv: vec!["python".into(), path.into()],
        sure: scripts.len() == 1,
        source: format!("{path}:{line} (runs as a script)"),
    })
}

/// The folder to run from and the dotted module of a file: packages (folders with
/// `__init__.py`) are part of the module, the folder above the top package is where it runs.
fn module_of(path: &str, repo: &RepoFiles) -> (String, String) {
    let stem = path.strip_suffix(".py").unwrap_or(path);
    let mut parts: Vec<&str> = stem.split('/').collect();
    let mut module = vec![parts.pop().unwrap_or(stem)];
    while let Some(last) = parts.last() {
        let dir = parts.join("/");
        if !repo.has(&format!("{dir}/__init__.py")) {
            break;
        }
        module.insert(0, last);
        parts.pop();
    }
    (parts.join("/"), module.join("."))
}

// ---------------------------------------------------------------------------------------------
// The pin rule (S4)

/// Lockfiles of the Python package managers.
const PY_LOCKS: &[&str] = &["poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock"];

/// Requirement lines that are not pinned with `==`: (line, package).
pub(crate) fn unpinned_requirements(text: &str) -> Vec<(u32, String)> {
    static NAME: LazyLock<Regex> = LazyLock::new(|| re(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)(\[[^\]]*\])?\s*(.*)$"));
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut start_line = 0u32;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            start_line = i as u32 + 1;
        }
        let line = raw.split(" #").next().unwrap_or(raw);
        let line = if line.trim_start().starts_with('#') { "" } else { line };
        if let Some(cont) = line.trim_end().strip_suffix('\\') {
            logical.push_str(cont);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        let entry = std::mem::take(&mut logical);
        let entry = entry.split(';').next().unwrap_or("").trim();
        if entry.is_empty() || entry.starts_with('-') {
            continue;
        }
        let Some(c) = NAME.captures(entry) else {
            continue;
        };
        let spec = c.get(3).map(|m| m.as_str().trim()).unwrap_or("");
        let version_ok =
            spec.starts_with("===") || (spec.starts_with("==") && !spec.contains('*') && !spec.contains(','));
        let direct = spec.starts_with('@');
        if !(version_ok || direct) {
            out.push((start_line, c[1].to_string()));
        }
    }
    out
}

/// requirements.txt: every requirement at `==`, unless a lockfile sits beside it.
fn requirements_txt(m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
    let dir = m.dir;
    let text = m.text;
    if files.has(dir, PY_LOCKS, false) {
        return None;
    }
    let loose = unpinned_requirements(text);
    let (line, _) = loose.first()?;
    let names: Vec<String> = loose.iter().take(5).map(|(_, n)| format!("`{n}`")).collect();
    let more = if loose.len() > 5 { format!(" and {} more", loose.len() - 5) } else { String::new() };
    Some((
        Some(*line),
        format!("{} not pinned to an exact version with `==`", plural_list(&names, &more)),
        "Pin every package to the exact version you tested with, e.g. `flask==3.0.3`: run \
         `pip freeze > requirements.txt` in the app's virtual environment (or commit a poetry.lock/uv.lock)."
            .into(),
    ))
}

/// pyproject.toml: dependencies at `==` or a lockfile (a pinned requirements.txt beside it counts).
fn pyproject(m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
    let dir = m.dir;
    let text = m.text;
    static DEPS: LazyLock<Regex> = LazyLock::new(|| re(r#"(?ms)^\s*dependencies\s*=\s*\[(.*?)\]\s*$"#));
    static POETRY: LazyLock<Regex> =
        LazyLock::new(|| re(r#"(?ms)^\[tool\.poetry\.dependencies\]\s*\n(.*?)(?:^\[|\z)"#));
    let (line, pinned) = if let Some(c) = DEPS.captures(text) {
        let list = c.get(1).map(|m| m.as_str()).unwrap_or("");
        let items: Vec<&str> =
            list.split(',').map(|s| s.trim().trim_matches(['"', '\''])).filter(|s| !s.is_empty()).collect();
        if items.is_empty() {
            return None;
        }
        (line_of(text, c.get(0)?.as_str().trim_start()), items.iter().all(|i| i.contains("==")))
    } else if let Some(c) = POETRY.captures(text) {
        let body = c.get(1).map(|m| m.as_str()).unwrap_or("");
        if !body.lines().any(|l| l.contains('=') && !l.trim_start().starts_with("python")) {
            return None;
        }
        (line_of(text, "[tool.poetry.dependencies]"), false)
    } else {
        return None;
    };
    if pinned || files.has(dir, PY_LOCKS, false) {
        return None;
    }
    if files.has(dir, &["requirements.txt"], false)
        && files.texts(dir, "requirements.txt").any(|t| unpinned_requirements(t).is_empty())
    {
        return None;
    }
    Some((
        line,
        "pyproject.toml declares dependencies but no lockfile pins them (poetry.lock, uv.lock)".into(),
        "Commit the lockfile of your tool (`poetry lock` -> poetry.lock, `uv lock` -> uv.lock), or pin \
         every dependency with `==`."
            .into(),
    ))
}

/// Pipfile: a Pipfile.lock beside it.
fn pipfile(m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
    let dir = m.dir;
    let text = m.text;
    (!files.has(dir, &["Pipfile.lock"], false)).then(|| {
        (
            line_of(text, "[packages]").or(Some(1)),
            "Pipfile has no Pipfile.lock next to it".into(),
            "Run `pipenv lock` and commit Pipfile.lock; install with `pipenv install --deploy`.".into(),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Dependencies (detection)

/// The dependencies manifest `name` declares, or None when it is not one of this language's.
fn dependencies(name: &str, text: &str) -> Option<Vec<Dependency>> {
    match name {
        "pyproject.toml" => Some(pyproject_deps(text)),
        "Pipfile" => Some(pipfile_deps(text)),
        name if name.ends_with(".txt") && name != "runtime.txt" => Some(requirements_deps(text)),
        _ => None,
    }
}

/// Normalises a Python distribution name the way pip compares them (PEP 503).
pub(crate) fn pep503(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

/// `psycopg[binary]>=3.1 ; python_version>"3.8"` -> ("psycopg", ["binary"]).
pub(crate) fn pep508(req: &str) -> Option<(String, Vec<String>)> {
    static REQ: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?").unwrap());
    let req = req.trim();
    // `-e git+https://...#egg=name`
    if let Some((_, egg)) = req.split_once("#egg=") {
        return Some((pep503(egg.split(['&', ' ']).next()?), Vec::new()));
    }
    if req.starts_with('-') || req.contains("://") {
        return None;
    }
    let c = REQ.captures(req)?;
    let extras =
        c.get(2).map_or(Vec::new(), |e| e.as_str().split(',').map(|s| s.trim().to_ascii_lowercase()).collect());
    Some((pep503(c.get(1)?.as_str()), extras))
}

/// pyproject.toml: PEP 621 lists, optional groups and Poetry tables.
fn pyproject_deps(text: &str) -> Vec<Dependency> {
    let mut out = Vec::new();
    let mut add = |name: String, features: Vec<String>| out.push((name, features));
    for e in toml_entries(text) {
        let pep = e.table == "project" && e.key == "dependencies"
            || e.table == "project.optional-dependencies"
            || e.table == "dependency-groups";
        if pep {
            toml_strings(&e.value).iter().filter_map(|r| pep508(r)).for_each(|(n, x)| add(n, x));
        } else if e.table.starts_with("tool.poetry") && e.table.ends_with("dependencies") && e.key != "python" {
            let extras = toml_strings(&e.value).into_iter().map(|s| s.to_ascii_lowercase()).collect();
            add(pep503(&e.key), extras);
        }
    }
    out
}

/// Pipfile: `[packages]` and `[dev-packages]`.
fn pipfile_deps(text: &str) -> Vec<Dependency> {
    let mut out = Vec::new();
    let mut add = |name: String, features: Vec<String>| out.push((name, features));
    for e in toml_entries(text) {
        if e.table == "packages" || e.table == "dev-packages" {
            let extras = toml_strings(&e.value).into_iter().map(|s| s.to_ascii_lowercase()).collect();
            add(pep503(&e.key), extras);
        }
    }
    out
}

/// A requirements file, line by line.
fn requirements_deps(text: &str) -> Vec<Dependency> {
    let mut out = Vec::new();
    let mut add = |name: String, features: Vec<String>| out.push((name, features));
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("");
        if line.trim_start().starts_with('#') {
            continue;
        }
        if let Some((n, x)) = pep508(line) {
            add(n, x);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_pinning() {
        let req = "# deps\nflask==3.0.3\nrequests>=2\n\ngunicorn\n-r base.txt\nuvicorn[standard]==0.30.1 ; python_version > '3.8'\npkg @ https://x/y.whl\nnumpy==1.*\n";
        let loose: Vec<String> = unpinned_requirements(req).into_iter().map(|(_, n)| n).collect();
        assert_eq!(loose, ["requests", "gunicorn", "numpy"]);
    }
}

#[cfg(test)]
mod start_tests {
    use super::*;

    fn start_of(files: &[(&str, &str)]) -> Option<Start> {
        SUPPORT.start(&RepoFiles::from_pairs(files))
    }

    #[test]
    fn a_flask_app_in_src_server_py_is_served_by_gunicorn_from_its_folder() {
        let server = "from flask import Flask\n\napp = Flask(__name__)\n\n@app.route('/')\ndef index():\n    return 'hi'\n\nif __name__ == '__main__':\n    app.run(port=5000, debug=True)\n";
        let s = start_of(&[("requirements.txt", "flask==3.0.3\n"), ("src/server.py", server)]).unwrap();
        assert_eq!(s.argv, ["gunicorn", "--chdir", "src", "server:app"]);
        assert!(s.sure);
        assert_eq!(s.source, "src/server.py:3 (Flask app `app`)");
    }

    #[test]
    fn a_fastapi_app_in_main_py_is_served_by_uvicorn_on_port_without_reload() {
        let main = "from fastapi import FastAPI\nimport uvicorn\n\napi = FastAPI(title='Shop')\n\nif __name__ == \"__main__\":\n    uvicorn.run('main:api', port=8000, reload=True)\n";
        let s = start_of(&[("main.py", main)]).unwrap();
        assert_eq!(s.argv, ["uvicorn", "main:api", "--host", "0.0.0.0", "--port", "$PORT"]);
        assert!(s.sure);
        // In a package, the module is dotted from the folder above it.
        let s = start_of(&[("app/__init__.py", ""), ("app/main.py", main)]).unwrap();
        assert_eq!(s.argv[1], "app.main:api");
    }

    #[test]
    fn a_django_project_is_served_by_gunicorn_with_its_wsgi_module() {
        let settings = "INSTALLED_APPS = []\nWSGI_APPLICATION = 'mysite.wsgi.application'\n";
        let s = start_of(&[
            ("manage.py", "import os\nif __name__ == '__main__':\n    main()\n"),
            ("mysite/__init__.py", ""),
            ("mysite/settings.py", settings),
            ("mysite/wsgi.py", "application = get_wsgi_application()\n"),
        ])
        .unwrap();
        assert_eq!(s.argv, ["gunicorn", "mysite.wsgi:application"]);
        assert_eq!(s.source, "mysite/settings.py:2 (Django's WSGI_APPLICATION)");
    }

    #[test]
    fn a_plain_script_runs_with_python_and_two_apps_are_a_guess() {
        let bot = "def main():\n    pass\n\nif __name__ == '__main__':\n    main()\n";
        let s = start_of(&[("bot.py", bot)]).unwrap();
        assert_eq!((s.argv.as_slice(), s.sure), (&["python".to_string(), "bot.py".to_string()][..], true));
        let two =
            start_of(&[("admin.py", "admin = Flask(__name__)\n"), ("app.py", "app = Flask(__name__)\n")]).unwrap();
        assert_eq!((two.argv[1].as_str(), two.sure), ("app:app", false));
    }
}

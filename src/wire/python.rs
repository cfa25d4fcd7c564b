//! Python: Flask (`Flask(__name__)`), FastAPI (`FastAPI(`) and Django (its wsgi/asgi module)
//! apps import the module, which sets up JSON logs and the management server; its middleware
//! serves `/metrics`; `app.run(port=5000)` / `uvicorn.run(..., port=8000)` read `PORT`; `print()`
//! and `logging.basicConfig` give way to the module's JSON logger.

use super::{Edits, call, in_code, indent_at, line_end, line_start, port_literal};
use crate::edit::Files;
use crate::lang::{self, Dialect, re};
use crate::repo::{Repo, TextFile};
use regex::Regex;
use std::sync::LazyLock;

/// `app = Flask(__name__)`.
static FLASK: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^[ \t]*(\w+)\s*(?::\s*\w+\s*)?=\s*(?:flask\.)?Flask\s*\("));
/// `app = FastAPI(...)`.
static FASTAPI: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*(\w+)\s*(?::\s*\w+\s*)?=\s*(?:fastapi\.)?FastAPI\s*\("));
/// Django's `application = get_wsgi_application()` / `get_asgi_application()`.
static DJANGO: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^[ \t]*(\w+)\s*=\s*get_(wsgi|asgi)_application\s*\(\s*\)"));
/// Django's settings module, as wsgi.py names it.
static SETTINGS_MODULE: LazyLock<Regex> = LazyLock::new(|| re(r#"DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]"#));
/// A top-level import statement.
static IMPORT: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^(?:import|from)\s+\S"));
/// A `print(` call (not a method, not a definition).
static PRINT: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)(?:^|[^\w.])(print\s*\()"));
/// `logging.basicConfig(...)`: plain-text log lines.
static BASIC_CONFIG: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^[ \t]*logging\.basicConfig\s*\("));
/// `uvicorn.run(`.
static UVICORN_RUN: LazyLock<Regex> = LazyLock::new(|| re(r"\buvicorn\.run\s*\("));

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Framework {
    Flask,
    FastApi,
    DjangoWsgi,
    DjangoAsgi,
}

/// Where this language's app object is.
type AppObject<'a> = super::AppObject<'a, Framework>;

fn find_app<'a>(app: &[&'a TextFile]) -> Option<AppObject<'a>> {
    let py = || app.iter().filter(|f| lang::dialect(f) == Dialect::Python);
    for (pattern, framework) in
        [(&*FLASK, Framework::Flask), (&*FASTAPI, Framework::FastApi), (&*DJANGO, Framework::DjangoWsgi)]
    {
        // The shallowest file first: the app's entry rather than a module that builds a sub-app.
        let mut candidates: Vec<&&TextFile> = py().collect();
        candidates.sort_by_key(|f| f.file.matches('/').count());
        for f in candidates {
            let masked = lang::mask(&f.text, Dialect::Python);
            if let Some(c) = pattern.captures(&masked) {
                let at = c.get(1).map_or(0, |m| m.start());
                let framework = if framework == Framework::DjangoWsgi && &c[2] == "asgi" {
                    Framework::DjangoAsgi
                } else {
                    framework
                };
                return Some(AppObject { file: f, framework, name: c[1].to_string(), at });
            }
        }
    }
    None
}

/// A name for the module not taken in the file.
fn module_name(masked: &str) -> &'static str {
    if re(r"\bobs\b").is_match(masked) { "vibe_obs" } else { "obs" }
}

/// Where a new top-level import goes: after the last top-level import before `before`.
fn import_point(text: &str, masked: &str, before: usize) -> usize {
    let b = masked.as_bytes();
    match IMPORT.find_iter(masked).filter(|m| m.start() < before).last() {
        Some(m) => line_end(text, lang::statement_end(b, m.start(), Dialect::Python).min(text.len().saturating_sub(1))),
        None => 0,
    }
}

/// `print(...)` calls become the module's logger (stderr prints log at error level).
fn switch_print(text: &str, masked: &str, obs: &str, edits: &mut Edits) -> usize {
    let mut n = 0;
    for c in PRINT.captures_iter(masked) {
        let Some(p) = c.get(1) else { continue };
        if !in_code(masked, p.start(), Dialect::Python) {
            continue;
        }
        let Some((close, args)) = call(masked, p.end() - 1, Dialect::Python) else { continue };
        let mut level = "info";
        let mut positional = Vec::new();
        for (s, e) in args {
            let a = text[s..e].trim();
            if a.is_empty() {
                continue;
            }
            match a.split_once('=').map(|(k, v)| (k.trim(), v.trim())) {
                Some((k, v)) if k.chars().all(|c| c.is_alphanumeric() || c == '_') && !v.starts_with('=') => {
                    if k == "file" && v.contains("stderr") {
                        level = "error";
                    }
                }
                _ => positional.push(a),
            }
        }
        let inner = match positional.as_slice() {
            [] => continue,
            [one] => one.to_string(),
            many => format!("\"{}\", {}", vec!["%s"; many.len()].join(" "), many.join(", ")),
        };
        edits.replace(p.start(), close, format!("{obs}.logger.{level}({inner})"));
        n += 1;
    }
    n
}

/// `logging.basicConfig(...)` is removed: the module's setup() sends every record to stdout as JSON.
fn drop_basic_config(text: &str, masked: &str, edits: &mut Edits) {
    for m in BASIC_CONFIG.find_iter(masked) {
        let open = m.end() - 1;
        if let Some((close, _)) = call(masked, open, Dialect::Python) {
            let indent = indent_at(text, m.start());
            let end = line_end(text, close.min(text.len().saturating_sub(1)));
            edits.replace(
                line_start(text, m.start()),
                end,
                format!("{indent}# Log lines: JSON on stdout, from the observability module's setup()\n"),
            );
        }
    }
}

/// A keyword argument of a call: its name, its value's range and the whole argument's range.
type Kwarg = (String, (usize, usize), (usize, usize));

/// The keyword arguments of a call.
fn kwargs(text: &str, args: &[(usize, usize)]) -> Vec<Kwarg> {
    args.iter()
        .filter_map(|&(s, e)| {
            let a = &text[s..e];
            let eq = a.find('=')?;
            let key = a[..eq].trim();
            (!a[eq + 1..].starts_with('=') && key.chars().all(|c| c.is_alphanumeric() || c == '_') && !key.is_empty())
                .then(|| {
                    let v = s + eq + 1;
                    let lead = text[v..e].len() - text[v..e].trim_start().len();
                    (key.to_string(), (v + lead, v + lead + text[v..e].trim().len()), (s, e))
                })
        })
        .collect()
}

/// `app.run(port=5000, debug=True)` and `uvicorn.run(app, port=8000)` serve on the module's
/// `HTTP_PORT` on every interface; the Flask debugger (a remote console) and its reloader go.
fn switch_run(text: &str, masked: &str, obs: &str, app_name: &str, edits: &mut Edits) {
    let app_run = re(&format!(r"\b{}\.run\s*\(", regex::escape(app_name)));
    let runs = app_run.find_iter(masked).map(|m| (m, false)).chain(UVICORN_RUN.find_iter(masked).map(|m| (m, true)));
    for (m, uvicorn) in runs {
        if !in_code(masked, m.start(), Dialect::Python) {
            continue;
        }
        let open = m.end() - 1;
        let Some((close, args)) = call(masked, open, Dialect::Python) else { continue };
        let kw = kwargs(text, &args);
        let get = |k: &str| kw.iter().find(|(n, _, _)| n == k);
        let mut add = Vec::new();
        match get("port") {
            Some((_, v, _)) if port_literal(&text[v.0..v.1]).is_some() => {
                edits.replace(v.0, v.1, format!("{obs}.HTTP_PORT"));
            }
            Some(_) => {}
            None => add.push(format!("port={obs}.HTTP_PORT")),
        }
        if get("host").is_none() {
            add.push("host=\"0.0.0.0\"".to_string());
        }
        if uvicorn && get("log_config").is_none() {
            // uvicorn's own log config would print text lines; None keeps the module's JSON handler.
            add.push("log_config=None".to_string());
        }
        if !uvicorn
            && let Some((_, v, whole)) = get("debug")
            && text[v.0..v.1].trim() == "True"
        {
            // Remove `debug=True` with the comma that separates it.
            let before = text[..whole.0].trim_end();
            let (s, e) = if before.ends_with(',') {
                (before.len() - 1, whole.1)
            } else if text[whole.1..].starts_with(',') {
                (whole.0, whole.1 + 1 + (text[whole.1 + 1..].len() - text[whole.1 + 1..].trim_start().len()))
            } else {
                (whole.0, whole.1)
            };
            edits.replace(s, e, "");
        }
        if !add.is_empty() {
            let inner = text[open + 1..close - 1].trim_end();
            let at = open + 1 + inner.len();
            let sep = if inner.trim().is_empty() || inner.ends_with(',') { "" } else { ", " };
            edits.insert(at, format!("{sep}{}", add.join(", ")));
        }
    }
}

fn import_lines(obs: &str, setup: bool) -> String {
    let mut s = format!(
        "from observability import vibe_observability as {obs}  # metrics, JSON logs, management endpoints (observability/README.md)\n"
    );
    if setup {
        s.push_str(&format!(
            "{obs}.setup()  # JSON log lines on stdout + /readiness, /liveness, /info, /shutdown on MGMT_PORT (8082)\n"
        ));
    }
    s
}

/// Wires the module into the Python app among `app`.
pub(super) fn wire(repo: &Repo, app: &[&TextFile], files: &mut Files) -> Result<(), String> {
    let Some(found) = find_app(app) else {
        let entry = app.first().map_or("the file that creates the app".to_string(), |f| f.file.clone());
        return Err(format!(
            "no Flask, FastAPI or Django app object was found to wire the module into; in {entry}, add \
             `from observability import vibe_observability as obs` and `obs.setup()` after the imports, then wrap \
             the app: `app = obs.MetricsASGIMiddleware(app)` (ASGI) or `app.wsgi_app = obs.MetricsWSGIMiddleware(app.wsgi_app)` (WSGI)"
        ));
    };
    let entry = found.file.file.clone();
    for f in app.iter().filter(|f| lang::dialect(f) == Dialect::Python) {
        let text = files.text(&f.file)?;
        if text != f.text {
            return Err(format!("{} changed since it was reviewed; run `vibe review --fix` again", f.file));
        }
        let masked = lang::mask(&text, Dialect::Python);
        let obs = module_name(&masked);
        let mut edits = Edits::default();
        let is_entry = f.file == entry;
        let prints = switch_print(&text, &masked, obs, &mut edits);
        drop_basic_config(&text, &masked, &mut edits);
        if is_entry {
            let at = import_point(&text, &masked, found.at);
            edits.insert(at, import_lines(obs, true));
            let end = lang::statement_end(masked.as_bytes(), found.at, Dialect::Python);
            let after = line_end(&text, end.min(text.len().saturating_sub(1)));
            let indent = indent_at(&text, found.at);
            let name = &found.name;
            let hook = match found.framework {
                Framework::Flask => format!(
                    "{indent}{name}.wsgi_app = {obs}.MetricsWSGIMiddleware({name}.wsgi_app)  # GET /metrics + request metrics\n"
                ),
                Framework::FastApi => {
                    format!(
                        "{indent}{name}.add_middleware({obs}.MetricsASGIMiddleware)  # GET /metrics + request metrics\n"
                    )
                }
                Framework::DjangoWsgi => {
                    format!("{indent}{name} = {obs}.MetricsWSGIMiddleware({name})  # GET /metrics + request metrics\n")
                }
                Framework::DjangoAsgi => {
                    format!("{indent}{name} = {obs}.MetricsASGIMiddleware({name})  # GET /metrics + request metrics\n")
                }
            };
            if !super::serves_own_metrics(app) {
                edits.insert(after, hook);
            }
            switch_run(&text, &masked, obs, &found.name, &mut edits);
        } else if prints > 0 {
            let at = import_point(&text, &masked, text.len());
            edits.insert(at, import_lines(obs, false));
        }
        super::put_edited(files, &f.file, edits)?;
    }
    if matches!(found.framework, Framework::DjangoWsgi | Framework::DjangoAsgi) {
        django_settings(found.file, files)?;
    }
    if matches!(found.framework, Framework::Flask | Framework::DjangoWsgi) {
        gunicorn_config(repo, files);
    }
    requirements(repo, files)
}

/// Where gunicorn looks for its config by default: the folder it starts in (the repo root, the
/// generated image's WORKDIR).
const GUNICORN_CONF: &str = "gunicorn.conf.py";

/// gunicorn (the WSGI apps' production server) logs before it imports the app: its start-up,
/// worker and shutdown lines are plain text on stderr unless its config gives them the module's
/// JSON format. A config the creator has, or names in a start command, stays as it is.
fn gunicorn_config(repo: &Repo, files: &mut Files) {
    let names_a_config = repo.dockerfiles.iter().flat_map(|d| &d.instructions).any(|i| {
        let words: Vec<&str> = i.args.split(|c: char| c.is_whitespace() || "\"[],".contains(c)).collect();
        let after = words.iter().skip_while(|w| !w.ends_with("gunicorn"));
        matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT")
            && after.skip(1).any(|w| *w == "-c" || *w == "--config" || w.starts_with("--config="))
    });
    if names_a_config || !files.text_or_empty(GUNICORN_CONF).is_empty() {
        return;
    }
    files.put(
        GUNICORN_CONF,
        "# gunicorn reads this file from the folder it starts in (the image's WORKDIR). Written by vibe's\n\
         # wiring fix: gunicorn's own lines (start-up, workers, shutdown) are JSON on stdout like the app's\n\
         # (observability/README.md).\n\
         import os\n\
         import sys\n\
         \n\
         # gunicorn reads its config before it puts its folder on the import path.\n\
         sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n\
         \n\
         from observability import vibe_observability as obs  # noqa: E402\n\
         \n\
         logconfig_dict = obs.gunicorn_logconfig()\n"
            .to_string(),
    );
}

/// Django configures its own text logging unless LOGGING_CONFIG is None: the module's setup()
/// (called from the wsgi module, before Django's setup) is then what logs.
fn django_settings(wsgi: &TextFile, files: &mut Files) -> Result<(), String> {
    let Some(module) = SETTINGS_MODULE.captures(&wsgi.text).map(|c| c[1].to_string()) else {
        return Ok(());
    };
    let path = format!("{}.py", module.replace('.', "/"));
    let text = files.text_or_empty(&path);
    if text.is_empty() || re(r"(?m)^LOGGING(?:_CONFIG)?\s*=").is_match(&text) {
        return Ok(());
    }
    let sep = if text.ends_with('\n') { "" } else { "\n" };
    files.put(
        &path,
        format!("{text}{sep}\n# Logging: JSON lines on stdout, set up by the observability module (wsgi.py/asgi.py)\nLOGGING_CONFIG = None\n"),
    );
    Ok(())
}

/// The package name of a requirements line, normalised (`Flask[async]==3.0` -> `flask`).
fn requirement_name(line: &str) -> Option<String> {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') || t.starts_with('-') {
        return None;
    }
    let end = t.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.')).unwrap_or(t.len());
    Some(t[..end].to_ascii_lowercase().replace('_', "-"))
}

/// The module's requirements (observability/requirements.txt) added to the app's requirements.txt.
fn requirements(repo: &Repo, files: &mut Files) -> Result<(), String> {
    let module = files.text(&format!("{}/requirements.txt", super::OBSERVABILITY_DIR))?;
    let path = repo
        .dependency_files
        .iter()
        .map(|f| f.file.as_str())
        .filter(|p| p.rsplit('/').next() == Some("requirements.txt") && !p.starts_with("observability/"))
        .min_by_key(|p| p.matches('/').count())
        .map(str::to_string);
    let Some(path) = path else {
        return Err(format!(
            "the app has no requirements.txt; add the module's dependencies ({}) to the app's dependency file",
            module.lines().filter(|l| requirement_name(l).is_some()).collect::<Vec<_>>().join(", ")
        ));
    };
    let text = files.text(&path)?;
    let have: Vec<String> = text.lines().filter_map(requirement_name).collect();
    let add: Vec<&str> =
        module.lines().filter(|l| requirement_name(l).is_some_and(|n| !have.contains(&n))).map(str::trim).collect();
    if add.is_empty() {
        return Ok(());
    }
    let sep = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
    files.put(&path, format!("{text}{sep}{}\n", add.join("\n")));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(src: &str, f: impl FnOnce(&str, &str, &mut Edits)) -> String {
        let masked = lang::mask(src, Dialect::Python);
        let mut e = Edits::default();
        f(src, &masked, &mut e);
        e.apply(src)
    }

    #[test]
    fn prints_become_logger_calls() {
        let out = edit(
            "print(f\"Added {n}\")\nprint('a', b, sep='')\nprint('x', file=sys.stderr)\nself.print(1)\n",
            |t, m, e| {
                switch_print(t, m, "obs", e);
            },
        );
        assert_eq!(
            out,
            "obs.logger.info(f\"Added {n}\")\nobs.logger.info(\"%s %s\", 'a', b)\nobs.logger.error('x')\nself.print(1)\n"
        );
    }

    #[test]
    fn run_calls_listen_on_the_platform_port() {
        let run = |src: &str| edit(src, |t, m, e| switch_run(t, m, "obs", "app", e));
        assert_eq!(run("    app.run(port=5000, debug=True)"), "    app.run(port=obs.HTTP_PORT, host=\"0.0.0.0\")");
        assert_eq!(run("app.run(debug=True, port=5000)"), "app.run(port=obs.HTTP_PORT, host=\"0.0.0.0\")");
        assert_eq!(run("app.run()"), "app.run(port=obs.HTTP_PORT, host=\"0.0.0.0\")");
        assert_eq!(
            run("uvicorn.run(app, host=\"0.0.0.0\", port=8000)"),
            "uvicorn.run(app, host=\"0.0.0.0\", port=obs.HTTP_PORT, log_config=None)"
        );
        let env = "app.run(host=\"0.0.0.0\", port=int(os.environ.get(\"PORT\", 5000)))";
        assert_eq!(run(env), env);
    }

    #[test]
    fn requirement_names_are_normalised() {
        assert_eq!(requirement_name("Flask[async]==3.0").as_deref(), Some("flask"));
        assert_eq!(requirement_name("python_json_logger>=2").as_deref(), Some("python-json-logger"));
        assert_eq!(requirement_name("# comment"), None);
        assert_eq!(requirement_name("-r base.txt"), None);
    }
}

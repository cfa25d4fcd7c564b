//! Python: what vibe knows of the language.

use super::language::ENV_NAME;
use super::{Dialect, Language, LanguageSupport};
use crate::contract::{ExampleApp, ExampleInputs, ExampleStep};
use regex::Regex;
use std::sync::LazyLock;

/// Python.
pub struct Support;

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

/// How its code reads an environment variable; group 1 (or the first that matched) is the name.
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"\benviron\s*\[\s*['"]{ENV_NAME}['"]\s*\]|\benviron\.get\(\s*['"]{ENV_NAME}['"]|\bgetenv\(\s*['"]{ENV_NAME}['"]"#
    ))
    .unwrap()
});

impl LanguageSupport for Support {
    fn language(&self) -> Language {
        Language::Python
    }

    fn source_extensions(&self) -> &'static [&'static str] {
        &["py"]
    }

    fn detection_extensions(&self) -> &'static [&'static str] {
        &["py"]
    }

    fn dialect(&self, _file: &str) -> Dialect {
        Dialect::Python
    }

    fn manifests(&self) -> &'static [&'static str] {
        &["requirements.txt", "pyproject.toml", "Pipfile"]
    }

    fn env_read(&self, env: &str) -> String {
        format!("read it with `os.environ[\"{env}\"]`")
    }

    fn env_read_pattern(&self) -> &'static Regex {
        &ENV_READ
    }

    fn json_logger(&self) -> &'static str {
        "python-json-logger's JsonFormatter on a StreamHandler(sys.stdout), or structlog with JSONRenderer"
    }

    fn example_app(&self) -> &'static ExampleApp {
        &EXAMPLE
    }
}

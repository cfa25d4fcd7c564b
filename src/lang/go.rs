//! Go: what vibe knows of the language.

use super::language::ENV_NAME;
use super::{Dialect, Language, LanguageSupport};
use crate::contract::{ExampleApp, ExampleInputs, ExampleStep};
use regex::Regex;
use std::sync::LazyLock;

/// Go.
pub struct Support;

/// How `vibe probe --example` installs and runs the generated example app.
pub const EXAMPLE: ExampleApp = ExampleApp {
    language: Language::Go,
    tools: &[("go", "Go (Debian: apt-get install golang-go)")],
    registry: "the Go module proxy",
    installer: "go mod tidy and go build",
    inputs: ExampleInputs::All,
    install: &[
        ExampleStep::Copy { from: "{obs}", to: "{env}/src" },
        ExampleStep::Run { cwd: "{env}/src", argv: &["go", "mod", "tidy"], env: &[] },
        ExampleStep::Run { cwd: "{env}/src", argv: &["go", "build", "-o", "{env}/bin/example", "./example"], env: &[] },
    ],
    cache_env: &[("GOMODCACHE", "{build}/mod"), ("GOCACHE", "{build}/cache")],
    run: &["{env}/bin/example"],
    run_cwd: "{root}",
    run_env: &[],
};

/// How its code reads an environment variable; group 1 (or the first that matched) is the name.
static ENV_READ: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r#"\bos\.(?:Getenv|LookupEnv)\(\s*"{ENV_NAME}""#)).unwrap());

impl LanguageSupport for Support {
    fn language(&self) -> Language {
        Language::Go
    }

    fn source_extensions(&self) -> &'static [&'static str] {
        &["go"]
    }

    fn detection_extensions(&self) -> &'static [&'static str] {
        &["go"]
    }

    fn dialect(&self, _file: &str) -> Dialect {
        Dialect::Go
    }

    fn manifests(&self) -> &'static [&'static str] {
        &["go.mod"]
    }

    fn env_read(&self, env: &str) -> String {
        format!("read it with `os.Getenv(\"{env}\")`")
    }

    fn env_read_pattern(&self) -> &'static Regex {
        &ENV_READ
    }

    fn json_logger(&self) -> &'static str {
        "`slog.New(slog.NewJSONHandler(os.Stdout, nil))`"
    }

    fn example_app(&self) -> &'static ExampleApp {
        &EXAMPLE
    }
}

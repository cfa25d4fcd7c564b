//! PHP (FPM): what vibe knows of the language.

use super::example::{ExampleApp, ExampleInputs, ExampleStep};
use super::language::ENV_NAME;
use super::pins::line_of;
use super::re;
use super::start::{RepoFiles, Start};
use super::{Dependency, Dialect, Language, LanguageSupport, Manifest, Neighbours, Unpinned};
use regex::Regex;
use std::sync::LazyLock;

/// PHP (FPM).
pub struct Support;

/// How `vibe probe --example` installs and runs the generated example app.
pub const EXAMPLE: ExampleApp = ExampleApp {
    language: Language::Php,
    tools: &[
        ("php", "PHP's command line with APCu (Debian: apt-get install php-cli php-apcu)"),
        ("composer", "Composer (Debian: apt-get install composer)"),
    ],
    registry: "Packagist",
    installer: "composer install",
    inputs: ExampleInputs::All,
    install: &[
        ExampleStep::Copy { from: "{obs}", to: "{env}/src" },
        ExampleStep::Run {
            cwd: "{env}/src",
            argv: &["composer", "install", "--no-interaction", "--no-progress"],
            env: &[],
        },
    ],
    cache_env: &[("COMPOSER_CACHE_DIR", "{build}/composer")],
    // PHP's built-in server: the management script on MGMT_PORT, the app on PORT. The app logs
    // JSON to stdout; the server's own plain-text access lines (stderr) are not the app's logs.
    run: &[
        "sh",
        "-c",
        "php -d apc.enable_cli=1 -S 127.0.0.1:\"$MGMT_PORT\" mgmt.php 2>/dev/null & \
         exec php -d apc.enable_cli=1 -S 127.0.0.1:\"$PORT\" example/index.php 2>/dev/null",
    ],
    run_cwd: "{env}/src",
    run_env: &[],
};

/// How its code reads an environment variable; group 1 (or the first that matched) is the name.
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r#"\b(?:getenv|env)\(\s*['"]{ENV_NAME}['"]|\$_ENV\s*\[\s*['"]{ENV_NAME}['"]\s*\]"#)).unwrap()
});

/// Prometheus client libraries in its dependency manifests.
static METRICS_CLIENT: LazyLock<Regex> = LazyLock::new(|| re(r"prometheus_client_php"));

/// A JSON logger configured in its source (G3).
static JSON_LOGGING: LazyLock<Regex> = LazyLock::new(|| re(r"\bJsonFormatter\b"));
/// A monolog formatter of its own, which writes JSON when it calls `json_encode` (G3).
static CUSTOM_FORMATTER: LazyLock<Regex> =
    LazyLock::new(|| re(r"implements\s+[\w\\]*FormatterInterface\b|extends\s+[\w\\]*NormalizerFormatter\b"));
/// Plain-text logging set up or used as the log (G3).
static PLAIN_LOGGING: LazyLock<Regex> = LazyLock::new(|| re(r"\bLineFormatter\b|\berror_log\s*\("));
/// Where a JSON logger is created, to read the fields it writes (G5).
static JSON_LOGGER_SETUP: LazyLock<Regex> = LazyLock::new(|| re(r"\bnew\s+JsonFormatter\s*\("));
/// Logging to a file (G4).
static FILE_LOGGING: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"\bnew\s+(?:StreamHandler\(\s*(?:["'](?:[^p"'][^"']*|p[^h][^"']*)["']|__DIR__)|RotatingFileHandler\s*\()"#)
});
/// Logging without a logger object (G6).
static PRINT_CALLS: LazyLock<Regex> = LazyLock::new(|| re(r"\berror_log[ \t]*\("));
/// An import of the generated observability module (G1).
static SKELETON_IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?i)\bVibe\\Observability\\|\b(?:require|include)(?:_once)?\b[^;\n]*["'][^"'\n]*/observability/"#)
});

impl LanguageSupport for Support {
    fn language(&self) -> Language {
        Language::Php
    }

    fn source_extensions(&self) -> &'static [&'static str] {
        &["php"]
    }

    fn detection_extensions(&self) -> &'static [&'static str] {
        &["php"]
    }

    fn dialect(&self, _file: &str) -> Dialect {
        Dialect::Php
    }

    fn manifests(&self) -> &'static [&'static str] {
        &["composer.json"]
    }

    fn name_manifests(&self) -> &'static [&'static str] {
        &["composer.json"]
    }

    fn env_read(&self, env: &str) -> String {
        format!("read it with `getenv('{env}')`")
    }

    fn env_read_pattern(&self) -> &'static Regex {
        &ENV_READ
    }

    fn metrics_client(&self) -> &'static Regex {
        &METRICS_CLIENT
    }

    fn json_logger(&self) -> &'static str {
        "monolog with a JsonFormatter on `php://stdout`"
    }

    fn unpinned(&self, m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
        match m.name {
            "composer.json" => composer_json(m, files),
            _ => None,
        }
    }

    fn dependencies(&self, name: &str, text: &str) -> Option<Vec<Dependency>> {
        (name == "composer.json").then(|| composer_json_deps(text))
    }

    fn example_app(&self) -> &'static ExampleApp {
        &EXAMPLE
    }

    fn json_logging(&self, _: Dialect) -> &'static Regex {
        &JSON_LOGGING
    }

    fn custom_json_formatter(&self) -> Option<(&'static Regex, &'static str)> {
        Some((&CUSTOM_FORMATTER, "json_encode"))
    }

    fn plain_logging(&self, _: Dialect) -> &'static Regex {
        &PLAIN_LOGGING
    }

    fn json_logger_setup(&self, _: Dialect) -> &'static Regex {
        &JSON_LOGGER_SETUP
    }

    fn file_logging(&self, _: Dialect) -> &'static Regex {
        &FILE_LOGGING
    }

    fn print_calls(&self, _: Dialect) -> Option<&'static Regex> {
        Some(&PRINT_CALLS)
    }

    fn skeleton_import(&self, _: Dialect) -> &'static Regex {
        &SKELETON_IMPORT
    }

    fn start(&self, repo: &RepoFiles) -> Option<Start> {
        start(repo)
    }
}

// ---------------------------------------------------------------------------------------------
// The start command

/// The front controller: public/index.php (Laravel, Symfony, Slim), else index.php at the top,
/// served by PHP's built-in server from its folder.
fn start(repo: &RepoFiles) -> Option<Start> {
    let (docroot, file) =
        [("public", "public/index.php"), (".", "index.php")].into_iter().find(|(_, f)| repo.has(f))?;
    let argv = ["php", "-S", "0.0.0.0:$PORT", "-t", docroot].map(String::from).to_vec();
    Some(Start { argv, sure: true, source: format!("{file} (the front controller)") })
}

// ---------------------------------------------------------------------------------------------
// The pin rule (S4)

/// composer.json: every package at an exact version, or a composer.lock beside it.
fn composer_json(m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
    let dir = m.dir;
    let text = m.text;
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let req = json.get("require")?.as_object()?;
    // Every package at an exact version (`2.14.1`, `v3.9.0`) counts as pinned, like `==` in Python.
    let exact = |v: &serde_json::Value| {
        v.as_str().is_some_and(|v| v.trim_start_matches('v').chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    let packages: Vec<_> = req.iter().filter(|(k, _)| *k != "php" && !k.starts_with("ext-")).collect();
    if packages.is_empty() || packages.iter().all(|(_, v)| exact(v)) || files.has(dir, &["composer.lock"], false) {
        return None;
    }
    Some((
        line_of(text, "\"require\""),
        "composer.json has no composer.lock next to it".into(),
        "Run `composer update` and commit composer.lock; install with `composer install`.".into(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Dependencies (detection)

/// composer.json: `require` and `require-dev`.
fn composer_json_deps(text: &str) -> Vec<Dependency> {
    let mut out = Vec::new();
    let mut add = |name: String, features: Vec<String>| out.push((name, features));
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else { return Vec::new() };
    let sections: &[&str] = &["require", "require-dev"];
    for s in sections {
        if let Some(map) = v.get(*s).and_then(serde_json::Value::as_object) {
            map.keys().for_each(|k| add(k.to_ascii_lowercase(), Vec::new()));
        }
    }
    out
}

#[cfg(test)]
mod start_tests {
    use super::*;

    #[test]
    fn the_front_controller_s_folder_is_served() {
        let s = Support.start(&RepoFiles::from_pairs(&[("public/index.php", "<?php")])).unwrap();
        assert_eq!(s.argv.join(" "), "php -S 0.0.0.0:$PORT -t public");
        let s = Support.start(&RepoFiles::from_pairs(&[("index.php", "<?php")])).unwrap();
        assert_eq!(s.argv.last().map(String::as_str), Some("."));
        assert!(Support.start(&RepoFiles::from_pairs(&[("src/App.php", "<?php")])).is_none());
    }
}

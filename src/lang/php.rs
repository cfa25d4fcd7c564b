//! PHP (FPM): what vibe knows of the language.

use super::example::{ExampleApp, ExampleInputs, ExampleStep};
use super::language::ENV_NAME;
use super::pins::line_of;
use super::re;
use super::start::{RepoFiles, Start};
use super::{Dependency, Dialect, Language, LanguageSupport, LogPatterns, Manifest, Neighbours, Unpinned};
use regex::Regex;
use std::sync::LazyLock;

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

/// What vibe knows of PHP.
pub(super) static SUPPORT: LanguageSupport = LanguageSupport {
    language: Language::Php,
    source_extensions: &["php"],
    detection_extensions: &["php"],
    dialect: Dialect::Php,
    dialect_suffixes: &[],
    manifests: &["composer.json"],
    name_manifests: &["composer.json"],
    env_read_template: "read it with `getenv('{env}')`",
    env_read_pattern: LazyLock::new(|| {
        Regex::new(&format!(r#"\b(?:getenv|env)\(\s*['"]{ENV_NAME}['"]|\$_ENV\s*\[\s*['"]{ENV_NAME}['"]\s*\]"#))
            .unwrap()
    }),
    metrics_client: LazyLock::new(|| re(r"prometheus_client_php")),
    json_logger: "monolog with a JsonFormatter on `php://stdout`",
    example_app: &EXAMPLE,
    logs: LogPatterns {
        json_logging: LazyLock::new(|| re(r"\bJsonFormatter\b")),
        // A monolog formatter of its own, which writes JSON when it calls `json_encode` (G3).
        custom_json_formatter: Some((
            LazyLock::new(|| re(r"implements\s+[\w\\]*FormatterInterface\b|extends\s+[\w\\]*NormalizerFormatter\b")),
            "json_encode",
        )),
        plain_logging: LazyLock::new(|| re(r"\bLineFormatter\b|\berror_log\s*\(")),
        json_logger_setup: LazyLock::new(|| re(r"\bnew\s+JsonFormatter\s*\(")),
        file_logging: LazyLock::new(|| {
            re(
                r#"\bnew\s+(?:StreamHandler\(\s*(?:["'](?:[^p"'][^"']*|p[^h][^"']*)["']|__DIR__)|RotatingFileHandler\s*\()"#,
            )
        }),
        // Logging without a logger object (G6).
        print_calls: Some(LazyLock::new(|| re(r"\berror_log[ \t]*\("))),
        skeleton_import: LazyLock::new(|| {
            re(r#"(?i)\bVibe\\Observability\\|\b(?:require|include)(?:_once)?\b[^;\n]*["'][^"'\n]*/observability/"#)
        }),
    },
    dialect_logs: &[],
    pin_rules: &[("composer.json", composer_json)],
    read_dependencies: dependencies,
    read_start: start,
};

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

/// The dependencies manifest `name` declares, or None when it is not one of this language's.
fn dependencies(name: &str, text: &str) -> Option<Vec<Dependency>> {
    (name == "composer.json").then(|| composer_json_deps(text))
}

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
        let s = SUPPORT.start(&RepoFiles::from_pairs(&[("public/index.php", "<?php")])).unwrap();
        assert_eq!(s.argv.join(" "), "php -S 0.0.0.0:$PORT -t public");
        let s = SUPPORT.start(&RepoFiles::from_pairs(&[("index.php", "<?php")])).unwrap();
        assert_eq!(s.argv.last().map(String::as_str), Some("."));
        assert!(SUPPORT.start(&RepoFiles::from_pairs(&[("src/App.php", "<?php")])).is_none());
    }
}

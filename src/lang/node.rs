//! JavaScript / TypeScript on Node.js: what vibe knows of the language.

use super::example::{ExampleApp, ExampleInputs, ExampleStep};
use super::language::ENV_NAME;
use super::pins::line_of;
use super::re;
use super::{Dependency, Dialect, Language, LanguageSupport, Manifest, Neighbours, Unpinned};
use regex::Regex;
use std::sync::LazyLock;

/// JavaScript / TypeScript on Node.js.
pub struct Support;

/// How `vibe probe --example` installs and runs the generated example app.
pub const EXAMPLE: ExampleApp = ExampleApp {
    language: Language::Node,
    tools: &[("node", "Node.js (Debian: apt-get install nodejs npm)"), ("npm", "npm (Debian: apt-get install npm)")],
    registry: "the npm registry",
    installer: "npm ci",
    inputs: ExampleInputs::Files(&["package.json", "package-lock.json"]),
    install: &[
        ExampleStep::Copy { from: "{obs}/package.json", to: "{env}/node/package.json" },
        ExampleStep::Copy { from: "{obs}/package-lock.json", to: "{env}/node/package-lock.json" },
        ExampleStep::Run {
            cwd: "{root}",
            argv: &["npm", "ci", "--prefix", "{env}/node", "--no-audit", "--no-fund"],
            env: &[],
        },
    ],
    cache_env: &[("npm_config_cache", "{build}/npm")],
    run: &["node", "{obs}/example-app.js"],
    run_cwd: "{root}",
    run_env: &[("NODE_PATH", "{env}/node/node_modules")],
};

/// How its code reads an environment variable; group 1 (or the first that matched) is the name.
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"\b(?:process|Bun)\.env\.{ENV_NAME}|\bprocess\.env\[\s*['"`]{ENV_NAME}['"`]\s*\]|Deno\.env\.get\(\s*['"]{ENV_NAME}['"]"#
    ))
    .unwrap()
});

/// Prometheus client libraries in its dependency manifests.
static METRICS_CLIENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#""(prom-client|express-prom-bundle|prometheus-api-metrics|@promster/[\w-]+|fastify-metrics|@opentelemetry/exporter-prometheus)"\s*:"#,
    )
});

/// A JSON logger configured in its source (G3).
static JSON_LOGGING: LazyLock<Regex> =
    LazyLock::new(|| re(r#"require\(\s*['"](?:pino|bunyan)['"]\s*\)|from\s+['"](?:pino|bunyan)['"]|format\.json\(\)"#));
/// A winston printf format of its own, which writes JSON when it calls `JSON.stringify` (G3).
static CUSTOM_FORMATTER: LazyLock<Regex> = LazyLock::new(|| re(r"\bformat\.printf\s*\("));
/// Plain-text logging set up or used as the log (G3).
static PLAIN_LOGGING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\bconsole\.(?:log|info|warn|error|debug)\s*\(|\bformat\.(?:simple|cli|prettyPrint)\(\)|\bformat\.printf\s*\(|\bmorgan\s*\(\s*['"`](?:combined|common|dev|short|tiny)"#,
    )
});
/// Where a JSON logger is created, to read the fields it writes (G5).
static JSON_LOGGER_SETUP: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bpino\s*\(|\bwinston\.createLogger\s*\(|\bcreateLogger\s*\("));
/// Logging to a file (G4).
static FILE_LOGGING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\btransports\.File\s*\(|\bnew\s+DailyRotateFile\s*\(|\bpino\.destination\(\s*(?:\{\s*dest\s*:\s*)?["'`][^"'`]+["'`]|target\s*:\s*["']pino/file["'][^}]*destination\s*:\s*["'`][^"'`]+|\bfs\.createWriteStream\(\s*["'`][^"'`]*\.log["'`]|\brotating-file-stream\b|\btype\s*:\s*["'](?:file|dateFile|fileSync)["']"#,
    )
});
/// An import of the generated observability module (G1).
static SKELETON_IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?:\brequire\s*\(\s*|\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["'`][^"'`\n]*\bobservability\b[^"'`\n]*["'`]"#)
});

impl LanguageSupport for Support {
    fn language(&self) -> Language {
        Language::Node
    }

    fn source_extensions(&self) -> &'static [&'static str] {
        &["js", "mjs", "cjs", "ts", "tsx", "jsx", "mts", "cts"]
    }

    fn detection_extensions(&self) -> &'static [&'static str] {
        &["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "vue", "svelte"]
    }

    fn dialect(&self, _file: &str) -> Dialect {
        Dialect::Js
    }

    fn manifests(&self) -> &'static [&'static str] {
        &["package.json"]
    }

    fn name_manifests(&self) -> &'static [&'static str] {
        &["package.json"]
    }

    fn env_read(&self, env: &str) -> String {
        format!("read it with `process.env.{env}`")
    }

    fn env_read_pattern(&self) -> &'static Regex {
        &ENV_READ
    }

    fn metrics_client(&self) -> &'static Regex {
        &METRICS_CLIENT
    }

    fn json_logger(&self) -> &'static str {
        "pino (`const logger = require('pino')()`)"
    }

    fn unpinned(&self, m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
        match m.name {
            "package.json" => package_json(m, files),
            _ => None,
        }
    }

    fn dependencies(&self, name: &str, text: &str) -> Option<Vec<Dependency>> {
        (name == "package.json").then(|| package_json_deps(text))
    }

    fn example_app(&self) -> &'static ExampleApp {
        &EXAMPLE
    }

    fn json_logging(&self, _: Dialect) -> &'static Regex {
        &JSON_LOGGING
    }

    fn custom_json_formatter(&self) -> Option<(&'static Regex, &'static str)> {
        Some((&CUSTOM_FORMATTER, "JSON.stringify"))
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
        // `console` is a logger object: its calls are found as log method calls.
        None
    }

    fn skeleton_import(&self, _: Dialect) -> &'static Regex {
        &SKELETON_IMPORT
    }
}

// ---------------------------------------------------------------------------------------------
// The pin rule (S4)

/// package.json with dependencies: a lockfile beside it or above it (workspaces).
fn package_json(m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
    let dir = m.dir;
    let text = m.text;
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let deps = ["dependencies", "devDependencies", "optionalDependencies"]
        .iter()
        .find(|k| json.get(**k).and_then(|v| v.as_object()).is_some_and(|o| !o.is_empty()))?;
    if files.has(dir, &["package-lock.json", "yarn.lock", "pnpm-lock.yaml", "npm-shrinkwrap.json", "bun.lock"], true) {
        return None;
    }
    Some((
        line_of(text, &format!("\"{deps}\"")),
        "package.json has no lockfile next to it (package-lock.json, yarn.lock or pnpm-lock.yaml)".into(),
        "Run `npm install` and commit the package-lock.json it writes (or yarn.lock / pnpm-lock.yaml), and \
         install with `npm ci` in the Dockerfile."
            .into(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Dependencies (detection)

/// package.json: every dependency section.
fn package_json_deps(text: &str) -> Vec<Dependency> {
    let mut out = Vec::new();
    let mut add = |name: String, features: Vec<String>| out.push((name, features));
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else { return Vec::new() };
    let sections: &[&str] = &["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"];
    for s in sections {
        if let Some(map) = v.get(*s).and_then(serde_json::Value::as_object) {
            map.keys().for_each(|k| add(k.to_ascii_lowercase(), Vec::new()));
        }
    }
    out
}

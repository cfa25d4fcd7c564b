//! JavaScript / TypeScript on Node.js: what vibe knows of the language.

use super::language::ENV_NAME;
use super::{Dialect, Language, LanguageSupport};
use crate::contract::{ExampleApp, ExampleInputs, ExampleStep};
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

    fn env_read(&self, env: &str) -> String {
        format!("read it with `process.env.{env}`")
    }

    fn env_read_pattern(&self) -> &'static Regex {
        &ENV_READ
    }

    fn json_logger(&self) -> &'static str {
        "pino (`const logger = require('pino')()`)"
    }

    fn example_app(&self) -> &'static ExampleApp {
        &EXAMPLE
    }
}

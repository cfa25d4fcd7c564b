//! JavaScript / TypeScript on Node.js: what vibe knows of the language.

use super::example::{ExampleApp, ExampleInputs, ExampleStep};
use super::language::ENV_NAME;
use super::pins::line_of;
use super::re;
use super::start::{RepoFiles, Start, dev_server, parse};
use super::{Dependency, Dialect, Language, LanguageSupport, LogPatterns, Manifest, Neighbours, Unpinned};
use regex::Regex;
use std::sync::LazyLock;

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

/// What vibe knows of JavaScript / TypeScript on Node.js.
pub(super) static SUPPORT: LanguageSupport = LanguageSupport {
    language: Language::Node,
    source_extensions: &["js", "mjs", "cjs", "ts", "tsx", "jsx", "mts", "cts"],
    detection_extensions: &["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "vue", "svelte"],
    dialect: Dialect::Js,
    dialect_suffixes: &[],
    manifests: &["package.json"],
    name_manifests: &["package.json"],
    env_read_template: "read it with `process.env.{env}`",
    env_read_pattern: LazyLock::new(|| {
        Regex::new(&format!(
            r#"\b(?:process|Bun)\.env\.{ENV_NAME}|\bprocess\.env\[\s*['"`]{ENV_NAME}['"`]\s*\]|Deno\.env\.get\(\s*['"]{ENV_NAME}['"]"#
        ))
        .unwrap()
    }),
    metrics_client: LazyLock::new(|| {
        re(
            r#""(prom-client|express-prom-bundle|prometheus-api-metrics|@promster/[\w-]+|fastify-metrics|@opentelemetry/exporter-prometheus)"\s*:"#,
        )
    }),
    json_logger: "pino (`const logger = require('pino')()`)",
    example_app: &EXAMPLE,
    logs: LogPatterns {
        // Fastify's own logger (`Fastify({ logger: true })`) is pino, which writes JSON lines.
        json_logging: LazyLock::new(|| {
            re(
                r#"require\(\s*['"](?:pino|bunyan)['"]\s*\)|from\s+['"](?:pino|bunyan)['"]|format\.json\(\)|[Ff]astify['"]?\)?\s*\(\s*\{[^}]*\blogger\s*:\s*(?:true|\{)"#,
            )
        }),
        // A winston printf format of its own, which writes JSON when it calls `JSON.stringify` (G3).
        custom_json_formatter: Some((LazyLock::new(|| re(r"\bformat\.printf\s*\(")), "JSON.stringify")),
        plain_logging: LazyLock::new(|| {
            re(
                r#"\bconsole\.(?:log|info|warn|error|debug)\s*\(|\bformat\.(?:simple|cli|prettyPrint)\(\)|\bformat\.printf\s*\(|\bmorgan\s*\(\s*['"`](?:combined|common|dev|short|tiny)"#,
            )
        }),
        json_logger_setup: LazyLock::new(|| re(r"\bpino\s*\(|\bwinston\.createLogger\s*\(|\bcreateLogger\s*\(")),
        file_logging: LazyLock::new(|| {
            re(
                r#"\btransports\.File\s*\(|\bnew\s+DailyRotateFile\s*\(|\bpino\.destination\(\s*(?:\{\s*dest\s*:\s*)?["'`][^"'`]+["'`]|target\s*:\s*["']pino/file["'][^}]*destination\s*:\s*["'`][^"'`]+|\bfs\.createWriteStream\(\s*["'`][^"'`]*\.log["'`]|\brotating-file-stream\b|\btype\s*:\s*["'](?:file|dateFile|fileSync)["']"#,
            )
        }),
        // `console` is a logger object: its calls are found as log method calls.
        print_calls: None,
        skeleton_import: LazyLock::new(|| {
            re(
                r#"(?:\brequire\s*\(\s*|\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["'`][^"'`\n]*\bobservability\b[^"'`\n]*["'`]"#,
            )
        }),
    },
    dialect_logs: &[],
    pin_rules: &[("package.json", package_json)],
    read_dependencies: dependencies,
    read_start: start,
};

// ---------------------------------------------------------------------------------------------
// The start command

/// Files a Node server conventionally starts from, in the order `npm start` and creators try them.
const ENTRY_FILES: &[&str] =
    &["server.js", "index.js", "app.js", "main.js", "src/server.js", "src/index.js", "src/app.js", "src/main.js"];

/// package.json's start script unless it is a development server; else Next.js' own server,
/// `main`, the built output of a TypeScript build, or a conventional entry file.
fn start(repo: &RepoFiles) -> Option<Start> {
    let pkg: serde_json::Value = repo.text("package.json").and_then(|t| serde_json::from_str(t).ok())?;
    let script = |name: &str| pkg.get("scripts")?.get(name)?.as_str().map(str::to_string);
    let depends_on = |name: &str| {
        ["dependencies", "devDependencies"].iter().any(|s| pkg.get(*s).and_then(|d| d.get(name)).is_some())
    };
    // A dev server in `start` (or only a `dev` script) still names the file it serves.
    let mut dev_file = None;
    if let Some(text) = script("start") {
        let source = format!("package.json (scripts.start: {text})");
        match parse(&text) {
            Ok(argv) if dev_server(&argv).is_some() => dev_file = served_file(&argv, repo),
            // `node server.js` runs as it is: node gets the signals, not npm.
            Ok(argv) if argv[0] == "node" && argv.len() > 1 => return Some(Start { argv, sure: true, source }),
            // Anything else (next start, a tool from node_modules/.bin, shell syntax) runs the way
            // `npm start` runs it.
            _ => return Some(Start::new(&["npm", "start"], true, source)),
        }
    }
    if dev_file.is_none()
        && let Some(text) = script("dev")
        && let Ok(argv) = parse(&text)
    {
        dev_file = served_file(&argv, repo);
    }
    if depends_on("next") {
        return Some(Start::new(&["node_modules/.bin/next", "start"], true, "package.json (the next dependency)"));
    }
    let unsure = script("start").is_some() || script("dev").is_some();
    let has_build = script("build").is_some();
    if let Some(main) = pkg.get("main").and_then(|m| m.as_str()) {
        let main = main.trim_start_matches("./");
        if repo.has(main) || (has_build && main.ends_with(".js")) {
            return Some(Start {
                argv: vec!["node".into(), main.into()],
                sure: !unsure,
                source: format!("package.json (main: {main})"),
            });
        }
    }
    if let Some(file) = dev_file {
        let source = "package.json (the file its development server serves)";
        return Some(Start { argv: vec!["node".into(), file], sure: false, source: source.into() });
    }
    if has_build && let Some(built) = typescript_output(repo) {
        return Some(Start { argv: vec!["node".into(), built], sure: false, source: "tsconfig.json (outDir)".into() });
    }
    let file = ENTRY_FILES.iter().find(|f| repo.has(f))?;
    let listens = repo.text(file).is_some_and(|t| t.contains(".listen("));
    Some(Start { argv: vec!["node".into(), file.to_string()], sure: listens && !unsure, source: file.to_string() })
}

/// The JavaScript file a development command serves (`nodemon server.js` -> server.js), if it exists.
fn served_file(argv: &[String], repo: &RepoFiles) -> Option<String> {
    argv.iter()
        .skip(1)
        .map(|w| w.trim_start_matches("./"))
        .find(|w| [".js", ".mjs", ".cjs"].iter().any(|e| w.ends_with(e)) && repo.has(w))
        .map(str::to_string)
}

/// Where a TypeScript build writes the entry file: tsconfig's outDir with src/index.ts (or
/// server.ts, main.ts, app.ts) as .js.
fn typescript_output(repo: &RepoFiles) -> Option<String> {
    static OUT_DIR: LazyLock<Regex> = LazyLock::new(|| re(r#""outDir"\s*:\s*"([^"]+)""#));
    let out = OUT_DIR
        .captures(repo.text("tsconfig.json")?)?
        .get(1)?
        .as_str()
        .trim_start_matches("./")
        .trim_end_matches('/')
        .to_string();
    let root_dir = ["src/", ""];
    for dir in root_dir {
        for stem in ["index", "server", "main", "app"] {
            if repo.has(&format!("{dir}{stem}.ts")) {
                return Some(format!("{out}/{stem}.js"));
            }
        }
    }
    None
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

/// The dependencies manifest `name` declares, or None when it is not one of this language's.
fn dependencies(name: &str, text: &str) -> Option<Vec<Dependency>> {
    (name == "package.json").then(|| package_json_deps(text))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn start_of(files: &[(&str, &str)]) -> Option<Start> {
        start(&RepoFiles::from_pairs(files))
    }

    #[test]
    fn an_express_app_listening_on_a_hard_coded_port_starts_from_its_file() {
        let server = "const express = require('express');\nconst app = express();\napp.get('/', (q, r) => r.send('hi'));\napp.listen(3000);\n";
        let s = start_of(&[
            ("package.json", r#"{"name":"shop","dependencies":{"express":"^4.19.2"}}"#),
            ("server.js", server),
        ])
        .unwrap();
        assert_eq!(s.argv, ["node", "server.js"]);
        assert!(s.sure, "{s:?}");
        // With a start script, the script says it.
        let pkg = r#"{"scripts":{"start":"node src/app.js"},"dependencies":{"express":"4.19.2"}}"#;
        let s = start_of(&[("package.json", pkg), ("src/app.js", server)]).unwrap();
        assert_eq!((s.argv.as_slice(), s.sure), (&["node".to_string(), "src/app.js".to_string()][..], true));
        assert_eq!(s.source, "package.json (scripts.start: node src/app.js)");
    }

    #[test]
    fn a_nodemon_only_package_json_starts_the_file_nodemon_serves_with_node_and_is_unsure() {
        let pkg = r#"{"name":"api","scripts":{"dev":"nodemon index.js"},"dependencies":{"express":"4.19.2"}}"#;
        let s = start_of(&[("package.json", pkg), ("index.js", "require('express')().listen(3000)\n")]).unwrap();
        assert_eq!(s.argv, ["node", "index.js"]);
        assert!(!s.sure, "a dev-only package.json is a guess the wizard asks about: {s:?}");
        // A dev server in `start` is never the command either.
        let pkg = r#"{"main":"app.js","scripts":{"start":"nodemon app.js"}}"#;
        let s = start_of(&[("package.json", pkg), ("app.js", "")]).unwrap();
        assert_eq!((s.argv.as_slice(), s.sure), (&["node".to_string(), "app.js".to_string()][..], false));
    }

    #[test]
    fn next_js_starts_with_next_start() {
        let pkg = r#"{"scripts":{"dev":"next dev","build":"next build","start":"next start"},"dependencies":{"next":"14.2.3","react":"18.3.1"}}"#;
        let s = start_of(&[("package.json", pkg)]).unwrap();
        assert_eq!(s.argv, ["npm", "start"]);
        assert!(s.sure);
        // Only `next dev` in the scripts: Next's own production server.
        let pkg = r#"{"scripts":{"dev":"next dev"},"dependencies":{"next":"14.2.3"}}"#;
        assert_eq!(start_of(&[("package.json", pkg)]).unwrap().argv, ["node_modules/.bin/next", "start"]);
    }

    #[test]
    fn typescript_with_a_build_script_runs_node_on_the_built_output() {
        let pkg =
            r#"{"scripts":{"build":"tsc","dev":"ts-node-dev src/index.ts"},"devDependencies":{"typescript":"5.4.5"}}"#;
        let tsconfig = r#"{"compilerOptions":{"outDir":"./dist","rootDir":"src"}}"#;
        let s = start_of(&[("package.json", pkg), ("tsconfig.json", tsconfig), ("src/index.ts", "")]).unwrap();
        assert_eq!(s.argv, ["node", "dist/index.js"]);
    }
}

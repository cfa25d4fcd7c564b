//! Rust: what vibe knows of the language.

use super::example::{ExampleApp, ExampleInputs, ExampleStep};
use super::language::ENV_NAME;
use super::re;
use super::start::{RepoFiles, Start};
use super::toml::toml_get;
use super::toml::{toml_entries, toml_strings};
use super::{Dependency, Dialect, Language, LanguageSupport, LogPatterns, Manifest, Neighbours, Unpinned};
use regex::Regex;
use std::sync::LazyLock;

/// How `vibe probe --example` installs and runs the generated example app.
pub const EXAMPLE: ExampleApp = ExampleApp {
    language: Language::Rust,
    tools: &[("cargo", "Rust's cargo (rustup, or Debian: apt-get install cargo)")],
    registry: "the Rust package registry",
    installer: "cargo build",
    inputs: ExampleInputs::All,
    install: &[
        // Built from a copy, so cargo's Cargo.lock and target/ stay out of the repo.
        ExampleStep::Copy { from: "{obs}", to: "{env}/src" },
        // A workspace of its own: otherwise cargo takes the app's Cargo.toml above (the copy is
        // inside the repo) for its workspace root and refuses to build.
        ExampleStep::Append { to: "{env}/src/Cargo.toml", text: "\n[workspace]\n" },
        ExampleStep::Run {
            cwd: "{env}/src",
            argv: &["cargo", "build", "--example", "hello"],
            env: &[("CARGO_TARGET_DIR", "{build}/target")],
        },
        ExampleStep::Copy { from: "{build}/target/debug/examples/hello", to: "{env}/bin/hello" },
    ],
    cache_env: &[],
    run: &["{env}/bin/hello"],
    run_cwd: "{root}",
    run_env: &[],
};

/// What vibe knows of Rust.
pub(super) static SUPPORT: LanguageSupport = LanguageSupport {
    language: Language::Rust,
    source_extensions: &["rs"],
    detection_extensions: &["rs"],
    dialect: Dialect::Rust,
    dialect_suffixes: &[],
    manifests: &["Cargo.toml"],
    name_manifests: &["Cargo.toml"],
    env_read_template: "read it with `std::env::var(\"{env}\")`",
    env_read_pattern: LazyLock::new(|| {
        Regex::new(&format!(r#"\benv::var(?:_os)?\(\s*"{ENV_NAME}"|\bdotenvy?::var\(\s*"{ENV_NAME}""#)).unwrap()
    }),
    metrics_client: LazyLock::new(|| {
        re(
            r"(?m)^\s*(?:\[dependencies\.)?(prometheus|prometheus-client|metrics-exporter-prometheus|axum-prometheus|actix-web-prom|autometrics)\s*[=\]]",
        )
    }),
    json_logger: "tracing-subscriber with `.json()`",
    example_app: &EXAMPLE,
    logs: LogPatterns {
        json_logging: LazyLock::new(|| {
            re(r"\.json\(\)|\bjson_subscriber\b|\bslog_json\b|\btracing_bunyan_formatter\b")
        }),
        // A tracing event formatter of its own, which writes JSON when it uses `serde_json` (G3).
        custom_json_formatter: Some((LazyLock::new(|| re(r"\bimpl\b[^{]*\bFormatEvent\b")), "serde_json")),
        plain_logging: LazyLock::new(|| re(r"\b(?:e?println)!\s*\(|\benv_logger::(?:init|Builder)|\bsimple_logger\b")),
        json_logger_setup: LazyLock::new(|| re(r"\.json\(\)")),
        file_logging: LazyLock::new(|| {
            re(r"\btracing_appender::rolling\b|\bRollingFileAppender\b|\blog_to_file\b|\bFileAppender::builder\b")
        }),
        // Printing and logging macros, which take no logger object (G6).
        print_calls: Some(LazyLock::new(|| {
            re(r"\b(?:(?:tracing|log)::)?(?:trace|debug|info|warn|error|println|eprintln|print|eprint)![ \t]*\(")
        })),
        skeleton_import: LazyLock::new(|| {
            re(r"\bvibe_observability::|\buse\s+vibe_observability\b|\bmod\s+observability\b")
        }),
    },
    dialect_logs: &[],
    pin_rules: &[("Cargo.toml", cargo_toml)],
    read_dependencies: dependencies,
    read_start: start,
};

// ---------------------------------------------------------------------------------------------
// The start command

/// The binary Cargo.toml builds: its single `[[bin]]`, else the package's own (src/main.rs).
/// Sure when there is one.
fn start(repo: &RepoFiles) -> Option<Start> {
    let entries = toml_entries(repo.text("Cargo.toml")?);
    let bins: Vec<String> = entries
        .iter()
        .filter(|e| e.table == "bin" && e.key == "name")
        .filter_map(|e| super::toml::toml_str(&e.value))
        .collect();
    let mut names = bins;
    if let Some(package) =
        toml_get(&entries, "package", "name").filter(|p| repo.has("src/main.rs") && !names.contains(p))
    {
        names.push(package);
    }
    let name = names.first()?.clone();
    let sure = names.len() == 1;
    let argv = ["cargo", "run", "--release", "--bin", &name].map(String::from).to_vec();
    Some(Start { argv, sure, source: format!("Cargo.toml (binary {name})") })
}

// ---------------------------------------------------------------------------------------------
// The pin rule (S4)

/// Cargo.toml: every dependency at `=x.y.z`, or a Cargo.lock beside it or above it (workspaces).
fn cargo_toml(m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
    let dir = m.dir;
    let text = m.text;
    static SECTION: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?m)^\[(?:workspace\.)?(?:dev-|build-)?dependencies\]\s*\n\s*[A-Za-z0-9_\-]+\s*="));
    let m = SECTION.find(text)?;
    // Every dependency pinned with `=x.y.z` counts as pinned, like `==` in Python.
    static DEP: LazyLock<Regex> =
        LazyLock::new(|| re(r#"(?m)^\s*[A-Za-z0-9_\-]+\s*=\s*(?:"([^"]*)"|\{[^}\n]*?version\s*=\s*"([^"]*)"|\{)"#));
    let mut in_deps = false;
    let mut all_exact = true;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_deps = t.trim_matches(['[', ']']).ends_with("dependencies");
        } else if in_deps && let Some(c) = DEP.captures(line) {
            all_exact &= c.get(1).or(c.get(2)).is_some_and(|v| v.as_str().starts_with('='));
        }
    }
    (!all_exact && !files.has(dir, &["Cargo.lock"], true)).then(|| {
        (
            Some(text[..m.start()].matches('\n').count() as u32 + 1),
            "Cargo.toml has no Cargo.lock next to it".into(),
            "Run `cargo generate-lockfile` (or any build) and commit Cargo.lock; build with `--locked`.".into(),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Dependencies (detection)

/// The dependencies manifest `name` declares, or None when it is not one of this language's.
fn dependencies(name: &str, text: &str) -> Option<Vec<Dependency>> {
    (name == "Cargo.toml").then(|| cargo_deps(text))
}

/// Cargo.toml: every dependency table, with the features asked for.
fn cargo_deps(text: &str) -> Vec<Dependency> {
    let mut out = Vec::new();
    let mut add = |name: String, features: Vec<String>| out.push((name, features));
    for e in toml_entries(text) {
        let is_deps = |t: &str| {
            matches!(t, "dependencies" | "dev-dependencies" | "build-dependencies" | "workspace.dependencies")
                || t.starts_with("target.") && t.ends_with("dependencies")
        };
        if is_deps(&e.table) {
            let features = toml_strings(&e.value).into_iter().map(|s| s.to_ascii_lowercase()).collect();
            add(e.key.to_ascii_lowercase(), features);
        } else if let Some((table, name)) = e.table.rsplit_once('.') {
            // [dependencies.sqlx] features = ["postgres"]
            if is_deps(table) && e.key == "features" {
                let features = toml_strings(&e.value).into_iter().map(|s| s.to_ascii_lowercase()).collect();
                add(name.to_ascii_lowercase(), features);
            } else if is_deps(table) {
                add(name.to_ascii_lowercase(), Vec::new());
            }
        }
    }
    out
}

#[cfg(test)]
mod start_tests {
    use super::*;

    #[test]
    fn the_binary_is_the_one_cargo_toml_names() {
        let cargo = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\n";
        let s =
            SUPPORT.start(&RepoFiles::from_pairs(&[("Cargo.toml", cargo), ("src/main.rs", "fn main() {}")])).unwrap();
        assert_eq!((s.argv.join(" "), s.sure), ("cargo run --release --bin shop".to_string(), true));
        let two = format!("{cargo}\n[[bin]]\nname = \"server\"\npath = \"src/bin/server.rs\"\n");
        let s = SUPPORT.start(&RepoFiles::from_pairs(&[("Cargo.toml", &two), ("src/main.rs", "")])).unwrap();
        assert_eq!((s.argv[4].as_str(), s.sure), ("server", false));
    }
}

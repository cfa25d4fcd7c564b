//! Go: what vibe knows of the language.

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
    language: Language::Go,
    tools: &[("go", "Go (Debian: apt-get install golang-go)")],
    registry: "the Go standard library (the module needs no download)",
    installer: "go build",
    inputs: ExampleInputs::All,
    install: &[
        ExampleStep::Copy { from: "{obs}", to: "{env}/src" },
        // The module uses the standard library only: nothing is downloaded, so no proxy is asked.
        ExampleStep::Run {
            cwd: "{env}/src",
            argv: &["go", "build", "-o", "{env}/bin/example", "./example"],
            env: &[("GOFLAGS", "-mod=mod"), ("GOPROXY", "off"), ("GOTOOLCHAIN", "local")],
        },
    ],
    cache_env: &[("GOMODCACHE", "{build}/mod"), ("GOCACHE", "{build}/cache")],
    run: &["{env}/bin/example"],
    run_cwd: "{root}",
    run_env: &[],
};

/// What vibe knows of Go.
pub(super) static SUPPORT: LanguageSupport = LanguageSupport {
    language: Language::Go,
    source_extensions: &["go"],
    detection_extensions: &["go"],
    dialect: Dialect::Go,
    dialect_suffixes: &[],
    manifests: &["go.mod"],
    name_manifests: &["go.mod"],
    env_read_template: "read it with `os.Getenv(\"{env}\")`",
    env_read_pattern: LazyLock::new(|| Regex::new(&format!(r#"\bos\.(?:Getenv|LookupEnv)\(\s*"{ENV_NAME}""#)).unwrap()),
    metrics_client: LazyLock::new(|| re(r"github\.com/(prometheus/client_golang|VictoriaMetrics/metrics)\b")),
    json_logger: "`slog.New(slog.NewJSONHandler(os.Stdout, nil))`",
    example_app: &EXAMPLE,
    logs: LogPatterns {
        json_logging: LazyLock::new(|| {
            re(
                r"\bslog\.NewJSONHandler\b|\bzap\.NewProduction|\bzapcore\.NewJSONEncoder\b|github\.com/rs/zerolog|\bJSONFormatter\b|\bjson\.NewEncoder\(\s*os\.Stdout\s*\)",
            )
        }),
        // A slog handler of its own, which writes JSON when it calls `json.Marshal` (G3).
        custom_json_formatter: Some((LazyLock::new(|| re(r"\bslog\.Handler\b")), "json.Marshal")),
        plain_logging: LazyLock::new(|| {
            re(r"\blog\.(?:Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln)\s*\(|\bTextFormatter\b")
        }),
        json_logger_setup: LazyLock::new(|| {
            re(r"\bzap\.NewProduction\w*\s*\(|\bzapcore\.NewJSONEncoder\s*\(|\bzerolog\.New\s*\(")
        }),
        file_logging: LazyLock::new(|| re(r#"\blumberjack\.Logger\s*\{|\bos\.(?:OpenFile|Create)\(\s*"[^"]*\.log""#)),
        print_calls: Some(LazyLock::new(|| re(r"\bfmt\.(?:Print|Printf|Println)[ \t]*\("))),
        skeleton_import: LazyLock::new(|| re(r#""[^"\n]*/observability""#)),
    },
    dialect_logs: &[],
    pin_rules: &[("go.mod", go_mod)],
    read_dependencies: dependencies,
    read_start: start,
};

// ---------------------------------------------------------------------------------------------
// The start command

/// The main package: the folder whose Go files say `package main` and define `func main()`, the
/// repo's root first, then ./cmd/<name>. Sure when there is one.
fn start(repo: &RepoFiles) -> Option<Start> {
    static MAIN: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^package\s+main\b[\s\S]*^func\s+main\s*\(\s*\)"));
    let mut dirs: Vec<String> = Vec::new();
    for (path, text) in repo.ending_with(&[".go"]) {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        if !path.ends_with("_test.go")
            && !dir.starts_with("observability")
            && MAIN.is_match(text)
            && !dirs.contains(&dir)
        {
            dirs.push(dir);
        }
    }
    let best = dirs
        .iter()
        .position(String::is_empty)
        .or_else(|| dirs.iter().position(|d| d.starts_with("cmd/")))
        .or((!dirs.is_empty()).then_some(0))?;
    let dir = &dirs[best];
    let package = if dir.is_empty() { ".".to_string() } else { format!("./{dir}") };
    let source = format!("{}/ (package main with func main)", if dir.is_empty() { "." } else { dir });
    Some(Start { argv: vec!["go".into(), "run".into(), package], sure: dirs.len() == 1, source })
}

// ---------------------------------------------------------------------------------------------
// The pin rule (S4)

/// go.mod: exact versions, or a go.sum beside it.
fn go_mod(m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
    let dir = m.dir;
    let text = m.text;
    let line = line_of(text, "\nrequire").map(|l| l + 1).or_else(|| text.starts_with("require").then_some(1))?;
    // Go's minimal version selection builds the same graph from go.mod's exact versions
    // alone (go.sum adds checksums), so a go.mod whose every requirement is an exact
    // version is pinned, like `==` in requirements.txt.
    static REQUIRE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*(?:require\s+)?[\w.\-/]+\s+(v\S+)"));
    static EXACT: LazyLock<Regex> = LazyLock::new(|| re(r"^v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.\-+]*)?$"));
    let all_exact = REQUIRE.captures_iter(text).all(|c| EXACT.is_match(&c[1]));
    (!all_exact && !files.has(dir, &["go.sum"], false)).then(|| {
        (
            Some(line),
            "go.mod requires modules but there is no go.sum next to it".into(),
            "Run `go mod tidy` and commit the go.sum it writes.".into(),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Dependencies (detection)

/// The dependencies manifest `name` declares, or None when it is not one of this language's.
fn dependencies(name: &str, text: &str) -> Option<Vec<Dependency>> {
    (name == "go.mod").then(|| go_mod_deps(text))
}

/// go.mod: the required modules.
fn go_mod_deps(text: &str) -> Vec<Dependency> {
    let mut out = Vec::new();
    let mut add = |name: String, features: Vec<String>| out.push((name, features));
    let mut in_block = false;
    for line in text.lines() {
        let t = line.split("//").next().unwrap_or("").trim();
        if t.starts_with("require (") || t == "require(" {
            in_block = true;
            continue;
        }
        if in_block && t.starts_with(')') {
            in_block = false;
            continue;
        }
        let module = if in_block {
            t.split_whitespace().next()
        } else {
            t.strip_prefix("require ").and_then(|r| r.split_whitespace().next())
        };
        if let Some(module) = module {
            add(module.to_string(), Vec::new());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_package_is_the_root_or_the_one_under_cmd() {
        let main = "package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.ListenAndServe(\":8080\", nil)\n}\n";
        let s = SUPPORT.start(&RepoFiles::from_pairs(&[("go.mod", "module shop\n"), ("main.go", main)])).unwrap();
        assert_eq!((s.argv.join(" "), s.sure), ("go run .".to_string(), true));
        let s = SUPPORT
            .start(&RepoFiles::from_pairs(&[("cmd/server/main.go", main), ("internal/db/db.go", "package db\n")]))
            .unwrap();
        assert_eq!(s.argv.join(" "), "go run ./cmd/server");
        let s = SUPPORT
            .start(&RepoFiles::from_pairs(&[("cmd/server/main.go", main), ("cmd/migrate/main.go", main)]))
            .unwrap();
        assert!(!s.sure, "two main packages are a guess: {s:?}");
    }
}

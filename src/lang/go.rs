//! Go: what vibe knows of the language.

use super::example::{ExampleApp, ExampleInputs, ExampleStep};
use super::language::ENV_NAME;
use super::pins::line_of;
use super::re;
use super::start::{RepoFiles, Start};
use super::{Dependency, Dialect, Language, LanguageSupport, Manifest, Neighbours, Unpinned};
use regex::Regex;
use std::sync::LazyLock;

/// Go.
pub struct Support;

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

/// How its code reads an environment variable; group 1 (or the first that matched) is the name.
static ENV_READ: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r#"\bos\.(?:Getenv|LookupEnv)\(\s*"{ENV_NAME}""#)).unwrap());

/// Prometheus client libraries in its dependency manifests.
static METRICS_CLIENT: LazyLock<Regex> =
    LazyLock::new(|| re(r"github\.com/(prometheus/client_golang|VictoriaMetrics/metrics)\b"));

/// A JSON logger configured in its source (G3).
static JSON_LOGGING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bslog\.NewJSONHandler\b|\bzap\.NewProduction|\bzapcore\.NewJSONEncoder\b|github\.com/rs/zerolog|\bJSONFormatter\b|\bjson\.NewEncoder\(\s*os\.Stdout\s*\)",
    )
});
/// A slog handler of its own, which writes JSON when it calls `json.Marshal` (G3).
static CUSTOM_FORMATTER: LazyLock<Regex> = LazyLock::new(|| re(r"\bslog\.Handler\b"));
/// Plain-text logging set up or used as the log (G3).
static PLAIN_LOGGING: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\blog\.(?:Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln)\s*\(|\bTextFormatter\b")
});
/// Where a JSON logger is created, to read the fields it writes (G5).
static JSON_LOGGER_SETUP: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bzap\.NewProduction\w*\s*\(|\bzapcore\.NewJSONEncoder\s*\(|\bzerolog\.New\s*\("));
/// Logging to a file (G4).
static FILE_LOGGING: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\blumberjack\.Logger\s*\{|\bos\.(?:OpenFile|Create)\(\s*"[^"]*\.log""#));
/// Printing without a logger object (G6).
static PRINT_CALLS: LazyLock<Regex> = LazyLock::new(|| re(r"\bfmt\.(?:Print|Printf|Println)[ \t]*\("));
/// An import of the generated observability module (G1).
static SKELETON_IMPORT: LazyLock<Regex> = LazyLock::new(|| re(r#""[^"\n]*/observability""#));

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

    fn name_manifests(&self) -> &'static [&'static str] {
        &["go.mod"]
    }

    fn env_read(&self, env: &str) -> String {
        format!("read it with `os.Getenv(\"{env}\")`")
    }

    fn env_read_pattern(&self) -> &'static Regex {
        &ENV_READ
    }

    fn metrics_client(&self) -> &'static Regex {
        &METRICS_CLIENT
    }

    fn json_logger(&self) -> &'static str {
        "`slog.New(slog.NewJSONHandler(os.Stdout, nil))`"
    }

    fn unpinned(&self, m: &Manifest, files: &Neighbours) -> Option<Unpinned> {
        match m.name {
            "go.mod" => go_mod(m, files),
            _ => None,
        }
    }

    fn dependencies(&self, name: &str, text: &str) -> Option<Vec<Dependency>> {
        (name == "go.mod").then(|| go_mod_deps(text))
    }

    fn example_app(&self) -> &'static ExampleApp {
        &EXAMPLE
    }

    fn json_logging(&self, _: Dialect) -> &'static Regex {
        &JSON_LOGGING
    }

    fn custom_json_formatter(&self) -> Option<(&'static Regex, &'static str)> {
        Some((&CUSTOM_FORMATTER, "json.Marshal"))
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
        let s = Support.start(&RepoFiles::from_pairs(&[("go.mod", "module shop\n"), ("main.go", main)])).unwrap();
        assert_eq!((s.argv.join(" "), s.sure), ("go run .".to_string(), true));
        let s = Support
            .start(&RepoFiles::from_pairs(&[("cmd/server/main.go", main), ("internal/db/db.go", "package db\n")]))
            .unwrap();
        assert_eq!(s.argv.join(" "), "go run ./cmd/server");
        let s = Support
            .start(&RepoFiles::from_pairs(&[("cmd/server/main.go", main), ("cmd/migrate/main.go", main)]))
            .unwrap();
        assert!(!s.sure, "two main packages are a guess: {s:?}");
    }
}

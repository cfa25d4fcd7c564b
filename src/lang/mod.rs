//! Language knowledge: one module per supported language (node, python, go, jvm, rust, php), each
//! declaring its [`LanguageSupport`], and a small lexer for strings, comments and calls shared by
//! all of them. Detection, generation and the review checks ask these modules, never their own
//! per-language tables.

pub mod example;
mod go;
mod jvm;
mod language;
mod lexer;
mod mask;
mod node;
mod php;
mod pins;
pub(crate) mod python;
mod rust;
mod scan;
pub mod start;
pub mod toml;
mod words;

pub(crate) use language::ENV_NAME;
pub use language::{Dependency, LANGUAGES, Lang, Language, LanguageSupport, LogPatterns, Pattern, PinRule, TextFile};
pub use pins::{Manifest, Neighbours, Unpinned};

pub use lexer::{LIT_MARK, Lit, bare_identifier, is_ident, lex_string, literals, without_literals};
pub use mask::{files_matching, mask, masked};
pub use scan::{call_args, statement_end};
pub use words::{env_name, split_parts, upper_words};

use regex::Regex;

/// How a file is lexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Python.
    Python,
    /// JavaScript / TypeScript.
    Js,
    /// Go.
    Go,
    /// Java.
    Java,
    /// Kotlin (string templates).
    Kotlin,
    /// Rust.
    Rust,
    /// PHP.
    Php,
    /// .env, .properties, YAML and JSON app config.
    Config,
}

/// The dialect of a source file.
pub fn dialect(f: &TextFile) -> Dialect {
    match f.lang.language() {
        Some(language) => language.support().dialect_of(&f.file),
        None => Dialect::Config,
    }
}

// The registry of languages: adding one is its module, its templates and one line here.
impl Language {
    /// What vibe knows of this language (its module under `src/lang/`).
    pub fn support(self) -> &'static LanguageSupport {
        match self {
            Language::Node => &node::SUPPORT,
            Language::Python => &python::SUPPORT,
            Language::Go => &go::SUPPORT,
            Language::Jvm => &jvm::SUPPORT,
            Language::Rust => &rust::SUPPORT,
            Language::Php => &php::SUPPORT,
        }
    }
}

/// Byte offsets to 1-based line numbers.
pub struct Lines(Vec<usize>);

impl Lines {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    /// The line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        self.0.partition_point(|&s| s <= offset) as u32
    }
}

/// Compiles a pattern with ASCII word boundaries: a Unicode `\b` makes the regex engine fall
/// back to its slow path on any non-ASCII text.
pub fn re(pattern: &str) -> Regex {
    let pattern = pattern.replace(r"\b", r"(?-u:\b)");
    Regex::new(&pattern).unwrap_or_else(|e| panic!("bad pattern {pattern}: {e}"))
}

/// True for a source path that runs inside the app's container: not tests, front-end bundles,
/// helper scripts or installed packages. The review's G checks and the wiring fix judge the
/// same files.
pub fn is_runtime_path(file: &str) -> bool {
    let path = format!("/{}", file.to_ascii_lowercase());
    let name = path.rsplit('/').next().unwrap_or("");
    const DIRS: &[&str] = &[
        "/test/",
        "/tests/",
        "/__tests__/",
        "/spec/",
        "/testdata/",
        "/e2e/",
        "/frontend/",
        "/client/",
        "/public/",
        "/static/",
        "/scripts/",
        "/script/",
        "/tools/",
        "/migrations/",
        "/examples/",
        "/docs/",
        "/node_modules/",
    ];
    const SUFFIXES: &[&str] = &[
        ".jsx",
        ".tsx",
        ".vue",
        ".svelte",
        ".min.js",
        ".d.ts",
        "_test.go",
        "_test.py",
        "test.java",
        "tests.java",
        "test.kt",
    ];
    !(DIRS.iter().any(|d| path.contains(d))
        || SUFFIXES.iter().any(|s| name.ends_with(s))
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.starts_with("test_")
        || name == "conftest.py"
        || name == "setup.py")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_is_registered_with_its_own_module() {
        for &l in LANGUAGES {
            let s = l.support();
            assert_eq!(s.language, l, "{} is registered with another language's module", l.as_str());
            for ext in s.source_extensions {
                assert_eq!(Language::of_extension(ext), Some(l), ".{ext} is claimed by two languages");
            }
            for ext in s.detection_extensions {
                assert_eq!(Language::detected_from_extension(ext), Some(l), ".{ext} is claimed by two languages");
            }
            assert_eq!(s.example_app.language, l, "{}'s example app is another language's", l.as_str());
            assert!(!s.manifests.is_empty() && !s.name_manifests.is_empty());
            for (name, _) in s.pin_rules {
                assert!(
                    s.manifests.contains(name),
                    "{}'s pin rule for {name} is not for one of its manifests",
                    l.as_str()
                );
            }
        }
    }

    #[test]
    fn kotlin_gets_its_own_log_patterns_where_its_syntax_differs_from_java() {
        let jvm = Language::Jvm.support();
        assert_eq!(
            (jvm.dialect_of("src/App.kt"), jvm.dialect_of("build.gradle.kts")),
            (Dialect::Kotlin, Dialect::Kotlin)
        );
        assert_eq!(jvm.dialect_of("src/App.java"), Dialect::Java);
        let (java, kotlin) = (jvm.logs(Dialect::Java), jvm.logs(Dialect::Kotlin));
        // Kotlin constructs without `new` and prints with a bare `println`.
        let appender = "val a = RollingFileAppender<ILoggingEvent>()";
        assert!(kotlin.file_logging.is_match(appender));
        assert!(!java.file_logging.is_match(appender));
        assert!(kotlin.print_calls.as_ref().is_some_and(|p| p.is_match("println(user.password)")));
        assert!(!java.print_calls.as_ref().is_some_and(|p| p.is_match("println(user.password)")));
        assert!(kotlin.plain_logging.is_match("    println(\"started\")"));
        // Both log JSON and import the skeleton the same way.
        for logs in [java, kotlin] {
            assert!(logs.json_logging.is_match("encoder = LogstashEncoder()"));
            assert!(logs.skeleton_import.is_match("import vibe.observability.VibeObservability"));
        }
    }

    #[test]
    fn a_manifest_is_read_by_exactly_one_language() {
        let names = [
            "package.json",
            "composer.json",
            "pyproject.toml",
            "Pipfile",
            "requirements.txt",
            "Cargo.toml",
            "go.mod",
            "pom.xml",
            "build.gradle",
        ];
        for name in names {
            let readers: Vec<&str> =
                LANGUAGES.iter().filter(|l| l.support().dependencies(name, "").is_some()).map(|l| l.as_str()).collect();
            assert_eq!(readers.len(), 1, "{name} is read by {readers:?}");
        }
    }
}

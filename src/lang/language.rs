//! The languages vibe supports and what each language's module declares of its language.

use super::example::ExampleApp;
use super::start::{RepoFiles, Start};
use super::{Dialect, Manifest, Neighbours, Unpinned};
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// The language family of a runtime; decides the Dockerfile shape, the skeleton and how source
/// is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// JavaScript / TypeScript on Node.js.
    Node,
    /// Python.
    Python,
    /// Go.
    Go,
    /// Java / Kotlin on the JVM.
    Jvm,
    /// Rust.
    Rust,
    /// PHP (FPM).
    Php,
}

/// A dependency a manifest declares: its name and the features or extras asked for.
pub type Dependency = (String, Vec<String>);

/// A capture group for an environment variable's name, for the languages' read patterns.
pub(crate) const ENV_NAME: &str = r"([A-Za-z_][A-Za-z0-9_]*)";

/// Every language, in the order the runtimes list them.
pub const LANGUAGES: &[Language] =
    &[Language::Node, Language::Python, Language::Go, Language::Jvm, Language::Rust, Language::Php];

impl Language {
    /// Lower-case name used in template paths (`observability/<language>/`).
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Node => "node",
            Language::Python => "python",
            Language::Go => "go",
            Language::Jvm => "jvm",
            Language::Rust => "rust",
            Language::Php => "php",
        }
    }

    /// The language whose source files have this extension (`ts` is Node's), as the review
    /// reads source.
    pub fn of_extension(ext: &str) -> Option<Language> {
        LANGUAGES.iter().copied().find(|l| l.support().source_extensions.contains(&ext))
    }

    /// The language whose files with this extension detection scans for environment reads.
    pub fn detected_from_extension(ext: &str) -> Option<Language> {
        LANGUAGES.iter().copied().find(|l| l.support().detection_extensions.contains(&ext))
    }
}

/// A pattern compiled on first use, as the language modules declare theirs.
pub type Pattern = LazyLock<Regex>;

/// The pin rule (S4) for one dependency manifest: what is unpinned, if anything.
pub type PinRule = fn(&Manifest, &Neighbours) -> Option<Unpinned>;

/// One language's knowledge, in one place and as data: which files are its source, how they are
/// lexed, its dependency manifests, how its code reads the environment and logs (JSON, plain
/// text, to files), its example app, and the functions that read its manifests and start command.
/// Adding a language is a module declaring one (`static SUPPORT`) plus its templates, and a line
/// in `Language::support` (src/lang/mod.rs).
pub struct LanguageSupport {
    /// The language.
    pub language: Language,
    /// Extensions of its source files (lower case, no dot), read and lexed by the review.
    pub source_extensions: &'static [&'static str],
    /// Extensions of the files detection scans for environment reads: its source, plus files
    /// the review does not lex (front-end templates, sister JVM languages). Gradle's Kotlin
    /// scripts configure the build, not the app, so detection leaves them out.
    pub detection_extensions: &'static [&'static str],
    /// How its source files are lexed, unless their path ends with one of `dialect_suffixes`.
    pub dialect: Dialect,
    /// Path endings lexed as another dialect (`.kt`: Kotlin has string templates, Java none).
    pub dialect_suffixes: &'static [(&'static str, Dialect)],
    /// Its dependency manifests, the usual one first.
    pub manifests: &'static [&'static str],
    /// The manifests that name the app (`"name"` of package.json, go.mod's module); a
    /// front-end's package.json beside a Python app does not.
    pub name_manifests: &'static [&'static str],
    /// How to tell a creator to read an environment variable instead of a literal; `{env}` is
    /// its name (see [`LanguageSupport::env_read`]).
    pub env_read_template: &'static str,
    /// How its code reads an environment variable (`os.Getenv("X")`); the first group that
    /// matched is the name.
    pub env_read_pattern: Pattern,
    /// Prometheus client libraries, as they appear in its manifests (G2).
    pub metrics_client: Pattern,
    /// The JSON logger to suggest, in words.
    pub json_logger: &'static str,
    /// How `vibe probe --example` installs and runs the generated example app.
    pub example_app: &'static ExampleApp,
    /// How its code logs.
    pub logs: LogPatterns,
    /// How its code logs in a dialect whose syntax differs (Kotlin's beside Java's).
    pub dialect_logs: &'static [(Dialect, &'static LogPatterns)],
    /// The pin rule (S4) of each of its manifests, by file name.
    pub pin_rules: &'static [(&'static str, PinRule)],
    /// The dependencies a manifest declares (see [`LanguageSupport::dependencies`]).
    pub read_dependencies: fn(name: &str, text: &str) -> Option<Vec<Dependency>>,
    /// How the app starts (see [`LanguageSupport::start`]).
    pub read_start: fn(&RepoFiles) -> Option<Start>,
}

/// How source of one dialect logs, for the G checks; comments are masked before matching.
pub struct LogPatterns {
    /// A JSON logger configured (G3).
    pub json_logging: Pattern,
    /// A log formatter of the app's own, and the call that makes it write JSON when the same file
    /// makes it (G3); None where the language has no such custom formatters.
    pub custom_json_formatter: Option<(Pattern, &'static str)>,
    /// Plain-text logging set up or used as the log (G3).
    pub plain_logging: Pattern,
    /// Where a JSON logger is created, whose fields G5 reads.
    pub json_logger_setup: Pattern,
    /// Logging to a file inside the container (G4).
    pub file_logging: Pattern,
    /// Printing or logging calls without a logger object (`print(`, `fmt.Println(`), for G6;
    /// None where every log call has a receiver.
    pub print_calls: Option<Pattern>,
    /// An import of the generated observability module (G1).
    pub skeleton_import: Pattern,
}

impl LanguageSupport {
    /// How a source file of this language (by its path) is lexed.
    pub fn dialect_of(&self, file: &str) -> Dialect {
        self.dialect_suffixes.iter().find(|(suffix, _)| file.ends_with(suffix)).map_or(self.dialect, |&(_, d)| d)
    }

    /// How to tell a creator to read the environment variable `env` instead of a literal.
    pub fn env_read(&self, env: &str) -> String {
        self.env_read_template.replace("{env}", env)
    }

    /// How source of this `dialect` logs.
    pub fn logs(&self, dialect: Dialect) -> &LogPatterns {
        self.dialect_logs.iter().find(|(d, _)| *d == dialect).map_or(&self.logs, |&(_, logs)| logs)
    }

    /// The pin rule (S4) for one of its dependency manifests: what is unpinned, if anything
    /// (None for a pinned manifest or one of another language).
    pub fn unpinned(&self, manifest: &Manifest, files: &Neighbours) -> Option<Unpinned> {
        let (_, rule) = self.pin_rules.iter().find(|(name, _)| *name == manifest.name)?;
        rule(manifest, files)
    }

    /// The dependencies a manifest of this language declares (name as its registry compares
    /// them, and the features or extras asked for), or None when `name` is not its manifest.
    pub fn dependencies(&self, name: &str, text: &str) -> Option<Vec<Dependency>> {
        (self.read_dependencies)(name, text)
    }

    /// How the app starts in production, from what the repo says (a start script, an app object,
    /// a main package); None when it says nothing.
    pub fn start(&self, repo: &RepoFiles) -> Option<Start> {
        (self.read_start)(repo)
    }
}

/// What a file of application source is written in, for the G and S checks: code of a
/// [`Language`], or app configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Source code of a language.
    Code(Language),
    /// An app config file (.env, application.yml/.properties, settings.*).
    Config,
}

impl Lang {
    /// The language of a source file (None for configuration).
    pub fn language(self) -> Option<Language> {
        match self {
            Lang::Code(language) => Some(language),
            Lang::Config => None,
        }
    }
}

/// A text file of application source or configuration.
#[derive(Debug, Clone)]
pub struct TextFile {
    /// Repo-relative path.
    pub file: String,
    /// Its language.
    pub lang: Lang,
    /// Its content.
    pub text: String,
}

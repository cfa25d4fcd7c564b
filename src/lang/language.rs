//! The languages vibe supports and the one trait each language's module implements.

use super::example::ExampleApp;
use super::start::{RepoFiles, Start};
use super::{Dialect, Manifest, Neighbours, Unpinned};
use regex::Regex;
use serde::Serialize;

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
        LANGUAGES.iter().copied().find(|l| l.support().source_extensions().contains(&ext))
    }

    /// The language whose files with this extension detection scans for environment reads.
    pub fn detected_from_extension(ext: &str) -> Option<Language> {
        LANGUAGES.iter().copied().find(|l| l.support().detection_extensions().contains(&ext))
    }
}

/// One language's knowledge, in one place: which files are its source, how they are lexed, its
/// dependency manifests, how its code reads the environment and logs (JSON, plain text, to files), and
/// its example app.
/// Adding a language is a module implementing this plus its templates, and a line in
/// `Language::support` (src/lang/mod.rs).
pub trait LanguageSupport: Sync {
    /// The language.
    fn language(&self) -> Language;
    /// Extensions of its source files (lower case, no dot), read and lexed by the review.
    fn source_extensions(&self) -> &'static [&'static str];
    /// Extensions of the files detection scans for environment reads: its source, plus files
    /// the review does not lex (front-end templates, sister JVM languages). Gradle's Kotlin
    /// scripts configure the build, not the app, so detection leaves them out.
    fn detection_extensions(&self) -> &'static [&'static str];
    /// How a source file of this language (by its path) is lexed.
    fn dialect(&self, file: &str) -> Dialect;
    /// Its dependency manifests, the usual one first.
    fn manifests(&self) -> &'static [&'static str];
    /// The manifests that name the app (`"name"` of package.json, go.mod's module); a
    /// front-end's package.json beside a Python app does not.
    fn name_manifests(&self) -> &'static [&'static str];
    /// How to tell a creator to read the environment variable `env` instead of a literal.
    fn env_read(&self, env: &str) -> String;
    /// How its code reads an environment variable (`os.Getenv("X")`); the first group that
    /// matched is the name.
    fn env_read_pattern(&self) -> &'static Regex;
    /// Prometheus client libraries, as they appear in its [`LanguageSupport::manifests`] (G2).
    fn metrics_client(&self) -> &'static Regex;
    /// The JSON logger to suggest, in words.
    fn json_logger(&self) -> &'static str;
    /// The pin rule (S4) for one of its dependency manifests: what is unpinned, if anything
    /// (None for a pinned manifest or one of another language).
    fn unpinned(&self, manifest: &Manifest, files: &Neighbours) -> Option<Unpinned>;
    /// The dependencies a manifest of this language declares (name as its registry compares
    /// them, and the features or extras asked for), or None when `name` is not its manifest.
    fn dependencies(&self, name: &str, text: &str) -> Option<Vec<Dependency>>;
    /// How `vibe probe --example` installs and runs the generated example app.
    fn example_app(&self) -> &'static ExampleApp;
    /// A JSON logger configured in source of this `dialect` (G3).
    fn json_logging(&self, dialect: Dialect) -> &'static Regex;
    /// A log formatter of the app's own, and the call that makes it write JSON when the same file
    /// makes it (G3); None where the language has no such custom formatters.
    fn custom_json_formatter(&self) -> Option<(&'static Regex, &'static str)>;
    /// Plain-text logging set up or used as the log in source of this `dialect` (G3).
    fn plain_logging(&self, dialect: Dialect) -> &'static Regex;
    /// Where a JSON logger is created, whose fields G5 reads.
    fn json_logger_setup(&self, dialect: Dialect) -> &'static Regex;
    /// Logging to a file inside the container (G4).
    fn file_logging(&self, dialect: Dialect) -> &'static Regex;
    /// Printing or logging calls without a logger object (`print(`, `fmt.Println(`), for G6;
    /// None where every log call has a receiver.
    fn print_calls(&self, dialect: Dialect) -> Option<&'static Regex>;
    /// An import of the generated observability module (G1; comments are masked first).
    fn skeleton_import(&self, dialect: Dialect) -> &'static Regex;
    /// How the app starts in production, from what the repo says (a start script, an app object,
    /// a main package); None when it says nothing.
    fn start(&self, repo: &RepoFiles) -> Option<Start>;
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

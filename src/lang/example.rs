//! How a language's generated example app is installed and started (`vibe probe --example`):
//! the data each language module gives in [`super::LanguageSupport::example_app`].

use super::Language;

/// One step of installing a generated example app (`vibe probe --example --install`).
///
/// Paths and arguments may hold placeholders: `{root}` the app repo, `{obs}` its observability/
/// folder, `{env}` the local install folder [`EXAMPLE_ENV_DIR`], `{build}` the build folder
/// (`$VIBE_EXAMPLE_CACHE/<language>` when that variable is set, so builds are shared between
/// repos, else `{env}/build`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleStep {
    /// Copy a file, or a folder (replacing what was there).
    Copy {
        /// Source.
        from: &'static str,
        /// Destination.
        to: &'static str,
    },
    /// Append text to a file of the copy (a manifest setting only the copy needs).
    Append {
        /// The file.
        to: &'static str,
        /// What is appended.
        text: &'static str,
    },
    /// Run a command.
    Run {
        /// Working folder.
        cwd: &'static str,
        /// Program and arguments.
        argv: &'static [&'static str],
        /// Extra environment.
        env: &'static [(&'static str, &'static str)],
    },
}

/// Which files of observability/ an installed example depends on (a change asks for a re-install).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleInputs {
    /// These files only (interpreted languages run the repo's source directly).
    Files(&'static [&'static str]),
    /// Every file (the example runs from a build or a copy).
    All,
}

/// How the generated example app of a language is installed and started, with the runtime's own
/// package manager. Placeholders as in [`ExampleStep`], plus `$PORT`/`$MGMT_PORT` in the
/// environment of the started app.
#[derive(Debug, Clone, Copy)]
pub struct ExampleApp {
    /// The language.
    pub language: Language,
    /// Programs the install and the run need, each with how to get it.
    pub tools: &'static [(&'static str, &'static str)],
    /// Where the pinned dependencies come from, in words (for the message when they cannot be fetched).
    pub registry: &'static str,
    /// The package manager that installs them, in words.
    pub installer: &'static str,
    /// What the installed example depends on.
    pub inputs: ExampleInputs,
    /// The install steps, in order.
    pub install: &'static [ExampleStep],
    /// Environment of the install steps only when `VIBE_EXAMPLE_CACHE` is set (package caches).
    pub cache_env: &'static [(&'static str, &'static str)],
    /// The command that starts the example.
    pub run: &'static [&'static str],
    /// Its working folder.
    pub run_cwd: &'static str,
    /// Its extra environment.
    pub run_env: &'static [(&'static str, &'static str)],
}

/// Where `vibe probe --example --install` installs dependencies, relative to the app repo
/// (inside the git-ignored `.vibe/`).
pub const EXAMPLE_ENV_DIR: &str = ".vibe/example-env";
/// The variable naming a folder for package caches and builds shared between repos.
pub const EXAMPLE_CACHE_VAR: &str = "VIBE_EXAMPLE_CACHE";

/// The example app of a language.
pub fn example_app(language: Language) -> &'static ExampleApp {
    language.support().example_app
}

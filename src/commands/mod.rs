//! Subcommands: each takes parsed arguments, does its job, and returns the exit status.

mod generate;
mod init;
mod probe;
mod review;
mod seal;
mod watch;

use crate::cli::{Arguments, Command};
use crate::error::Error;
use crate::platform::Platform;
use crate::spec::{self, ANSWERS_FILE, Answers, AppSpec};
use clap::CommandFactory;
use std::path::{Path, PathBuf};

/// Exit status: success.
pub const EXIT_OK: i32 = 0;
/// Exit status: the review gate is blocked (CRITICAL findings).
pub const EXIT_BLOCKED: i32 = 1;
/// Exit status: bad input or usage.
pub const EXIT_USAGE: i32 = 2;

/// Exit status: the creator stopped (Esc / Ctrl-C), as shells report SIGINT.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Settings every command shares, resolved from the global flags.
#[derive(Debug, Clone)]
pub struct Config {
    /// The app repo.
    pub root: PathBuf,
    /// `--platform`, if given.
    pub platform_file: Option<PathBuf>,
}

/// Runs the command the arguments ask for.
pub fn execute(args: Arguments) -> Result<i32, Error> {
    let config =
        Config { root: args.dir.clone().unwrap_or_else(|| PathBuf::from(".")), platform_file: args.platform.clone() };
    match args.command {
        Some(Command::Init(init)) => init::run(&config, init),
        Some(Command::Generate(g)) => generate::run(&config, g),
        Some(Command::Review(r)) => review::run(&config, r),
        Some(Command::Seal(s)) => seal::run(&config, s),
        Some(Command::Watch(w)) => watch::run(&config, w),
        Some(Command::Probe(p)) => probe::run(&config, p),
        Some(Command::Checks) => review::list(),
        Some(Command::Explain { id }) => review::explain(&id),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Arguments::command(), "vibe", &mut std::io::stdout());
            Ok(EXIT_OK)
        }
        None => init::run(&config, init::interactive_defaults()),
    }
}

/// The platform settings for an app: `--platform`, else vibe.yaml's `platform:`, else the defaults.
pub fn load_platform(config: &Config, answers: Option<&Answers>) -> Result<Platform, Error> {
    if let Some(file) = &config.platform_file {
        return Platform::load(file);
    }
    match answers.and_then(|a| a.platform.as_deref()) {
        Some(rel) => Platform::load(&config.root.join(rel)),
        None => Ok(Platform::default()),
    }
}

/// Reads vibe.yaml from the repo and resolves it into an AppSpec.
pub fn load_spec(config: &Config, tag_flag: Option<String>) -> Result<AppSpec, Error> {
    let path = config.root.join(ANSWERS_FILE);
    if !path.exists() {
        crate::review::ensure_app(&config.root)?;
        return Err(Error::Usage(format!(
            "{} not found: this folder has no answers yet. Run `vibe init` first (or `vibe init --yes` with flags; \
             see `vibe init --help`).",
            path.display()
        )));
    }
    let (answers, tree) = spec::load_answers(&path)?;
    let platform = load_platform(config, Some(&answers))?;
    let tag = resolve_tag(&config.root, tag_flag, &answers);
    AppSpec::resolve(answers, platform, tag).map_err(|p| spec::locate_in_file(p, &path, &tree))
}

/// The image tag: `--tag`, else the one [`spec::app_image_tag`] chooses (the commit SHA, else
/// vibe.yaml's `tag:`). Checked with the other answers in `AppSpec::resolve`, so every problem
/// shows at once.
fn resolve_tag(root: &Path, flag: Option<String>, answers: &Answers) -> Option<String> {
    flag.or_else(|| spec::app_image_tag(crate::git::short_sha(root), answers.tag.as_ref()))
}

/// Prints the generation summary and the next step.
pub fn print_outcome(spec: &AppSpec, outcome: &crate::generate::Outcome) {
    use crate::generate::Change;
    if outcome.dry_run {
        for f in &outcome.files {
            if let Some(diff) = &f.diff {
                print!("{diff}");
            }
        }
        println!("Dry run for {}: nothing was written.", spec.describe());
    } else {
        println!("{}", spec.describe());
    }
    print!("{}", crate::generate::summary(outcome));
    let changed = outcome.files.iter().any(|f| f.change != Change::Unchanged);
    if outcome.dry_run {
        println!("Next: run the same command without --dry-run to write these changes.");
    } else if changed {
        println!("Next: run `vibe review` to see what still blocks deployment, then commit the files.");
    } else {
        println!("Everything is up to date. Next: `vibe review` shows what still blocks deployment.");
    }
}

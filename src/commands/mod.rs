//! Subcommands: each takes parsed arguments, does its job, and returns the exit status.

mod admission;
mod backup;
mod generate;
mod init;
mod probe;
mod review;
mod seal;
mod watch;

use crate::cli::{Arguments, Command};
use crate::error::{Error, Exit};
use crate::spec::AppSpec;
use crate::workspace::Workspace;
use clap::CommandFactory;
use std::path::{Path, PathBuf};

/// Settings every command shares, resolved from the global flags.
#[derive(Debug, Clone)]
pub struct Config {
    /// The app repo.
    pub root: PathBuf,
    /// `--platform`, if given.
    pub platform_file: Option<PathBuf>,
}

impl Config {
    /// The workspace at `root` (the repo a command was given, `--dir` by default) with `--platform`.
    pub fn workspace(&self, root: &Path) -> Workspace {
        Workspace::load(root, self.platform_file.as_deref())
    }
}

/// Runs the command the arguments ask for.
pub fn execute(args: Arguments) -> Result<Exit, Error> {
    let config =
        Config { root: args.dir.clone().unwrap_or_else(|| PathBuf::from(".")), platform_file: args.platform.clone() };
    match args.command {
        Some(Command::Init(init)) => init::run(&config, init),
        Some(Command::Generate(g)) => generate::run(&config, g),
        Some(Command::Review(r)) => review::run(&config, r),
        Some(Command::Seal(s)) => seal::run(&config, s),
        Some(Command::Watch(w)) => watch::run(&config, w),
        Some(Command::Probe(p)) => probe::run(&config, p),
        Some(Command::Backup(b)) => backup::run(&config, b),
        Some(Command::Admission(a)) => admission::run(&config, a),
        Some(Command::Checks) => review::list(),
        Some(Command::Explain { id }) => review::explain(&id),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Arguments::command(), "vibe", &mut std::io::stdout());
            Ok(Exit::Ok)
        }
        None => init::run(&config, init::interactive_defaults()),
    }
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

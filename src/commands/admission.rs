//! `vibe admission`: prints the admission policies (see [`crate::admission`]).

use super::Config;
use crate::admission::{self, Rollout};
use crate::cli::AdmissionArgs;
use crate::error::{Error, Exit};
use crate::platform::Platform;

/// Prints the policies and bindings for the platform settings of `--platform` (or the defaults).
pub fn run(config: &Config, args: AdmissionArgs) -> Result<Exit, Error> {
    let platform = match &config.platform_file {
        Some(path) => Platform::load(path)?,
        None => Platform::default(),
    };
    let rollout = if args.warn_only { Rollout::WarnOnly } else { Rollout::Enforce };
    print!("{}", admission::render(&platform, rollout));
    Ok(Exit::Ok)
}

//! `vibe generate`: regenerate every file from vibe.yaml.

use super::{Config, print_outcome};
use crate::cli::GenerateArgs;
use crate::error::{Error, Exit};

/// Runs `vibe generate`.
pub fn run(config: &Config, args: GenerateArgs) -> Result<Exit, Error> {
    let spec = config.workspace(&config.root).spec(args.tag)?;
    let outcome = crate::generate::generate(&config.root, &spec, args.dry_run)?;
    print_outcome(&spec, &outcome);
    Ok(Exit::Ok)
}

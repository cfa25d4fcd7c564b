//! `vibe generate`: regenerate every file from vibe.yaml.

use super::{Config, EXIT_OK, load_spec, print_outcome};
use crate::cli::GenerateArgs;
use crate::error::Error;

/// Runs `vibe generate`.
pub fn run(config: &Config, args: GenerateArgs) -> Result<i32, Error> {
    let spec = load_spec(config, args.tag)?;
    let outcome = crate::generate::generate(&config.root, &spec, args.dry_run)?;
    print_outcome(&spec, &outcome);
    Ok(EXIT_OK)
}

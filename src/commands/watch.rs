//! `vibe watch`: the live review dashboard.

use super::Config;
use crate::cli::WatchArgs;
use crate::error::Error;

/// Runs `vibe watch [PATH]`.
pub fn run(config: &Config, args: WatchArgs) -> Result<i32, Error> {
    let root = args.path.unwrap_or_else(|| config.root.clone());
    crate::dashboard::run_dashboard(&root, config.platform_file.as_deref())
}

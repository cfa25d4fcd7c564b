//! `vibe watch`: the live review dashboard.

use super::Config;
use crate::cli::WatchArgs;
use crate::error::{Error, Exit};

/// Runs `vibe watch [PATH]`.
pub fn run(config: &Config, args: WatchArgs) -> Result<Exit, Error> {
    let root = args.path.unwrap_or_else(|| config.root.clone());
    let ws = config.workspace(&root);
    if args.cluster {
        // Resolved once, so the header names it and every refresh reads the same namespace.
        let namespace = crate::cluster::namespace(&ws, args.namespace.as_deref())?;
        let opts = crate::cluster::Options {
            context: args.context,
            namespace: Some(namespace),
            tail_lines: crate::cluster::DEFAULT_TAIL_LINES,
        };
        let source = crate::dashboard::worker::Source::Cluster(opts);
        let every = std::time::Duration::from_secs(args.refresh);
        return crate::dashboard::run_dashboard_from(&ws, source, Some(every));
    }
    crate::review::ensure_app(&root)?;
    crate::dashboard::run_dashboard(&ws)
}

//! `vibe watch`: the live review dashboard.

use super::Config;
use crate::cli::WatchArgs;
use crate::error::Error;

/// Runs `vibe watch [PATH]`.
pub fn run(config: &Config, args: WatchArgs) -> Result<i32, Error> {
    let root = args.path.unwrap_or_else(|| config.root.clone());
    if args.cluster {
        let platform = config.platform_file.as_deref();
        // Resolved once, so the header names it and every refresh reads the same namespace.
        let namespace = crate::cluster::namespace(&root, platform, args.namespace.as_deref())?;
        let opts = crate::cluster::Options {
            context: args.context,
            namespace: Some(namespace),
            tail_lines: crate::cluster::DEFAULT_TAIL_LINES,
        };
        let source = crate::dashboard::worker::Source::Cluster(opts);
        let every = std::time::Duration::from_secs(args.refresh);
        return crate::dashboard::run_dashboard_from(&root, platform, source, Some(every));
    }
    crate::review::ensure_app(&root)?;
    crate::dashboard::run_dashboard(&root, config.platform_file.as_deref())
}

//! What a check is: its id, its function, how its evidence is gathered, whether it needs the
//! repo, and its fixer. Each family of checks declares its checks with it (`checks/<family>/mod.rs`);
//! `registry` lists the families and derives every list about checks from them.

use super::fixers::Fixer;
use super::{Finding, Review};
use crate::contract::CheckId;

/// How a check's evidence is gathered: from the repo alone, or also from a running app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// From the repo's files only.
    Static,
    /// From the repo (the manifest's probes, the backup CronJobs); live evidence adds its own findings
    /// next to those (the app answering its probes, the age of the last backup).
    LiveAdds,
    /// About the running app, judged from source code until live evidence replaces that judgement.
    LiveReplaces,
    /// About the running app, judged from source code; live findings are added next to the static
    /// ones (a log call the probe's few requests never reached is still a finding).
    StandInLiveAdds,
}

/// A check: its id, what it runs, and how it is judged. Every list about checks (which are
/// judged from source only, which live evidence replaces or adds to, which need a repo) is
/// derived from these declarations (`registry::all`), which each family of checks makes beside its code.
pub struct Check {
    /// Catalogue id.
    pub id: CheckId,
    /// The function.
    pub run: fn(&Review, &mut Vec<Finding>),
    /// Where its evidence comes from.
    pub judged: Judged,
    /// Whether it reads only repo files (Dockerfile, source, workflows): a review of a live
    /// namespace without a repo cannot run it.
    pub repo_only: bool,
    /// Its automatic fix for hand-written files, if it has one.
    pub fixer: Option<Fixer>,
}

impl Check {
    /// Whether, without live evidence, the check is judged from source code only.
    pub fn static_only(&self) -> bool {
        matches!(self.judged, Judged::LiveReplaces | Judged::StandInLiveAdds)
    }
}

//! The registry: every family of checks (`checks/<family>/mod.rs` declares its `CHECKS`, each
//! check's function in its own file beside it, its fixers in `fix.rs`). Every list about checks
//! (static-only, live replaces/adds, repo-only, fixable) is derived from these declarations.

use super::checks::*;
use super::fixers::Fixer;
use super::{Finding, Review};
use crate::contract::CheckId;

/// How a check's evidence is gathered: from the repo alone, or also from a running app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// From the repo's files only.
    Static,
    /// From the repo (the manifest's probes); live evidence adds its own findings next to those.
    LiveAdds,
    /// About the running app, judged from source code until live evidence replaces that judgement.
    LiveReplaces,
    /// About the running app, judged from source code; live findings are added next to the static
    /// ones (a log call the probe's few requests never reached is still a finding).
    StandInLiveAdds,
}

/// A check: its id, what it runs, and how it is judged. Every list about checks (which are
/// judged from source only, which live evidence replaces or adds to, which need a repo) is
/// derived from these declarations ([`all`]), which each family of checks makes beside its code.
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

/// The declaration of `id`.
pub fn check(id: CheckId) -> &'static Check {
    all().find(|c| c.id == id).expect("every CheckId is declared once (tested below)")
}

/// Checks about a running app that, without live evidence, are judged from source code.
pub fn static_only() -> impl Iterator<Item = CheckId> {
    all().filter(|c| c.static_only()).map(|c| c.id)
}

/// Checks about repo files only, in catalogue order.
pub fn repo_only() -> impl Iterator<Item = CheckId> {
    all().filter(|c| c.repo_only).map(|c| c.id)
}

/// Every family of checks; within each, its checks in catalogue order.
const FAMILIES: &[&[Check]] = &[
    image::CHECKS,
    health::CHECKS,
    network::CHECKS,
    storage::CHECKS,
    secrets::CHECKS,
    resources::CHECKS,
    observability::CHECKS,
    ingress::CHECKS,
    source::CHECKS,
    pipeline::CHECKS,
];

/// Every check, in catalogue order.
pub fn all() -> impl Iterator<Item = &'static Check> {
    FAMILIES.iter().flat_map(|family| family.iter())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::catalogue::CATALOGUE;

    #[test]
    fn every_catalogue_entry_has_exactly_one_function() {
        let ids: Vec<CheckId> = all().map(|c| c.id).collect();
        let catalogue: Vec<CheckId> = CATALOGUE.iter().map(|c| c.id).collect();
        assert_eq!(ids, catalogue);
        assert_eq!(ids, CheckId::ALL, "every check declared once, in catalogue order");
    }
}

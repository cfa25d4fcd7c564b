//! The registry: every family of checks (`checks/<family>/mod.rs` declares its `CHECKS`, each
//! check's function in its own file beside it, its fixers in `fix.rs`). Every list about checks
//! (static-only, live replaces/adds, repo-only, fixable) is derived from these declarations.

pub use super::check::{Check, Judged};
use super::checks::*;
use crate::contract::CheckId;

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

//! The registry: every catalogue entry bound to its check function.

use super::checks::*;
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
/// derived from [`CHECKS`].
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
}

impl Check {
    /// Whether, without live evidence, the check is judged from source code only.
    pub fn static_only(&self) -> bool {
        matches!(self.judged, Judged::LiveReplaces | Judged::StandInLiveAdds)
    }
}

/// The declaration of `id`.
pub fn check(id: CheckId) -> &'static Check {
    // CHECKS is in CheckId order (tested below).
    &CHECKS[id as usize]
}

/// Checks about a running app that, without live evidence, are judged from source code.
pub fn static_only() -> impl Iterator<Item = CheckId> {
    CHECKS.iter().filter(|c| c.static_only()).map(|c| c.id)
}

/// Checks about repo files only, in catalogue order.
pub fn repo_only() -> impl Iterator<Item = CheckId> {
    CHECKS.iter().filter(|c| c.repo_only).map(|c| c.id)
}

/// Every check, in catalogue order.
pub const CHECKS: &[Check] = &[
    Check { id: CheckId::A1, run: image::a1, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::A2, run: image::a2, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::A3, run: image::a3, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::A4, run: image::a4, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::A5, run: image::a5, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::A6, run: image::a6, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::B1, run: health::b1, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::B2, run: health::b2, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::B3, run: health::b3, judged: Judged::LiveAdds, repo_only: false },
    Check { id: CheckId::B4, run: health::b4, judged: Judged::LiveAdds, repo_only: false },
    Check { id: CheckId::B5, run: health::b5, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::B6, run: health::b6, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::C1, run: network::c1, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::C2, run: network::c2, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::C3, run: network::c3, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::C4, run: network::c4, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::C5, run: network::c5, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::C6, run: network::c6, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::D1, run: storage::d1, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::D2, run: storage::d2, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::D3, run: storage::d3, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::D4, run: storage::d4, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::E1, run: secrets::e1, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::E2, run: secrets::e2, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::E3, run: secrets::e3, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::E4, run: secrets::e4, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::E5, run: secrets::e5, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::E6, run: secrets::e6, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::E7, run: secrets::e7, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::F1, run: resources::f1, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::F2, run: resources::f2, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::F3, run: resources::f3, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::F4, run: resources::f4, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::G1, run: observability::g1, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::G2, run: observability::g2, judged: Judged::LiveReplaces, repo_only: false },
    Check { id: CheckId::G3, run: observability::g3, judged: Judged::LiveReplaces, repo_only: false },
    Check { id: CheckId::G4, run: observability::g4, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::G5, run: observability::g5, judged: Judged::LiveReplaces, repo_only: false },
    Check { id: CheckId::G6, run: observability::g6, judged: Judged::StandInLiveAdds, repo_only: false },
    Check { id: CheckId::H1, run: ingress::h1, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::H2, run: ingress::h2, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::H3, run: ingress::h3, judged: Judged::Static, repo_only: false },
    Check { id: CheckId::S1, run: source::s1, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::S2, run: source::s2, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::S3, run: source::s3, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::S4, run: source::s4, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::S5, run: source::s5, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::P1, run: pipeline::p1, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::P2, run: pipeline::p2, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::P3, run: pipeline::p3, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::P4, run: pipeline::p4, judged: Judged::Static, repo_only: true },
    Check { id: CheckId::P5, run: pipeline::p5, judged: Judged::Static, repo_only: true },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::catalogue::CATALOGUE;

    #[test]
    fn every_catalogue_entry_has_exactly_one_function() {
        let ids: Vec<CheckId> = CHECKS.iter().map(|c| c.id).collect();
        let catalogue: Vec<CheckId> = CATALOGUE.iter().map(|c| c.id).collect();
        assert_eq!(ids, catalogue);
        assert_eq!(ids, CheckId::ALL, "CHECKS is in CheckId order, so check() indexes it");
    }
}

//! The registry: every catalogue entry bound to its check function.

use super::checks::*;
use super::{Finding, Review};

/// A runnable check.
pub struct Check {
    /// Catalogue id.
    pub id: &'static str,
    /// The function.
    pub run: fn(&Review, &mut Vec<Finding>),
}

/// Checks about a running app that, without live evidence, are judged from source code.
pub const STATIC_ONLY: &[&str] = &["G2", "G3", "G5", "G6"];

/// Every check, in catalogue order.
pub const CHECKS: &[Check] = &[
    Check { id: "A1", run: image::a1 },
    Check { id: "A2", run: image::a2 },
    Check { id: "A3", run: image::a3 },
    Check { id: "A4", run: image::a4 },
    Check { id: "A5", run: image::a5 },
    Check { id: "A6", run: image::a6 },
    Check { id: "B1", run: health::b1 },
    Check { id: "B2", run: health::b2 },
    Check { id: "B3", run: health::b3 },
    Check { id: "B4", run: health::b4 },
    Check { id: "B5", run: health::b5 },
    Check { id: "B6", run: health::b6 },
    Check { id: "C1", run: network::c1 },
    Check { id: "C2", run: network::c2 },
    Check { id: "C3", run: network::c3 },
    Check { id: "C4", run: network::c4 },
    Check { id: "C5", run: network::c5 },
    Check { id: "C6", run: network::c6 },
    Check { id: "D1", run: storage::d1 },
    Check { id: "D2", run: storage::d2 },
    Check { id: "D3", run: storage::d3 },
    Check { id: "D4", run: storage::d4 },
    Check { id: "E1", run: secrets::e1 },
    Check { id: "E2", run: secrets::e2 },
    Check { id: "E3", run: secrets::e3 },
    Check { id: "E4", run: secrets::e4 },
    Check { id: "E5", run: secrets::e5 },
    Check { id: "E6", run: secrets::e6 },
    Check { id: "E7", run: secrets::e7 },
    Check { id: "F1", run: resources::f1 },
    Check { id: "F2", run: resources::f2 },
    Check { id: "F3", run: resources::f3 },
    Check { id: "F4", run: resources::f4 },
    Check { id: "G1", run: observability::g1 },
    Check { id: "G2", run: observability::g2 },
    Check { id: "G3", run: observability::g3 },
    Check { id: "G4", run: observability::g4 },
    Check { id: "G5", run: observability::g5 },
    Check { id: "G6", run: observability::g6 },
    Check { id: "H1", run: ingress::h1 },
    Check { id: "H2", run: ingress::h2 },
    Check { id: "H3", run: ingress::h3 },
    Check { id: "S1", run: source::s1 },
    Check { id: "S2", run: source::s2 },
    Check { id: "S3", run: source::s3 },
    Check { id: "S4", run: source::s4 },
    Check { id: "S5", run: source::s5 },
    Check { id: "P1", run: pipeline::p1 },
    Check { id: "P2", run: pipeline::p2 },
    Check { id: "P3", run: pipeline::p3 },
    Check { id: "P4", run: pipeline::p4 },
    Check { id: "P5", run: pipeline::p5 },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::catalogue::CATALOGUE;

    #[test]
    fn every_catalogue_entry_has_exactly_one_function() {
        let ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
        let catalogue: Vec<&str> = CATALOGUE.iter().map(|c| c.id).collect();
        assert_eq!(ids, catalogue);
    }
}

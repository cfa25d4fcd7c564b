//! Observability checks.

use crate::review::{Finding, Review};

/// G1: see the catalogue.
pub fn g1(_r: &Review, _out: &mut Vec<Finding>) {}

/// G2: see the catalogue.
pub fn g2(_r: &Review, _out: &mut Vec<Finding>) {}

/// G3: see the catalogue.
pub fn g3(_r: &Review, _out: &mut Vec<Finding>) {}

/// G4: see the catalogue.
pub fn g4(_r: &Review, _out: &mut Vec<Finding>) {}

/// G5: see the catalogue.
pub fn g5(_r: &Review, _out: &mut Vec<Finding>) {}

/// G6: see the catalogue.
pub fn g6(_r: &Review, _out: &mut Vec<Finding>) {}


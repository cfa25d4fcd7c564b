//! Image checks.

use crate::review::{Finding, Review};

/// A1: see the catalogue.
pub fn a1(_r: &Review, _out: &mut Vec<Finding>) {}

/// A2: see the catalogue.
pub fn a2(_r: &Review, _out: &mut Vec<Finding>) {}

/// A3: see the catalogue.
pub fn a3(_r: &Review, _out: &mut Vec<Finding>) {}

/// A4: see the catalogue.
pub fn a4(_r: &Review, _out: &mut Vec<Finding>) {}

/// A5: see the catalogue.
pub fn a5(_r: &Review, _out: &mut Vec<Finding>) {}

/// A6: see the catalogue.
pub fn a6(_r: &Review, _out: &mut Vec<Finding>) {}


//! Network checks.

use crate::review::{Finding, Review};

/// C1: see the catalogue.
pub fn c1(_r: &Review, _out: &mut Vec<Finding>) {}

/// C2: see the catalogue.
pub fn c2(_r: &Review, _out: &mut Vec<Finding>) {}

/// C3: see the catalogue.
pub fn c3(_r: &Review, _out: &mut Vec<Finding>) {}

/// C4: see the catalogue.
pub fn c4(_r: &Review, _out: &mut Vec<Finding>) {}

/// C5: see the catalogue.
pub fn c5(_r: &Review, _out: &mut Vec<Finding>) {}

/// C6: see the catalogue.
pub fn c6(_r: &Review, _out: &mut Vec<Finding>) {}


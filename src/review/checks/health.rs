//! Health checks.

use crate::review::{Finding, Review};

/// B1: see the catalogue.
pub fn b1(_r: &Review, _out: &mut Vec<Finding>) {}

/// B2: see the catalogue.
pub fn b2(_r: &Review, _out: &mut Vec<Finding>) {}

/// B3: see the catalogue.
pub fn b3(_r: &Review, _out: &mut Vec<Finding>) {}

/// B4: see the catalogue.
pub fn b4(_r: &Review, _out: &mut Vec<Finding>) {}

/// B5: see the catalogue.
pub fn b5(_r: &Review, _out: &mut Vec<Finding>) {}

/// B6: see the catalogue.
pub fn b6(_r: &Review, _out: &mut Vec<Finding>) {}


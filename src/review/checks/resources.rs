//! Resources checks.

use crate::review::{Finding, Review};

/// F1: see the catalogue.
pub fn f1(_r: &Review, _out: &mut Vec<Finding>) {}

/// F2: see the catalogue.
pub fn f2(_r: &Review, _out: &mut Vec<Finding>) {}

/// F3: see the catalogue.
pub fn f3(_r: &Review, _out: &mut Vec<Finding>) {}

/// F4: see the catalogue.
pub fn f4(_r: &Review, _out: &mut Vec<Finding>) {}


//! Secrets checks.

use crate::review::{Finding, Review};

/// E1: see the catalogue.
pub fn e1(_r: &Review, _out: &mut Vec<Finding>) {}

/// E2: see the catalogue.
pub fn e2(_r: &Review, _out: &mut Vec<Finding>) {}

/// E3: see the catalogue.
pub fn e3(_r: &Review, _out: &mut Vec<Finding>) {}

/// E4: see the catalogue.
pub fn e4(_r: &Review, _out: &mut Vec<Finding>) {}

/// E5: see the catalogue.
pub fn e5(_r: &Review, _out: &mut Vec<Finding>) {}

/// E6: see the catalogue.
pub fn e6(_r: &Review, _out: &mut Vec<Finding>) {}

/// E7: see the catalogue.
pub fn e7(_r: &Review, _out: &mut Vec<Finding>) {}


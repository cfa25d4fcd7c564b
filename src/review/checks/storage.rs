//! Storage checks.

use crate::review::{Finding, Review};

/// D1: see the catalogue.
pub fn d1(_r: &Review, _out: &mut Vec<Finding>) {}

/// D2: see the catalogue.
pub fn d2(_r: &Review, _out: &mut Vec<Finding>) {}

/// D3: see the catalogue.
pub fn d3(_r: &Review, _out: &mut Vec<Finding>) {}

/// D4: see the catalogue.
pub fn d4(_r: &Review, _out: &mut Vec<Finding>) {}


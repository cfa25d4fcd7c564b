//! Source checks.

use crate::review::{Finding, Review};

/// S1: see the catalogue.
pub fn s1(_r: &Review, _out: &mut Vec<Finding>) {}

/// S2: see the catalogue.
pub fn s2(_r: &Review, _out: &mut Vec<Finding>) {}

/// S3: see the catalogue.
pub fn s3(_r: &Review, _out: &mut Vec<Finding>) {}

/// S4: see the catalogue.
pub fn s4(_r: &Review, _out: &mut Vec<Finding>) {}

/// S5: see the catalogue.
pub fn s5(_r: &Review, _out: &mut Vec<Finding>) {}


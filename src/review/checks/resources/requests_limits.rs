//! F1, F2: every container declares cpu and memory requests and limits.

use super::*;

/// F1: every container declares cpu and memory requests.
pub fn f1(r: &Review, out: &mut Vec<Finding>) {
    declared(r, out, CheckId::F1, "requests");
}

/// F2: every container declares cpu and memory limits.
pub fn f2(r: &Review, out: &mut Vec<Finding>) {
    declared(r, out, CheckId::F2, "limits");
}

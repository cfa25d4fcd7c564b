//! The fixer of G2: the generated observability module wired into the app's own code
//! ([`crate::wire`]), which also makes its logs JSON (G3) and its ports the platform's (B7).

use crate::edit::Files;
use crate::review::Finding;
use crate::review::fixers::{Fixed, Fx};

/// G2: wires observability/ into the app (import, /metrics, management server, PORT, JSON logger).
pub(super) fn g2(fx: &Fx, _f: &Finding, files: &mut Files) -> Fixed {
    crate::wire::wire(fx.repo, files)
}

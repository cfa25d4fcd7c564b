//! `vibe admission`: the review gate in the cluster. Prints ValidatingAdmissionPolicies and
//! bindings that refuse, at `kubectl apply`, what the review blocks: the CRITICAL checks one
//! object decides (A1 A3 A4 A5 A6 B1-B6) with `[Deny]`, the warnings (F1 F2 H1 H2) with
//! `[Warn]`, in the namespaces vibe generates.
//!
//! - [`cel`]: CEL literals and the image-reference tests, in standard CEL;
//! - [`rules`]: each check's CEL expression, declared once, keyed by check id;
//! - [`policy`]: the policies, their variables (workloads, components and the app container, as
//!   the review tells them apart) and the bindings.

pub mod cel;
pub mod policy;
pub mod rules;

pub use policy::{GATE_LABEL, Rollout, objects};

use crate::platform::Platform;

/// The policies and bindings as one multi-document YAML text, with a header saying how to use it.
pub fn render(platform: &Platform, rollout: Rollout) -> String {
    let mut out = String::from(
        "# The review gate in the cluster (vibe admission): apply once, as a cluster admin.\n\
         #   kubectl apply -f admission.yaml\n\
         # Objects in namespaces labelled platform.vibe/gate=enforce (every k8s/00-namespace.yaml vibe\n\
         # writes) are refused when a CRITICAL check fails, and admitted with a warning for the others.\n",
    );
    for (i, object) in objects(platform, rollout).iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        // Serialising a JSON value cannot fail: every key is a string.
        out.push_str(&serde_saphyr::to_string(object).unwrap_or_default());
    }
    out
}

//! What Kubernetes objects mean, in one place: resource quantities, label selectors, TLS host
//! coverage and Ingress backends. Review checks, fixers and the cluster drift comparison all
//! read objects through this module, so they agree on what a manifest says.
//!
//! Layering: this module depends only on [`crate::yaml`]; `review`, `fix` and `cluster`
//! depend on it, never the other way round.

pub mod ingress;
pub mod quantity;
pub mod selector;
pub mod tls;

pub use ingress::{BackendRef, PortRef, backend_ref, service_port, target_port};
pub use quantity::parse_quantity;
pub use selector::{LabelSet, selects, service_selects};
pub use tls::{tls_covers, tls_entries_cover};

//! What Kubernetes objects mean, in one place: resource quantities, label selectors, TLS host
//! coverage and Ingress backends. Review checks, fixers and the cluster drift comparison all
//! read objects through this module, so they agree on what a manifest says.
//!
//! Layering: this module depends only on [`crate::yaml`]; `review`, `fix` and `cluster`
//! depend on it, never the other way round.

pub mod quantity;

pub use quantity::parse_quantity;

//! One integration-test binary (one link step), with a module per feature.

mod checkov;
mod common;
mod compliant;
mod corpus;
mod fix;
mod generate;
pub mod matrix;
mod probe;
mod reports;
mod review_fixtures;
mod seal;
mod snapshots;
mod watch;
mod wizard;

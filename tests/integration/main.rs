//! One integration-test binary (one link step), with a module per feature.

mod checkov;
mod cluster;
mod common;
mod compliant;
mod connection;
mod corpus;
mod dbuser;
mod fix;
mod generate;
pub mod matrix;
mod probe;
mod probe_live;
mod probe_skeletons;
mod reports;
mod review_fixtures;
mod seal;
mod settings;
mod snapshots;
mod watch;
mod wizard;

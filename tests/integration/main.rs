//! One integration-test binary (one link step), with a module per feature.

mod common;
mod generate;
mod matrix;
mod snapshots;
mod review_fixtures;
mod seal;

//! One integration-test binary (one link step), with a module per feature.

mod common;
mod generate;
mod review_fixtures;

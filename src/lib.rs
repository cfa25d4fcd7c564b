//! vibe: the onboarding wizard and deploy gate of the Vibe-Env platform.
//!
//! The flow is `answers -> AppSpec -> Plan -> files -> review -> report`; see DESIGN.md
//! and README.md. The platform contract is data in [`contract`], read by every stage.

pub mod admission;
pub mod chart;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod contract;
pub mod credentials;
pub mod dashboard;
pub mod detect;
pub mod diff;
pub mod edit;
pub mod error;
pub mod fix;
pub mod fsread;
pub mod generate;
pub mod git;
pub mod k8s;
pub mod lang;
pub mod line_edit;
pub mod parallel;
pub mod platform;
pub mod probe;
pub mod programs;
pub mod quote;
pub mod repo;
pub mod repo_path;
pub mod report;
pub mod review;
pub mod seal;
pub mod spec;
pub mod suggest;
pub mod wire;
pub mod wizard;
pub mod words;
pub mod workspace;
pub mod wrap;
pub mod yaml;

pub use error::Error;

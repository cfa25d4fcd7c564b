//! The checks, one folder per family (`image/`, `health/`, `network/`, ...). In each folder,
//! `mod.rs` declares the family's `CHECKS` and holds what only its checks share, each check has
//! its own file named for what it checks, and `fix.rs` holds the family's fixers. Checks read
//! [`super::model`] for what the whole review shares and never import a sibling family. The
//! catalogue (`contract::catalogue`) holds their metadata; `review::registry` lists the families.

pub mod health;
pub mod image;
pub mod ingress;
pub mod network;
pub mod observability;
pub mod parameterise;
pub mod pipeline;
pub mod resources;
pub mod secrets;
pub mod source;
pub mod storage;

//! The check functions, one file per area; the catalogue (`contract::catalogue`) holds
//! their metadata and `review::registry` ties the two together.

pub mod image;
pub mod health;
pub mod network;
pub mod storage;
pub mod secrets;
pub mod resources;
pub mod observability;
pub mod ingress;
pub mod source;
pub mod pipeline;

//! The check functions, one file per area; the catalogue (`contract::catalogue`) holds
//! their metadata and `review::registry` ties the two together.

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

//! sealpost: a secure email gateway for protected health information.
//! See DESIGN.md for the path of a message; `main.rs` wires these modules.
#![forbid(unsafe_code)]

pub mod accept;
pub mod api;
pub mod audit;
pub mod bounce;
pub mod config;
pub mod control;
pub mod daemon;
pub mod delivery;
pub mod dkim;
pub mod dns;
pub mod events;
pub mod metrics;
pub mod policy;
pub mod portal;
pub mod portal_admin;
pub mod proxy_protocol;
pub mod queue_admin;
pub mod secure;
pub mod server;
pub mod smtp;
pub mod spool;
pub mod store;
pub mod users;
pub mod util;
pub mod web;

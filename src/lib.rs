//! sealpost: a secure email gateway for protected health information.
//! See DESIGN.md for the path of a message; `main.rs` wires these modules.
#![forbid(unsafe_code)]

pub mod config;
pub mod smtp;
pub mod spool;

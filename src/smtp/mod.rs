//! SMTP protocol code without I/O: replies and the DATA codec.
pub mod data;
pub mod reply;

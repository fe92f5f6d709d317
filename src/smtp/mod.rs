//! SMTP protocol code: replies, the DATA codec (no I/O), and the outbound
//! client (generic over the stream, so tests drive it in memory).
pub mod client;
pub mod data;
pub mod reply;

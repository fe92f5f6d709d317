//! The portal's listener: HTTPS with the server certificate of `[tls]`
//! (`tls = "implicit"`), or plain HTTP behind a TLS-terminating proxy;
//! the serving loop is shared with the REST API (`crate::web`).

pub use crate::web::{Conn as Peer, serve, serve_behind};

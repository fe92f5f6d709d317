//! The seam between deciding and sending (chasquid's `Courier`): a
//! `Transport` delivers one batch — the same bytes to some recipients of
//! one domain — and answers with a typed outcome per recipient. The SMTP
//! client behind routes and MX (`SmtpTransport`, with `outbox` routes
//! written locally) is the production one; tests drive the scheduler,
//! retries, DSNs, method choice and portal fallback with an in-memory one.

use std::future::Future;

use super::outcome::Outcome;
use crate::spool::MessageMeta;

/// One transaction's worth: these recipients of one domain get `body`.
pub struct Batch<'a> {
    pub meta: &'a MessageMeta,
    pub body: &'a [u8],
    pub domain: &'a str,
    /// Indexes into `meta.recipients`.
    pub rcpts: &'a [usize],
    /// Verified TLS to the next hop, or nothing leaves (protection `tls`).
    pub require_tls: bool,
}

pub trait Transport: Send + Sync + 'static {
    /// Deliver the batch; exactly one outcome per index of `batch.rcpts`.
    fn deliver(&self, batch: Batch<'_>) -> impl Future<Output = Vec<(usize, Outcome)>> + Send;

    /// Can mail to `domain` go over verified TLS? With `look_up`, DNS
    /// facts (MTA-STS, DANE) may be fetched; without, only configuration
    /// (a `tls = "required"` route) counts.
    fn verified_tls(&self, domain: &str, look_up: bool) -> impl Future<Output = bool> + Send;

    /// Do `domain`'s copies stay on this machine (an outbox route)? Such
    /// a destination never counts as verified TLS.
    fn is_local(&self, domain: &str) -> bool {
        let _ = domain;
        false
    }

    /// Periodic housekeeping (idle connections).
    fn sweep(&self) {}

    /// Close what is open (shutdown).
    fn close(&self) -> impl Future<Output = ()> + Send {
        async {}
    }
}

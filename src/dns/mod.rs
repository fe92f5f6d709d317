//! DNS for delivery and for the protection services (RFC 5321 §5.1 MX,
//! A/AAAA, TXT for MTA-STS, TLSA for DANE with DNSSEC), behind one trait:
//! `Resolver`. `HickoryResolver` asks the system's (or configured)
//! resolvers; `StaticResolver` answers from a table (tests, no network).
//! `mx::resolve` turns a domain into ordered delivery targets.

pub mod dnssec;
mod fixed;
mod hickory;
pub mod mx;

use std::future::Future;
use std::net::IpAddr;

pub use dnssec::{Authenticated, Tlsa};
pub use fixed::StaticResolver;
pub use hickory::HickoryResolver;
pub use mx::{MxError, MxTarget, resolve};

/// An MX record as returned by a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxRecord {
    pub preference: u16,
    /// Exchange host; "" or "." for the root (null MX).
    pub exchange: String,
}

/// RRsets whose DNSSEC status DANE needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secured {
    Mx,
    /// The A (else AAAA) records of a host.
    Address,
}

/// Outcome classes of a single DNS query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// NXDOMAIN: the name does not exist.
    #[error("no such domain")]
    NxDomain,
    /// The name exists but has no record of the asked type (NODATA).
    #[error("no records")]
    NoRecords,
    /// Timeout, SERVFAIL, network trouble.
    #[error("temporary DNS failure: {0}")]
    Temporary(String),
}

/// The DNS queries delivery and the protection services need.
pub trait Resolver: Send + Sync {
    /// MX records of `domain` (lower case, no trailing dot).
    fn mx(&self, domain: &str) -> impl Future<Output = Result<Vec<MxRecord>, LookupError>> + Send;
    /// A and AAAA addresses of `host`.
    fn ips(&self, host: &str) -> impl Future<Output = Result<Vec<IpAddr>, LookupError>> + Send;
    /// TXT records of `name`, each record's strings joined (RFC 7208 §3.3).
    fn txt(&self, name: &str) -> impl Future<Output = Result<Vec<String>, LookupError>> + Send {
        let _ = name;
        async { Err(LookupError::NoRecords) }
    }
    /// Can this resolver's DNSSEC verdict (AD bit) be trusted at all?
    fn dnssec_trusted(&self) -> bool {
        false
    }
    /// Is the `what` RRset of `name` present and DNSSEC-secure?
    fn is_secure(&self, name: &str, what: Secured) -> impl Future<Output = bool> + Send {
        let _ = (name, what);
        async { false }
    }
    /// TLSA records of `name` with the validating resolver's verdict.
    fn tlsa(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Authenticated<Vec<Tlsa>>, LookupError>> + Send {
        let _ = name;
        async { Err(LookupError::NoRecords) }
    }
}

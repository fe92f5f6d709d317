//! Resolve a recipient domain to an ordered list of delivery targets
//! (RFC 5321 §5.1).
//!
//! Flow: `resolve(lookup, domain)`
//! 1. MX query for the domain (as an FQDN, so no search list applies).
//! 2. NXDOMAIN => permanent `MxError::NoSuchDomain`. Timeout, SERVFAIL and
//!    every other lookup failure => transient `MxError::Temporary`.
//! 3. A null MX (RFC 7505: `MX 0 .`, any record whose exchange is the root)
//!    => permanent `MxError::NullMx`: the domain accepts no mail.
//! 4. MX records present: sort by preference, shuffle hosts of equal
//!    preference (§5.1 "randomize ... to spread the load"), drop duplicate
//!    hosts, resolve each host to A/AAAA. A host that does not resolve is
//!    skipped; if no host yields an address the error is transient when any
//!    lookup failed temporarily or permanent (`NoAddresses`) otherwise.
//! 5. No MX records (NODATA) => implicit MX: the domain itself with
//!    preference 0 (§5.1), resolved to A/AAAA; none => permanent.
//!
//! The DNS is behind the `MxLookup` trait: `HickoryMx` for production,
//! `StaticMx` for tests (no network).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::time::Duration;

use std::net::SocketAddr;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;

pub use super::dnssec::{Authenticated, Tlsa};
use hickory_resolver::net::NetError;
use hickory_resolver::proto::rr::{RData, RecordType};

/// One host to try, in order, with its addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxTarget {
    /// Host name without trailing dot, lower case (TLS server name).
    pub host: String,
    pub preference: u16,
    pub addrs: Vec<IpAddr>,
    /// True when there was no MX record and the domain itself is used.
    pub implicit: bool,
}

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

/// Errors of MX resolution; see `is_transient`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MxError {
    #[error("invalid domain {0:?}")]
    InvalidDomain(String),
    #[error("domain {0} does not exist")]
    NoSuchDomain(String),
    /// RFC 7505 §3: the domain publishes a null MX and accepts no mail.
    #[error("domain {0} does not accept mail (null MX)")]
    NullMx(String),
    #[error("no address for any mail exchanger of {0}")]
    NoAddresses(String),
    #[error("temporary DNS failure for {domain}: {reason}")]
    Temporary { domain: String, reason: String },
}

impl MxError {
    /// Only `Temporary` may succeed later; the rest bounce.
    pub fn is_transient(&self) -> bool {
        matches!(self, MxError::Temporary { .. })
    }
}

/// The DNS queries MX resolution needs.
pub trait MxLookup: Send + Sync {
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

/// Resolve `domain` to delivery targets in the order to try them.
pub async fn resolve<L: MxLookup>(lookup: &L, domain: &str) -> Result<Vec<MxTarget>, MxError> {
    let domain = normalize(domain).ok_or_else(|| MxError::InvalidDomain(domain.to_string()))?;
    let temporary = |reason: String| MxError::Temporary {
        domain: domain.clone(),
        reason,
    };
    let records = match lookup.mx(&domain).await {
        Ok(records) if !records.is_empty() => records,
        Ok(_) | Err(LookupError::NoRecords) => return implicit_mx(lookup, &domain).await,
        Err(LookupError::NxDomain) => return Err(MxError::NoSuchDomain(domain)),
        Err(LookupError::Temporary(reason)) => return Err(temporary(reason)),
    };
    // RFC 7505 §3: "MX 0 ." means no mail service; §4.3: never deliver.
    if records.iter().any(|r| normalize(&r.exchange).is_none()) {
        return Err(MxError::NullMx(domain));
    }
    let ordered = order(records, &mut Rng::new());
    let mut targets = Vec::with_capacity(ordered.len());
    let mut last_temporary = None;
    for (preference, host) in ordered {
        match lookup.ips(&host).await {
            Ok(addrs) if !addrs.is_empty() => targets.push(MxTarget {
                host,
                preference,
                addrs,
                implicit: false,
            }),
            Ok(_) | Err(LookupError::NoRecords | LookupError::NxDomain) => {
                tracing::debug!(%domain, %host, "mail exchanger has no address; skipped");
            }
            Err(LookupError::Temporary(reason)) => last_temporary = Some(reason),
        }
    }
    if !targets.is_empty() {
        return Ok(targets);
    }
    match last_temporary {
        Some(reason) => Err(temporary(reason)),
        None => Err(MxError::NoAddresses(domain)),
    }
}

/// RFC 5321 §5.1: no MX => the domain itself as an implicit MX.
async fn implicit_mx<L: MxLookup>(lookup: &L, domain: &str) -> Result<Vec<MxTarget>, MxError> {
    match lookup.ips(domain).await {
        Ok(addrs) if !addrs.is_empty() => Ok(vec![MxTarget {
            host: domain.to_string(),
            preference: 0,
            addrs,
            implicit: true,
        }]),
        Ok(_) | Err(LookupError::NoRecords) => Err(MxError::NoAddresses(domain.to_string())),
        Err(LookupError::NxDomain) => Err(MxError::NoSuchDomain(domain.to_string())),
        Err(LookupError::Temporary(reason)) => Err(MxError::Temporary {
            domain: domain.to_string(),
            reason,
        }),
    }
}

/// Sort by preference, shuffle within equal preference, drop duplicate
/// hosts (keeping the most preferred) and invalid names.
fn order(records: Vec<MxRecord>, rng: &mut Rng) -> Vec<(u16, String)> {
    let mut list: Vec<(u16, u64, String)> = records
        .into_iter()
        .filter_map(|r| normalize(&r.exchange).map(|h| (r.preference, rng.next(), h)))
        .collect();
    list.sort_by_key(|&(pref, key, _)| (pref, key));
    let mut seen = HashSet::new();
    list.into_iter()
        .filter(|(_, _, h)| seen.insert(h.clone()))
        .map(|(p, _, h)| (p, h))
        .collect()
}

/// Lower case, no trailing dot; None for the root, empty labels or
/// characters that cannot be in a host name.
fn normalize(name: &str) -> Option<String> {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| !l.is_empty() && l.len() <= 63)
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    ok.then_some(name)
}

/// Small xorshift generator seeded from the std hasher's random keys:
/// enough to spread load, no extra dependency.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(0x5ea1_9057);
        Rng(h.finish() | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Production lookups through hickory-resolver 0.26.
#[derive(Clone)]
pub struct HickoryMx {
    resolver: TokioResolver,
    timeout: Duration,
    /// Where TLSA queries go (the first one answering): the configured or
    /// system resolvers.
    servers: Vec<SocketAddr>,
}

impl HickoryMx {
    /// Use the system configuration (`/etc/resolv.conf`).
    pub fn from_system_conf(timeout: Duration) -> Result<Self, LookupError> {
        let resolver = TokioResolver::builder_tokio()
            .and_then(|b| b.build())
            .map_err(|e| LookupError::Temporary(format!("resolver setup: {e}")))?;
        let servers = hickory_resolver::system_conf::read_system_conf()
            .map(|(conf, _)| server_addrs(&conf))
            .unwrap_or_default();
        Ok(HickoryMx {
            resolver,
            timeout,
            servers,
        })
    }

    /// Use these resolvers (UDP, TCP on truncation), no search list.
    pub fn with_servers(servers: &[SocketAddr], timeout: Duration) -> Result<Self, LookupError> {
        let name_servers = servers
            .iter()
            .map(|a| {
                let mut ns = NameServerConfig::udp_and_tcp(a.ip());
                for c in &mut ns.connections {
                    c.port = a.port();
                }
                ns
            })
            .collect();
        let conf = ResolverConfig::from_parts(None, vec![], name_servers);
        let resolver = TokioResolver::builder_with_config(conf, TokioRuntimeProvider::default())
            .build()
            .map_err(|e| LookupError::Temporary(format!("resolver setup: {e}")))?;
        Ok(HickoryMx {
            resolver,
            timeout,
            servers: servers.to_vec(),
        })
    }

    /// Does every TLSA query go to a loopback resolver (whose AD bit DANE
    /// may trust)?
    pub fn validating_resolver_is_local(&self) -> bool {
        !self.servers.is_empty() && self.servers.iter().all(|s| s.ip().is_loopback())
    }
}

fn server_addrs(conf: &ResolverConfig) -> Vec<SocketAddr> {
    conf.name_servers()
        .iter()
        .filter_map(|ns| {
            ns.connections
                .first()
                .map(|c| SocketAddr::new(ns.ip, c.port))
        })
        .collect()
}

/// Map a hickory error onto NXDOMAIN / NODATA / temporary.
fn classify(e: &NetError) -> LookupError {
    if e.is_nx_domain() {
        LookupError::NxDomain
    } else if e.is_no_records_found() {
        LookupError::NoRecords
    } else {
        LookupError::Temporary(e.to_string())
    }
}

/// Absolute name, so the resolver's search list is never appended.
fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

impl MxLookup for HickoryMx {
    async fn mx(&self, domain: &str) -> Result<Vec<MxRecord>, LookupError> {
        let lookup = tokio::time::timeout(self.timeout, self.resolver.mx_lookup(fqdn(domain)))
            .await
            .map_err(|_| LookupError::Temporary("MX lookup timed out".into()))?
            .map_err(|e| classify(&e))?;
        Ok(lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::MX(mx) => Some(MxRecord {
                    preference: mx.preference,
                    exchange: mx.exchange.to_ascii(),
                }),
                _ => None,
            })
            .collect())
    }

    async fn ips(&self, host: &str) -> Result<Vec<IpAddr>, LookupError> {
        let lookup = tokio::time::timeout(self.timeout, self.resolver.lookup_ip(fqdn(host)))
            .await
            .map_err(|_| LookupError::Temporary("address lookup timed out".into()))?
            .map_err(|e| classify(&e))?;
        Ok(lookup.iter().collect())
    }

    async fn txt(&self, name: &str) -> Result<Vec<String>, LookupError> {
        let lookup = tokio::time::timeout(self.timeout, self.resolver.txt_lookup(fqdn(name)))
            .await
            .map_err(|_| LookupError::Temporary("TXT lookup timed out".into()))?
            .map_err(|e| classify(&e))?;
        Ok(lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect(),
                ),
                _ => None,
            })
            .collect())
    }

    fn dnssec_trusted(&self) -> bool {
        self.validating_resolver_is_local()
    }

    async fn is_secure(&self, name: &str, what: Secured) -> bool {
        let types: &[RecordType] = match what {
            Secured::Mx => &[RecordType::MX],
            Secured::Address => &[RecordType::A, RecordType::AAAA],
        };
        for server in &self.servers {
            for &t in types {
                match super::dnssec::is_secure(*server, name, t, self.timeout).await {
                    Ok(true) => return true,
                    Ok(false) | Err(LookupError::NxDomain | LookupError::NoRecords) => {}
                    Err(LookupError::Temporary(_)) => break,
                }
            }
        }
        false
    }

    async fn tlsa(&self, name: &str) -> Result<Authenticated<Vec<Tlsa>>, LookupError> {
        let mut last = LookupError::Temporary("no resolver configured".into());
        for server in &self.servers {
            match super::dnssec::tlsa(*server, name, self.timeout).await {
                Err(LookupError::Temporary(e)) => last = LookupError::Temporary(e),
                other => return other,
            }
        }
        Err(last)
    }
}

/// Fixed answers for tests; names not present answer NXDOMAIN.
#[derive(Debug, Clone, Default)]
pub struct StaticMx {
    mx: HashMap<String, Result<Vec<MxRecord>, LookupError>>,
    ips: HashMap<String, Result<Vec<IpAddr>, LookupError>>,
}

impl StaticMx {
    pub fn new() -> Self {
        Self::default()
    }
    /// MX records for `domain`, as (preference, exchange).
    pub fn with_mx(mut self, domain: &str, records: &[(u16, &str)]) -> Self {
        let list = records
            .iter()
            .map(|&(p, e)| MxRecord {
                preference: p,
                exchange: e.to_string(),
            })
            .collect();
        self.mx.insert(domain.to_ascii_lowercase(), Ok(list));
        self
    }
    /// A fixed MX answer or error for `domain`.
    pub fn with_mx_result(
        mut self,
        domain: &str,
        result: Result<Vec<MxRecord>, LookupError>,
    ) -> Self {
        self.mx.insert(domain.to_ascii_lowercase(), result);
        self
    }
    /// Addresses for `host`.
    pub fn with_ips(mut self, host: &str, addrs: &[IpAddr]) -> Self {
        self.ips
            .insert(host.to_ascii_lowercase(), Ok(addrs.to_vec()));
        self
    }
    /// A fixed address answer or error for `host`.
    pub fn with_ips_result(mut self, host: &str, result: Result<Vec<IpAddr>, LookupError>) -> Self {
        self.ips.insert(host.to_ascii_lowercase(), result);
        self
    }
}

impl MxLookup for StaticMx {
    async fn mx(&self, domain: &str) -> Result<Vec<MxRecord>, LookupError> {
        self.mx
            .get(domain)
            .cloned()
            .unwrap_or(Err(LookupError::NxDomain))
    }
    async fn ips(&self, host: &str) -> Result<Vec<IpAddr>, LookupError> {
        self.ips
            .get(host)
            .cloned()
            .unwrap_or(Err(LookupError::NxDomain))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    fn hosts(t: &[MxTarget]) -> Vec<&str> {
        t.iter().map(|t| t.host.as_str()).collect()
    }

    #[tokio::test]
    async fn mx_records_are_ordered_by_preference_with_addresses() {
        let dns = StaticMx::new()
            .with_mx(
                "example.org",
                &[
                    (20, "b.example.org."),
                    (10, "A.example.org."),
                    (30, "c.example.net"),
                ],
            )
            .with_ips("a.example.org", &[ip("192.0.2.1"), ip("2001:db8::1")])
            .with_ips("b.example.org", &[ip("192.0.2.2")])
            .with_ips("c.example.net", &[ip("192.0.2.3")]);
        let t = resolve(&dns, "Example.ORG.").await.expect("targets");
        assert_eq!(
            hosts(&t),
            vec!["a.example.org", "b.example.org", "c.example.net"]
        );
        assert_eq!(t[0].addrs, vec![ip("192.0.2.1"), ip("2001:db8::1")]);
        assert_eq!(t[0].preference, 10);
        assert!(!t[0].implicit);
    }

    #[tokio::test]
    async fn equal_preferences_are_shuffled() {
        let dns = StaticMx::new()
            .with_mx(
                "example.org",
                &[
                    (10, "a.example.org"),
                    (10, "b.example.org"),
                    (5, "first.example.org"),
                ],
            )
            .with_ips("a.example.org", &[ip("192.0.2.1")])
            .with_ips("b.example.org", &[ip("192.0.2.2")])
            .with_ips("first.example.org", &[ip("192.0.2.3")]);
        let mut orders = HashSet::new();
        // Chance of one order 64 times in a row: 2^-63.
        for _ in 0..64 {
            let t = resolve(&dns, "example.org").await.expect("targets");
            assert_eq!(t[0].host, "first.example.org");
            orders.insert(hosts(&t[1..]).join(","));
        }
        assert_eq!(orders.len(), 2, "{orders:?}");
    }

    #[tokio::test]
    async fn no_mx_records_means_implicit_mx_on_the_domain() {
        let dns = StaticMx::new()
            .with_mx_result("example.org", Err(LookupError::NoRecords))
            .with_ips("example.org", &[ip("192.0.2.9")]);
        let t = resolve(&dns, "example.org").await.expect("implicit");
        assert_eq!(
            t,
            vec![MxTarget {
                host: "example.org".into(),
                preference: 0,
                addrs: vec![ip("192.0.2.9")],
                implicit: true
            }]
        );
        let dns = StaticMx::new()
            .with_mx("example.org", &[])
            .with_ips("example.org", &[ip("192.0.2.9")]);
        assert!(resolve(&dns, "example.org").await.expect("implicit")[0].implicit);
    }

    #[tokio::test]
    async fn null_mx_is_a_permanent_error() {
        let dns = StaticMx::new()
            .with_mx("example.org", &[(0, ".")])
            .with_ips("example.org", &[ip("192.0.2.9")]);
        let err = resolve(&dns, "example.org").await.expect_err("null mx");
        assert_eq!(err, MxError::NullMx("example.org".into()));
        assert!(!err.is_transient());
    }

    #[tokio::test]
    async fn nxdomain_is_permanent_and_servfail_is_transient() {
        let err = resolve(&StaticMx::new(), "nowhere.example")
            .await
            .expect_err("nx");
        assert!(matches!(err, MxError::NoSuchDomain(_)) && !err.is_transient());
        let dns = StaticMx::new().with_mx_result(
            "example.org",
            Err(LookupError::Temporary("SERVFAIL".into())),
        );
        let err = resolve(&dns, "example.org").await.expect_err("servfail");
        assert!(err.is_transient(), "{err}");
    }

    #[tokio::test]
    async fn unresolvable_hosts_are_skipped_and_all_failing_is_classified() {
        let dns = StaticMx::new()
            .with_mx(
                "example.org",
                &[(10, "gone.example.org"), (20, "ok.example.org")],
            )
            .with_ips("ok.example.org", &[ip("192.0.2.5")]);
        assert_eq!(
            hosts(&resolve(&dns, "example.org").await.expect("one")),
            vec!["ok.example.org"]
        );

        let dns = StaticMx::new().with_mx("example.org", &[(10, "gone.example.org")]);
        let err = resolve(&dns, "example.org").await.expect_err("none");
        assert_eq!(err, MxError::NoAddresses("example.org".into()));
        assert!(!err.is_transient());

        let dns = StaticMx::new()
            .with_mx(
                "example.org",
                &[(10, "gone.example.org"), (20, "slow.example.org")],
            )
            .with_ips_result(
                "slow.example.org",
                Err(LookupError::Temporary("timeout".into())),
            );
        assert!(
            resolve(&dns, "example.org")
                .await
                .expect_err("temporary")
                .is_transient()
        );
    }

    #[tokio::test]
    async fn duplicate_hosts_are_tried_once_and_bad_domains_refused() {
        let dns = StaticMx::new()
            .with_mx(
                "example.org",
                &[(10, "mx.example.org"), (20, "MX.example.org.")],
            )
            .with_ips("mx.example.org", &[ip("192.0.2.5")]);
        let t = resolve(&dns, "example.org").await.expect("targets");
        assert_eq!((t.len(), t[0].preference), (1, 10));
        for bad in ["", ".", "a..b", "a b.example", "x\r\n.example"] {
            assert!(
                matches!(resolve(&dns, bad).await, Err(MxError::InvalidDomain(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn hickory_errors_are_classified() {
        use hickory_resolver::net::{DnsError, NoRecords};
        use hickory_resolver::proto::op::{Query, ResponseCode};
        use hickory_resolver::proto::rr::{Name, RecordType};
        let query = || Query::query(Name::root(), RecordType::MX);
        let nx = NetError::Dns(DnsError::NoRecordsFound(NoRecords::new(
            query(),
            ResponseCode::NXDomain,
        )));
        assert_eq!(classify(&nx), LookupError::NxDomain);
        let nodata = NetError::Dns(DnsError::NoRecordsFound(NoRecords::new(
            query(),
            ResponseCode::NoError,
        )));
        assert_eq!(classify(&nodata), LookupError::NoRecords);
        let servfail = NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail));
        assert!(matches!(classify(&servfail), LookupError::Temporary(_)));
        assert!(matches!(
            classify(&NetError::Timeout),
            LookupError::Temporary(_)
        ));
        assert!(matches!(
            classify(&NetError::from("boom".to_string())),
            LookupError::Temporary(_)
        ));
    }
}

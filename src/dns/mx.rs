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
//! The DNS answers come from a `Resolver`.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;

use super::{LookupError, MxRecord, Resolver};

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

/// Resolve `domain` to delivery targets in the order to try them.
pub async fn resolve<L: Resolver>(lookup: &L, domain: &str) -> Result<Vec<MxTarget>, MxError> {
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
async fn implicit_mx<L: Resolver>(lookup: &L, domain: &str) -> Result<Vec<MxTarget>, MxError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::StaticResolver;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    fn hosts(t: &[MxTarget]) -> Vec<&str> {
        t.iter().map(|t| t.host.as_str()).collect()
    }

    #[tokio::test]
    async fn mx_records_are_ordered_by_preference_with_addresses() {
        let dns = StaticResolver::new()
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
        let dns = StaticResolver::new()
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
        let dns = StaticResolver::new()
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
        let dns = StaticResolver::new()
            .with_mx("example.org", &[])
            .with_ips("example.org", &[ip("192.0.2.9")]);
        assert!(resolve(&dns, "example.org").await.expect("implicit")[0].implicit);
    }

    #[tokio::test]
    async fn null_mx_is_a_permanent_error() {
        let dns = StaticResolver::new()
            .with_mx("example.org", &[(0, ".")])
            .with_ips("example.org", &[ip("192.0.2.9")]);
        let err = resolve(&dns, "example.org").await.expect_err("null mx");
        assert_eq!(err, MxError::NullMx("example.org".into()));
        assert!(!err.is_transient());
    }

    #[tokio::test]
    async fn nxdomain_is_permanent_and_servfail_is_transient() {
        let err = resolve(&StaticResolver::new(), "nowhere.example")
            .await
            .expect_err("nx");
        assert!(matches!(err, MxError::NoSuchDomain(_)) && !err.is_transient());
        let dns = StaticResolver::new().with_mx_result(
            "example.org",
            Err(LookupError::Temporary("SERVFAIL".into())),
        );
        let err = resolve(&dns, "example.org").await.expect_err("servfail");
        assert!(err.is_transient(), "{err}");
    }

    #[tokio::test]
    async fn unresolvable_hosts_are_skipped_and_all_failing_is_classified() {
        let dns = StaticResolver::new()
            .with_mx(
                "example.org",
                &[(10, "gone.example.org"), (20, "ok.example.org")],
            )
            .with_ips("ok.example.org", &[ip("192.0.2.5")]);
        assert_eq!(
            hosts(&resolve(&dns, "example.org").await.expect("one")),
            vec!["ok.example.org"]
        );

        let dns = StaticResolver::new().with_mx("example.org", &[(10, "gone.example.org")]);
        let err = resolve(&dns, "example.org").await.expect_err("none");
        assert_eq!(err, MxError::NoAddresses("example.org".into()));
        assert!(!err.is_transient());

        let dns = StaticResolver::new()
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
        let dns = StaticResolver::new()
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
}

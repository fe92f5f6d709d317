//! MTA-STS (RFC 8461): a recipient domain publishes that its MX hosts
//! accept mail only over TLS with a valid certificate.
//!
//! Flow of [`MtaSts::policy`] for a domain:
//! 1. TXT `_mta-sts.<domain>`: exactly one `v=STSv1` record with an `id`.
//! 2. Cached policy with the same id and not past `max_age`: use it.
//! 3. Else GET `https://mta-sts.<domain>/.well-known/mta-sts.txt` (verified
//!    TLS, no redirects, 64 KiB cap, `text/plain`), parse, cache for
//!    `max_age`.
//! 4. No TXT record or a failed fetch while a cached policy is still valid:
//!    the cached policy stays in force (§5.1; an attacker who blocks DNS or
//!    HTTPS cannot downgrade a known policy). Without one: no policy.
//!
//! Lookups without a policy are remembered for [`NEGATIVE_TTL`] so busy
//! domains do not cost a TXT query per message.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::https::HttpsClient;
use crate::dns::{LookupError, Resolver};

/// RFC 8461 §3.2: policies larger than this are invalid.
pub const MAX_POLICY_BYTES: usize = 64 * 1024;
/// RFC 8461 §3.2: max_age above one year is clamped.
const MAX_AGE_LIMIT: u64 = 31_557_600;
/// How long "this domain has no policy" is remembered.
pub const NEGATIVE_TTL: Duration = Duration::from_secs(600);
/// How long a failed TXT lookup (timeout, SERVFAIL) is not repeated.
const FAILURE_TTL: Duration = Duration::from_secs(60);
/// How often the TXT id of a cached policy is re-checked.
const RECHECK: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Enforce,
    Testing,
    None,
}

/// A parsed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub mode: Mode,
    /// Patterns: `mx.example.org` or `*.example.org` (one label).
    pub mx: Vec<String>,
    pub max_age: Duration,
}

impl Policy {
    /// Does `host` match one of the policy's `mx` patterns (§4.1)?
    pub fn matches_mx(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.mx.iter().any(|p| match p.strip_prefix("*.") {
            Some(suffix) => host
                .split_once('.')
                .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
            None => *p == host,
        })
    }
}

/// The policy id from the `_mta-sts` TXT records; None unless exactly one
/// record is an STSv1 record with a valid id (§3.1).
pub fn txt_id(records: &[String]) -> Option<String> {
    let sts: Vec<&String> = records
        .iter()
        .filter(|r| r.trim_start().starts_with("v=STSv1"))
        .collect();
    let [record] = sts.as_slice() else {
        return None;
    };
    record.split(';').find_map(|field| {
        let (k, v) = field.split_once('=')?;
        let v = v.trim();
        let ok = k.trim() == "id"
            && (1..=32).contains(&v.len())
            && v.bytes().all(|b| b.is_ascii_alphanumeric());
        ok.then(|| v.to_string())
    })
}

/// Parses a policy body (§3.2): `key: value` lines, CRLF or LF.
pub fn parse_policy(text: &str) -> Result<Policy, String> {
    let (mut version, mut mode, mut max_age) = (None, None, None);
    let mut mx = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            return Err(format!("line without ':': {line:?}"));
        };
        let v = v.trim();
        match k.trim() {
            "version" => version = Some(v.to_string()),
            "mode" => {
                mode = Some(match v {
                    "enforce" => Mode::Enforce,
                    "testing" => Mode::Testing,
                    "none" => Mode::None,
                    other => return Err(format!("unknown mode {other:?}")),
                })
            }
            "max_age" => {
                let secs: u64 = v
                    .parse()
                    .map_err(|_| format!("max_age is not a number: {v:?}"))?;
                max_age = Some(Duration::from_secs(secs.min(MAX_AGE_LIMIT)));
            }
            "mx" => mx.push(v.trim_end_matches('.').to_ascii_lowercase()),
            _ => {} // §3.2: unknown fields are ignored.
        }
    }
    if version.as_deref() != Some("STSv1") {
        return Err("version is not STSv1".into());
    }
    let mode = mode.ok_or("no mode")?;
    let max_age = max_age.ok_or("no max_age")?;
    if mode != Mode::None && mx.is_empty() {
        return Err("no mx pattern".into());
    }
    Ok(Policy { mode, mx, max_age })
}

/// A cache entry as seen by one lookup.
struct Snapshot {
    /// The policy, if still within its max_age.
    policy: Option<Policy>,
    id: Option<String>,
    /// Valid and its TXT id compared recently: no DNS query needed.
    fresh: bool,
    /// Less than half of the policy's max_age left: refresh it.
    aging: bool,
}

struct Cached {
    policy: Option<Policy>,
    id: Option<String>,
    /// End of the policy's max_age (or of the negative entry).
    expires: Instant,
    /// When the TXT id was last compared.
    checked: Instant,
}

/// Policy cache and fetcher.
pub struct MtaSts {
    https: HttpsClient,
    cache: Mutex<HashMap<String, Cached>>,
}

impl MtaSts {
    pub fn new(https: HttpsClient) -> Self {
        MtaSts {
            https,
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn cached(&self, domain: &str) -> Option<Snapshot> {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let c = cache.get(domain)?;
        let now = Instant::now();
        let policy = c.policy.clone().filter(|_| now < c.expires);
        let aging = policy
            .as_ref()
            .is_some_and(|p| c.expires.saturating_duration_since(now) < p.max_age / 2);
        Some(Snapshot {
            policy,
            id: c.id.clone(),
            fresh: now < c.expires && now.duration_since(c.checked) < RECHECK,
            aging,
        })
    }

    fn store(&self, domain: &str, policy: Option<Policy>, id: Option<String>, ttl: Duration) {
        let now = Instant::now();
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded: expired entries go first when the map grows large.
        if cache.len() >= 100_000 {
            cache.retain(|_, c| c.expires > now);
        }
        // A concurrent lookup may have stored a valid policy meanwhile: a
        // failure or a missing record never replaces it (no downgrade).
        if policy.is_none()
            && cache
                .get(domain)
                .is_some_and(|c| c.policy.is_some() && c.expires > now)
        {
            return;
        }
        cache.insert(
            domain.to_string(),
            Cached {
                policy,
                id,
                expires: now + ttl,
                checked: now,
            },
        );
    }

    /// The policy in force for `domain` (see the module flow), if any.
    /// DNS and HTTPS together are bounded by the HTTPS client's timeout
    /// (twice); past it the cached policy, if any, stays in force.
    pub async fn policy<L: Resolver>(&self, dns: &L, domain: &str) -> Option<Policy> {
        let cached = self.cached(domain);
        if let Some(c) = &cached
            && c.fresh
        {
            return c.policy.clone();
        }
        let fallback = cached.as_ref().and_then(|c| c.policy.clone());
        match tokio::time::timeout(self.https.timeout() * 2, self.refresh(dns, domain, cached))
            .await
        {
            Ok(p) => p,
            Err(_) => {
                tracing::warn!(%domain, "MTA-STS lookup timed out");
                self.touch(domain);
                fallback
            }
        }
    }

    async fn refresh<L: Resolver>(
        &self,
        dns: &L,
        domain: &str,
        cached: Option<Snapshot>,
    ) -> Option<Policy> {
        let (cached_policy, cached_id, aging) = match cached {
            Some(c) => (c.policy, c.id, c.aging),
            None => (None, None, false),
        };
        let id = match dns.txt(&format!("_mta-sts.{domain}")).await {
            Ok(records) => txt_id(&records),
            Err(LookupError::NxDomain | LookupError::NoRecords) => None,
            Err(LookupError::Temporary(e)) => {
                tracing::debug!(%domain, error = %e, "MTA-STS TXT lookup failed");
                if cached_policy.is_none() {
                    // Not a cached "no policy" for long: DNS may recover.
                    self.store(domain, None, None, FAILURE_TTL);
                } else {
                    self.touch(domain);
                }
                return cached_policy;
            }
        };
        let Some(id) = id else {
            if cached_policy.is_none() {
                self.store(domain, None, None, NEGATIVE_TTL);
            } else {
                self.touch(domain);
            }
            return cached_policy;
        };
        // Same id: the cached policy stands; past half its max_age it is
        // fetched again so its lifetime is extended before it runs out
        // (RFC 8461 §5.1), a failed refresh keeping it.
        if cached_policy.is_some() && cached_id.as_deref() == Some(id.as_str()) && !aging {
            self.touch(domain);
            return cached_policy;
        }
        match self.fetch(dns, domain).await {
            Ok(policy) => {
                tracing::info!(%domain, mode = ?policy.mode, "MTA-STS policy fetched");
                let ttl = policy.max_age;
                self.store(domain, Some(policy.clone()), Some(id), ttl);
                Some(policy)
            }
            Err(e) => {
                tracing::warn!(%domain, error = %e, "MTA-STS policy fetch failed");
                if cached_policy.is_none() {
                    self.store(domain, None, None, NEGATIVE_TTL);
                } else {
                    self.touch(domain);
                }
                cached_policy
            }
        }
    }

    fn touch(&self, domain: &str) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cache.get_mut(domain) {
            c.checked = Instant::now();
        }
    }

    async fn fetch<L: Resolver>(&self, dns: &L, domain: &str) -> Result<Policy, String> {
        let host = format!("mta-sts.{domain}");
        let addrs = dns.ips(&host).await.map_err(|e| format!("{host}: {e}"))?;
        let r = self
            .https
            .get(&addrs, &host, "/.well-known/mta-sts.txt", MAX_POLICY_BYTES)
            .await
            .map_err(|e| e.to_string())?;
        if r.status != 200 {
            return Err(format!("HTTP status {}", r.status));
        }
        if r.content_type != "text/plain" {
            return Err(format!("media type {:?}, not text/plain", r.content_type));
        }
        let text = String::from_utf8(r.body).map_err(|_| "policy is not UTF-8".to_string())?;
        parse_policy(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_lookup_never_replaces_a_valid_policy() {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let tls = crate::smtp::client::verifying_config(&[]).expect("roots");
        let sts = MtaSts::new(HttpsClient::new(tls, 443, Duration::from_secs(1)));
        let policy = parse_policy("version: STSv1\nmode: enforce\nmx: mx.a.b\nmax_age: 600\n")
            .expect("valid");
        sts.store(
            "a.b",
            Some(policy.clone()),
            Some("1".into()),
            policy.max_age,
        );
        sts.store("a.b", None, None, NEGATIVE_TTL);
        let c = sts.cached("a.b").expect("entry");
        assert_eq!(
            (c.policy, c.id.as_deref(), c.fresh, c.aging),
            (Some(policy), Some("1"), true, false)
        );
        // Past half its max_age a policy is due for a refresh.
        let p = parse_policy("version: STSv1\nmode: enforce\nmx: mx.e.f\nmax_age: 600\n")
            .expect("valid");
        sts.store("e.f", Some(p), Some("1".into()), Duration::from_secs(100));
        assert!(sts.cached("e.f").expect("entry").aging);
        // An expired policy may be replaced by "none".
        let old =
            parse_policy("version: STSv1\nmode: enforce\nmx: mx.c.d\nmax_age: 0\n").expect("valid");
        sts.store("c.d", Some(old), Some("1".into()), Duration::ZERO);
        sts.store("c.d", None, None, NEGATIVE_TTL);
        assert_eq!(sts.cached("c.d").expect("entry").policy, None);
    }

    #[test]
    fn txt_record_needs_exactly_one_sts_record_with_an_id() {
        let r = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            txt_id(&r(&["v=STSv1; id=20260101T000000;"])).as_deref(),
            Some("20260101T000000")
        );
        assert_eq!(
            txt_id(&r(&["v=spf1 -all", "v=STSv1;id=abc"])).as_deref(),
            Some("abc")
        );
        assert_eq!(txt_id(&r(&["v=STSv1; id=a", "v=STSv1; id=b"])), None);
        assert_eq!(txt_id(&r(&["v=STSv1;"])), None);
        assert_eq!(txt_id(&r(&["v=STSv1; id=bad-id!"])), None);
        assert_eq!(txt_id(&r(&[])), None);
    }

    #[test]
    fn policies_parse_and_reject_what_rfc_8461_rejects() {
        let p = parse_policy(
            "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\nfuture: x\r\n",
        )
        .expect("valid");
        assert_eq!(p.mode, Mode::Enforce);
        assert_eq!(p.max_age, Duration::from_secs(604_800));
        assert!(p.matches_mx("mail.example.com") && p.matches_mx("MAIL.example.com."));
        assert!(p.matches_mx("mx1.example.net"));
        assert!(
            !p.matches_mx("a.b.example.net"),
            "wildcard covers one label"
        );
        assert!(!p.matches_mx("example.net") && !p.matches_mx("evil.com"));
        let long = parse_policy("version: STSv1\nmode: testing\nmx: a.b\nmax_age: 99999999999\n")
            .expect("valid");
        assert_eq!(long.max_age, Duration::from_secs(MAX_AGE_LIMIT));
        for bad in [
            "mode: enforce\nmx: a.b\nmax_age: 1\n",
            "version: STSv2\nmode: enforce\nmx: a.b\nmax_age: 1\n",
            "version: STSv1\nmode: strict\nmx: a.b\nmax_age: 1\n",
            "version: STSv1\nmode: enforce\nmax_age: 1\n",
            "version: STSv1\nmode: enforce\nmx: a.b\n",
            "version: STSv1\nmode: enforce\nmx: a.b\nmax_age: soon\n",
            "<html>not a policy</html>",
        ] {
            assert!(parse_policy(bad).is_err(), "{bad:?}");
        }
    }
}

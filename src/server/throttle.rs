//! AUTH failure throttle: slows password guessing without letting anyone
//! who knows a user name lock that user out.
//!
//! Failures are counted in a sliding window under three keys:
//! - the client network (an IPv4 address, or the /64 of an IPv6 address,
//!   since one IPv6 host holds a whole /64): over `per_ip` failures, that
//!   network may not try AUTH at all (`454 4.7.0` before any exchange);
//! - the pair (network, user): over `per_ip_user`, that network may not try
//!   that user; every other network still may;
//! - the user alone, as a high ceiling (`per_user`) against guessing spread
//!   over many networks. Even then, networks that authenticated as that user
//!   successfully within `known_good_for` are not blocked by the ceiling, so
//!   the EHR's own address keeps working during a distributed attack.
//!
//! Every attempt counts before its password is checked (so parallel
//! guesses cannot pass a limit) and a success takes its count back.
//! Memory is bounded: at most [`MAX_TRACKED`] keys per table (expired ones
//! are pruned first, then the oldest), at most the limit's number of
//! timestamps per key, user names cut to [`MAX_USER`] octets.
//!
//! Operators see current blocks with `sealpost auth blocked` and clear
//! them with `sealpost auth unblock` (control socket, [`AuthThrottle::blocked`],
//! [`AuthThrottle::unblock`]).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Keys kept per table; a flood of new names or addresses cannot grow a
/// table past this.
pub const MAX_TRACKED: usize = 100_000;
/// User names are compared on at most this many octets (RFC 5321 §4.5.3.1.3
/// bounds a path at 256; AUTH identities are usually addresses).
pub const MAX_USER: usize = 256;
/// Networks remembered per user as having authenticated successfully.
const MAX_KNOWN_GOOD: usize = 16;

/// Limits of the throttle (from `[limits]`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_ip: u32,
    pub per_ip_user: u32,
    pub per_user: u32,
    pub window: Duration,
    pub known_good_for: Duration,
}

/// Why an attempt is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Ip,
    IpUser,
    User,
}

/// One current block, as shown by `sealpost auth blocked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInfo {
    /// `ip`, `ip+user` or `user`.
    pub scope: String,
    /// The network (`192.0.2.7`, `2001:db8:1:2::/64`), when the scope has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Failures in the window.
    pub failures: usize,
    /// Unix seconds when the block lifts by itself (the window passes).
    pub until: u64,
}

/// What `sealpost auth unblock` clears: a network, a user, or the pair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unblock {
    #[serde(default)]
    pub ip: Option<IpAddr>,
    #[serde(default)]
    pub user: Option<String>,
    /// Clear everything.
    #[serde(default)]
    pub all: bool,
}

/// A client network: an IPv4 address, or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Net(IpAddr);

impl Net {
    pub fn of(ip: IpAddr) -> Net {
        match ip {
            IpAddr::V4(_) => Net(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Net(IpAddr::V4(v4)),
                None => {
                    let mut seg = v6.segments();
                    seg[4..].fill(0);
                    Net(IpAddr::V6(seg.into()))
                }
            },
        }
    }

    fn shown(&self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("{v6}/64"),
        }
    }
}

#[derive(Default)]
struct Tables {
    ips: HashMap<Net, VecDeque<Instant>>,
    pairs: HashMap<(Net, String), VecDeque<Instant>>,
    users: HashMap<String, VecDeque<Instant>>,
    known_good: HashMap<String, VecDeque<(Net, Instant)>>,
}

/// Counts AUTH failures per network, per (network, user) and per user.
pub struct AuthThrottle {
    limits: Limits,
    tables: Mutex<Tables>,
}

fn user_key(user: &str) -> String {
    let mut end = user.len().min(MAX_USER);
    while !user.is_char_boundary(end) {
        end -= 1;
    }
    user.get(..end).unwrap_or_default().to_lowercase()
}

fn recent(v: Option<&VecDeque<Instant>>, window: Duration) -> usize {
    v.map(|v| v.iter().filter(|t| t.elapsed() < window).count())
        .unwrap_or(0)
}

/// Record one failure under `key`, keeping at most `cap` + 1 timestamps
/// (one more than the limit, so that taking back the attempt of a success
/// never lets a block lapse).
fn push<K: std::hash::Hash + Eq + Clone>(
    map: &mut HashMap<K, VecDeque<Instant>>,
    key: &K,
    cap: u32,
    window: Duration,
) {
    if !map.contains_key(key) && map.len() >= MAX_TRACKED {
        map.retain(|_, v| v.back().is_some_and(|t| t.elapsed() < window));
        if map.len() >= MAX_TRACKED {
            // Still full of live keys: drop the one whose last failure is oldest.
            let oldest = map
                .iter()
                .min_by_key(|(_, v)| v.back().copied())
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                map.remove(&k);
            }
        }
    }
    let v = map.entry(key.clone()).or_default();
    v.retain(|t| t.elapsed() < window);
    v.push_back(Instant::now());
    while v.len() > cap.max(1) as usize + 1 {
        v.pop_front();
    }
}

fn pop<K: std::hash::Hash + Eq>(map: &mut HashMap<K, VecDeque<Instant>>, key: &K) {
    if let Some(v) = map.get_mut(key) {
        v.pop_back();
        if v.is_empty() {
            map.remove(key);
        }
    }
}

fn unix_until(last: Option<&Instant>, window: Duration) -> u64 {
    let left = last
        .map(|t| window.saturating_sub(t.elapsed()))
        .unwrap_or_default();
    (SystemTime::now() + left)
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl AuthThrottle {
    pub fn new(limits: Limits) -> Self {
        AuthThrottle {
            limits,
            tables: Mutex::new(Tables::default()),
        }
    }

    /// May this network try AUTH at all?
    pub fn ip_blocked(&self, ip: IpAddr) -> bool {
        let Ok(t) = self.tables.lock() else {
            return false;
        };
        recent(t.ips.get(&Net::of(ip)), self.limits.window) >= self.limits.per_ip as usize
    }

    /// Why `user` from `ip` may not try now, if it may not.
    pub fn check(&self, ip: IpAddr, user: &str) -> Option<Block> {
        let net = Net::of(ip);
        let user = user_key(user);
        let w = self.limits.window;
        let t = self.tables.lock().ok()?;
        if recent(t.ips.get(&net), w) >= self.limits.per_ip as usize {
            return Some(Block::Ip);
        }
        if recent(t.pairs.get(&(net, user.clone())), w) >= self.limits.per_ip_user as usize {
            return Some(Block::IpUser);
        }
        let known_good = t.known_good.get(&user).is_some_and(|v| {
            v.iter()
                .any(|(n, at)| *n == net && at.elapsed() < self.limits.known_good_for)
        });
        if !known_good && recent(t.users.get(&user), w) >= self.limits.per_user as usize {
            return Some(Block::User);
        }
        None
    }

    /// Count an attempt as failed (called before the password is checked).
    pub fn failed(&self, ip: IpAddr, user: &str) {
        let net = Net::of(ip);
        let user = user_key(user);
        let (l, w) = (self.limits, self.limits.window);
        let Ok(mut t) = self.tables.lock() else {
            return;
        };
        push(&mut t.ips, &net, l.per_ip, w);
        push(&mut t.pairs, &(net, user.clone()), l.per_ip_user, w);
        push(&mut t.users, &user, l.per_user, w);
    }

    /// The attempt counted by `failed` succeeded: take it back, and
    /// remember the network as good for this user.
    pub fn succeeded(&self, ip: IpAddr, user: &str) {
        let net = Net::of(ip);
        let user = user_key(user);
        let Ok(mut t) = self.tables.lock() else {
            return;
        };
        pop(&mut t.ips, &net);
        pop(&mut t.pairs, &(net, user.clone()));
        pop(&mut t.users, &user);
        if !t.known_good.contains_key(&user) && t.known_good.len() >= MAX_TRACKED {
            let keep = self.limits.known_good_for;
            t.known_good
                .retain(|_, v| v.iter().any(|(_, at)| at.elapsed() < keep));
            if t.known_good.len() >= MAX_TRACKED {
                return;
            }
        }
        let v = t.known_good.entry(user).or_default();
        v.retain(|(n, _)| *n != net);
        v.push_back((net, Instant::now()));
        while v.len() > MAX_KNOWN_GOOD {
            v.pop_front();
        }
    }

    /// Every block in force now.
    pub fn blocked(&self) -> Vec<BlockInfo> {
        let (l, w) = (self.limits, self.limits.window);
        let Ok(t) = self.tables.lock() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let info =
            |scope: &str, ip: Option<&Net>, user: Option<&str>, v: &VecDeque<Instant>| BlockInfo {
                scope: scope.to_string(),
                ip: ip.map(Net::shown),
                user: user.map(str::to_string),
                failures: recent(Some(v), w),
                until: unix_until(v.back(), w),
            };
        for (net, v) in &t.ips {
            if recent(Some(v), w) >= l.per_ip as usize {
                out.push(info("ip", Some(net), None, v));
            }
        }
        for ((net, user), v) in &t.pairs {
            if recent(Some(v), w) >= l.per_ip_user as usize {
                out.push(info("ip+user", Some(net), Some(user), v));
            }
        }
        for (user, v) in &t.users {
            if recent(Some(v), w) >= l.per_user as usize {
                out.push(info("user", None, Some(user), v));
            }
        }
        out.sort_by(|a, b| (&a.scope, &a.ip, &a.user).cmp(&(&b.scope, &b.ip, &b.user)));
        out
    }

    /// Clear failure counts; returns how many entries were removed.
    pub fn unblock(&self, what: &Unblock) -> usize {
        let Ok(mut t) = self.tables.lock() else {
            return 0;
        };
        let before = t.ips.len() + t.pairs.len() + t.users.len();
        if what.all {
            t.ips.clear();
            t.pairs.clear();
            t.users.clear();
            return before;
        }
        let net = what.ip.map(Net::of);
        let user = what.user.as_deref().map(user_key);
        match (net, user) {
            (Some(n), Some(u)) => {
                t.pairs.remove(&(n, u));
            }
            (Some(n), None) => {
                t.ips.remove(&n);
                t.pairs.retain(|(pn, _), _| *pn != n);
            }
            (None, Some(u)) => {
                t.users.remove(&u);
                t.pairs.retain(|(_, pu), _| *pu != u);
            }
            (None, None) => {}
        }
        before - (t.ips.len() + t.pairs.len() + t.users.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            per_ip: 6,
            per_ip_user: 3,
            per_user: 10,
            window: Duration::from_secs(60),
            known_good_for: Duration::from_secs(3600),
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn failures_from_one_network_do_not_block_the_user_elsewhere() {
        let t = AuthThrottle::new(limits());
        for _ in 0..3 {
            assert_eq!(t.check(ip("192.0.2.1"), "ehr"), None);
            t.failed(ip("192.0.2.1"), "ehr");
        }
        assert_eq!(t.check(ip("192.0.2.1"), "ehr"), Some(Block::IpUser));
        assert_eq!(t.check(ip("192.0.2.1"), "EHR"), Some(Block::IpUser));
        assert_eq!(t.check(ip("192.0.2.2"), "ehr"), None);
        assert_eq!(t.check(ip("192.0.2.1"), "other"), None);
        assert!(!t.ip_blocked(ip("192.0.2.1")));
        for u in ["a", "b", "c"] {
            t.failed(ip("192.0.2.1"), u);
        }
        assert!(t.ip_blocked(ip("192.0.2.1")));
        assert_eq!(t.check(ip("192.0.2.1"), "other"), Some(Block::Ip));
        assert_eq!(t.check(ip("192.0.2.2"), "ehr"), None);
    }

    #[test]
    fn the_per_user_ceiling_spares_networks_that_logged_in_before() {
        let t = AuthThrottle::new(limits());
        t.failed(ip("198.51.100.9"), "ehr");
        t.succeeded(ip("198.51.100.9"), "ehr");
        for i in 0..10 {
            t.failed(ip(&format!("203.0.113.{i}")), "ehr");
        }
        assert_eq!(t.check(ip("203.0.113.200"), "ehr"), Some(Block::User));
        assert_eq!(t.check(ip("198.51.100.9"), "ehr"), None);
        // Its next successful login keeps the block on the others.
        t.failed(ip("198.51.100.9"), "ehr");
        t.succeeded(ip("198.51.100.9"), "ehr");
        assert_eq!(t.check(ip("203.0.113.201"), "ehr"), Some(Block::User));
        let blocks = t.blocked();
        assert!(
            blocks
                .iter()
                .any(|b| b.scope == "user" && b.user.as_deref() == Some("ehr") && b.failures == 10),
            "{blocks:?}"
        );
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let t = AuthThrottle::new(limits());
        for i in 0..6 {
            t.failed(ip(&format!("2001:db8:1:2::{i:x}")), &format!("u{i}"));
        }
        assert!(t.ip_blocked(ip("2001:db8:1:2:ffff::1")));
        assert!(!t.ip_blocked(ip("2001:db8:1:3::1")));
        assert_eq!(Net::of(ip("::ffff:192.0.2.1")), Net::of(ip("192.0.2.1")));
        assert_eq!(
            t.blocked().first().and_then(|b| b.ip.clone()).as_deref(),
            Some("2001:db8:1:2::/64")
        );
    }

    #[test]
    fn unblock_clears_a_network_a_user_a_pair_or_everything() {
        let t = AuthThrottle::new(limits());
        for _ in 0..6 {
            t.failed(ip("192.0.2.1"), "ehr");
        }
        assert!(t.ip_blocked(ip("192.0.2.1")));
        let n = t.unblock(&Unblock {
            ip: Some(ip("192.0.2.1")),
            user: Some("EHR".into()),
            all: false,
        });
        assert_eq!(n, 1);
        assert!(t.ip_blocked(ip("192.0.2.1")));
        t.unblock(&Unblock {
            ip: Some(ip("192.0.2.1")),
            ..Unblock::default()
        });
        assert!(!t.ip_blocked(ip("192.0.2.1")));
        assert_eq!(t.check(ip("192.0.2.1"), "ehr"), None);
        for i in 0..10 {
            t.failed(ip(&format!("203.0.113.{i}")), "ehr");
        }
        assert_eq!(t.check(ip("203.0.113.77"), "ehr"), Some(Block::User));
        t.unblock(&Unblock {
            user: Some("ehr".into()),
            ..Unblock::default()
        });
        assert_eq!(t.check(ip("203.0.113.77"), "ehr"), None);
        t.failed(ip("192.0.2.1"), "x");
        assert!(
            t.unblock(&Unblock {
                all: true,
                ..Unblock::default()
            }) > 0
        );
        assert!(t.blocked().is_empty());
    }

    #[test]
    fn tables_stay_bounded_under_a_flood_of_names() {
        let t = AuthThrottle::new(limits());
        let long = "x".repeat(10_000);
        t.failed(ip("192.0.2.1"), &long);
        assert!(t.blocked().is_empty());
        let tables = t.tables.lock().expect("lock");
        assert!(tables.users.keys().all(|k| k.len() <= MAX_USER));
        assert!(tables.ips.values().all(|v| v.len() <= 7));
    }
}

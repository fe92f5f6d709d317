//! Per-client-IP limit on form posts (code requests, code checks,
//! replies, sign-out): at most N per minute, then `429` with Retry-After.
//! Two consecutive fixed windows weighted (a sliding estimate), in memory
//! and per node; the map is bounded, and old entries are pruned.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

const WINDOW_MS: u64 = 60_000;
/// Clients remembered at most; beyond, the oldest windows are dropped.
const MAX_CLIENTS: usize = 100_000;

#[derive(Clone, Copy)]
struct Entry {
    window: u64,
    current: u32,
    previous: u32,
}

pub struct PostLimit {
    per_minute: u32,
    clients: Mutex<HashMap<IpAddr, Entry>>,
}

impl PostLimit {
    pub fn new(per_minute: u32) -> Self {
        PostLimit {
            per_minute: per_minute.max(1),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Count a post from `ip` at `now_ms`: Ok, or Err(seconds to wait).
    pub fn check(&self, ip: IpAddr, now_ms: u64) -> Result<(), u64> {
        let window = now_ms / WINDOW_MS;
        let Ok(mut map) = self.clients.lock() else {
            return Ok(());
        };
        if map.len() >= MAX_CLIENTS {
            map.retain(|_, e| e.window + 1 >= window);
            if map.len() >= MAX_CLIENTS {
                map.clear();
            }
        }
        let e = map.entry(ip).or_insert(Entry {
            window,
            current: 0,
            previous: 0,
        });
        if e.window != window {
            e.previous = if e.window + 1 == window { e.current } else { 0 };
            e.current = 0;
            e.window = window;
        }
        let elapsed = now_ms % WINDOW_MS;
        let weight = (WINDOW_MS - elapsed) as f64 / WINDOW_MS as f64;
        let estimate = e.previous as f64 * weight + e.current as f64;
        if estimate >= self.per_minute as f64 {
            return Err(((WINDOW_MS - elapsed) / 1000).max(1));
        }
        e.current += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_beyond_the_limit_wait_and_other_clients_are_unaffected() {
        let l = PostLimit::new(3);
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let b: IpAddr = "192.0.2.2".parse().expect("ip");
        let t = 60_000 * 100;
        for _ in 0..3 {
            assert!(l.check(a, t).is_ok());
        }
        assert!(l.check(a, t + 10).is_err());
        assert!(l.check(b, t + 10).is_ok());
        // Two windows later everything is forgotten.
        assert!(l.check(a, t + 120_000).is_ok());
    }
}

//! Per-key request rates (GCRA, the generic cell rate algorithm: one
//! timestamp per key, "theoretical arrival time"). A key may burst one
//! second's worth of requests, then proceeds at its rate; a refused
//! request learns how long to wait (`Retry-After`).
//!
//! The embedded limiter counts in memory, per node: with N nodes behind a
//! balancer a key gets up to N times its rate until a shared backend
//! implements the trait.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub trait RateLimiter: Send + Sync {
    /// Count one request of `key` at `rate` per second: Ok, or Err(how
    /// long until one would be allowed).
    fn check(&self, key: &str, rate: f64) -> Result<(), Duration>;
}

/// Keys idle this long are forgotten when the map grows.
const IDLE: Duration = Duration::from_secs(600);
const SWEEP_AT: usize = 10_000;

pub struct MemoryRateLimiter {
    start: Instant,
    /// key → theoretical arrival time, seconds since `start`.
    tat: Mutex<HashMap<String, f64>>,
}

impl Default for MemoryRateLimiter {
    fn default() -> Self {
        MemoryRateLimiter {
            start: Instant::now(),
            tat: Mutex::default(),
        }
    }
}

impl MemoryRateLimiter {
    fn check_at(&self, key: &str, rate: f64, now: f64) -> Result<(), Duration> {
        if !(rate.is_finite() && rate > 0.0) {
            return Ok(());
        }
        let interval = 1.0 / rate;
        // A burst of one second's worth (at least one request).
        let burst = rate.max(1.0);
        let tolerance = interval * (burst - 1.0);
        let mut map = self.tat.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > SWEEP_AT {
            let idle = IDLE.as_secs_f64();
            map.retain(|_, t| *t + idle > now);
        }
        let tat = map.get(key).copied().unwrap_or(now).max(now);
        let allow_at = tat - tolerance;
        if now < allow_at {
            return Err(Duration::from_secs_f64(allow_at - now));
        }
        map.insert(key.to_string(), tat + interval);
        Ok(())
    }
}

impl RateLimiter for MemoryRateLimiter {
    fn check(&self, key: &str, rate: f64) -> Result<(), Duration> {
        let now = self.start.elapsed().as_secs_f64();
        self.check_at(key, rate, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_bursts_one_second_then_waits_for_its_rate() {
        let l = MemoryRateLimiter::default();
        for _ in 0..5 {
            assert!(l.check_at("k", 5.0, 10.0).is_ok());
        }
        let wait = l.check_at("k", 5.0, 10.0).expect_err("limited");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(200),
            "{wait:?}"
        );
        assert!(l.check_at("other", 5.0, 10.0).is_ok(), "keys are separate");
        assert!(l.check_at("k", 5.0, 10.2).is_ok(), "one more after 1/rate");
    }

    #[test]
    fn slow_rates_allow_one_then_wait_the_interval() {
        let l = MemoryRateLimiter::default();
        assert!(l.check_at("k", 0.5, 0.0).is_ok());
        let wait = l.check_at("k", 0.5, 0.0).expect_err("limited");
        assert_eq!(wait.as_secs(), 2);
    }
}

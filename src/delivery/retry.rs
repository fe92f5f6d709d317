//! Retry timing: the configured schedule (attempt n waits schedule[n-1],
//! the last step repeating) with ±20 % jitter so a backlog does not retry
//! in lock-step, bounded by the queue lifetime.

use std::time::Duration;

use rand::Rng;

/// Delay before the next attempt after `attempts` failed ones (≥ 1).
pub fn backoff(attempts: u32, schedule: &[Duration]) -> Duration {
    let step = (attempts.max(1) - 1) as usize;
    let base = schedule
        .get(step.min(schedule.len().saturating_sub(1)))
        .copied()
        .unwrap_or(Duration::from_secs(60));
    let jitter = rand::rng().random_range(0.8..1.2);
    base.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_follows_the_schedule_with_bounded_jitter_and_repeats_the_last_step() {
        let s = [Duration::from_secs(60), Duration::from_secs(300)];
        for _ in 0..100 {
            let d1 = backoff(1, &s).as_secs_f64();
            assert!((48.0..=72.0).contains(&d1), "{d1}");
            let d5 = backoff(5, &s).as_secs_f64();
            assert!((240.0..=360.0).contains(&d5), "{d5}");
        }
        assert!(backoff(0, &s) <= Duration::from_secs(72));
    }
}

//! In-memory delivery schedule, rebuilt from the spool at start-up.
//!
//! Ready messages are taken highest priority first (9 before 0) and oldest
//! first within a priority (queue ids are time-ordered). Deferred messages
//! wait in a time-ordered set and become ready when due. Entries are hints:
//! a worker re-reads the spool entry and skips held, deleted or not-yet-due
//! messages, so a stale entry is harmless. A message is never handed to two
//! workers at once.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use super::types::{QueueId, now_ms};

#[derive(Default)]
struct Inner {
    ready: BinaryHeap<(u8, Reverse<QueueId>)>,
    delayed: BTreeSet<(u64, QueueId, u8)>,
    in_flight: HashSet<QueueId>,
    /// Entries that became ready while their message was in flight; they
    /// are made ready again when the worker finishes (never dropped).
    rearm: std::collections::HashMap<QueueId, u8>,
    closed: bool,
}

#[derive(Default)]
pub struct Schedule {
    inner: Mutex<Inner>,
    wake: tokio::sync::Notify,
}

impl Schedule {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn ready(&self, id: QueueId, priority: u8) {
        if let Ok(mut g) = self.inner.lock() {
            g.ready.push((priority, Reverse(id)));
        }
        self.wake.notify_one();
    }

    /// Make `id` ready at unix-ms `due` (now or past: ready at once).
    pub fn at(&self, id: QueueId, priority: u8, due: u64) {
        if due <= now_ms() {
            return self.ready(id, priority);
        }
        if let Ok(mut g) = self.inner.lock() {
            g.delayed.insert((due, id, priority));
        }
        self.wake.notify_one();
    }

    /// Number of entries (ready + waiting).
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .map(|g| g.ready.len() + g.delayed.len())
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Wait for the next message to deliver; None once closed.
    pub async fn next(&self) -> Option<QueueId> {
        loop {
            let wait = match self.try_next() {
                Ok(id) => return Some(id),
                Err(None) => return None,
                Err(Some(wait)) => wait,
            };
            let notified = self.wake.notified();
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Ok(id), or Err(Some(how long to wait)), or Err(None) when closed.
    fn try_next(&self) -> Result<QueueId, Option<Duration>> {
        let mut g = self.inner.lock().map_err(|_| None)?;
        if g.closed {
            return Err(None);
        }
        let now = now_ms();
        while let Some(&(due, id, prio)) = g.delayed.first() {
            if due > now {
                break;
            }
            g.delayed.pop_first();
            g.ready.push((prio, Reverse(id)));
        }
        while let Some((prio, Reverse(id))) = g.ready.pop() {
            if g.in_flight.contains(&id) {
                let p = g.rearm.entry(id).or_insert(prio);
                *p = (*p).max(prio);
                continue;
            }
            if g.in_flight.insert(id) {
                if !g.ready.is_empty() {
                    // Another worker may be able to start at once.
                    self.wake.notify_one();
                }
                return Ok(id);
            }
        }
        let wait = g
            .delayed
            .first()
            .map(|&(due, _, _)| Duration::from_millis(due.saturating_sub(now)))
            .unwrap_or(Duration::from_secs(60));
        Err(Some(wait))
    }

    /// The worker finished with `id` (it re-queued it with `at` if needed).
    pub fn done(&self, id: QueueId) {
        let mut again = false;
        if let Ok(mut g) = self.inner.lock() {
            g.in_flight.remove(&id);
            if let Some(prio) = g.rearm.remove(&id) {
                g.ready.push((prio, Reverse(id)));
                again = true;
            }
        }
        if again {
            self.wake.notify_one();
        }
    }

    /// (ready, deferred) entry counts per priority 0..=9, for metrics.
    pub fn counts_by_priority(&self) -> ([usize; 10], [usize; 10]) {
        let mut ready = [0usize; 10];
        let mut delayed = [0usize; 10];
        if let Ok(g) = self.inner.lock() {
            for (p, _) in g.ready.iter() {
                ready[(*p).min(9) as usize] += 1;
            }
            for (_, _, p) in g.delayed.iter() {
                delayed[(*p).min(9) as usize] += 1;
            }
        }
        (ready, delayed)
    }

    pub fn is_closed(&self) -> bool {
        self.inner.lock().map(|g| g.closed).unwrap_or(true)
    }

    pub fn close(&self) {
        if let Ok(mut g) = self.inner.lock() {
            g.closed = true;
        }
        self.wake.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn priority_nine_overtakes_a_backlog_of_100k_priority_one() {
        let s = Schedule::new();
        for id in 1..=100_000u64 {
            s.ready(id, 1);
        }
        s.ready(1_000_000, 9);
        assert_eq!(s.next().await, Some(1_000_000));
        assert_eq!(s.next().await, Some(1));
        assert_eq!(s.next().await, Some(2));
    }

    #[tokio::test]
    async fn fifo_within_a_priority_and_higher_first() {
        let s = Schedule::new();
        s.ready(30, 4);
        s.ready(10, 4);
        s.ready(20, 5);
        assert_eq!(s.next().await, Some(20));
        assert_eq!(s.next().await, Some(10));
        assert_eq!(s.next().await, Some(30));
    }

    #[tokio::test]
    async fn a_message_in_flight_is_not_handed_out_twice() {
        let s = Schedule::new();
        s.ready(7, 4);
        s.ready(7, 4);
        s.ready(8, 4);
        assert_eq!(s.next().await, Some(7));
        assert_eq!(s.next().await, Some(8));
        s.done(7);
        s.ready(7, 4);
        assert_eq!(s.next().await, Some(7));
    }

    #[tokio::test]
    async fn an_entry_that_becomes_ready_while_in_flight_is_rearmed_not_lost() {
        let s = Schedule::new();
        s.ready(9, 4);
        assert_eq!(s.next().await, Some(9));
        // The worker reschedules while still holding the message...
        s.ready(9, 4);
        assert!(s.try_next().is_err(), "handed out twice");
        // ...and once it is done, the entry is there again.
        s.done(9);
        assert_eq!(s.try_next().ok(), Some(9));
    }

    #[tokio::test]
    async fn delayed_entry_becomes_ready_when_due() {
        let s = Schedule::new();
        s.at(5, 4, now_ms() + 50);
        assert!(s.try_next().is_err());
        let got = tokio::time::timeout(Duration::from_secs(5), s.next()).await;
        assert_eq!(got.ok().flatten(), Some(5));
    }

    #[tokio::test]
    async fn close_releases_waiting_workers() {
        let s = std::sync::Arc::new(Schedule::new());
        let s2 = s.clone();
        let h = tokio::spawn(async move { s2.next().await });
        tokio::task::yield_now().await;
        s.close();
        let r = tokio::time::timeout(Duration::from_secs(5), h).await;
        assert!(matches!(r, Ok(Ok(None))));
    }
}

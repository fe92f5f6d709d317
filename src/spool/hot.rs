//! Bodies of messages just accepted, kept in memory for their first
//! delivery attempt.
//!
//! Most mail is delivered within milliseconds of its `250`; reading it back
//! from the segment (a read, the AEAD open, the record decode) then costs
//! more than the delivery's own work on a small message. The durable copy
//! stays the truth: an entry is only a shortcut, taken (removed) by the
//! first delivery pass, dropped when the message leaves the queue, and
//! never made when the budget is spent (a backlog falls back to the disk).

use super::types::{AllowedMethod, Protection, QueueId};
use std::collections::HashMap;
use std::sync::Mutex;

/// Bytes of bodies held at most (a few hundred typical messages).
const BUDGET: usize = 16 << 20;
/// A body larger than this is always read back from the disk.
const MAX_BODY: usize = 1 << 20;

#[derive(Default)]
pub struct HotBodies {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    bodies: HashMap<QueueId, Hot>,
    bytes: usize,
}

/// A body and the protection it was accepted with: the delivery pass checks
/// it against the index, as it checks the sealed record's copy.
pub struct Hot {
    pub body: Vec<u8>,
    pub protection: Protection,
    pub methods: Vec<AllowedMethod>,
}

impl HotBodies {
    /// Keep a copy of `body` for `id`, if the budget allows.
    /// Keep the concatenation of `parts` as `id`'s body.
    pub fn put(
        &self,
        id: QueueId,
        parts: &[&[u8]],
        protection: Protection,
        methods: &[AllowedMethod],
    ) {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        if len > MAX_BODY {
            return;
        }
        let Ok(mut g) = self.inner.lock() else {
            return;
        };
        if g.bytes + len > BUDGET || g.bodies.contains_key(&id) {
            return;
        }
        g.bytes += len;
        let hot = Hot {
            body: parts.concat(),
            protection,
            methods: methods.to_vec(),
        };
        g.bodies.insert(id, hot);
    }

    /// The copy for `id`, removed from the cache.
    pub fn take(&self, id: QueueId) -> Option<Hot> {
        let mut g = self.inner.lock().ok()?;
        let hot = g.bodies.remove(&id)?;
        g.bytes -= hot.body.len();
        Some(hot)
    }

    /// Forget `id` (it left the queue some other way).
    pub fn drop_id(&self, id: QueueId) {
        let _ = self.take(id);
    }

    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.inner.lock().map(|g| g.bytes).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_once_and_budget_bounded() {
        let hot = HotBodies::default();
        let put =
            |id, body: &[u8]| hot.put(id, &[body], Protection::Encrypt, &[AllowedMethod::Portal]);
        put(1, b"hello");
        assert_eq!(hot.bytes(), 5);
        let got = hot.take(1).expect("kept");
        assert_eq!(got.body, b"hello");
        assert_eq!(got.protection, Protection::Encrypt);
        assert_eq!(got.methods, [AllowedMethod::Portal]);
        assert!(hot.take(1).is_none());
        assert_eq!(hot.bytes(), 0);
        // Over the per-body limit: not kept.
        put(2, &vec![b'x'; MAX_BODY + 1]);
        assert!(hot.take(2).is_none());
        // The budget: once spent, new bodies are not kept until some are taken.
        let body = vec![b'y'; MAX_BODY];
        let fit = BUDGET / MAX_BODY;
        for id in 0..fit as u64 + 3 {
            put(100 + id, &body);
        }
        assert_eq!(hot.bytes(), fit * MAX_BODY);
        assert!(hot.take(100 + fit as u64).is_none());
        hot.drop_id(100);
        put(100 + fit as u64, &body);
        assert!(hot.take(100 + fit as u64).is_some());
    }
}

//! Applying delivery results to per-recipient state (pure, no I/O):
//! delivered and failed are final; deferred recipients get their next
//! attempt time, or fail once the queue lifetime is over. Also decides
//! which DSNs are due (RFC 3461 NOTIFY semantics).

use std::time::Duration;

use super::error::DeliveryError;
use crate::spool::{MessageMeta, RcptStatus, notify};

/// The result of one attempt for one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered {
        remote: String,
        dsn_relayed: bool,
        /// (TLS version, certificate verified) when the session used TLS.
        tls: Option<(String, bool)>,
    },
    Deferred {
        error: DeliveryError,
        remote: Option<String>,
    },
    Failed {
        error: DeliveryError,
        remote: Option<String>,
    },
}

impl Outcome {
    /// Deferred or failed, as the error's own class says.
    pub fn not_delivered(error: DeliveryError, remote: Option<String>) -> Outcome {
        if error.is_transient() {
            Outcome::Deferred { error, remote }
        } else {
            Outcome::Failed { error, remote }
        }
    }

    /// The error of an attempt that did not deliver.
    pub fn error(&self) -> Option<&DeliveryError> {
        match self {
            Outcome::Delivered { .. } => None,
            Outcome::Deferred { error, .. } | Outcome::Failed { error, .. } => Some(error),
        }
    }
}

/// Which kind of DSN to send for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DsnAction {
    Failed,
    Delayed,
    Relayed,
}

pub struct Policy<'a> {
    pub schedule: &'a [Duration],
    pub max_lifetime: Duration,
    pub delay_dsn_after: Option<Duration>,
}

/// Update `meta` with `results` (index into `meta.recipients`, outcome)
/// at time `now` (unix ms). Returns the DSN actions now due, per index.
pub fn apply(
    meta: &mut MessageMeta,
    results: Vec<(usize, Outcome)>,
    now: u64,
    p: &Policy,
) -> Vec<(usize, DsnAction)> {
    let mut dsns = Vec::new();
    let age = Duration::from_millis(now.saturating_sub(meta.created));
    for (i, outcome) in results {
        let notify_bits = meta
            .envelope
            .recipients
            .get(i)
            .map(|r| r.notify)
            .unwrap_or(0);
        let Some(r) = meta.recipients.get_mut(i) else {
            continue;
        };
        r.attempts += 1;
        match outcome {
            Outcome::Delivered {
                remote,
                dsn_relayed,
                ..
            } => {
                r.status = RcptStatus::Delivered;
                r.remote_host = Some(remote);
                r.last_reply = None;
                if dsn_relayed && notify_bits & notify::SUCCESS != 0 {
                    dsns.push((i, DsnAction::Relayed));
                }
            }
            Outcome::Failed { error, remote } => {
                r.status = RcptStatus::Failed;
                r.last_reply = Some(error.diagnostic());
                r.remote_host = remote;
                if wants_failure(notify_bits) {
                    dsns.push((i, DsnAction::Failed));
                }
            }
            Outcome::Deferred { error, remote } => {
                r.remote_host = remote;
                if age >= p.max_lifetime {
                    // RFC 3463 4.4.7 (delivery time expired) goes into the
                    // DSN's Status; the last reply is kept as it was, so a
                    // remote's words are still quoted as the remote's.
                    r.status = RcptStatus::Failed;
                    r.expired = true;
                    r.last_reply = Some(error.diagnostic());
                    if wants_failure(notify_bits) {
                        dsns.push((i, DsnAction::Failed));
                    }
                    continue;
                }
                r.last_reply = Some(error.diagnostic());
                let wait = super::retry::backoff(r.attempts, p.schedule);
                r.next_attempt = now + wait.as_millis() as u64;
                let delay_due = p.delay_dsn_after.is_some_and(|d| age >= d);
                if delay_due && !r.delay_notified && wants_delay(notify_bits) {
                    r.delay_notified = true;
                    dsns.push((i, DsnAction::Delayed));
                }
            }
        }
    }
    if meta.envelope.sender.is_empty() {
        // Never a DSN about a DSN (RFC 3461 §6.2, RFC 5321 §4.5.5).
        dsns.clear();
    }
    dsns
}

/// Absent NOTIFY means FAILURE (and DELAY at our discretion).
fn wants_failure(bits: u8) -> bool {
    bits & notify::NEVER == 0 && (bits == 0 || bits & notify::FAILURE != 0)
}

fn wants_delay(bits: u8) -> bool {
    bits & notify::NEVER == 0 && (bits == 0 || bits & notify::DELAY != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::reply::Reply;
    use crate::spool::*;

    fn meta(notify: u8, sender: &str) -> MessageMeta {
        let rcpt = RecipientSpec {
            address: "a@b.example".into(),
            orcpt: None,
            notify,
        };
        MessageMeta {
            schema: SCHEMA,
            id: 1,
            envelope: Envelope {
                sender: sender.into(),
                recipients: vec![rcpt],
                ret: None,
                envid: None,
                smtputf8: false,
                body_8bit: false,
                requiretls: false,
                listener: "l".into(),
                auth_user: None,
                client_ip: "127.0.0.1".into(),
                client_helo: "h".into(),
                priority: 4,
                mt_priority: None,
                verdict: StoredVerdict::default(),
            },
            recipients: vec![RecipientState {
                address: "a@b.example".into(),
                status: RcptStatus::Queued,
                attempts: 0,
                next_attempt: 0,
                last_reply: None,
                remote_host: None,
                delay_notified: false,
                expired: false,
                via: None,
            }],
            location: Location {
                segment: 1,
                offset: 0,
                len: 0,
            },
            created: 0,
            size: 10,
            held: false,
        }
    }

    fn policy() -> Policy<'static> {
        static S: [Duration; 1] = [Duration::from_secs(60)];
        Policy {
            schedule: &S,
            max_lifetime: Duration::from_secs(3600),
            delay_dsn_after: Some(Duration::from_secs(600)),
        }
    }

    fn deferred() -> Outcome {
        Outcome::Deferred {
            error: DeliveryError::Unreachable("later".into()),
            remote: None,
        }
    }

    #[test]
    fn deferral_schedules_a_retry_and_stays_queued() {
        let mut m = meta(0, "s@x.example");
        let d = apply(&mut m, vec![(0, deferred())], 1000, &policy());
        assert!(d.is_empty());
        assert_eq!(m.recipients[0].status, RcptStatus::Queued);
        assert!(m.recipients[0].next_attempt >= 1000 + 48_000);
    }

    #[test]
    fn deferral_past_the_lifetime_fails_with_a_dsn() {
        let mut m = meta(0, "s@x.example");
        let d = apply(&mut m, vec![(0, deferred())], 3_600_000, &policy());
        assert_eq!(d, vec![(0, DsnAction::Failed)]);
        assert_eq!(m.recipients[0].status, RcptStatus::Failed);
    }

    #[test]
    fn delay_dsn_is_sent_once() {
        let mut m = meta(0, "s@x.example");
        assert_eq!(
            apply(&mut m, vec![(0, deferred())], 700_000, &policy()),
            vec![(0, DsnAction::Delayed)]
        );
        assert!(apply(&mut m, vec![(0, deferred())], 800_000, &policy()).is_empty());
    }

    #[test]
    fn notify_never_and_null_sender_suppress_dsns() {
        let fail = || Outcome::Failed {
            error: DeliveryError::Remote(Reply::new(550, "5.1.1", "no")),
            remote: None,
        };
        let mut m = meta(notify::NEVER, "s@x.example");
        assert!(apply(&mut m, vec![(0, fail())], 1, &policy()).is_empty());
        let mut m = meta(0, "");
        assert!(apply(&mut m, vec![(0, fail())], 1, &policy()).is_empty());
        let mut m = meta(notify::SUCCESS, "s@x.example");
        assert!(apply(&mut m, vec![(0, fail())], 1, &policy()).is_empty());
    }

    #[test]
    fn success_dsn_only_when_requested_and_relayed() {
        let ok = |relayed| Outcome::Delivered {
            remote: "mx".into(),
            dsn_relayed: relayed,
            tls: None,
        };
        let mut m = meta(notify::SUCCESS, "s@x.example");
        assert_eq!(
            apply(&mut m, vec![(0, ok(true))], 1, &policy()),
            vec![(0, DsnAction::Relayed)]
        );
        let mut m = meta(notify::SUCCESS, "s@x.example");
        assert!(apply(&mut m, vec![(0, ok(false))], 1, &policy()).is_empty());
    }

    #[test]
    fn expiry_marks_the_recipient_and_keeps_the_last_reply_as_it_was() {
        let mut m = meta(0, "s@x.example");
        let remote = Outcome::Deferred {
            error: DeliveryError::Remote(Reply::new(452, "4.2.2", "mailbox full")),
            remote: Some("mx".into()),
        };
        apply(&mut m, vec![(0, remote)], 3_600_000, &policy());
        let r = &m.recipients[0];
        assert!(r.expired && r.status == RcptStatus::Failed);
        assert_eq!(
            r.last_reply,
            Some(Diagnostic::Remote(Reply::new(452, "4.2.2", "mailbox full")))
        );
    }
}

//! The accept stage (Postfix's cleanup): everything from "the bytes are
//! in" to the reply, the same for every way in (SMTP DATA and BDAT, the
//! REST API, the portal's secure reply).
//!
//! Order: hop count (mail loop) → shutdown → header repairs (`headers`) →
//! policy on the blocking pool, with its header rewrites → trace header →
//! envelope with the typed verdict → durable spool write → durable audit
//! record → `250` (a failed audit write withdraws the message: no `250`
//! without both) → schedule → metrics and log. Nothing here is SMTP-specific
//! beyond the reply value every caller maps to its own protocol.

pub mod headers;
mod verdict;

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::audit::AuditLog;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::policy::{self, Action, MessageContext, PolicySet};
use crate::smtp::reply::{Reply, std_replies};
use crate::spool::schedule::Schedule;
use crate::spool::{Envelope, QueueId, RecipientSpec, Spool, format_id};

/// Single-part text messages up to this size are inspected on the async
/// worker (about a millisecond of CPU at most); larger ones, and any with
/// parts or attachments (whose extraction may take far longer), on the
/// blocking pool.
const INSPECT_IN_PLACE_MAX: usize = 64 * 1024;

/// True for a message that is one text part: no Content-Type field (text
/// by default, RFC 2045 §5.2) or one whose first line names `text/`.
/// Anything else, a folded or unreadable field included, is not.
fn single_text_part(message: &[u8]) -> bool {
    let head_end = memchr::memmem::find(message, b"\r\n\r\n").unwrap_or(message.len());
    let name = b"content-type:";
    match message[..head_end]
        .split(|&b| b == b'\n')
        .find(|l| l.len() >= name.len() && l[..name.len()].eq_ignore_ascii_case(name))
    {
        None => true,
        Some(l) => {
            let v = l[name.len()..].trim_ascii_start();
            v.len() >= 5 && v[..5].eq_ignore_ascii_case(b"text/")
        }
    }
}

/// A message whose bytes are in, with its envelope and where it came from.
pub struct Submission {
    pub sender: String,
    pub recipients: Vec<RecipientSpec>,
    /// RFC 3461 RET: "FULL" or "HDRS".
    pub ret: Option<String>,
    pub envid: Option<String>,
    pub smtputf8: bool,
    pub body_8bit: bool,
    pub requiretls: bool,
    /// MT-PRIORITY as the client sent it (RFC 6710).
    pub mt_priority: Option<i8>,
    /// The least protection the submitter asks for (the API's `require`):
    /// it can only raise what policy decides, never lower it.
    pub protection_floor: Option<crate::spool::Protection>,
    pub message: Vec<u8>,
    pub source: Source,
}

/// The client side of a submission.
pub struct Source {
    /// Listener name (SMTP) or "api"/"portal": metric label and envelope.
    pub listener: String,
    pub client_ip: IpAddr,
    pub helo: String,
    pub auth_user: Option<String>,
    /// RFC 3848 "with" value for the trace header.
    pub protocol: String,
    /// (TLS version, cipher) of the client's session.
    pub tls: Option<(String, String)>,
    pub default_priority: u8,
    /// MT-PRIORITY counts only from clients allowed to relay (RFC 6710 §5).
    pub trust_mt_priority: bool,
}

/// Why a submission was refused (a closed set of metric labels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Loop,
    ShuttingDown,
    Unrepairable,
    Policy,
    LocalError,
}

impl Refusal {
    pub fn label(self) -> &'static str {
        match self {
            Refusal::Loop => "loop",
            Refusal::ShuttingDown => "shutting_down",
            Refusal::Unrepairable => "malformed",
            Refusal::Policy => "policy",
            Refusal::LocalError => "local_error",
        }
    }
}

/// The answer to a submission.
#[derive(Debug)]
pub struct Acceptance {
    pub reply: Reply,
    pub queue_id: Option<QueueId>,
    pub refusal: Option<Refusal>,
    /// The priority the message was queued with (after policy).
    pub priority: Option<u8>,
}

impl Acceptance {
    fn refused(refusal: Refusal, reply: Reply) -> Self {
        Acceptance {
            reply,
            queue_id: None,
            refusal: Some(refusal),
            priority: None,
        }
    }
}

/// What the accept stage needs: shared by every way in.
pub struct Stage {
    pub config: Arc<Config>,
    pub spool: Arc<Spool>,
    pub schedule: Arc<Schedule>,
    pub audit: Arc<AuditLog>,
    pub metrics: Arc<Metrics>,
    policy: RwLock<Arc<PolicySet>>,
    shutting_down: AtomicBool,
    /// Told of every acceptance (webhooks); none until `set_events`.
    events: RwLock<Option<Arc<dyn crate::events::EventSink>>>,
}

impl Stage {
    pub fn new(
        config: Arc<Config>,
        spool: Arc<Spool>,
        schedule: Arc<Schedule>,
        audit: Arc<AuditLog>,
        metrics: Arc<Metrics>,
        policy: PolicySet,
    ) -> Self {
        Stage {
            config,
            spool,
            schedule,
            audit,
            metrics,
            policy: RwLock::new(Arc::new(policy)),
            shutting_down: AtomicBool::new(false),
            events: RwLock::new(None),
        }
    }

    /// Emit an `accepted` event for every message from now on.
    pub fn set_events(&self, sink: Arc<dyn crate::events::EventSink>) {
        if let Ok(mut g) = self.events.write() {
            *g = Some(sink);
        }
    }

    pub fn policy(&self) -> Arc<PolicySet> {
        self.policy
            .read()
            .map(|p| p.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Swap in re-read policies (SIGHUP).
    pub fn set_policy(&self, set: PolicySet) {
        if let Ok(mut g) = self.policy.write() {
            *g = Arc::new(set);
        }
    }

    /// Report an event to the sink set with `set_events`, if any (also
    /// used by bounce handling, which shares the stage).
    pub fn emit(&self, event: crate::events::Event) {
        let sink = self.events.read().ok().and_then(|g| g.clone());
        if let Some(sink) = sink {
            sink.emit(event);
        }
    }

    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::Relaxed);
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::Relaxed)
    }

    /// Accept (durably) or refuse one message; see the module header.
    pub async fn accept(self: &Arc<Self>, sub: Submission) -> Acceptance {
        let id = self.spool.next_id();
        self.accept_as(id, sub).await
    }

    /// As `accept`, under a queue id reserved with `Spool::next_id` (the
    /// API records it with an idempotency key before the spool write).
    ///
    /// Runs as a task of its own: a caller that goes away (an HTTP client
    /// that disconnects, a connection time limit) must not cancel it
    /// between the durable spool write and the scheduling of the message.
    pub async fn accept_as(self: &Arc<Self>, id: QueueId, sub: Submission) -> Acceptance {
        let this = self.clone();
        match tokio::spawn(async move { this.accept_now(id, sub).await }).await {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "accept task failed");
                Acceptance::refused(Refusal::LocalError, std_replies::local_error())
            }
        }
    }

    async fn accept_now(&self, id: QueueId, sub: Submission) -> Acceptance {
        let started = Instant::now();
        let listener = sub.source.listener.clone();
        let result = self.run(id, sub).await;
        match result.refusal {
            None => self
                .metrics
                .data_to_250
                .observe(started.elapsed().as_secs_f64()),
            Some(r) => self
                .metrics
                .messages_rejected
                .with_label_values(&[listener.as_str(), r.label()])
                .inc(),
        }
        result
    }

    async fn run(&self, id: QueueId, sub: Submission) -> Acceptance {
        if headers::count_received(&sub.message) > headers::MAX_HOPS {
            return Acceptance::refused(
                Refusal::Loop,
                Reply::new(554, "5.4.6", "Too many hops (mail loop?)"),
            );
        }
        if self.is_shutting_down() {
            return Acceptance::refused(
                Refusal::ShuttingDown,
                Reply::new(421, "4.3.2", "Service shutting down, try again later"),
            );
        }
        let qid = format_id(id);
        let hostname = self.config.server.hostname.clone();
        let (message, repairs) =
            match headers::normalise(&sub.message, &sub.sender, &hostname, &qid) {
                Ok(x) => x,
                Err(reply) => return Acceptance::refused(Refusal::Unrepairable, reply),
            };
        let Some((verdict, body)) = self.inspect(&sub, message).await else {
            // The engine catches its own panics; if the task still died, the
            // client keeps the message and retries.
            return Acceptance::refused(Refusal::LocalError, std_replies::local_error());
        };
        if let Action::Reject {
            code,
            enhanced,
            text,
        } = &verdict.action
        {
            tracing::info!(listener = %sub.source.listener, rules = ?verdict.rules, "rejected by policy");
            return Acceptance::refused(
                Refusal::Policy,
                Reply::owned(*code, enhanced.clone(), text.clone()),
            );
        }
        let trace = headers::Trace {
            helo: &sub.source.helo,
            client_ip: sub.source.client_ip,
            tls: sub
                .source
                .tls
                .as_ref()
                .map(|(v, c)| (v.as_str(), c.as_str())),
            protocol: &sub.source.protocol,
        };
        // The trace header and the message are stored as two parts of one
        // record: joining them would copy the whole message once more.
        let received = headers::received(&trace, &hostname, &qid);
        let size = received.len() + body.len();
        let parts = [received.as_bytes(), &body[..]];
        let stored = verdict::stored(&verdict, &repairs, sub.protection_floor);
        let held = stored.held;
        let priority = verdict.priority.min(9);
        let envelope = Envelope {
            sender: sub.sender,
            recipients: sub.recipients,
            ret: sub.ret,
            envid: sub.envid,
            smtputf8: sub.smtputf8,
            body_8bit: sub.body_8bit,
            requiretls: sub.requiretls,
            listener: sub.source.listener.clone(),
            auth_user: sub.source.auth_user.clone(),
            client_ip: sub.source.client_ip.to_string(),
            client_helo: sub.source.helo.clone(),
            priority,
            mt_priority: sub.mt_priority,
            verdict: stored,
        };
        let rcpts = envelope.recipients.len();
        let sender = envelope.sender.clone();
        // The spool write and the audit record must both be durable before
        // the 250. They go to different files, so their syncs run at the
        // same time instead of one after the other.
        let (spooled, audited) = tokio::join!(
            self.spool.accept_with_id(id, envelope, &parts, held),
            self.audit_acceptance(id, &sender, rcpts, size, &body, &verdict)
        );
        match (spooled, audited) {
            (Ok(()), Ok(_)) => {}
            (Ok(()), Err(e)) => {
                // Without its audit record the message is withdrawn and the
                // client retries later.
                tracing::error!(queue_id = %qid, error = %e, "audit write failed; message withdrawn");
                let _ = self.spool.withdraw(id).await;
                return Acceptance::refused(Refusal::LocalError, std_replies::local_error());
            }
            (Err(e), audited) => {
                tracing::error!(queue_id = %qid, error = %e, "spool write failed; message not accepted");
                if audited.is_ok() {
                    self.withdrawn(&qid).await;
                }
                return Acceptance::refused(Refusal::LocalError, std_replies::local_error());
            }
        }
        if !held {
            self.schedule.ready(id, priority);
        }
        self.emit(crate::events::Event::new(
            crate::events::EventKind::Accepted,
            id,
        ));
        self.record(&sub.source.listener, &verdict, size);
        let findings: Vec<String> = verdict
            .findings
            .iter()
            .map(|f| format!("{}x{}", f.kind, f.count))
            .collect();
        tracing::info!(
            queue_id = %qid,
            listener = %sub.source.listener,
            size,
            rcpts,
            priority,
            protection = ?verdict.protection,
            held,
            rules = ?verdict.rules,
            findings = ?findings,
            repaired = ?repairs.added,
            "accepted"
        );
        Acceptance {
            reply: Reply::new(250, "2.0.0", format!("OK queued as {qid}")),
            queue_id: Some(id),
            refusal: None,
            priority: Some(priority),
        }
    }

    /// Run the policy engine and apply its header rewrites. The verdict
    /// carries no matched values. CPU-bound: a large message goes to the
    /// blocking pool; a small one (most mail) is inspected in place, where
    /// it costs less than the hand-over to another thread would.
    async fn inspect(
        &self,
        sub: &Submission,
        message: Vec<u8>,
    ) -> Option<(policy::Verdict, Vec<u8>)> {
        let set = self.policy();
        let listener = sub.source.listener.clone();
        let sender = sub.sender.clone();
        let recipients: Vec<String> = sub.recipients.iter().map(|r| r.address.clone()).collect();
        let auth_user = sub.source.auth_user.clone();
        let mt_priority = sub
            .mt_priority
            .filter(|_| sub.source.trust_mt_priority)
            .map(mt_priority_to_level);
        let default_priority = sub.source.default_priority;
        let in_place = message.len() <= INSPECT_IN_PLACE_MAX && single_text_part(&message);
        let work = move || {
            let ctx = MessageContext {
                listener: &listener,
                sender: &sender,
                recipients: &recipients,
                auth_user: auth_user.as_deref(),
                size: message.len(),
                mt_priority,
                default_priority,
            };
            let verdict = policy::inspect(&set, &message, &ctx);
            let rewritten = if verdict.subject_rewrite.is_some()
                || verdict.strip_subject_tags
                || !verdict.add_headers.is_empty()
            {
                policy::apply_rewrites(&message, &verdict)
            } else {
                message
            };
            (verdict, rewritten)
        };
        if in_place {
            // The engine catches its own panics; this also covers the
            // rewrites, as the blocking pool's task boundary does.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).ok()
        } else {
            tokio::task::spawn_blocking(work).await.ok()
        }
    }

    async fn audit_acceptance(
        &self,
        id: u64,
        sender: &str,
        rcpts: usize,
        size: usize,
        message: &[u8],
        verdict: &policy::Verdict,
    ) -> Result<u64, crate::audit::AuditError> {
        use crate::audit::event::{Finding, MessageAccepted};
        let event = crate::audit::Event::MessageAccepted(MessageAccepted {
            queue_id: format_id(id),
            sender: sender.to_string(),
            recipient_count: rcpts as u32,
            size: size as u64,
            message_id_sha256: crate::util::header_value(message, b"message-id:")
                .map(|m| crate::audit::event::hash_message_id(&m)),
            rules: verdict.rules.clone(),
            findings: verdict
                .findings
                .iter()
                .map(|f| Finding {
                    kind: f.kind.to_string(),
                    count: f.count as u32,
                })
                .collect(),
        });
        self.audit.append_durable(event).await
    }

    /// The audit log recorded an acceptance the spool could not make good.
    async fn withdrawn(&self, qid: &str) {
        let event = crate::audit::Event::MessageWithdrawn(crate::audit::event::MessageWithdrawn {
            queue_id: qid.to_string(),
            reason: "spool_write_failed".into(),
        });
        if let Err(e) = self.audit.append_durable(event).await {
            tracing::error!(queue_id = %qid, error = %e, "audit write failed");
        }
    }

    fn record(&self, listener: &str, verdict: &policy::Verdict, size: usize) {
        let m = &self.metrics;
        m.messages_accepted.with_label_values(&[listener]).inc();
        m.received_bytes
            .with_label_values(&[listener])
            .inc_by(size as u64);
        for f in &verdict.findings {
            m.policy_findings
                .with_label_values(&[f.kind.as_str()])
                .inc_by(f.count as u64);
        }
        let priority = verdict.priority.min(9).to_string();
        m.policy_verdicts
            .with_label_values(&[verdict.protection.as_str(), priority.as_str()])
            .inc();
    }
}

/// RFC 6710 MT-PRIORITY (-9..=9) onto sealpost's 0..=9 (4 is normal).
pub fn mt_priority_to_level(mt: i8) -> u8 {
    let mt = mt.clamp(-9, 9) as i32;
    let level = if mt <= 0 {
        4 + (mt * 4) / 9
    } else {
        4 + (mt * 5 + 8) / 9
    };
    level.clamp(0, 9) as u8
}

#[cfg(test)]
mod tests {
    use super::single_text_part;

    #[test]
    fn only_single_text_parts_are_inspected_in_place() {
        for m in [
            &b"Subject: x\r\n\r\nbody"[..],
            b"Content-Type: text/plain; charset=utf-8\r\n\r\nbody",
            b"content-type:TEXT/html\r\n\r\n<p>x</p>",
            b"Subject: no body at all",
        ] {
            assert!(single_text_part(m), "{}", String::from_utf8_lossy(m));
        }
        for m in [
            &b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"[..],
            b"Content-Type: application/pdf\r\n\r\n%PDF",
            b"Content-Type:\r\n multipart/mixed; boundary=b\r\n\r\n",
            b"Content-Type: message/rfc822\r\n\r\nSubject: y\r\n\r\nz",
        ] {
            assert!(!single_text_part(m), "{}", String::from_utf8_lossy(m));
        }
    }
}

//! Outbound delivery: workers take the next message from the schedule
//! (highest priority first), try every due recipient grouped by domain,
//! record each result in the spool, send DSNs, and either finish the
//! message or put it back on the schedule for its next retry.

pub mod dsn;
pub mod error;
mod events;
pub mod outbox;
pub mod outcome;
pub mod pool;
mod protect;
pub mod retry;
mod smtp;
#[cfg(test)]
mod tests;
pub mod transport;

use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::spool::schedule::Schedule;
use crate::spool::{
    Envelope, MessageMeta, QueueId, RcptStatus, RecipientSpec, Settled, Spool, format_id, now_ms,
};
use outcome::{DsnAction, Outcome, Policy};

pub use protect::{KeyDiscovery, Secure};

/// Key discovery by Web Key Directory over `dns`.
pub fn protect_wkd<L: crate::dns::Resolver + 'static>(
    https: crate::secure::https::HttpsClient,
    dns: L,
) -> impl KeyDiscovery {
    protect::Wkd {
        wkd: crate::secure::wkd::Wkd::new(https),
        dns,
    }
}
pub use smtp::SmtpTransport;
pub use transport::{Batch, Transport};

pub struct Delivery<T: Transport> {
    pub config: Arc<Config>,
    pub spool: Arc<Spool>,
    pub schedule: Arc<Schedule>,
    /// Sends each batch (SMTP by route or MX, or a local outbox).
    pub transport: Arc<T>,
    pub metrics: Arc<crate::metrics::Metrics>,
    pub audit: Option<Arc<crate::audit::AuditLog>>,
    /// DKIM keys (re-read on SIGHUP); signs the bytes that leave.
    pub dkim: std::sync::RwLock<Option<Arc<crate::dkim::DkimSigner>>>,
    /// Addresses that hard-bounced or complained: failed without an attempt.
    pub suppression: Option<Arc<dyn crate::bounce::SuppressionStore>>,
    /// The protection services (encryptors, portal, key discovery), as one
    /// value, for recipients whose verdict asks for protection.
    pub secure: Option<Arc<protect::Secure>>,
    /// Told of each recipient's result (webhooks, the API's status).
    pub events: Arc<dyn crate::events::EventSink>,
    /// `[secure]` as last (re)loaded: order, TLS domains, fallback, portal
    /// settings and `dane` take effect on SIGHUP; keyrings, signing keys
    /// and `wkd`/`mta_sts` switches need a restart.
    secure_config: std::sync::RwLock<Arc<crate::config::SecureConfig>>,
    sweeper: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl<T: Transport> Delivery<T> {
    pub fn new(
        config: Arc<Config>,
        spool: Arc<Spool>,
        schedule: Arc<Schedule>,
        transport: Arc<T>,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> Self {
        let secure_config = std::sync::RwLock::new(Arc::new(config.secure.clone()));
        Delivery {
            config,
            spool,
            schedule,
            transport,
            metrics,
            audit: None,
            dkim: Default::default(),
            suppression: None,
            secure: None,
            events: Arc::new(crate::events::NoEvents),
            sweeper: Default::default(),
            secure_config,
        }
    }

    /// Sign with these DKIM keys.
    pub fn set_dkim(&self, signer: Option<Arc<crate::dkim::DkimSigner>>) {
        if let Ok(mut g) = self.dkim.write() {
            *g = signer;
        }
    }

    /// Report results to `sink`.
    pub fn with_events(mut self, sink: Arc<dyn crate::events::EventSink>) -> Self {
        self.events = sink;
        self
    }

    pub fn with_suppression(mut self, store: Arc<dyn crate::bounce::SuppressionStore>) -> Self {
        self.suppression = Some(store);
        self
    }

    /// Due recipients on the suppression list fail at once (no attempt).
    fn suppressed(&self, meta: &MessageMeta, due: &[usize]) -> Vec<(usize, Outcome)> {
        let Some(store) = &self.suppression else {
            return Vec::new();
        };
        due.iter()
            .filter_map(|&i| {
                let hit = store
                    .is_suppressed(&meta.recipients[i].address)
                    .ok()
                    .flatten()?;
                self.metrics.suppressed.with_label_values(&["hit"]).inc();
                Some((
                    i,
                    Outcome::not_delivered(
                        error::DeliveryError::Suppressed(hit.reason.to_string()),
                        None,
                    ),
                ))
            })
            .collect()
    }

    /// The `[secure]` settings in force.
    pub(crate) fn secure_config(&self) -> Arc<crate::config::SecureConfig> {
        self.secure_config
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Swap in re-read `[secure]` settings (SIGHUP).
    pub fn set_secure_config(&self, secure: crate::config::SecureConfig) {
        if let Ok(mut g) = self.secure_config.write() {
            *g = Arc::new(secure);
        }
    }

    pub fn with_secure(mut self, secure: protect::Secure) -> Self {
        self.secure = Some(Arc::new(secure));
        self
    }

    /// Whether a DKIM key is configured (`sign` would change the body).
    pub(crate) fn signs(&self) -> bool {
        self.dkim.read().ok().is_some_and(|g| g.is_some())
    }

    /// DKIM-sign the message as it will leave (RFC 6376). Unsigned mail
    /// still goes out when no key matches or signing fails (logged).
    /// On the blocking pool: RSA signing and hashing a large body would
    /// hold up the runtime's workers.
    pub(crate) async fn sign(&self, id: QueueId, body: Vec<u8>) -> Vec<u8> {
        let signer = self.dkim.read().ok().and_then(|g| g.clone());
        let Some(signer) = signer else { return body };
        let body = Arc::new(body);
        let input = body.clone();
        let signed = tokio::task::spawn_blocking(move || signer.sign_into(&input)).await;
        let unsigned = || Arc::try_unwrap(body).unwrap_or_else(|shared| (*shared).clone());
        match signed {
            Ok(Ok(signed)) => signed,
            Ok(Err(e)) => {
                tracing::warn!(queue_id = %format_id(id), error = %e, "not DKIM-signed");
                unsigned()
            }
            Err(e) => {
                tracing::error!(queue_id = %format_id(id), error = %e, "DKIM signing task failed; sent unsigned");
                unsigned()
            }
        }
    }

    /// Record protection choices and delivery results in this audit log.
    pub fn with_audit(mut self, audit: Arc<crate::audit::AuditLog>) -> Self {
        self.audit = Some(audit);
        self
    }

    /// Append to the audit log, buffered (a protection choice; the final
    /// results of a pass go together through `append_all_gathered`). A
    /// failed audit write is logged loudly but does not undo a delivery.
    pub(crate) async fn audit(&self, event: crate::audit::Event) {
        let Some(log) = &self.audit else { return };
        if let Err(e) = log.append(event).await {
            tracing::error!(error = %e, "audit write failed");
        }
    }

    /// Put every queued message from the spool on the schedule (start-up).
    pub fn schedule_recovered(&self) -> usize {
        let Ok(all) = self.spool.list() else { return 0 };
        let mut n = 0;
        for m in all.iter().filter(|m| !m.held) {
            if let Some(due) = m.next_due() {
                self.schedule.at(m.id, m.priority(), due);
                n += 1;
            }
        }
        n
    }

    /// Run `workers` delivery tasks on `rt` until the schedule is closed.
    pub fn start(
        self: &Arc<Self>,
        rt: &tokio::runtime::Handle,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let mut handles = Vec::new();
        for _ in 0..self.config.delivery.workers {
            let me = self.clone();
            handles.push(rt.spawn(async move {
                while let Some(id) = me.schedule.next().await {
                    tracing::debug!(queue_id = %format_id(id), "delivery starts");
                    me.deliver(id).await;
                    me.schedule.done(id);
                    tracing::debug!(queue_id = %format_id(id), "delivery ends");
                }
                tracing::debug!("delivery worker stopped");
            }));
        }
        // The idle-connection sweeper holds no state worth waiting for.
        let me = self.clone();
        let sweeper = rt.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                me.transport.sweep();
            }
        });
        if let Ok(mut g) = self.sweeper.lock() {
            *g = Some(sweeper);
        }
        handles
    }

    /// One delivery pass over the due recipients of one message.
    pub async fn deliver(&self, id: QueueId) {
        let meta = match self.spool.get(id) {
            Ok(Some(m)) => m,
            Ok(None) => return,
            Err(e) => return self.unreadable(id, 4, e),
        };
        if meta.held {
            return;
        }
        let now = now_ms();
        let due: Vec<usize> = (0..meta.recipients.len())
            .filter(|&i| {
                meta.recipients[i].status == RcptStatus::Queued
                    && meta.recipients[i].next_attempt <= now
            })
            .collect();
        if due.is_empty() {
            if let Some(t) = meta.next_due() {
                self.schedule.at(id, meta.priority(), t);
            }
            return;
        }
        let body = match self.spool.load_body(&meta) {
            Ok(b) => b,
            Err(e) => return self.unreadable(id, meta.priority(), e),
        };
        let mut results = self.suppressed(&meta, &due);
        let due: Vec<usize> = due
            .into_iter()
            .filter(|i| !results.iter().any(|(j, _)| j == i))
            .collect();
        let (sent, methods) = self.protect_and_send(&meta, &body, &due).await;
        results.extend(sent);
        self.record(meta, results, &body, &methods).await;
    }

    /// A record that cannot be read: quarantined when it is damaged or its
    /// segment is gone; retried in a minute on any other (transient) error.
    fn unreadable(&self, id: QueueId, priority: u8, e: crate::spool::SpoolError) {
        use crate::spool::SpoolError;
        let permanent = match &e {
            SpoolError::Corrupt(_) => true,
            SpoolError::Io { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
            _ => false,
        };
        if permanent {
            let _ = self.spool.quarantine(id, &e.to_string());
        } else {
            tracing::warn!(queue_id = %format_id(id), error = %e, "spool read failed; retrying");
            self.schedule.at(id, priority, now_ms() + 60_000);
        }
    }

    async fn record(
        &self,
        meta: MessageMeta,
        results: Vec<(usize, Outcome)>,
        body: &[u8],
        methods: &std::collections::HashMap<usize, crate::secure::decide::Method>,
    ) {
        let id = meta.id;
        let d = &self.config.delivery;
        let policy = Policy {
            schedule: &d.retry_schedule,
            max_lifetime: d.max_lifetime,
            delay_dsn_after: d.delay_dsn_after,
        };
        let now = now_ms();
        let events: Vec<(crate::audit::Event, bool)> = results
            .iter()
            .filter_map(|(i, o)| delivery_event(&meta, *i, o))
            .collect();
        let mut updated = meta.clone();
        let vias = events::vias(&results, methods);
        let kinds = events::kinds(&results);
        let dsns = outcome::apply(&mut updated, results, now, &policy);
        // Final results that owe no DSN are final now: into the delivery
        // log before anything else, so a crash from here on does not send
        // them again. Those with a DSN follow once the DSN is queued.
        let owes_dsn: Vec<usize> = dsns.iter().map(|(i, _)| *i).collect();
        self.log_final(&meta, &updated, |i| !owes_dsn.contains(&i));
        events::set_vias(&mut updated, &vias);
        log_results(&meta, &updated);
        if let Some(log) = &self.audit {
            for r in log.append_all_gathered(events).await {
                if let Err(e) = r {
                    tracing::error!(error = %e, "audit write failed");
                }
            }
        }
        self.count_results(&meta, &updated, now);
        for (_, kind) in &dsns {
            let k = match kind {
                DsnAction::Failed => "failed",
                DsnAction::Delayed => "delayed",
                DsnAction::Relayed => "relayed",
            };
            self.metrics.dsn.with_label_values(&[k]).inc();
        }
        if !dsns.is_empty() && !self.send_dsn(&updated, &dsns, body).await {
            // The sender must hear about it: keep these recipients queued
            // and try again shortly rather than dropping the notification.
            for (i, action) in &dsns {
                let Some(r) = updated.recipients.get_mut(*i) else {
                    continue;
                };
                match action {
                    DsnAction::Failed => {
                        r.status = RcptStatus::Queued;
                        r.next_attempt = now + 60_000;
                    }
                    DsnAction::Delayed => r.delay_notified = false,
                    DsnAction::Relayed => {}
                }
            }
        }
        self.log_final(&meta, &updated, |i| owes_dsn.contains(&i));
        // Only the recipients this pass touched are written back: a bounce
        // or an admin action on another recipient meanwhile is kept.
        let touched: Vec<usize> = (0..updated.recipients.len())
            .filter(|&i| updated.recipients.get(i) != meta.recipients.get(i))
            .collect();
        let stored = self.spool.settle(id, |m| {
            for &i in &touched {
                if let (Some(slot), Some(new)) =
                    (m.recipients.get_mut(i), updated.recipients.get(i))
                {
                    *slot = new.clone();
                }
            }
        });
        if stored.is_ok() {
            events::emit(self.events.as_ref(), &updated, &kinds);
        }
        match stored {
            Ok(Settled::Finished {
                empty_segment: Some(seg),
                ..
            }) => {
                // Flushes sled and unlinks a file: off the runtime.
                let spool = self.spool.clone();
                let done = tokio::task::spawn_blocking(move || spool.release_segment(seg)).await;
                if let Ok(Err(e)) = done {
                    tracing::error!(queue_id = %format_id(id), error = %e, "cannot remove a finished segment");
                }
            }
            Ok(Settled::Finished { .. } | Settled::Gone) => {}
            Ok(Settled::Pending(m)) => {
                if let Some(t) = m.next_due() {
                    self.schedule.at(id, m.priority(), t);
                }
            }
            Err(e) => {
                tracing::error!(queue_id = %format_id(id), error = %e, "cannot record delivery state")
            }
        }
    }

    /// Append the recipients `pick` selects that became final in this pass
    /// to the spool's delivery log. Not awaited: the log's group commit
    /// makes them durable within a sync or two whether or not this worker
    /// waits, and waiting would only slow the worker down. A failed
    /// append is logged; sled still gets the state (at its own pace).
    fn log_final(&self, before: &MessageMeta, after: &MessageMeta, pick: impl Fn(usize) -> bool) {
        use crate::spool::delivered::Final;
        let marks: Vec<(u32, Final)> = (0..after.recipients.len())
            .filter(|&i| pick(i))
            .filter(|&i| before.recipients.get(i).map(|r| r.status) == Some(RcptStatus::Queued))
            .filter_map(|i| {
                Some((
                    u32::try_from(i).ok()?,
                    Final::of(after.recipients[i].status)?,
                ))
            })
            .collect();
        if marks.is_empty() {
            return;
        }
        if let Err(e) = self.spool.record_results(after, &marks) {
            tracing::error!(queue_id = %format_id(after.id), error = %e, "cannot append to the delivery log");
        }
    }

    /// Queue a DSN to the original sender from `<>`; false if it could not
    /// be stored.
    async fn send_dsn(
        &self,
        meta: &MessageMeta,
        items: &[(usize, DsnAction)],
        body: &[u8],
    ) -> bool {
        let hostname = &self.config.server.hostname;
        let report = dsn::build(meta, items, body, hostname);
        let envelope = Envelope {
            sender: String::new(),
            recipients: vec![RecipientSpec {
                address: meta.envelope.sender.clone(),
                orcpt: None,
                notify: 0,
            }],
            ret: None,
            envid: None,
            smtputf8: meta.envelope.smtputf8,
            body_8bit: report.iter().any(|&b| b >= 0x80),
            // A bounce quotes the original: it gets the original's floor.
            requiretls: meta.envelope.requiretls,
            listener: "dsn".into(),
            auth_user: None,
            client_ip: "127.0.0.1".into(),
            client_helo: hostname.clone(),
            priority: meta.priority(),
            mt_priority: None,
            // A bounce quotes the original: it keeps the original's
            // protection, but not a rule's method list (the sender may have
            // no certificate for a method the recipient's domain required).
            verdict: crate::spool::StoredVerdict {
                protection: meta.envelope.verdict.protection,
                ..crate::spool::StoredVerdict::default()
            },
        };
        match self.spool.accept(envelope, &report).await {
            Ok(dsn_id) => {
                self.schedule.ready(dsn_id, meta.priority());
                tracing::info!(queue_id = %format_id(meta.id), dsn_id = %format_id(dsn_id), "DSN queued");
                true
            }
            Err(e) => {
                tracing::error!(queue_id = %format_id(meta.id), error = %e, "cannot queue DSN");
                false
            }
        }
    }

    fn count_results(&self, before: &MessageMeta, after: &MessageMeta, now: u64) {
        for (b, a) in before.recipients.iter().zip(&after.recipients) {
            if a.attempts == b.attempts {
                continue;
            }
            let result = match a.status {
                RcptStatus::Delivered => {
                    let secs = now.saturating_sub(after.created) as f64 / 1000.0;
                    self.metrics.delivery_latency.observe(secs);
                    "delivered"
                }
                RcptStatus::Failed | RcptStatus::Bounced => "failed",
                RcptStatus::Queued => "deferred",
            };
            self.metrics
                .delivery_attempts
                .with_label_values(&[result])
                .inc();
        }
    }

    pub async fn shutdown(&self) {
        if let Ok(mut g) = self.sweeper.lock()
            && let Some(h) = g.take()
        {
            h.abort();
        }
        self.schedule.close();
        self.transport.close().await;
    }
}

/// The audit record of one recipient's attempt; final results are
/// written durably. Only the enhanced status code is kept, not reply text.
fn delivery_event(
    meta: &MessageMeta,
    i: usize,
    o: &Outcome,
) -> Option<(crate::audit::Event, bool)> {
    use crate::audit::event::{DeliveryResult, ResultClass};
    let rcpt = meta.recipients.get(i)?;
    let (result, remote, tls, error) = match o {
        Outcome::Delivered { remote, tls, .. } => (
            ResultClass::Delivered,
            Some(remote.clone()),
            tls.clone(),
            None,
        ),
        Outcome::Deferred { error, remote } => {
            (ResultClass::Deferred, remote.clone(), None, Some(error))
        }
        Outcome::Failed { error, remote } => {
            (ResultClass::Failed, remote.clone(), None, Some(error))
        }
    };
    let durable = result != ResultClass::Deferred;
    let event = crate::audit::Event::DeliveryResult(DeliveryResult {
        queue_id: format_id(meta.id),
        recipient: rcpt.address.clone(),
        result,
        remote_host: remote,
        verified: tls.as_ref().is_some_and(|t| t.1),
        tls: tls.map(|t| t.0),
        status: error.map(|e| e.reply().status().to_string()),
    });
    Some((event, durable))
}

fn log_results(before: &MessageMeta, after: &MessageMeta) {
    for (b, a) in before.recipients.iter().zip(&after.recipients) {
        if b.status == a.status && a.status != RcptStatus::Queued {
            continue;
        }
        let domain = crate::util::domain_of(&a.address);
        tracing::info!(
            queue_id = %format_id(after.id),
            rcpt_domain = domain,
            status = ?a.status,
            attempts = a.attempts,
            remote = a.remote_host.as_deref().unwrap_or(""),
            reply = %a.last_reply.as_ref().map(|d| d.to_string()).unwrap_or_default(),
            via = a.via.as_ref().map(|v| v.method.as_str()).unwrap_or(""),
            tls = a.via.as_ref().and_then(|v| v.tls_version.as_deref()).unwrap_or(""),
            tls_verified = a.via.as_ref().is_some_and(|v| v.tls_verified),
            "delivery attempt"
        );
    }
}

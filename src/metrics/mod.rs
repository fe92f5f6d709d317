//! Prometheus metrics, all declared here with help text (CONVENTIONS 11):
//! `sealpost_<subsystem>_<thing>_{total,seconds,bytes}`. Labels never carry
//! an address, a subject or a PHI value; label values come from closed sets
//! (listener names from the config, reply classes, detector types, 0–9).

pub mod http;

use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec,
    Opts, Registry, TextEncoder,
};

pub struct Metrics {
    pub registry: Registry,
    pub connections: IntCounterVec,
    pub sessions_active: IntGaugeVec,
    pub tls_sessions: IntCounterVec,
    pub auth: IntCounterVec,
    pub messages_accepted: IntCounterVec,
    pub messages_rejected: IntCounterVec,
    pub received_bytes: IntCounterVec,
    pub data_to_250: Histogram,
    pub policy_findings: IntCounterVec,
    pub policy_verdicts: IntCounterVec,
    pub queue_messages: IntGaugeVec,
    pub queue_oldest_age: Gauge,
    pub delivery_attempts: IntCounterVec,
    pub delivery_protection: IntCounterVec,
    pub delivery_latency: Histogram,
    pub delivery_transactions: HistogramVec,
    pub dsn: IntCounterVec,
    pub spool_flush: Histogram,
    pub spool_batch: Histogram,
    /// fdatasyncs of the delivery log (brought up to date at each scrape).
    pub spool_result_syncs: IntCounter,
    pub reloads: IntCounterVec,
    pub bounces: IntCounterVec,
    pub bounce_reasons: IntCounterVec,
    pub suppressed: IntCounterVec,
    pub portal_events: IntCounterVec,
    pub api_requests: IntCounterVec,
    pub webhook_deliveries: IntCounterVec,
    pub webhook_outbox: prometheus::IntGauge,
    /// 1 while the shared store (PostgreSQL) answers, 0 while it does not.
    pub store_up: prometheus::IntGauge,
    pub store_errors: IntCounterVec,
    pub suppression_stale: IntCounter,
    pub node_info: IntGaugeVec,
}

const LATENCY_BUCKETS: [f64; 16] = [
    0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
    10.0,
];

fn counter(
    r: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> prometheus::Result<IntCounterVec> {
    let c = IntCounterVec::new(Opts::new(name, help), labels)?;
    r.register(Box::new(c.clone()))?;
    Ok(c)
}

fn histogram(
    r: &Registry,
    name: &str,
    help: &str,
    buckets: Vec<f64>,
) -> prometheus::Result<Histogram> {
    let h = Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets))?;
    r.register(Box::new(h.clone()))?;
    Ok(h)
}

impl Metrics {
    pub fn new() -> prometheus::Result<Metrics> {
        let r = Registry::new();
        #[cfg(target_os = "linux")]
        r.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        let lat = LATENCY_BUCKETS.to_vec();
        let sessions_active = IntGaugeVec::new(
            Opts::new(
                "sealpost_smtp_sessions_active",
                "SMTP sessions currently open, by listener.",
            ),
            &["listener"],
        )?;
        r.register(Box::new(sessions_active.clone()))?;
        let queue_messages = IntGaugeVec::new(
            Opts::new(
                "sealpost_queue_messages",
                "Messages waiting for delivery, by priority and state (ready, deferred).",
            ),
            &["priority", "state"],
        )?;
        r.register(Box::new(queue_messages.clone()))?;
        let spool_result_syncs = IntCounter::new(
            "sealpost_spool_delivery_log_syncs_total",
            "fdatasyncs of the delivery log (final delivery results, group-committed).",
        )?;
        r.register(Box::new(spool_result_syncs.clone()))?;
        let queue_oldest_age = Gauge::new(
            "sealpost_queue_oldest_message_age_seconds",
            "Age of the oldest message still in the queue (0 when empty).",
        )?;
        r.register(Box::new(queue_oldest_age.clone()))?;
        let delivery_transactions = HistogramVec::new(
            HistogramOpts::new(
                "sealpost_delivery_transaction_seconds",
                "Time of one outbound SMTP attempt for the recipients of one domain, by result.",
            )
            .buckets(lat.clone()),
            &["result"],
        )?;
        r.register(Box::new(delivery_transactions.clone()))?;
        let webhook_outbox = prometheus::IntGauge::new(
            "sealpost_webhook_outbox_messages",
            "Webhook messages waiting for a (further) attempt.",
        )?;
        r.register(Box::new(webhook_outbox.clone()))?;
        let store_up = prometheus::IntGauge::new(
            "sealpost_store_up",
            "1 while the shared store answers (always 1 with the embedded store), 0 while it cannot be reached.",
        )?;
        store_up.set(1);
        r.register(Box::new(store_up.clone()))?;
        let suppression_stale = IntCounter::new(
            "sealpost_store_suppression_stale_total",
            "Suppression checks answered from this node's local copy because the shared store could not be reached.",
        )?;
        r.register(Box::new(suppression_stale.clone()))?;
        let node_info = IntGaugeVec::new(
            Opts::new(
                "sealpost_node_info",
                "Always 1; the label names this node ([store] node_name).",
            ),
            &["node"],
        )?;
        r.register(Box::new(node_info.clone()))?;
        Ok(Metrics {
            connections: counter(
                &r,
                "sealpost_smtp_connections_total",
                "Inbound SMTP connections, by listener and outcome (accepted, refused).",
                &["listener", "outcome"],
            )?,
            sessions_active,
            tls_sessions: counter(
                &r,
                "sealpost_smtp_tls_sessions_total",
                "Inbound TLS handshakes completed, by listener and TLS version.",
                &["listener", "version"],
            )?,
            auth: counter(
                &r,
                "sealpost_smtp_auth_total",
                "AUTH attempts, by listener and result (success, failure, throttled).",
                &["listener", "result"],
            )?,
            messages_accepted: counter(
                &r,
                "sealpost_smtp_messages_accepted_total",
                "Messages accepted (250 after a durable spool write), by listener.",
                &["listener"],
            )?,
            messages_rejected: counter(
                &r,
                "sealpost_smtp_messages_rejected_total",
                "Messages or recipients refused, by listener and reason.",
                &["listener", "reason"],
            )?,
            received_bytes: counter(
                &r,
                "sealpost_smtp_received_bytes_total",
                "Message bytes accepted, by listener.",
                &["listener"],
            )?,
            data_to_250: histogram(
                &r,
                "sealpost_smtp_data_to_250_seconds",
                "Time from the end of DATA/BDAT to the 250 reply (policy scan and durable spool write).",
                lat.clone(),
            )?,
            policy_findings: counter(
                &r,
                "sealpost_policy_findings_total",
                "PHI findings in accepted messages, by detector type (distinct values).",
                &["type"],
            )?,
            policy_verdicts: counter(
                &r,
                "sealpost_policy_verdicts_total",
                "Policy verdicts, by required protection and priority.",
                &["protection", "priority"],
            )?,
            queue_messages,
            queue_oldest_age,
            delivery_attempts: counter(
                &r,
                "sealpost_delivery_attempts_total",
                "Per-recipient delivery outcomes, by result (delivered, deferred, failed).",
                &["result"],
            )?,
            delivery_protection: counter(
                &r,
                "sealpost_delivery_protection_total",
                "Per-recipient protection used at delivery (plain, tls_opportunistic, tls_required, tls_dane; pgp, smime, portal, defer as chosen).",
                &["method"],
            )?,
            delivery_latency: histogram(
                &r,
                "sealpost_delivery_latency_seconds",
                "Time from acceptance to successful delivery, per recipient.",
                vec![
                    0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 60.0, 300.0, 3600.0, 14400.0, 86400.0,
                ],
            )?,
            delivery_transactions,
            dsn: counter(
                &r,
                "sealpost_delivery_dsn_total",
                "Delivery status notifications queued, by kind (failed, delayed, relayed).",
                &["kind"],
            )?,
            spool_flush: histogram(
                &r,
                "sealpost_spool_flush_seconds",
                "Duration of one group commit (segment fdatasync plus index flush).",
                lat,
            )?,
            spool_batch: histogram(
                &r,
                "sealpost_spool_commit_batch_messages",
                "Messages made durable by one group commit.",
                vec![
                    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0,
                ],
            )?,
            spool_result_syncs,
            reloads: counter(
                &r,
                "sealpost_config_reloads_total",
                "Configuration reloads (SIGHUP), by part and result (ok, error).",
                &["part", "result"],
            )?,
            bounces: counter(
                &r,
                "sealpost_bounce_received_total",
                "Bounces and complaints received, by class (hard, soft, policy, mailbox_full, complaint, ignored, forged).",
                &["class"],
            )?,
            bounce_reasons: counter(
                &r,
                "sealpost_bounce_reasons_total",
                "Authenticated bounce reports by reason (unknown_user, unknown_host, disabled, mailbox_full, message_too_big, blocked, spam_content, authentication, rate_limited, expired, network, other, complaint) and side (recipient, sender: a problem of ours the operator should fix; never suppressed).",
                &["reason", "side"],
            )?,
            suppressed: counter(
                &r,
                "sealpost_suppression_total",
                "Suppression list events, by action (added, hit, removed).",
                &["action"],
            )?,
            portal_events: counter(
                &r,
                "sealpost_portal_events_total",
                "Portal read receipts and security events, by event (opened, download, reply, code_sent, code_failed, locked, signed_in, signed_out, recall, expired, extended, resent, rate_limited).",
                &["event"],
            )?,
            api_requests: counter(
                &r,
                "sealpost_api_requests_total",
                "REST API requests, by result (accepted, replayed, refused, client_error, unauthorized, rate_limited, unavailable, error).",
                &["result"],
            )?,
            webhook_deliveries: counter(
                &r,
                "sealpost_webhook_deliveries_total",
                "Webhook delivery attempts, by result (delivered, retry, gone, expired).",
                &["result"],
            )?,
            webhook_outbox,
            store_errors: counter(
                &r,
                "sealpost_store_errors_total",
                "Shared store calls that failed, by kind (unavailable).",
                &["kind"],
            )?,
            store_up,
            suppression_stale,
            node_info,
            registry: r,
        })
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

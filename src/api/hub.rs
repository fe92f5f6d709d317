//! The event hub: the `EventSink` that accept, delivery, bounce handling
//! and the portal report to. For each event it
//! 1. keeps what the spool does not record in the status index,
//! 2. finds the endpoints that want it — the submitting client's, and
//!    those of admin clients that asked for every message —
//! 3. writes one outbox item per endpoint (the payload is fixed here and
//!    signed as is on every attempt) and wakes the dispatcher.
//!
//! Payloads carry no PHI (Standard Webhooks envelope):
//! `{"type", "timestamp", "data": {"queue_id", "recipient" or
//! "recipient_sha256", "method", "tls", "code", "status", "tags"}}`.

use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};

use super::status::{MessageIndex, rfc3339};
use crate::events::{Event, EventSink};
use crate::spool::format_id;
use crate::store::{Endpoint, OutboxItem, WebhookStore};

pub struct Hub {
    index: Arc<MessageIndex>,
    store: Arc<dyn WebhookStore>,
    /// Endpoints as last read (refreshed on change and periodically).
    endpoints: RwLock<Vec<Endpoint>>,
    pub wake: Arc<tokio::sync::Notify>,
    hash_recipients: bool,
    /// With several nodes: which one raised the event (`data.node`).
    node: Option<String>,
}

impl Hub {
    pub fn new(
        index: Arc<MessageIndex>,
        store: Arc<dyn WebhookStore>,
        hash_recipients: bool,
    ) -> Hub {
        let hub = Hub {
            index,
            store,
            endpoints: RwLock::default(),
            wake: Arc::default(),
            hash_recipients,
            node: None,
        };
        hub.refresh();
        hub
    }

    /// Name the node in every payload (`[store] node_name`).
    pub fn with_node(mut self, node: &str) -> Hub {
        self.node = Some(node.to_string());
        self
    }

    /// Re-read the endpoints from the store.
    pub fn refresh(&self) {
        match self.store.endpoints() {
            Ok(list) => {
                if let Ok(mut g) = self.endpoints.write() {
                    *g = list;
                }
            }
            // Said once by the store when the database goes away.
            Err(crate::store::StoreError::Unavailable(_)) => {}
            Err(e) => tracing::error!(error = %e, "cannot read webhook endpoints"),
        }
    }

    fn targets(&self, owner: Option<&str>, event_type: &str) -> Vec<String> {
        let g = self.endpoints.read().unwrap_or_else(|p| p.into_inner());
        g.iter()
            .filter(|e| e.wants(event_type) && (e.all_messages || Some(e.owner.as_str()) == owner))
            .map(|e| e.id.clone())
            .collect()
    }

    fn payload(&self, event: &Event, tags: &[String]) -> String {
        let mut data = serde_json::Map::new();
        data.insert("queue_id".into(), format_id(event.queue_id).into());
        if let Some(r) = &event.recipient {
            if self.hash_recipients {
                let h = hex::encode(Sha256::digest(r.trim().to_ascii_lowercase().as_bytes()));
                data.insert("recipient_sha256".into(), h.into());
            } else {
                data.insert("recipient".into(), r.clone().into());
            }
        }
        if let Some(m) = &event.method {
            data.insert("method".into(), m.clone().into());
        }
        if let Some(t) = &event.tls {
            data.insert(
                "tls".into(),
                serde_json::json!({"version": t.version, "verified": t.verified}),
            );
        }
        if let Some(c) = event.code {
            data.insert("code".into(), c.into());
        }
        if let Some(s) = &event.status {
            data.insert("status".into(), s.clone().into());
        }
        if !tags.is_empty() {
            data.insert("tags".into(), tags.into());
        }
        if let Some(n) = &self.node {
            data.insert("node".into(), n.clone().into());
        }
        serde_json::json!({
            "type": event.kind.as_str(),
            "timestamp": rfc3339(event.at_ms),
            "data": data,
        })
        .to_string()
    }
}

impl EventSink for Hub {
    fn emit(&self, event: Event) {
        if let Some(r) = &event.recipient {
            self.index.note(event.queue_id, r, event.kind, event.at_ms);
        }
        let none_listen = self
            .endpoints
            .read()
            .map(|g| g.iter().all(|e| e.disabled.is_some()))
            .unwrap_or(false);
        if none_listen {
            return;
        }
        let api = self.index.get(event.queue_id).ok().flatten();
        let targets = self.targets(api.as_ref().map(|a| a.client.as_str()), event.kind.as_str());
        if targets.is_empty() {
            return;
        }
        let payload = self.payload(
            &event,
            api.as_ref().map(|a| a.tags.as_slice()).unwrap_or(&[]),
        );
        let mut items = Vec::with_capacity(targets.len());
        for endpoint_id in targets {
            let Ok(seq) = self.store.next_seq() else {
                continue;
            };
            items.push(OutboxItem {
                seq,
                next_ms: event.at_ms,
                endpoint_id,
                webhook_id: super::keys::random_id("msg_"),
                payload: payload.clone(),
                created_ms: event.at_ms,
                attempts: 0,
            });
        }
        match self.store.enqueue(items) {
            Ok(()) => self.wake.notify_one(),
            Err(e) => tracing::error!(
                queue_id = %format_id(event.queue_id),
                event = event.kind.as_str(),
                error = %e,
                "webhook event not queued"
            ),
        }
    }
}

//! Adaptive protection at delivery: for each due recipient, choose how its
//! copy leaves (`secure::decide`), then send accordingly — plain and
//! TLS-only recipients of a domain share one transaction; OpenPGP and
//! S/MIME recipients each get their own encrypted copy (DKIM-signed after
//! encryption); portal recipients get a sealed store entry and a notice.
//! A recipient whose verified TLS fails falls back to the portal (or
//! defers, per `[secure] tls_fallback`). Plaintext is never a fallback.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::SystemTime;

use super::Delivery;
use super::error::DeliveryError;
use super::outcome::Outcome;
use super::transport::{Batch, Transport};
use crate::audit::Event;
use crate::audit::event::ProtectionChosen;
use crate::secure::decide::{self, Known, Method};
use crate::secure::openpgp::OpenPgp;
use crate::secure::portal::{self, PutRequest, Vault};
use crate::secure::smime::Smime;
use crate::secure::{Encryptor, domain_of};
use crate::spool::{MessageMeta, Protection, format_id};

/// The protection services, handed to delivery as one value: the
/// encryptors, the portal store, and key discovery (WKD) when enabled.
pub struct Secure {
    pub pgp: OpenPgp,
    pub smime: Smime,
    pub portal: Arc<Vault>,
    pub discovery: Option<Arc<dyn KeyDiscovery>>,
}

/// Finds OpenPGP certificates for addresses the keyring does not know
/// (`secure::wkd` behind a resolver); cached by the implementation.
pub trait KeyDiscovery: Send + Sync {
    fn discover<'a>(
        &'a self,
        address: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<sequoia_openpgp::Cert>> + Send + 'a>>;
}

/// WKD lookups over a resolver.
pub struct Wkd<L> {
    pub wkd: crate::secure::wkd::Wkd,
    pub dns: L,
}

impl<L: crate::dns::Resolver + 'static> KeyDiscovery for Wkd<L> {
    fn discover<'a>(
        &'a self,
        address: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<sequoia_openpgp::Cert>> + Send + 'a>>
    {
        Box::pin(self.wkd.discover(&self.dns, address))
    }
}

impl<T: Transport> Delivery<T> {
    /// Send each due recipient its way; returns the outcomes and the
    /// method each recipient was sent with (for its status and events).
    pub(super) async fn protect_and_send(
        &self,
        meta: &MessageMeta,
        body: &[u8],
        due: &[usize],
    ) -> (Vec<(usize, Outcome)>, HashMap<usize, Method>) {
        let plan = self.plan(meta, due).await;
        let mut methods: HashMap<usize, Method> = plan.iter().copied().collect();
        // Without a DKIM key the body goes out as it is, uncopied.
        let signed_plain: std::borrow::Cow<'_, [u8]> = if self.signs() {
            self.sign(meta.id, body.to_vec()).await.into()
        } else {
            body.into()
        };
        let mut results = Vec::new();
        let mut by_floor: BTreeMap<(String, bool), Vec<usize>> = BTreeMap::new();
        for &(i, method) in &plan {
            match method {
                Method::Plain | Method::Tls => {
                    let domain = domain_of(&meta.recipients[i].address);
                    by_floor
                        .entry((domain, method == Method::Tls))
                        .or_default()
                        .push(i);
                }
                Method::Pgp | Method::Smime => {
                    results.push(self.send_encrypted(meta, body, i, method).await)
                }
                Method::Portal => results.push((i, self.to_portal(meta, body, i).await)),
                Method::Defer => {
                    results.push((i, Outcome::not_delivered(DeliveryError::NoMethod, None)))
                }
            }
        }
        for ((domain, tls_only), idxs) in by_floor {
            let sent = self
                .transport
                .deliver(Batch {
                    meta,
                    body: &signed_plain,
                    domain: &domain,
                    rcpts: &idxs,
                    require_tls: tls_only,
                })
                .await;
            for (i, o) in sent {
                let fallback = tls_only && self.portal_fallback() && tls_failed(&o);
                if fallback {
                    tracing::info!(queue_id = %format_id(meta.id), rcpt_domain = %domain, "verified TLS failed; using the portal");
                    self.audit_choice(meta, i, Method::Portal, "verified TLS failed at delivery")
                        .await;
                    methods.insert(i, Method::Portal);
                    results.push((i, self.to_portal(meta, body, i).await));
                } else {
                    results.push((i, o));
                }
            }
        }
        (results, methods)
    }

    fn portal_fallback(&self) -> bool {
        self.secure.is_some() && self.secure_config().tls_fallback_portal
    }

    /// The method for each recipient, recorded in the audit log.
    async fn plan(&self, meta: &MessageMeta, due: &[usize]) -> Vec<(usize, Method)> {
        let cfg = self.secure_config();
        let required = meta.envelope.verdict.protection;
        let mut plan = Vec::with_capacity(due.len());
        let rule_methods = meta.envelope.verdict.method_names();
        // Domain facts (MTA-STS, DANE) are looked up once per message.
        let mut verified: HashMap<String, bool> = HashMap::new();
        for &i in due {
            let addr = &meta.recipients[i].address;
            let order = cfg.order_for(&domain_of(addr), rule_methods.as_deref());
            let known = self.known(addr, required, order, &mut verified).await;
            let (mut method, mut reason) = decide::choose(
                required,
                meta.envelope.requiretls,
                order,
                cfg.tls_satisfies_encrypt,
                known,
            );
            if self.secure.is_none()
                && matches!(method, Method::Pgp | Method::Smime | Method::Portal)
            {
                (method, reason) = (Method::Defer, "encryption is not configured on this node");
            }
            if method != Method::Plain {
                self.audit_choice(meta, i, method, reason).await;
            }
            plan.push((i, method));
        }
        plan
    }

    /// What is known about `addr`. Discovery (WKD, MTA-STS, DANE) runs
    /// only for an `encrypt` verdict, where it can change the method.
    async fn known(
        &self,
        addr: &str,
        required: Protection,
        order: &[String],
        verified: &mut HashMap<String, bool>,
    ) -> Known {
        let domain = domain_of(addr);
        let encrypt = required == Protection::Encrypt;
        if encrypt && order.iter().any(|m| m == "pgp") {
            self.discover_openpgp(addr).await;
        }
        let verified_tls = !self.transport.is_local(&domain)
            && (self.secure_config().tls_domains.contains(&domain)
                || match verified.get(&domain) {
                    Some(&v) => v,
                    None => {
                        let v = self.transport.verified_tls(&domain, encrypt).await;
                        verified.insert(domain.clone(), v);
                        v
                    }
                });
        Known {
            pgp: self
                .secure
                .as_ref()
                .is_some_and(|s| s.pgp.can_encrypt(addr)),
            smime: self
                .secure
                .as_ref()
                .is_some_and(|s| s.smime.can_encrypt(addr)),
            verified_tls,
        }
    }

    /// A WKD lookup (cached) for a recipient the keyring does not know,
    /// when OpenPGP is an allowed method.
    async fn discover_openpgp(&self, addr: &str) {
        let Some(secure) = &self.secure else { return };
        let Some(discovery) = &secure.discovery else {
            return;
        };
        if secure.pgp.in_keyring(addr) {
            return;
        }
        let certs = discovery.discover(addr).await;
        secure.pgp.learn(addr, certs);
    }

    async fn audit_choice(&self, meta: &MessageMeta, i: usize, method: Method, reason: &str) {
        self.metrics
            .delivery_protection
            .with_label_values(&[method.as_str()])
            .inc();
        let event = Event::ProtectionChosen(ProtectionChosen {
            queue_id: format_id(meta.id),
            recipient_domain: domain_of(&meta.recipients[i].address),
            method: method.as_str().to_string(),
            reason: reason.to_string(),
        });
        self.audit(event).await;
    }

    async fn send_encrypted(
        &self,
        meta: &MessageMeta,
        body: &[u8],
        i: usize,
        method: Method,
    ) -> (usize, Outcome) {
        let Some(secure) = &self.secure else {
            return (
                i,
                Outcome::not_delivered(DeliveryError::NotConfigured("Encryption"), None),
            );
        };
        let addr = meta.recipients[i].address.clone();
        // CPU-bound (public-key and bulk crypto): on the blocking pool.
        let job = {
            let (secure, addr, body) = (secure.clone(), addr.clone(), body.to_vec());
            tokio::task::spawn_blocking(move || {
                let encryptor: &dyn Encryptor = if method == Method::Pgp {
                    &secure.pgp
                } else {
                    &secure.smime
                };
                encryptor.encrypt(&addr, &body)
            })
        };
        let encrypted = match job.await.unwrap_or_else(|e| {
            Err(crate::secure::SecureError::Crypto {
                method: "encryption",
                reason: format!("task failed: {e}"),
            })
        }) {
            Ok(e) => e,
            Err(e) => {
                // Never plaintext: the recipient waits (a key may be fixed),
                // or fails at once when no retry can help.
                tracing::warn!(queue_id = %format_id(meta.id), error = %e, transient = e.is_transient(), "encryption failed");
                let error = DeliveryError::Encryption {
                    transient: e.is_transient(),
                    detail: e.to_string(),
                };
                return (i, Outcome::not_delivered(error, None));
            }
        };
        let signed = self.sign(meta.id, encrypted).await;
        let domain = domain_of(&addr);
        let mut sent = self
            .transport
            .deliver(Batch {
                meta,
                body: &signed,
                domain: &domain,
                rcpts: &[i],
                require_tls: false,
            })
            .await;
        sent.pop().unwrap_or((
            i,
            Outcome::not_delivered(DeliveryError::Unreachable("no result".into()), None),
        ))
    }

    /// Seal the message for the recipient and queue the notice.
    async fn to_portal(&self, meta: &MessageMeta, body: &[u8], i: usize) -> Outcome {
        let Some(secure) = &self.secure else {
            return Outcome::not_delivered(DeliveryError::NotConfigured("The portal"), None);
        };
        let addr = meta.recipients[i].address.clone();
        let cfg = self.secure_config();
        if cfg.portal_url.is_empty() {
            // A link to nowhere would count as delivered: wait instead.
            return Outcome::not_delivered(
                DeliveryError::NotConfigured("The portal (no [portal] public_url or listen)"),
                None,
            );
        }
        let expiry = meta
            .envelope
            .verdict
            .portal_expiry_secs
            .map(std::time::Duration::from_secs)
            .unwrap_or(cfg.portal_expiry);
        let parsed = mail_parser::MessageParser::new().parse_headers(body);
        let original_from = parsed
            .as_ref()
            .and_then(|m| m.from())
            .and_then(|a| a.first());
        let from_name = original_from.and_then(|a| a.name()).map(str::to_string);
        let from_address = original_from
            .and_then(|a| a.address())
            .unwrap_or(&meta.envelope.sender)
            .to_string();
        // The store flushes to disk: on the blocking pool.
        let put = {
            let (secure, addr, body, id) = (secure.clone(), addr.clone(), body.to_vec(), meta.id);
            let sender = meta.envelope.sender.clone();
            let (from_name, from_address) = (from_name.clone(), from_address.clone());
            tokio::task::spawn_blocking(move || {
                secure.portal.put(&PutRequest {
                    queue_id: id,
                    recipient: &addr,
                    sender: &sender,
                    from_name: from_name.as_deref(),
                    from_address: &from_address,
                    message: &body,
                    expiry,
                })
            })
        };
        let stored = put.await.unwrap_or_else(|e| {
            Err(crate::secure::SecureError::Crypto {
                method: "portal",
                reason: format!("task failed: {e}"),
            })
        });
        let token = match stored {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(queue_id = %format_id(meta.id), error = %e, "portal store failed");
                return Outcome::not_delivered(DeliveryError::Portal(e.to_string()), None);
            }
        };
        let link = format!("{}/m/{token}", cfg.portal_url.trim_end_matches('/'));
        let from = portal::NoticeFrom {
            name: from_name.as_deref(),
            address: &from_address,
        };
        let expires = SystemTime::now() + expiry;
        let notice = portal::notice(&from, &addr, &link, expires, &self.config.server.hostname);
        let queued = portal::queue_mail(
            &self.spool,
            &self.schedule,
            portal::LocalMail {
                sender: &meta.envelope.sender,
                recipient: &addr,
                message: &notice,
                priority: meta.priority(),
                smtputf8: meta.envelope.smtputf8,
                hostname: &self.config.server.hostname,
            },
        )
        .await;
        match queued {
            Ok(_) => Outcome::Delivered {
                remote: "portal".into(),
                dsn_relayed: false,
                tls: None,
            },
            Err(e) => {
                tracing::error!(error = %e, "cannot queue the portal notice");
                let _ = secure.portal.discard(&token);
                Outcome::not_delivered(DeliveryError::Portal(e.to_string()), None)
            }
        }
    }
}

/// Verified TLS failed (the typed reason, never a reply's text).
fn tls_failed(o: &Outcome) -> bool {
    matches!(o, Outcome::Deferred { error, .. } if error.is_tls_unavailable())
}

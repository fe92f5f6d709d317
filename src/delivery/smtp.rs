//! The SMTP transport: one delivery attempt for the recipients of one
//! domain — find the next hops (a `[[route]]` or MX, under MTA-STS and
//! DANE), respect the destination's concurrency cap, reuse or open a
//! connection, send one transaction, and classify every recipient's result.
//! Hosts are tried in order; a transient failure moves on to the next
//! host, a permanent answer ends the attempt. A route with `outbox` is
//! written into its Maildir instead.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use super::error::DeliveryError;
use super::outcome::Outcome;
use super::pool::{Key, Pool};
use super::transport::{Batch, Transport};
use crate::config::{Config, RouteConfig, RouteTls};
use crate::dns::{LookupError, Resolver, Secured};
use crate::secure::dane;
use crate::secure::mta_sts::Mode;
use crate::smtp::client::{
    Client, ClientError, ClientSettings, DsnParams, DsnRet, Envelope, Notify, RcptDsn, RcptOutcome,
    TlsPolicy,
};
use crate::spool::{MessageMeta, notify};

/// One next hop: the name (for TLS and logs), its addresses, and the TLS
/// it must get (a DANE hop carries its own verifying configuration).
struct Hop {
    name: String,
    addrs: Vec<SocketAddr>,
    tls: TlsPolicy,
    tls_config: Option<Arc<rustls::ClientConfig>>,
    /// The host name itself is vouched for (a route, DNSSEC, DANE or an
    /// MTA-STS pattern): what REQUIRETLS demands (RFC 8689 §4.2.1).
    authenticated: bool,
}

/// Routes, MX, MTA-STS, DANE and the SMTP client (see the module header).
pub struct SmtpTransport<L: Resolver> {
    config: Arc<Config>,
    /// `[[route]]`s, replaced when SIGHUP re-reads a valid config file.
    routes: RwLock<Vec<RouteConfig>>,
    mx: L,
    tls_config: Arc<rustls::ClientConfig>,
    pool: Pool,
    metrics: Arc<crate::metrics::Metrics>,
    /// Encodes VERP return paths for `[[bounce_domain]]` senders.
    verp: Option<Arc<crate::bounce::VerpKey>>,
    /// MTA-STS policies of recipient domains (`[secure] mta_sts`).
    mta_sts: Option<crate::secure::mta_sts::MtaSts>,
    /// `[secure] dane`, re-read on SIGHUP.
    dane: AtomicBool,
}

impl<L: Resolver + 'static> SmtpTransport<L> {
    pub fn new(
        config: Arc<Config>,
        mx: L,
        tls_config: Arc<rustls::ClientConfig>,
        metrics: Arc<crate::metrics::Metrics>,
        https: &crate::secure::https::HttpsClient,
    ) -> Self {
        let mta_sts = config
            .secure
            .mta_sts
            .then(|| crate::secure::mta_sts::MtaSts::new(https.clone()));
        let pool = Pool::new(
            config.delivery.idle_connection_timeout,
            config.delivery.concurrency_per_destination,
        );
        SmtpTransport {
            routes: RwLock::new(config.routes.clone()),
            dane: AtomicBool::new(config.secure.dane),
            config,
            mx,
            tls_config,
            pool,
            metrics,
            verp: None,
            mta_sts,
        }
    }

    pub fn with_verp(mut self, key: Arc<crate::bounce::VerpKey>) -> Self {
        self.verp = Some(key);
        self
    }

    /// Swap in new routes (SIGHUP); deliveries in progress keep theirs.
    pub fn set_routes(&self, routes: Vec<RouteConfig>) {
        if let Ok(mut g) = self.routes.write() {
            *g = routes;
        }
    }

    /// `[secure] dane` after a SIGHUP.
    pub fn set_dane(&self, on: bool) {
        self.dane.store(on, Ordering::Relaxed);
    }

    /// The route for `domain` (see `config::route_for`).
    pub(super) fn route_for(&self, domain: &str) -> Option<RouteConfig> {
        let g = self.routes.read().ok()?;
        crate::config::route_for(&g, domain).cloned()
    }

    async fn attempt_domain(
        &self,
        meta: &MessageMeta,
        body: &[u8],
        domain: &str,
        idxs: &[usize],
        require_tls: bool,
    ) -> Vec<(usize, Outcome)> {
        let all = |o: Outcome| idxs.iter().map(|&i| (i, o.clone())).collect();
        if let Some(dir) = self.route_for(domain).and_then(|r| r.outbox) {
            // A local file has no transport security to offer: copies that
            // need verified TLS do not go there (the portal may take them).
            if require_tls || meta.envelope.requiretls {
                return all(Outcome::not_delivered(
                    DeliveryError::TlsUnavailable("an outbox route carries no TLS".into()),
                    None,
                ));
            }
            return self.to_outbox(meta, body, &dir, idxs).await;
        }
        let (mut hops, gate_name) = match self.next_hops(domain).await {
            Ok(x) => x,
            Err(o) => return all(o),
        };
        if meta.envelope.requiretls {
            hops.retain(|h| h.authenticated);
            if hops.is_empty() {
                return all(Outcome::not_delivered(
                    DeliveryError::RequireTls {
                        authenticated_mx: false,
                    },
                    None,
                ));
            }
        }
        if require_tls || meta.envelope.requiretls {
            // The protection chosen for these recipients (or the client's
            // REQUIRETLS, RFC 8689 §5) needs verified TLS to the next hop.
            for hop in &mut hops {
                hop.tls = TlsPolicy::Required;
            }
        }
        let method = match hops.first() {
            Some(h) if h.tls_config.is_some() => "tls_dane",
            Some(h) => protection_method(h.tls),
            None => "tls_required",
        };
        let gate = self.pool.gate(&gate_name);
        let Ok(_permit) = gate.acquire_owned().await else {
            return all(Outcome::not_delivered(DeliveryError::ShuttingDown, None));
        };
        self.count_protection(method, idxs.len());
        // With a bounce domain every recipient gets its own VERP return
        // path (so a bounce names it), hence its own transaction.
        let verp = self.verp_for(meta);
        let groups: Vec<Vec<usize>> = match verp {
            Some(_) => idxs.iter().map(|&i| vec![i]).collect(),
            None => vec![idxs.to_vec()],
        };
        let mut results = Vec::with_capacity(idxs.len());
        for group in groups {
            let mail_from = match verp {
                Some((key, domain)) => key.encode(meta.id, group[0] as u32, domain),
                None => meta.envelope.sender.clone(),
            };
            results.extend(self.try_hops(meta, body, &hops, &group, &mail_from).await);
        }
        results
    }

    /// A route's local Maildir: each recipient's copy, with its own
    /// Return-Path, is durable before it counts as delivered.
    async fn to_outbox(
        &self,
        meta: &MessageMeta,
        body: &[u8],
        dir: &std::path::Path,
        idxs: &[usize],
    ) -> Vec<(usize, Outcome)> {
        self.count_protection("outbox", idxs.len());
        let mut results = Vec::with_capacity(idxs.len());
        for &i in idxs {
            let return_path = match self.verp_for(meta) {
                Some((key, domain)) => key.encode(meta.id, i as u32, domain),
                None => meta.envelope.sender.clone(),
            };
            let rcpt = meta.recipients[i].address.clone();
            let (dir, copy) = (dir.to_path_buf(), body.to_vec());
            let host = self.config.server.hostname.clone();
            let written = tokio::task::spawn_blocking(move || {
                super::outbox::deliver(&dir, &return_path, &rcpt, &copy, &host)
            })
            .await;
            let outcome = match written {
                Ok(Ok(_)) => Outcome::Delivered {
                    remote: "outbox".into(),
                    dsn_relayed: false,
                    tls: None,
                },
                Ok(Err(e)) => {
                    tracing::error!(queue_id = %crate::spool::format_id(meta.id), error = %e, "outbox write failed");
                    Outcome::not_delivered(DeliveryError::Outbox(e.to_string()), None)
                }
                Err(e) => Outcome::not_delivered(DeliveryError::Outbox(e.to_string()), None),
            };
            results.push((i, outcome));
        }
        results
    }

    /// The VERP key and bounce domain for this message's sender, if any.
    fn verp_for(&self, meta: &MessageMeta) -> Option<(&crate::bounce::VerpKey, &str)> {
        let key = self.verp.as_deref()?;
        if meta.envelope.sender.is_empty() {
            return None;
        }
        self.config
            .bounce_domain_for(&meta.envelope.sender)
            .map(|d| (key, d))
    }

    /// One transaction for `idxs`, host after host until one answers.
    async fn try_hops(
        &self,
        meta: &MessageMeta,
        body: &[u8],
        hops: &[Hop],
        idxs: &[usize],
        mail_from: &str,
    ) -> Vec<(usize, Outcome)> {
        let all = |o: Outcome| idxs.iter().map(|&i| (i, o.clone())).collect();
        let rcpts: Vec<String> = idxs
            .iter()
            .map(|&i| meta.recipients[i].address.clone())
            .collect();
        let mut last = Outcome::not_delivered(
            DeliveryError::Unreachable("no next hop answered".into()),
            None,
        );
        for hop in hops {
            for addr in &hop.addrs {
                let started = std::time::Instant::now();
                let r = self
                    .send_via(meta, body, &rcpts, idxs, hop, *addr, mail_from)
                    .await;
                let class = match &r {
                    Ok(_) => "completed",
                    Err(HopError::Final(Outcome::Failed { .. })) => "failed",
                    Err(_) => "deferred",
                };
                self.metrics
                    .delivery_transactions
                    .with_label_values(&[class])
                    .observe(started.elapsed().as_secs_f64());
                match r {
                    Ok(results) => return results,
                    Err(HopError::Final(o)) => return all(o),
                    // Includes a 5xx greeting: that host is skipped, the
                    // next one tried (Postfix's smtp_skip_5xx_greeting);
                    // only if every host refuses does the 5xx stand.
                    Err(HopError::Next(o)) => last = o,
                }
            }
        }
        all(last)
    }

    /// Route or MX → hops (each with its TLS policy) and the
    /// concurrency-gate name.
    async fn next_hops(&self, domain: &str) -> Result<(Vec<Hop>, String), Outcome> {
        if let Some(route) = self.route_for(domain) {
            let tls = match route.tls {
                RouteTls::None => TlsPolicy::None,
                RouteTls::Opportunistic => TlsPolicy::Opportunistic,
                RouteTls::Required => TlsPolicy::Required,
            };
            let addrs: Vec<IpAddr> = match route.host.parse::<IpAddr>() {
                Ok(ip) => vec![ip],
                Err(_) => self.mx.ips(&route.host).await.map_err(|e| {
                    Outcome::not_delivered(DeliveryError::RouteLookup(e.to_string()), None)
                })?,
            };
            let hop = Hop {
                name: route.host.clone(),
                addrs: addrs
                    .into_iter()
                    .map(|ip| SocketAddr::new(ip, route.port))
                    .collect(),
                tls,
                tls_config: None,
                authenticated: true,
            };
            return Ok((vec![hop], format!("route:{}:{}", route.host, route.port)));
        }
        let targets = crate::dns::resolve(&self.mx, domain)
            .await
            .map_err(|e| Outcome::not_delivered(DeliveryError::Dns(e), None))?;
        let hops = self.secure_hops(domain, targets).await?;
        Ok((hops, domain.to_string()))
    }

    /// MX targets → hops under DANE (RFC 7672) and MTA-STS (RFC 8461): a
    /// host with secure, usable TLSA records gets TLS verified by them
    /// (DANE wins over MTA-STS, RFC 8461 §2); under an `enforce` policy,
    /// hosts outside its `mx` patterns are dropped and the rest need TLS
    /// verified by the web PKI. No host left: the mail waits (4.7.5).
    /// `authenticated` marks hosts whose MX name itself is vouched for
    /// (DNSSEC-secure MX, DANE, or an MTA-STS pattern), as REQUIRETLS needs.
    async fn secure_hops(
        &self,
        domain: &str,
        targets: Vec<crate::dns::MxTarget>,
    ) -> Result<Vec<Hop>, Outcome> {
        let port = self.config.delivery.mx_port;
        let sts = match &self.mta_sts {
            Some(m) => m.policy(&self.mx, domain).await,
            None => None,
        };
        let enforce = sts.as_ref().filter(|p| p.mode == Mode::Enforce);
        // RFC 7672 §2.2: DANE only below a DNSSEC-secure MX RRset (or, for
        // an implicit MX, secure address records of the domain).
        let mx_secure = self.mx.dnssec_trusted() && {
            let what = match targets.first() {
                Some(t) if t.implicit => Secured::Address,
                _ => Secured::Mx,
            };
            self.mx.is_secure(domain, what).await
        };
        let mut hops = Vec::with_capacity(targets.len());
        let mut refused = None;
        for t in targets {
            let mut hop = Hop {
                addrs: t
                    .addrs
                    .iter()
                    .map(|ip| SocketAddr::new(*ip, port))
                    .collect(),
                name: t.host,
                tls: TlsPolicy::Opportunistic,
                tls_config: None,
                authenticated: mx_secure,
            };
            match self.dane_config(mx_secure, &hop.name).await {
                Ok(Some(config)) => {
                    hop.tls = TlsPolicy::Required;
                    hop.tls_config = Some(config);
                    hop.authenticated = true;
                    hops.push(hop);
                    continue;
                }
                Ok(None) => {}
                Err(reason) => {
                    tracing::warn!(%domain, host = %hop.name, %reason, "MX host skipped (DANE)");
                    refused = Some(DeliveryError::TlsUnavailable(format!(
                        "TLSA lookup failed for {}",
                        hop.name
                    )));
                    continue;
                }
            }
            if let Some(p) = &sts
                && p.mode != Mode::None
                && p.matches_mx(&hop.name)
            {
                hop.authenticated = true;
            }
            if let Some(policy) = enforce {
                if !policy.matches_mx(&hop.name) {
                    tracing::warn!(%domain, host = %hop.name, "MX host not in the MTA-STS policy; skipped");
                    refused = Some(DeliveryError::TlsUnavailable(format!(
                        "no MX host of {domain} matches its MTA-STS policy"
                    )));
                    continue;
                }
                hop.tls = TlsPolicy::Required;
            } else if let Some(p) = &sts
                && p.mode == Mode::Testing
                && !p.matches_mx(&hop.name)
            {
                tracing::info!(%domain, host = %hop.name, "MX host not in the MTA-STS policy (testing mode)");
            }
            hops.push(hop);
        }
        if hops.is_empty() {
            let error =
                refused.unwrap_or_else(|| DeliveryError::Unreachable("no usable MX host".into()));
            return Err(Outcome::not_delivered(error, None));
        }
        Ok(hops)
    }

    /// A DANE client configuration for `host` when `[secure] dane` is on,
    /// the resolver's DNSSEC verdict is trusted, the MX RRset and the
    /// host's addresses are secure, and the TLSA RRset is secure with
    /// usable records. Err when that TLSA lookup failed: the host must not
    /// be used (RFC 7672 §2.2).
    async fn dane_config(
        &self,
        mx_secure: bool,
        host: &str,
    ) -> Result<Option<Arc<rustls::ClientConfig>>, String> {
        if !self.dane.load(Ordering::Relaxed) || !mx_secure {
            return Ok(None);
        }
        if !self.mx.is_secure(host, Secured::Address).await {
            return Ok(None);
        }
        match self.mx.tlsa(&dane::tlsa_name(host)).await {
            Ok(answer) if answer.secure => {
                let usable = dane::usable(&answer.records);
                if usable.is_empty() {
                    return Ok(None);
                }
                Ok(Some(dane::client_config(&self.tls_config, usable)))
            }
            Ok(_) | Err(LookupError::NxDomain | LookupError::NoRecords) => Ok(None),
            Err(LookupError::Temporary(e)) => Err(e),
        }
    }

    /// Can mail to `domain` be sent over verified TLS? A `tls =
    /// "required"` route, or (with `look_up`) MX hosts that all get
    /// verified TLS (MTA-STS `enforce`, or DANE on every host).
    async fn domain_has_verified_tls(&self, domain: &str, look_up: bool) -> bool {
        if let Some(route) = self.route_for(domain) {
            return route.outbox.is_none() && route.tls == RouteTls::Required;
        }
        if !look_up {
            return false;
        }
        let Ok(targets) = crate::dns::resolve(&self.mx, domain).await else {
            return false;
        };
        match self.secure_hops(domain, targets).await {
            Ok(hops) => hops.iter().all(|h| h.tls == TlsPolicy::Required),
            Err(_) => false,
        }
    }

    /// One transaction over a pooled or new connection. Err(Deferred) means
    /// "try the next address"; Err(Failed) ends the attempt for everyone.
    #[allow(clippy::too_many_arguments)]
    async fn send_via(
        &self,
        meta: &MessageMeta,
        body: &[u8],
        rcpts: &[String],
        idxs: &[usize],
        hop: &Hop,
        addr: SocketAddr,
        mail_from: &str,
    ) -> Result<Vec<(usize, Outcome)>, HopError> {
        let key = Key {
            addr,
            name: hop.name.clone(),
            tls: hop.tls,
            dane: hop.tls_config.is_some(),
        };
        let remote = format!("{} [{}]", hop.name, addr.ip());
        let dsn_rcpts: Vec<RcptDsn> = idxs.iter().map(|&i| rcpt_dsn(meta, i)).collect();
        let env = Envelope {
            mail_from,
            recipients: rcpts,
            size: body.len(),
            smtputf8: meta.envelope.smtputf8,
            body_8bit: meta.envelope.body_8bit,
            dsn: Some(DsnParams {
                ret: match meta.envelope.ret.as_deref() {
                    Some("FULL") => Some(DsnRet::Full),
                    Some("HDRS") => Some(DsnRet::Headers),
                    _ => None,
                },
                envid: meta.envelope.envid.as_deref(),
                recipients: &dsn_rcpts,
            }),
            mt_priority: meta.envelope.mt_priority,
            requiretls: meta.envelope.requiretls,
        };
        // A pooled connection may have been closed by the peer: one retry
        // on a fresh connection before giving up on this address.
        if let Some(mut client) = self.pool.take(&key) {
            match client.send(&env, body).await {
                Ok(outcomes) => return Ok(self.finish(key, client, outcomes, idxs, &remote)),
                // Only a connection found closed before the envelope was
                // answered is retried fresh; after DATA a retry could
                // deliver twice.
                Err(e) if !is_stale(&e) => return Err(hop_error(&e, &remote)),
                Err(_) => {}
            }
        }
        tracing::debug!(%addr, "connecting");
        let settings = self.client_settings(hop.tls, hop.tls_config.clone());
        let mut client = Client::connect(addr, &hop.name, &settings)
            .await
            .map_err(|e| HopError::Next(classify(&e, &remote)))?;
        match client.send(&env, body).await {
            Ok(outcomes) => Ok(self.finish(key, client, outcomes, idxs, &remote)),
            Err(e) => Err(hop_error(&e, &remote)),
        }
    }

    fn finish(
        &self,
        key: Key,
        client: Client<tokio::net::TcpStream>,
        outcomes: Vec<RcptOutcome>,
        idxs: &[usize],
        remote: &str,
    ) -> Vec<(usize, Outcome)> {
        let relayed = !client.extensions().dsn;
        let tls = client.tls_info().map(|t| (t.version.clone(), t.verified));
        tracing::debug!(remote, tls = ?tls, rcpts = idxs.len(), "transaction finished");
        self.pool.put(key, client);
        idxs.iter()
            .zip(outcomes)
            .map(|(&i, o)| {
                let out = match o {
                    RcptOutcome::Accepted => Outcome::Delivered {
                        remote: remote.to_string(),
                        dsn_relayed: relayed,
                        tls: tls.clone(),
                    },
                    RcptOutcome::Transient(r) => Outcome::Deferred {
                        error: DeliveryError::Remote(r),
                        remote: Some(remote.to_string()),
                    },
                    RcptOutcome::Permanent(r) => Outcome::Failed {
                        error: DeliveryError::Remote(r),
                        remote: Some(remote.to_string()),
                    },
                };
                (i, out)
            })
            .collect()
    }

    fn count_protection(&self, method: &str, n: usize) {
        self.metrics
            .delivery_protection
            .with_label_values(&[method])
            .inc_by(n as u64);
    }

    fn client_settings(
        &self,
        tls: TlsPolicy,
        config: Option<Arc<rustls::ClientConfig>>,
    ) -> ClientSettings {
        let d = &self.config.delivery;
        ClientSettings {
            helo_name: d.helo_name.clone(),
            tls,
            tls_config: config.unwrap_or_else(|| self.tls_config.clone()),
            connect_timeout: d.connect_timeout,
            command_timeout: d.command_timeout,
            data_timeout: d.data_timeout,
        }
    }
}

impl<L: Resolver + 'static> Transport for SmtpTransport<L> {
    async fn deliver(&self, b: Batch<'_>) -> Vec<(usize, Outcome)> {
        self.attempt_domain(b.meta, b.body, b.domain, b.rcpts, b.require_tls)
            .await
    }

    async fn verified_tls(&self, domain: &str, look_up: bool) -> bool {
        self.domain_has_verified_tls(domain, look_up).await
    }

    fn is_local(&self, domain: &str) -> bool {
        self.route_for(domain).is_some_and(|r| r.outbox.is_some())
    }

    fn sweep(&self) {
        self.pool.sweep();
    }

    async fn close(&self) {
        self.pool.close_all().await;
    }
}

fn protection_method(tls: TlsPolicy) -> &'static str {
    match tls {
        TlsPolicy::None => "plain",
        TlsPolicy::Opportunistic => "tls_opportunistic",
        TlsPolicy::Required => "tls_required",
    }
}

fn rcpt_dsn(meta: &MessageMeta, i: usize) -> RcptDsn<'_> {
    let spec = meta.envelope.recipients.get(i);
    let bits = spec.map(|s| s.notify).unwrap_or(0);
    let notify = (bits != 0).then_some(Notify {
        success: bits & notify::SUCCESS != 0,
        failure: bits & notify::FAILURE != 0,
        delay: bits & notify::DELAY != 0,
    });
    RcptDsn {
        notify,
        orcpt: spec.and_then(|s| s.orcpt.as_deref()),
    }
}

/// Why one address did not complete: try the next host, or stop.
pub(super) enum HopError {
    Next(Outcome),
    Final(Outcome),
}

/// A transient failure moves on to the next host; a permanent answer to
/// the transaction (e.g. message too big for the server) is final.
fn hop_error(e: &ClientError, remote: &str) -> HopError {
    let o = classify(e, remote);
    // RFC 8689 §4.2.1: a host without REQUIRETLS is passed over; the 5.7.30
    // stands only if no other host takes the message.
    if e.is_transient() || matches!(e, ClientError::RequireTlsUnsupported) {
        HopError::Next(o)
    } else {
        HopError::Final(o)
    }
}

/// A pooled connection the peer had already closed: nothing was accepted.
fn is_stale(e: &ClientError) -> bool {
    matches!(e, ClientError::Stale(_) | ClientError::Unusable)
}

/// Client errors → outcome: the remote's reply where there is one, else a
/// local reason with fixed text (the library's words go to the log only).
fn classify(e: &ClientError, remote: &str) -> Outcome {
    let error = DeliveryError::from_client(e);
    if !matches!(error, DeliveryError::Remote(_)) {
        tracing::info!(remote, detail = %error.detail(), "delivery attempt failed");
    }
    Outcome::not_delivered(error, Some(remote.to_string()))
}

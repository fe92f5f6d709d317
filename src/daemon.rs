//! `sealpost serve`: wire the subsystems together, run until SIGTERM.
//!
//! Start-up order: config → spool recovery → TLS → listeners bound →
//! recovered messages scheduled → delivery workers → READY=1 (systemd).
//! SIGHUP reloads users and the TLS certificate; a bad file keeps the old
//! one and says why. SIGTERM: stop accepting, let sessions finish their
//! transaction (no 250 without a durable spool write), let running
//! deliveries finish within a grace period, flush the spool, exit 0.

use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use tokio::signal::unix::{SignalKind, signal};

use crate::config::Config;
use crate::delivery::Delivery;
use crate::delivery::mx::HickoryMx;
use crate::server::throttle::AuthThrottle;
use crate::server::tokio_util_tracker::Tracker;
use crate::server::{self, ConnectionCounter, Services};
use crate::spool::Spool;
use crate::spool::schedule::Schedule;
use crate::users::UsersFile;

/// Password verifications in parallel: bounds argon2's memory (~19 MiB each).
const AUTH_SLOTS: usize = 8;

/// How long SIGTERM waits for sessions, then for deliveries, in progress;
/// both together stay inside systemd's TimeoutStopSec (45 s).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let config = Arc::new(config);
    let (spool, recovery) = Spool::open(&config.server.spool_dir, &config.server.spool_key)
        .with_context(|| format!("opening spool {}", config.server.spool_dir.display()))?;
    tracing::info!(
        messages = recovery.messages,
        quarantined = recovery.quarantined,
        rebuilt_index = recovery.rebuilt_index,
        "spool recovered"
    );
    let users = UsersFile::load(&config.server.users_file)?;
    let tls = load_tls(&config)?;
    let schedule = Arc::new(Schedule::new());
    let metrics = Arc::new(crate::metrics::Metrics::new()?);
    let audit = Arc::new(open_audit(&config)?);
    {
        let m = metrics.clone();
        spool.set_commit_observer(Arc::new(move |d, n| {
            m.spool_flush.observe(d.as_secs_f64());
            m.spool_batch.observe(n as f64);
        }));
    }
    let verp = Arc::new(
        crate::bounce::VerpKey::load_or_create(&config.server.spool_dir.join("verp.key"))
            .context("VERP key")?,
    );
    let suppression: Arc<dyn crate::bounce::SuppressionStore> = Arc::new(
        crate::bounce::SledSuppression::from_tree(spool.tree("suppression")?),
    );
    let limits = &config.limits;
    let svc = Arc::new(Services {
        config: config.clone(),
        spool: spool.clone(),
        schedule: schedule.clone(),
        users: RwLock::new(Arc::new(users)),
        policy: RwLock::new(Arc::new(load_policy(&config)?)),
        auth_throttle: Arc::new(AuthThrottle::new(crate::server::throttle::Limits {
            per_ip: limits.auth_failures_per_ip,
            per_ip_user: limits.auth_failures_per_ip_user,
            per_user: limits.auth_failures_per_user,
            window: limits.auth_failure_window,
            known_good_for: limits.auth_known_good_for,
        })),
        auth_slots: tokio::sync::Semaphore::new(AUTH_SLOTS),
        tls: RwLock::new(Some(tls)),
        connections: ConnectionCounter::default(),
        shutting_down: Default::default(),
        metrics: metrics.clone(),
        audit: audit.clone(),
        suppression: suppression.clone(),
        verp: verp.clone(),
    });
    let delivery = Arc::new(
        build_delivery(&config, &spool, &schedule, &metrics)?
            .with_audit(audit.clone())
            .with_verp(verp.clone())
            .with_suppression(suppression.clone())
            .with_secure(load_secure(&config, &spool)?),
    );
    delivery.set_dkim(load_dkim(&config)?);
    if let Some(addr) = config.metrics_address {
        let l = crate::metrics::http::bind(addr)
            .await
            .with_context(|| format!("metrics.address {addr}"))?;
        tracing::info!(address = %l.local_addr()?, "metrics endpoint listening");
        tokio::spawn(crate::metrics::http::serve(
            l,
            metrics.clone(),
            spool.clone(),
            schedule.clone(),
        ));
    }
    let bound = server::bind_all(&config).await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let sessions = Tracker::default();
    for (listener, sock) in bound {
        tracing::info!(listener = %listener.name, address = %sock.local_addr()?, "listening");
        tokio::spawn(server::serve(
            svc.clone(),
            listener,
            sock,
            stop_rx.clone(),
            sessions.clone(),
        ));
    }
    let recovered = delivery.schedule_recovered();
    let workers = delivery.start();
    let control = crate::control::bind(&config.server.control_socket)
        .with_context(|| format!("control socket {}", config.server.control_socket.display()))?;
    tokio::spawn(crate::control::serve(
        control,
        spool.clone(),
        schedule.clone(),
        Some(audit.clone()),
        svc.auth_throttle.clone(),
    ));
    tracing::info!(scheduled = recovered, "sealpost ready");
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]);
    start_watchdog();
    wait_for_signals(&svc, &delivery).await;
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Stopping]);
    svc.shutting_down.store(true, Ordering::Relaxed);
    let _ = stop_tx.send(true);
    if tokio::time::timeout(SHUTDOWN_GRACE, sessions.wait_idle())
        .await
        .is_err()
    {
        tracing::warn!(
            active = sessions.active(),
            "sessions still open at shutdown"
        );
    }
    tracing::info!("shutdown: sessions done; stopping delivery");
    delivery.shutdown().await;
    if tokio::time::timeout(SHUTDOWN_GRACE, futures_join(workers))
        .await
        .is_err()
    {
        tracing::warn!("deliveries still running at shutdown; they will be retried after restart");
    }
    spool.close();
    if let Err(e) = audit.close().await {
        tracing::error!(error = %e, "audit log close failed");
    }
    let _ = std::fs::remove_file(&config.server.control_socket);
    tracing::info!("sealpost stopped");
    Ok(())
}

async fn futures_join(handles: Vec<tokio::task::JoinHandle<()>>) {
    for h in handles {
        let _ = h.await;
    }
}

/// With `WatchdogSec=` in the unit, ping systemd at half the interval
/// from the runtime itself, so a wedged runtime stops the pings.
fn start_watchdog() {
    let mut usec = 0u64;
    if !sd_notify::watchdog_enabled(false, &mut usec) || usec == 0 {
        return;
    }
    let every = Duration::from_micros(usec / 2);
    tracing::info!(
        interval_ms = every.as_millis() as u64,
        "systemd watchdog enabled"
    );
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Watchdog]);
        }
    });
}

/// Open the audit log described by `[audit]`.
pub fn open_audit(config: &Config) -> anyhow::Result<crate::audit::AuditLog> {
    let a = &config.audit;
    let mut cfg = crate::audit::AuditConfig::new(&a.path, &a.key);
    cfg.checkpoint_every = a.checkpoint_every;
    cfg.rotate_max_bytes = Some(a.rotate_size);
    cfg.rotate_max_age = Some(a.rotate_age);
    cfg.retention = a.retention;
    crate::audit::AuditLog::open(cfg).with_context(|| format!("audit log {}", a.path.display()))
}

/// OpenPGP keyring, S/MIME certificates and the portal store (`[secure]`).
fn load_secure(config: &Config, spool: &Spool) -> anyhow::Result<crate::delivery::Secure> {
    let s = &config.secure;
    for dir in [&s.openpgp_keyring, &s.smime_certs] {
        std::fs::create_dir_all(dir).with_context(|| format!("key directory {}", dir.display()))?;
    }
    let pgp =
        crate::secure::openpgp::OpenPgp::load(&s.openpgp_keyring, s.openpgp_signing_key.as_deref())
            .with_context(|| {
                format!(
                    "secure.openpgp_keyring {} / secure.openpgp_signing_key",
                    s.openpgp_keyring.display()
                )
            })?
            .with_outer_subject(&s.outer_subject);
    let signer = s
        .smime_signer
        .as_ref()
        .map(|(c, k)| (c.as_path(), k.as_path()));
    let smime = crate::secure::smime::Smime::load(&s.smime_certs, signer)
        .with_context(|| {
            format!(
                "secure.smime_certs {} / secure.smime_signing_cert, smime_signing_key",
                s.smime_certs.display()
            )
        })?
        .with_gcm_domains(s.smime_gcm_domains.clone())
        .with_outer_subject(&s.outer_subject);
    tracing::info!(
        openpgp = pgp.known_addresses(),
        smime = smime.known_addresses(),
        "recipient keys loaded"
    );
    Ok(crate::delivery::Secure {
        pgp,
        smime,
        portal: Arc::new(crate::secure::portal::SledPortal::new(
            spool.tree("portal")?,
        )),
    })
}

/// The `[[dkim]]` keys, parsed once; None when none are configured.
pub fn load_dkim(config: &Config) -> anyhow::Result<Option<Arc<crate::dkim::DkimSigner>>> {
    if config.dkim.is_empty() {
        return Ok(None);
    }
    crate::dkim::DkimSigner::load(&config.dkim)
        .map(|s| Some(Arc::new(s)))
        .map_err(|errs| {
            let lines: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
            anyhow::anyhow!("DKIM keys invalid:\n{}", lines.join("\n"))
        })
}

/// `[policy] dir`, or the shipped set when none is configured.
pub fn load_policy(config: &Config) -> anyhow::Result<crate::policy::PolicySet> {
    match &config.policy_dir {
        None => Ok(crate::policy::PolicySet::builtin()),
        Some(dir) => crate::policy::PolicySet::load_dir(dir).map_err(|errs| {
            let lines: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
            anyhow::anyhow!("policies invalid:\n{}", lines.join("\n"))
        }),
    }
}

fn load_tls(config: &Config) -> anyhow::Result<tokio_rustls::TlsAcceptor> {
    let server = crate::server::tls::server_config(&config.tls, &config.server.hostname)?;
    Ok(tokio_rustls::TlsAcceptor::from(server))
}

fn build_delivery(
    config: &Arc<Config>,
    spool: &Arc<Spool>,
    schedule: &Arc<Schedule>,
    metrics: &Arc<crate::metrics::Metrics>,
) -> anyhow::Result<Delivery<HickoryMx>> {
    let mut extra = Vec::new();
    if let Some(ca) = &config.delivery.ca_file {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        for c in CertificateDer::pem_file_iter(ca)
            .with_context(|| format!("delivery.ca_file {}", ca.display()))?
        {
            extra.push(c.with_context(|| format!("delivery.ca_file {}", ca.display()))?);
        }
    }
    let tls_config = crate::smtp::client::verifying_config(&extra)?;
    let dns_timeout = Duration::from_secs(20);
    let mx = if config.delivery.dns_servers.is_empty() {
        HickoryMx::from_system_conf(dns_timeout)?
    } else {
        HickoryMx::with_servers(&config.delivery.dns_servers, dns_timeout)?
    };
    if config.secure.dane && !mx.validating_resolver_is_local() {
        tracing::warn!(
            "secure.dane: the resolver is not on the loopback interface; its AD bit is not trusted, so no TLSA record will be used (set delivery.dns_servers to a local validating resolver)"
        );
    }
    Ok(Delivery::new(
        config.clone(),
        spool.clone(),
        schedule.clone(),
        mx,
        tls_config,
        metrics.clone(),
    ))
}

async fn wait_for_signals(svc: &Arc<Services>, delivery: &Delivery<HickoryMx>) {
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        tracing::error!("cannot install signal handlers");
        return;
    };
    loop {
        tokio::select! {
            _ = term.recv() => return,
            _ = int.recv() => return,
            _ = hup.recv() => reload(svc, delivery).await,
        }
    }
}

/// SIGHUP: re-read users, policies and the TLS certificate; each part
/// that fails keeps its previous version and says why (log + metric).
async fn reload(svc: &Arc<Services>, delivery: &Delivery<HickoryMx>) {
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Reloading]);
    let users = UsersFile::load(&svc.config.server.users_file).map(|u| {
        if let Ok(mut g) = svc.users.write() {
            *g = Arc::new(u);
        }
    });
    reloaded(svc, "users", users.map_err(|e| e.to_string())).await;
    let policy = load_policy(&svc.config).map(|p| {
        if let Ok(mut g) = svc.policy.write() {
            *g = Arc::new(p);
        }
    });
    reloaded(svc, "policies", policy.map_err(|e| e.to_string())).await;
    let tls = load_tls(&svc.config).map(|t| {
        if let Ok(mut g) = svc.tls.write() {
            *g = Some(t);
        }
    });
    reloaded(svc, "tls", tls.map_err(|e| e.to_string())).await;
    // The config file itself: routes are swapped in; an invalid file keeps
    // everything as it is and says why.
    let routes = Config::load(&svc.config.source)
        .map(|c| {
            delivery.set_routes(c.routes);
            delivery.set_secure_config(c.secure);
        })
        .map_err(|e| e.lines().join("; "));
    reloaded(svc, "config", routes).await;
    let dkim = load_dkim(&svc.config).map(|d| delivery.set_dkim(d));
    if let Some(secure) = &delivery.secure {
        let keys = secure
            .pgp
            .reload()
            .and_then(|_| secure.smime.reload())
            .map(|_| ());
        reloaded(svc, "keys", keys.map_err(|e| e.to_string())).await;
    }
    reloaded(svc, "dkim", dkim.map_err(|e| e.to_string())).await;
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]);
}

async fn reloaded(svc: &Services, part: &str, result: Result<(), String>) {
    let event = crate::audit::Event::ConfigReload(crate::audit::event::ConfigReload {
        ok: result.is_ok(),
        error: result.as_ref().err().map(|e| format!("{part}: {e}")),
    });
    if let Err(e) = svc.audit.append(event).await {
        tracing::error!(error = %e, "audit write failed");
    }
    match result {
        Ok(()) => {
            svc.metrics.reloads.with_label_values(&[part, "ok"]).inc();
            tracing::info!(part, "reload: {part} re-read");
        }
        Err(e) => {
            svc.metrics
                .reloads
                .with_label_values(&[part, "error"])
                .inc();
            tracing::error!(part, error = %e, "reload: {part} invalid; keeping the previous version");
        }
    }
}

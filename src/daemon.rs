//! `sealpost serve`: wire the subsystems together, run until SIGTERM.
//!
//! Start-up order: config → spool recovery → TLS → listeners bound →
//! recovered messages scheduled → delivery workers → READY=1 (systemd).
//! SIGHUP reloads users and the TLS certificate; a bad file keeps the old
//! one and says why. SIGTERM: stop accepting, let sessions finish their
//! transaction (no 250 without a durable spool write), let running
//! deliveries finish within a grace period, flush the spool, exit 0.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use tokio::signal::unix::{SignalKind, signal};

use crate::config::Config;
use crate::delivery::Delivery;
use crate::dns::HickoryResolver;
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
        reindexed = recovery.reindexed,
        finished_from_delivery_log = recovery.finished_from_log,
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
    let api_key = Arc::new(
        crate::api::keys::NodeKey::load_or_create(&config.api.key_file).context("api.key_file")?,
    );
    let portal_key = Arc::new(
        crate::secure::portal::NodeKey::load_or_create(&config.portal.key_file)
            .with_context(|| format!("portal.key_file {}", config.portal.key_file.display()))?,
    );
    let node_keys = crate::store::shared::OwnedKeys {
        api: Some((api_key.clone(), config.api.key_file.clone())),
        portal: Some((portal_key.clone(), config.portal.key_file.clone())),
    };
    let shared = Arc::new(crate::store::Shared::open(
        &config,
        &spool,
        Some(metrics.clone()),
        &node_keys.borrow(),
    )?);
    {
        let shared = shared.clone();
        tokio::spawn(async move { shared.maintain(node_keys).await });
    }
    metrics
        .node_info
        .with_label_values(&[config.store.node_name.as_str()])
        .set(1);
    if let Some(db) = &shared.db {
        // Several nodes write the shared state: each node's log says which
        // node it is (webhook payloads carry data.node, metrics
        // sealpost_node_info).
        let ev = crate::audit::Event::AdminAction(crate::audit::event::AdminAction {
            action: "node_started".into(),
            target: Some(format!("node={} store={}", db.node(), db.shown_url())),
            actor: "sealpost".into(),
        });
        // Durable before the node serves: a reader of the log (or a crash
        // right after start) sees which node joined the shared store.
        if let Err(e) = audit.append_durable(ev).await {
            tracing::error!(error = %e, "audit write failed");
        }
    }
    let suppression = shared.suppression.clone();
    let limits = &config.limits;
    let svc = Arc::new(Services {
        config: config.clone(),
        spool: spool.clone(),
        schedule: schedule.clone(),
        users: RwLock::new(Arc::new(users)),
        accept: Arc::new(crate::accept::Stage::new(
            config.clone(),
            spool.clone(),
            schedule.clone(),
            audit.clone(),
            metrics.clone(),
            load_policy(&config)?,
        )),
        auth_throttle: Arc::new(AuthThrottle::new(crate::server::throttle::Limits {
            per_ip: limits.auth_failures_per_ip,
            per_ip_user: limits.auth_failures_per_ip_user,
            per_user: limits.auth_failures_per_user,
            window: limits.auth_failure_window,
            known_good_for: limits.auth_known_good_for,
        })),
        auth_slots: tokio::sync::Semaphore::new(AUTH_SLOTS),
        tls: RwLock::new(Some(tls)),
        client_roots: Default::default(),
        connections: ConnectionCounter::default(),
        metrics: metrics.clone(),
        audit: audit.clone(),
        suppression: suppression.clone(),
        verp: verp.clone(),
    });
    let vault = Arc::new(crate::secure::portal::Vault::new(
        shared.portal.clone(),
        portal_key.clone(),
        config.portal.resend,
    ));
    for (i, r) in config.routes.iter().enumerate() {
        if let Some(dir) = &r.outbox {
            crate::delivery::outbox::prepare(dir)
                .with_context(|| format!("route[{i}].outbox {}: not writable", dir.display()))?;
        }
    }
    let (transport, dns, https) = build_transport(&config, &metrics, verp.clone())?;
    // Events (webhooks, API status) only when the API is on.
    let api_parts = match config.api.listen {
        Some(_) => Some(ApiParts::open(&config, &spool, &shared)?),
        None => None,
    };
    let events: Arc<dyn crate::events::EventSink> = match &api_parts {
        Some(p) => p.hub.clone(),
        None => Arc::new(crate::events::NoEvents),
    };
    svc.accept.set_events(events.clone());
    let delivery = Arc::new(
        Delivery::new(
            config.clone(),
            spool.clone(),
            schedule.clone(),
            Arc::new(transport),
            metrics.clone(),
        )
        .with_audit(audit.clone())
        .with_suppression(suppression.clone())
        .with_events(events.clone())
        .with_secure(load_secure(&config, vault.clone(), dns, &https)?),
    );
    delivery.set_dkim(load_dkim(&config)?);
    let mut summary = Vec::new();
    if let Some(addr) = config.metrics_address {
        let l = crate::metrics::http::bind(addr)
            .await
            .with_context(|| format!("metrics.address {addr}"))?;
        tracing::info!(address = %l.local_addr()?, "metrics endpoint listening");
        summary.push(format!("metrics     http://{}/metrics", l.local_addr()?));
        tokio::spawn(crate::metrics::http::serve(
            l,
            metrics.clone(),
            spool.clone(),
            schedule.clone(),
        ));
    }
    let bound = server::bind_all(&config).await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let pages = Arc::new(
        crate::portal::Pages::load(config.portal.templates.as_deref())
            .context("portal.templates")?,
    );
    let portal_admin = Arc::new(crate::portal_admin::Admin {
        vault: vault.clone(),
        spool: spool.clone(),
        schedule: schedule.clone(),
        audit: Some(audit.clone()),
        metrics: Some(metrics.clone()),
        public_url: config.portal.public_url.clone(),
        hostname: config.server.hostname.clone(),
        events: events.clone(),
    });
    let portal_deps = crate::portal::Deps {
        config: config.portal.clone(),
        hostname: config.server.hostname.clone(),
        vault: vault.clone(),
        accept: svc.accept.clone(),
        spool: spool.clone(),
        schedule: schedule.clone(),
        audit: audit.clone(),
        metrics: metrics.clone(),
        pages: pages.clone(),
        events: events.clone(),
    };
    if let Some(line) = start_portal(&config, portal_deps, stop_rx.clone()).await? {
        summary.push(line);
    }
    tokio::spawn(sweep_portal(
        vault.clone(),
        audit.clone(),
        metrics.clone(),
        events.clone(),
        config.portal.session_idle,
    ));
    if let Some(parts) = api_parts {
        let api = Arc::new(crate::api::Api {
            config: config.clone(),
            stage: svc.accept.clone(),
            spool: spool.clone(),
            keys: api_key.clone(),
            clients: shared.clients.clone(),
            idempotency: shared.idempotency.clone(),
            webhooks: shared.webhooks.clone(),
            limiter: shared.limiter.clone(),
            suppression: suppression.clone(),
            portal: portal_admin.clone(),
            index: parts.index.clone(),
            hub: parts.hub.clone(),
            audit: audit.clone(),
            metrics: metrics.clone(),
        });
        summary.push(start_api(&config, api, stop_rx.clone()).await?);
    }
    let sessions = Tracker::default();
    for (listener, sock) in bound {
        tracing::info!(listener = %listener.name, address = %sock.local_addr()?, "listening");
        summary.push(listener_line(&listener, sock.local_addr()?));
        tokio::spawn(server::serve(
            svc.clone(),
            listener,
            sock,
            stop_rx.clone(),
            sessions.clone(),
        ));
    }
    let recovered = delivery.schedule_recovered();
    let delivery_rt = delivery_runtime(config.delivery.nice)?;
    let workers = delivery.start(&delivery_rt.handle());
    let control = crate::control::bind(&config.server.control_socket)
        .with_context(|| format!("control socket {}", config.server.control_socket.display()))?;
    tokio::spawn(crate::control::serve(
        control,
        crate::control::Control {
            spool: spool.clone(),
            schedule: schedule.clone(),
            audit: Some(audit.clone()),
            api_key: Some(api_key.clone()),
            auth: svc.auth_throttle.clone(),
            portal: Some(portal_admin.clone()),
            shared: shared.clone(),
        },
    ));
    // Handlers before "ready": a SIGTERM right after it must stop the
    // daemon gracefully, not kill it with the default action.
    let signals = Signals::install()?;
    tracing::info!(scheduled = recovered, "sealpost ready");
    print_summary(&config, summary);
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]);
    start_watchdog();
    wait_for_signals(signals, &svc, &delivery, &pages).await;
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Stopping]);
    svc.accept.begin_shutdown();
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
    // On the delivery runtime: the pooled connections' QUITs go out on the
    // reactor their sockets belong to.
    let stopping = delivery.clone();
    let _ = delivery_rt
        .handle()
        .spawn(async move { stopping.shutdown().await })
        .await;
    if tokio::time::timeout(SHUTDOWN_GRACE, futures_join(workers))
        .await
        .is_err()
    {
        tracing::warn!("deliveries still running at shutdown; they will be retried after restart");
    }
    // Whatever still runs there was given up above and is retried after
    // a restart.
    drop(delivery_rt);
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

/// The portal's store (`[store]`: the spool's database or the shared
/// one) and the node key file (`[portal] key_file`, 0600) apart from it.
pub fn open_vault(
    config: &Config,
    store: Arc<dyn crate::secure::portal::PortalStore>,
) -> anyhow::Result<crate::secure::portal::Vault> {
    let node = crate::secure::portal::NodeKey::load_or_create(&config.portal.key_file)
        .with_context(|| format!("portal.key_file {}", config.portal.key_file.display()))?;
    Ok(crate::secure::portal::Vault::new(
        store,
        Arc::new(node),
        config.portal.resend,
    ))
}

/// Every minute: expire portal copies whose time is up (body and keys
/// destroyed; audited as `expired`) and drop idle sessions.
async fn sweep_portal(
    vault: Arc<crate::secure::portal::Vault>,
    audit: Arc<crate::audit::AuditLog>,
    metrics: Arc<crate::metrics::Metrics>,
    events: Arc<dyn crate::events::EventSink>,
    idle: Duration,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let v = vault.clone();
        let swept = tokio::task::spawn_blocking(move || {
            let expired = v.sweep();
            let cutoff = crate::util::now_ms().saturating_sub(idle.as_millis() as u64);
            let _ = v.store().session_sweep(cutoff);
            expired
        })
        .await;
        let Ok(Ok(expired)) = swept else {
            tracing::warn!("portal sweep failed");
            continue;
        };
        for r in expired {
            metrics.portal_events.with_label_values(&["expired"]).inc();
            crate::events::emit_portal(events.as_ref(), "expired", r.queue_id, &r.recipient);
            let ev = crate::audit::Event::Portal(crate::audit::event::Portal {
                action: "expired".into(),
                queue_id: crate::spool::format_id(r.queue_id),
                recipient: r.recipient,
                by: None,
                detail: None,
            });
            if let Err(e) = audit.append(ev).await {
                tracing::error!(error = %e, "audit write failed");
            }
        }
    }
}

/// The recipients' portal on its own listener (`[portal] listen`); the
/// summary line for the start-up report.
async fn start_portal(
    config: &Config,
    deps: crate::portal::Deps,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<Option<String>> {
    let p = &config.portal;
    let Some(addr) = p.listen else {
        return Ok(None);
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("portal.listen {addr}"))?;
    let tls = match p.tls {
        crate::config::PortalTls::Implicit => Some(tokio_rustls::TlsAcceptor::from(
            crate::server::tls::web_config(&config.tls, &config.server.hostname)?,
        )),
        crate::config::PortalTls::None => None,
    };
    let local = listener.local_addr()?;
    tracing::info!(address = %local, public_url = %p.public_url, "portal listening");
    let app = crate::portal::Portal::new(deps)
        .with_context(|| "portal.logo")?
        .router();
    tokio::spawn(crate::portal::serve_behind(
        listener,
        tls,
        app,
        p.proxy_protocol_from.clone(),
        stop,
    ));
    let scheme = if tls_is_on(p) { "https" } else { "http" };
    Ok(Some(format!(
        "portal      {scheme}://{local} (links: {}/m/...)",
        p.public_url
    )))
}

/// The API's status index (in the spool's database: each node knows the
/// messages it accepted) and the event hub feeding the shared webhooks.
struct ApiParts {
    index: Arc<crate::api::status::MessageIndex>,
    hub: Arc<crate::api::hub::Hub>,
}

impl ApiParts {
    fn open(
        config: &Config,
        spool: &Spool,
        shared: &crate::store::Shared,
    ) -> anyhow::Result<ApiParts> {
        let index = Arc::new(crate::api::status::MessageIndex::open(spool).context("API index")?);
        let mut hub = crate::api::hub::Hub::new(
            index.clone(),
            shared.webhooks.clone(),
            config.api.webhook_hash_recipients,
        );
        if shared.db.is_some() {
            hub = hub.with_node(&config.store.node_name);
        }
        Ok(ApiParts {
            index,
            hub: Arc::new(hub),
        })
    }
}

/// The REST API on its own listener (`[api] listen`), its webhook
/// dispatcher and the hourly sweep of idempotency keys and old status
/// entries; the summary line for the start-up report.
async fn start_api(
    config: &Arc<Config>,
    api: Arc<crate::api::Api>,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<String> {
    let a = &config.api;
    let Some(addr) = a.listen else {
        anyhow::bail!("api.listen is off");
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("api.listen {addr}"))?;
    let tls = match a.tls {
        crate::config::ApiTls::Implicit => Some(tokio_rustls::TlsAcceptor::from(
            crate::server::tls::web_config(&config.tls, &config.server.hostname)?,
        )),
        crate::config::ApiTls::None => None,
    };
    let local = listener.local_addr()?;
    let client = crate::api::dispatch::WebhookClient::new(
        client_tls(config)?,
        a.webhook_timeout,
        a.webhook_allow_http,
    );
    let dispatcher = Arc::new(crate::api::dispatch::Dispatcher::new(
        api.webhooks.clone(),
        api.hub.clone(),
        client,
        a.clone(),
        api.metrics.clone(),
    ));
    tokio::spawn(dispatcher.run(stop.clone()));
    {
        let api = api.clone();
        let ttl = a.idempotency_ttl;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(3600));
            loop {
                tick.tick().await;
                let api = api.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    let now = crate::util::now_ms();
                    let _ = api
                        .idempotency
                        .sweep(now.saturating_sub(ttl.as_millis() as u64));
                    api.index.sweep(now);
                })
                .await;
            }
        });
    }
    tracing::info!(address = %local, "REST API listening");
    tokio::spawn(crate::web::serve_behind(
        listener,
        tls,
        api.router(),
        a.proxy_protocol_from.clone(),
        stop,
    ));
    let scheme = if tls_on(a.tls) { "https" } else { "http" };
    Ok(format!(
        "api         {scheme}://{local} (REST /v1, OpenAPI /v1/openapi.yaml)"
    ))
}

fn tls_on(t: crate::config::ApiTls) -> bool {
    t == crate::config::ApiTls::Implicit
}

fn tls_is_on(p: &crate::config::PortalConfig) -> bool {
    p.tls == crate::config::PortalTls::Implicit
}

fn listener_line(l: &crate::config::ListenerConfig, addr: std::net::SocketAddr) -> String {
    use crate::config::{ListenerMode, ListenerTls};
    let tls = match l.tls {
        ListenerTls::None => "no TLS",
        ListenerTls::StartTls => "STARTTLS",
        ListenerTls::Implicit => "implicit TLS",
    };
    let what = match l.mode {
        ListenerMode::Submission => "submission",
        ListenerMode::Bounce => "bounces",
    };
    format!("smtp        {addr} ({}: {what}, {tls})", l.name)
}

/// Where things are, on standard output once the node is ready: what an
/// operator trying the quick start needs to see first. Scripts read it
/// too (tests/common, integration/*.py): "sealpost ready", then one line
/// per item indented by two spaces, a listener as `smtp ADDR (NAME: mode,
/// tls)` with its bound address, then an empty line that ends the report.
fn print_summary(config: &Config, mut lines: Vec<String>) {
    for r in &config.routes {
        let target = match &r.outbox {
            Some(dir) => format!("outbox {}", dir.display()),
            None => format!("smtp {}:{}", r.host, r.port),
        };
        lines.push(format!("route       {} -> {target}", r.domains.join(", ")));
    }
    if config.routes.is_empty() {
        lines.push("route       MX lookup for every domain".into());
    }
    lines.push(format!("spool       {}", config.server.spool_dir.display()));
    lines.push(format!("audit log   {}", config.audit.path.display()));
    lines.push(format!(
        "control     {}",
        config.server.control_socket.display()
    ));
    let mut out = String::from("sealpost ready\n");
    for l in lines {
        out.push_str("  ");
        out.push_str(&l);
        out.push('\n');
    }
    out.push('\n');
    // A closed standard output (`serve | head`) must not stop the daemon.
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
}

/// OpenPGP keyring, S/MIME certificates and the portal store (`[secure]`).
fn load_secure(
    config: &Config,
    portal: Arc<crate::secure::portal::Vault>,
    dns: HickoryResolver,
    https: &crate::secure::https::HttpsClient,
) -> anyhow::Result<crate::delivery::Secure> {
    let s = &config.secure;
    for dir in [&s.openpgp_keyring, &s.smime_certs] {
        crate::util::durable::create_dir_all(dir)
            .with_context(|| format!("key directory {}", dir.display()))?;
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
    let discovery: Option<Arc<dyn crate::delivery::KeyDiscovery>> = s.wkd.then(|| {
        Arc::new(crate::delivery::protect_wkd(https.clone(), dns))
            as Arc<dyn crate::delivery::KeyDiscovery>
    });
    Ok(crate::delivery::Secure {
        pgp,
        smime,
        portal,
        discovery,
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

/// Delivery runs on its own runtime, its threads `nice` steps below the
/// SMTP sessions'. A client waiting for its 250 is a latency the sender
/// sees; the next hop of a message already durable in the spool is not.
/// On a saturated node the scheduler then runs acceptance first, and
/// delivery takes the rest of the CPU (all of it when nobody is sending).
fn delivery_runtime(nice: i32) -> anyhow::Result<DeliveryRuntime> {
    // An absolute target: blocking threads started from a delivery thread
    // inherit its value, and must not be lowered once more.
    let target = crate::util::thread_nice() + nice;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .thread_name("delivery")
        .enable_all()
        .on_thread_start(move || {
            if nice > 0 && !crate::util::set_thread_nice(target) {
                tracing::warn!(nice, "could not lower a delivery thread's priority");
            }
        })
        .build()
        .context("delivery runtime")?;
    Ok(DeliveryRuntime(Some(rt)))
}

/// The delivery runtime, shut down without waiting when dropped: a plain
/// `Runtime` dropped inside the main runtime (an early `?` in `serve`)
/// would panic.
struct DeliveryRuntime(Option<tokio::runtime::Runtime>);

impl DeliveryRuntime {
    fn handle(&self) -> tokio::runtime::Handle {
        match &self.0 {
            Some(rt) => rt.handle().clone(),
            None => tokio::runtime::Handle::current(),
        }
    }
}

impl Drop for DeliveryRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// The node's delivery: the SMTP transport (routes, MX, MTA-STS, DANE)
/// over the configured resolvers; the resolver and the HTTPS client are
/// returned for key discovery (WKD).
fn build_transport(
    config: &Arc<Config>,
    metrics: &Arc<crate::metrics::Metrics>,
    verp: Arc<crate::bounce::VerpKey>,
) -> anyhow::Result<(
    Transport,
    HickoryResolver,
    crate::secure::https::HttpsClient,
)> {
    let tls_config = client_tls(config)?;
    let dns_timeout = Duration::from_secs(20);
    let mx = if config.delivery.dns_servers.is_empty() {
        HickoryResolver::from_system_conf(dns_timeout)?
    } else {
        HickoryResolver::with_servers(&config.delivery.dns_servers, dns_timeout)?
    };
    if config.secure.dane && !mx.validating_resolver_is_local() {
        tracing::warn!(
            "secure.dane: the resolver is not on the loopback interface; its AD bit is not trusted, so no TLSA record will be used (set delivery.dns_servers to a local validating resolver)"
        );
    }
    let https = crate::secure::https::HttpsClient::new(
        tls_config.clone(),
        config.secure.https_port,
        config.secure.lookup_timeout,
    );
    let transport = crate::delivery::SmtpTransport::new(
        config.clone(),
        mx.clone(),
        tls_config,
        metrics.clone(),
        &https,
    )
    .with_verp(verp);
    Ok((transport, mx, https))
}

/// Verifying TLS for outbound connections: web PKI roots plus
/// `[delivery] ca_file`.
fn client_tls(config: &Config) -> anyhow::Result<Arc<rustls::ClientConfig>> {
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
    Ok(crate::smtp::client::verifying_config(&extra)?)
}

/// The transport this daemon delivers with.
type Transport = crate::delivery::SmtpTransport<HickoryResolver>;

struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> anyhow::Result<Signals> {
        Ok(Signals {
            term: signal(SignalKind::terminate()).context("installing the SIGTERM handler")?,
            int: signal(SignalKind::interrupt()).context("installing the SIGINT handler")?,
            hup: signal(SignalKind::hangup()).context("installing the SIGHUP handler")?,
        })
    }
}

async fn wait_for_signals(
    signals: Signals,
    svc: &Arc<Services>,
    delivery: &Delivery<Transport>,
    pages: &crate::portal::Pages,
) {
    let Signals {
        mut term,
        mut int,
        mut hup,
    } = signals;
    loop {
        tokio::select! {
            _ = term.recv() => return,
            _ = int.recv() => return,
            _ = hup.recv() => {
                reload(svc, delivery).await;
                reloaded(svc, "portal templates", pages.reload().map_err(|e| e.to_string())).await;
            }
        }
    }
}

/// SIGHUP: re-read users, policies and the TLS certificate; each part
/// that fails keeps its previous version and says why (log + metric).
async fn reload(svc: &Arc<Services>, delivery: &Delivery<Transport>) {
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Reloading]);
    let users = UsersFile::load(&svc.config.server.users_file).map(|u| {
        if let Ok(mut g) = svc.users.write() {
            *g = Arc::new(u);
        }
    });
    reloaded(svc, "users", users.map_err(|e| e.to_string())).await;
    let policy = load_policy(&svc.config).map(|p| svc.accept.set_policy(p));
    reloaded(svc, "policies", policy.map_err(|e| e.to_string())).await;
    let tls = load_tls(&svc.config).map(|t| {
        if let Ok(mut g) = svc.tls.write() {
            *g = Some(t);
        }
        svc.client_roots.clear();
    });
    reloaded(svc, "tls", tls.map_err(|e| e.to_string())).await;
    // The config file itself: routes are swapped in; an invalid file keeps
    // everything as it is and says why.
    let routes = Config::load(&svc.config.source)
        .map(|c| {
            delivery.transport.set_routes(c.routes);
            delivery.transport.set_dane(c.secure.dane);
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

//! The PostgreSQL backend (`[store] backend = "postgres"`): the state that
//! several nodes behind one load balancer share — API clients,
//! idempotency keys, webhook endpoints and their outbox, rate counters,
//! suppressions, portal copies and sessions. Each node keeps its own
//! spool, audit log and keys.
//!
//! Flow: [`Db`] owns a small tokio runtime of its own and a deadpool of
//! tokio-postgres connections (TLS through openssl when the server offers
//! it or the URL says `sslmode=require`). The store traits are
//! synchronous and are called both from blocking threads and from async
//! tasks, so every call is a future spawned on that runtime and waited
//! for on a std channel, bounded by `connect_timeout`: a caller is never
//! stuck longer than that, and never nests runtimes.
//!
//! Errors: a database that cannot be reached (refused, timed out, closed)
//! is [`StoreError::Unavailable`] — the API answers 503 with Retry-After,
//! the portal shows "temporarily unavailable" — anything the server
//! answered with an SQLSTATE is `Backend`. The pool recreates broken
//! connections by itself, so everything recovers when the database is
//! back. The password (from `password_file` or the URL) is never logged:
//! only [`crate::config::redact_url`] forms are.
//!
//! Schema: versioned migrations (`MIGRATIONS`), applied in order inside
//! one transaction under an advisory lock (two nodes starting together
//! apply them once), recorded in `sp_schema_migrations`; `sealpost store
//! migrate` and every start run them, `sealpost store check` reports.

mod api;
mod portal;
mod suppress;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

pub use api::PENDING_TREE;
pub use api::{PgClients, PgIdempotency, PgRateLimiter, PgWebhooks};
pub use portal::PgPortal;
pub use suppress::{CACHE_TREE, PgSuppression};

use super::StoreError;
use crate::config::{PostgresConfig, redact_url};

/// Schema versions, oldest first; never edit one that has shipped.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[(1, "shared state", SCHEMA_1)];

const SCHEMA_1: &str = r#"
CREATE TABLE sp_meta (name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE sp_api_clients (
    client_id text PRIMARY KEY,
    name text NOT NULL,
    live boolean NOT NULL,
    record jsonb NOT NULL
);
CREATE UNIQUE INDEX sp_api_clients_live_name ON sp_api_clients (name) WHERE live;
CREATE TABLE sp_idempotency (
    key bytea PRIMARY KEY,
    created_ms bigint NOT NULL,
    record jsonb NOT NULL
);
CREATE INDEX sp_idempotency_created ON sp_idempotency (created_ms);
CREATE TABLE sp_webhook_endpoints (id text PRIMARY KEY, record jsonb NOT NULL);
CREATE TABLE sp_webhook_outbox (
    seq bigserial PRIMARY KEY,
    next_ms bigint NOT NULL,
    endpoint_id text NOT NULL,
    item jsonb NOT NULL,
    lease_until_ms bigint NOT NULL DEFAULT 0,
    leased_by text
);
CREATE INDEX sp_webhook_outbox_due ON sp_webhook_outbox (next_ms);
CREATE INDEX sp_webhook_outbox_endpoint ON sp_webhook_outbox (endpoint_id);
-- Unlogged: no WAL, so counting a request does not wait for a disk
-- flush; a database crash (or a failover) forgets the counters, which
-- only allows one more burst.
CREATE UNLOGGED TABLE sp_rate_limits (key text PRIMARY KEY, tat double precision NOT NULL);
CREATE TABLE sp_suppression (key text PRIMARY KEY, record jsonb NOT NULL);
CREATE TABLE sp_portal_copies (
    id bytea PRIMARY KEY,
    queue_id bigint NOT NULL,
    recipient text NOT NULL,
    version bigint NOT NULL DEFAULT 0,
    record jsonb NOT NULL,
    body bytea
);
CREATE INDEX sp_portal_copies_queue ON sp_portal_copies (queue_id);
CREATE INDEX sp_portal_copies_recipient ON sp_portal_copies (recipient);
-- Unlogged too (every page view refreshes last_seen): after a database
-- crash or failover recipients sign in again.
CREATE UNLOGGED TABLE sp_portal_sessions (
    id bytea PRIMARY KEY,
    last_seen_ms bigint NOT NULL,
    record jsonb NOT NULL
);
CREATE INDEX sp_portal_sessions_seen ON sp_portal_sessions (last_seen_ms);
"#;

/// Serialises migrations of every node (an arbitrary, fixed number).
const MIGRATION_LOCK: i64 = 0x5ea1_9057_0001;

pub fn latest_version() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// A connection pool to the shared database and the runtime it runs on.
pub struct Db {
    rt: Option<tokio::runtime::Runtime>,
    handle: tokio::runtime::Handle,
    pool: deadpool_postgres::Pool,
    node: String,
    url: String,
    timeout: Duration,
    up: AtomicBool,
    /// When a call last found the database unreachable (ms since epoch).
    failed_ms: AtomicU64,
    metrics: Option<Arc<crate::metrics::Metrics>>,
}

/// While the database is down, one call per this many milliseconds tries
/// it; the others fail at once, so callers on async threads (the API, the
/// event hub) never queue up behind connection timeouts and SMTP stays
/// responsive.
const PROBE_EVERY_MS: u64 = 1000;

impl Drop for Db {
    fn drop(&mut self) {
        // Dropping a runtime may not block inside another runtime.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// Is this a failure to reach the database (rather than an answer)?
/// The text carries the server's message or the cause (never the URL's
/// password: tokio-postgres does not repeat its configuration).
fn classify(e: &tokio_postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        return StoreError::Backend(format!(
            "{} ({}): {}",
            db.severity(),
            db.code().code(),
            db.message()
        ));
    }
    let text = match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    };
    StoreError::Unavailable(text)
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        classify(&e)
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => classify(&e),
            other => StoreError::Unavailable(other.to_string()),
        }
    }
}

pub type Pool = deadpool_postgres::Pool;

impl Db {
    /// Build the pool (no connection is made yet: a node starts, and SMTP
    /// accepts, while the database is down).
    pub fn new(
        cfg: &PostgresConfig,
        node: &str,
        metrics: Option<Arc<crate::metrics::Metrics>>,
    ) -> Result<Arc<Db>, StoreError> {
        let mut pg: tokio_postgres::Config = cfg
            .url
            .parse()
            .map_err(|_| StoreError::Backend("store.url: not a valid PostgreSQL URL".into()))?;
        if let Some(path) = &cfg.password_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                StoreError::Backend(format!(
                    "store.password_file {}: cannot read: {e}",
                    path.display()
                ))
            })?;
            pg.password(text.trim_end_matches(['\r', '\n']));
        }
        pg.connect_timeout(cfg.connect_timeout);
        pg.application_name(format!("sealpost {node}"));
        let tls = tls_connector(cfg.ca_file.as_deref())?;
        let manager = deadpool_postgres::Manager::from_config(
            pg,
            tls,
            deadpool_postgres::ManagerConfig {
                recycling_method: deadpool_postgres::RecyclingMethod::Fast,
            },
        );
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("sealpost-db")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Backend(format!("database runtime: {e}")))?;
        let pool = {
            let _g = rt.enter();
            deadpool_postgres::Pool::builder(manager)
                .max_size(cfg.pool_size)
                .runtime(deadpool_postgres::Runtime::Tokio1)
                .wait_timeout(Some(cfg.connect_timeout))
                .create_timeout(Some(cfg.connect_timeout))
                .recycle_timeout(Some(cfg.connect_timeout))
                .build()
                .map_err(|e| StoreError::Backend(format!("database pool: {e}")))?
        };
        Ok(Arc::new(Db {
            handle: rt.handle().clone(),
            rt: Some(rt),
            pool,
            node: node.to_string(),
            url: redact_url(&cfg.url),
            timeout: cfg.connect_timeout,
            up: AtomicBool::new(true),
            failed_ms: AtomicU64::new(0),
            metrics,
        }))
    }

    /// This node's name (`[store] node_name`).
    pub fn node(&self) -> &str {
        &self.node
    }

    /// The URL with any password replaced by `***`.
    pub fn shown_url(&self) -> &str {
        &self.url
    }

    /// The JSON `record` of the one row `sql` selects by the key `$1`,
    /// decoded; `None` when there is no such row.
    pub(crate) fn record_by_key<K, T>(
        &self,
        sql: &'static str,
        key: K,
    ) -> Result<Option<T>, StoreError>
    where
        K: tokio_postgres::types::ToSql + Sync + Send + 'static,
        T: serde::de::DeserializeOwned + Send + 'static,
    {
        self.run(|pool| async move {
            let c = pool.get().await?;
            c.query_opt(sql, &[&key])
                .await?
                .map(|r| from_json(r.get(0)))
                .transpose()
        })
    }

    /// Run `f` with the pool on the database runtime and wait for it
    /// (from a blocking thread or an async task alike), at most one
    /// timeout for a connection plus one for the statements.
    pub fn run<T, F, Fut>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(Pool) -> Fut,
        Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
        T: Send + 'static,
    {
        if !self.up.load(Ordering::Relaxed) {
            let now = crate::util::now_ms();
            let last = self.failed_ms.load(Ordering::Relaxed);
            let probe = now.saturating_sub(last) >= PROBE_EVERY_MS
                && self
                    .failed_ms
                    .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok();
            if !probe {
                if let Some(m) = &self.metrics {
                    m.store_errors.with_label_values(&["unavailable"]).inc();
                }
                return Err(StoreError::Unavailable(
                    "the database was unreachable moments ago".into(),
                ));
            }
        }
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let fut = f(self.pool.clone());
        let limit = self.timeout * 2;
        self.handle.spawn(async move {
            let r = match tokio::time::timeout(limit, fut).await {
                Ok(r) => r,
                Err(_) => Err(StoreError::Unavailable(
                    "the database did not answer".into(),
                )),
            };
            let _ = tx.send(r);
        });
        let r = rx
            .recv_timeout(limit + Duration::from_secs(1))
            .unwrap_or_else(|_| {
                Err(StoreError::Unavailable(
                    "the database did not answer".into(),
                ))
            });
        self.note(&r);
        r
    }

    /// Track up/down transitions: one log line each, and the gauge.
    fn note<T>(&self, r: &Result<T, StoreError>) {
        let up = !matches!(r, Err(StoreError::Unavailable(_)));
        if !up {
            self.failed_ms
                .store(crate::util::now_ms(), Ordering::Relaxed);
        }
        if let Some(m) = &self.metrics {
            m.store_up.set(i64::from(up));
            if !up {
                m.store_errors.with_label_values(&["unavailable"]).inc();
            }
        }
        if self.up.swap(up, Ordering::Relaxed) != up {
            match r {
                Err(e) if !up => {
                    tracing::error!(url = %self.url, error = %e, "shared store unavailable")
                }
                _ => tracing::info!(url = %self.url, "shared store reachable again"),
            }
        }
    }

    /// Was the last call answered?
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// Apply the migrations this database lacks; returns those applied.
    pub fn migrate(&self) -> Result<Vec<i32>, StoreError> {
        self.run(|pool| async move {
            let mut c = pool.get().await?;
            let tx = c.transaction().await?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
                .await?;
            // No NOTICE for a table that exists (it would reach the log).
            tx.batch_execute("SET LOCAL client_min_messages = warning")
                .await?;
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS sp_schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())",
            )
            .await?;
            let have: Vec<i32> = tx
                .query("SELECT version FROM sp_schema_migrations", &[])
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            if let Some(v) = have.iter().copied().max().filter(|v| *v > latest_version()) {
                return Err(StoreError::Backend(format!(
                    "the database's schema (version {v}) is newer than this sealpost knows ({}): upgrade this node",
                    latest_version()
                )));
            }
            let mut applied = Vec::new();
            for (version, name, sql) in MIGRATIONS {
                if have.contains(version) {
                    continue;
                }
                tx.batch_execute(sql).await?;
                tx.execute(
                    "INSERT INTO sp_schema_migrations (version, name) VALUES ($1, $2)",
                    &[version, name],
                )
                .await?;
                applied.push(*version);
            }
            tx.commit().await?;
            Ok(applied)
        })
    }

    /// Connect and read the schema version: (server version, schema version).
    pub fn check(&self) -> Result<(String, i32), StoreError> {
        self.run(|pool| async move {
            let c = pool.get().await?;
            let server: String = c.query_one("SHOW server_version", &[]).await?.get(0);
            let exists: bool = c
                .query_one(
                    "SELECT to_regclass('sp_schema_migrations') IS NOT NULL",
                    &[],
                )
                .await?
                .get(0);
            let version = if exists {
                c.query_one(
                    "SELECT coalesce(max(version), 0) FROM sp_schema_migrations",
                    &[],
                )
                .await?
                .get(0)
            } else {
                0
            };
            Ok((server, version))
        })
    }

    /// Make sure every node uses the same key file: the first node to
    /// start records `fingerprint` (an HMAC under the key, which reveals
    /// nothing of it) under `name`; the others must match it.
    pub fn agree_on_key(&self, name: &str, fingerprint: &str) -> Result<bool, StoreError> {
        let (name, fp) = (name.to_string(), fingerprint.to_string());
        self.run(|pool| async move {
            let c = pool.get().await?;
            c.execute(
                "INSERT INTO sp_meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &fp],
            )
            .await?;
            let have: String = c
                .query_one("SELECT value FROM sp_meta WHERE name = $1", &[&name])
                .await?
                .get(0);
            Ok(have == fp)
        })
    }
}

/// TLS to the database (openssl): verified against `ca_file` (chain and
/// host name) when one is given; otherwise encrypted without checking the
/// certificate, as libpq's `prefer` and `require` modes do.
fn tls_connector(
    ca_file: Option<&std::path::Path>,
) -> Result<postgres_openssl::MakeTlsConnector, StoreError> {
    let bad = |e: openssl::error::ErrorStack| StoreError::Backend(format!("database TLS: {e}"));
    let mut b =
        openssl::ssl::SslConnector::builder(openssl::ssl::SslMethod::tls_client()).map_err(bad)?;
    b.set_min_proto_version(Some(openssl::ssl::SslVersion::TLS1_2))
        .map_err(bad)?;
    match ca_file {
        Some(path) => b
            .set_ca_file(path)
            .map_err(|e| StoreError::Backend(format!("store.ca_file {}: {e}", path.display())))?,
        None => b.set_verify(openssl::ssl::SslVerifyMode::NONE),
    }
    let mut tls = postgres_openssl::MakeTlsConnector::new(b.build());
    if ca_file.is_none() {
        tls.set_callback(|c, _| {
            c.set_verify_hostname(false);
            Ok(())
        });
    }
    Ok(tls)
}

/// JSON value ↔ record helpers shared by the stores.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(v).map_err(StoreError::from)
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    v: serde_json::Value,
) -> Result<T, StoreError> {
    serde_json::from_value(v).map_err(StoreError::from)
}

/// u64 ↔ bigint: values beyond i64 do not occur (milliseconds, queue ids)
/// and are clamped rather than wrapped.
pub(crate) fn big(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn unbig(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

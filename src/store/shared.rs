//! The set of shared stores `[store]` names, opened once at start (and
//! by the CLI when no daemon runs): embedded sled trees of the spool's
//! database, or PostgreSQL with a few local trees for what must survive
//! an outage (the suppression copy, webhook events waiting to be moved).
//!
//! With PostgreSQL the migrations run first. A database that cannot be
//! reached at start does not stop the node (SMTP goes on): migrations
//! and the key check are retried in the background until they succeed.
//! A database that answers but refuses (wrong password, schema newer
//! than this build, another node's key file) stops the start with the
//! reason.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::postgres::{self, Db};
use super::{ClientStore, IdempotencyStore, RateLimiter, StoreError, WebhookStore};
use crate::bounce::SuppressionStore;
use crate::config::{Config, StoreBackend};
use crate::secure::portal::PortalStore;
use crate::spool::Spool;

pub struct Shared {
    pub clients: Arc<dyn ClientStore>,
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub webhooks: Arc<dyn WebhookStore>,
    pub limiter: Arc<dyn RateLimiter>,
    pub suppression: Arc<dyn SuppressionStore>,
    pub portal: Arc<dyn PortalStore>,
    /// The database, with the PostgreSQL backend.
    pub db: Option<Arc<Db>>,
    pg_suppression: Option<Arc<postgres::PgSuppression>>,
}

/// Key fingerprints every node must agree on (name in `sp_meta`, file).
pub struct NodeKeys<'a> {
    pub api: Option<(&'a crate::api::keys::NodeKey, &'a std::path::Path)>,
    pub portal: Option<(&'a crate::secure::portal::NodeKey, &'a std::path::Path)>,
}

impl Shared {
    /// The embedded stores: sled trees of the spool's database.
    pub fn embedded(spool: &Spool) -> anyhow::Result<Shared> {
        use super::embedded as e;
        let portal =
            crate::secure::portal::SledPortal::open(|n| spool.tree(n).map_err(|e| e.to_string()))
                .context("portal store")?;
        Ok(Shared {
            clients: Arc::new(super::SledClients::new(spool.tree(e::CLIENTS)?)),
            idempotency: Arc::new(super::SledIdempotency::new(spool.tree(e::IDEMPOTENCY)?)),
            webhooks: Arc::new(super::SledWebhooks::new(
                spool.tree(e::ENDPOINTS)?,
                spool.tree(e::OUTBOX)?,
            )),
            limiter: Arc::new(super::MemoryRateLimiter::default()),
            suppression: Arc::new(crate::bounce::SledSuppression::from_tree(
                spool.tree(crate::bounce::suppress::TREE)?,
            )),
            portal: Arc::new(portal),
            db: None,
            pg_suppression: None,
        })
    }

    /// The stores `[store]` names; with PostgreSQL, migrations applied
    /// and the key files checked (or left to `maintain` while the
    /// database is unreachable).
    pub fn open(
        config: &Config,
        spool: &Spool,
        metrics: Option<Arc<crate::metrics::Metrics>>,
        keys: &NodeKeys<'_>,
    ) -> anyhow::Result<Shared> {
        let pg = match &config.store.backend {
            StoreBackend::Embedded => return Shared::embedded(spool),
            StoreBackend::Postgres(pg) => pg,
        };
        let db = Db::new(pg, &config.store.node_name, metrics.clone())
            .map_err(|e| anyhow::anyhow!("{}: {e}", config.source.display()))?;
        match prepare(&db, keys) {
            Ok(()) => {}
            Err(StoreError::Unavailable(why)) => tracing::warn!(
                url = %db.shown_url(),
                error = %why,
                "shared store unreachable at start; SMTP goes on, the API and portal answer \"unavailable\" until it is back"
            ),
            Err(e) => {
                return Err(anyhow::anyhow!(
                    "{}: store.url {}: {e}",
                    config.source.display(),
                    db.shown_url()
                ));
            }
        }
        let lease = config.api.webhook_timeout + Duration::from_secs(60);
        let sup = Arc::new(postgres::PgSuppression::new(
            db.clone(),
            spool
                .tree(postgres::CACHE_TREE)
                .context("suppression cache")?,
            metrics,
        ));
        Ok(Shared {
            clients: Arc::new(postgres::PgClients::new(db.clone())),
            idempotency: Arc::new(postgres::PgIdempotency::new(db.clone())),
            webhooks: Arc::new(postgres::PgWebhooks::new(
                db.clone(),
                spool
                    .tree(postgres::PENDING_TREE)
                    .context("webhook pending tree")?,
                lease,
            )),
            limiter: Arc::new(postgres::PgRateLimiter::new(db.clone())),
            suppression: sup.clone(),
            portal: Arc::new(postgres::PgPortal::new(db.clone())),
            db: Some(db),
            pg_suppression: Some(sup),
        })
    }

    /// Background upkeep (PostgreSQL only): until they succeed, the
    /// migrations and key check a start could not do; then every minute
    /// a fresh local copy of the suppression list.
    pub async fn maintain(&self, keys: OwnedKeys) {
        let (Some(db), Some(sup)) = (self.db.clone(), self.pg_suppression.clone()) else {
            return;
        };
        let mut prepared = db.is_up();
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        let mut retry = tokio::time::interval(Duration::from_secs(5));
        loop {
            if !prepared {
                retry.tick().await;
                let (db2, k) = (db.clone(), keys.clone());
                let r = tokio::task::spawn_blocking(move || prepare(&db2, &k.borrow())).await;
                match r {
                    Ok(Ok(())) => {
                        tracing::info!("shared store prepared");
                        prepared = true;
                    }
                    Ok(Err(StoreError::Unavailable(_))) | Err(_) => continue,
                    Ok(Err(e)) => {
                        tracing::error!(error = %e, "shared store refused this node");
                        continue;
                    }
                }
            }
            tick.tick().await;
            let s = sup.clone();
            if let Ok(Err(e)) = tokio::task::spawn_blocking(move || s.refresh()).await {
                tracing::debug!(error = %e, "suppression copy not refreshed");
            }
        }
    }
}

/// The node keys, owned, for the background task.
#[derive(Clone)]
pub struct OwnedKeys {
    pub api: Option<(Arc<crate::api::keys::NodeKey>, std::path::PathBuf)>,
    pub portal: Option<(Arc<crate::secure::portal::NodeKey>, std::path::PathBuf)>,
}

impl OwnedKeys {
    pub fn borrow(&self) -> NodeKeys<'_> {
        NodeKeys {
            api: self.api.as_ref().map(|(k, p)| (k.as_ref(), p.as_path())),
            portal: self.portal.as_ref().map(|(k, p)| (k.as_ref(), p.as_path())),
        }
    }
}

/// Migrate, then check that this node's key files are the cluster's.
fn prepare(db: &Db, keys: &NodeKeys<'_>) -> Result<(), StoreError> {
    let applied = db.migrate()?;
    if !applied.is_empty() {
        tracing::info!(versions = ?applied, "shared store schema migrated");
    }
    let mut checks: Vec<(&str, String, &std::path::Path, &str)> = Vec::new();
    if let Some((k, p)) = keys.api {
        checks.push(("api_key_fingerprint", k.fingerprint(), p, "api.key_file"));
    }
    if let Some((k, p)) = keys.portal {
        checks.push((
            "portal_key_fingerprint",
            k.fingerprint(),
            p,
            "portal.key_file",
        ));
    }
    for (name, fp, path, key) in checks {
        if !db.agree_on_key(name, &fp)? {
            return Err(StoreError::Conflict(format!(
                "{key} {} is not the key the other nodes use: copy that file from a running node (every node needs the same one)",
                path.display()
            )));
        }
    }
    Ok(())
}

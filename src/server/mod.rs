//! Inbound SMTP: listeners, connection caps and the per-connection session.
//!
//! Each accepted connection is checked against the global and per-IP caps
//! (over the cap: `421 4.7.0` and close), optionally wrapped in TLS
//! (implicit-TLS listeners, RFC 8314) and handed to a `Session`. Sessions
//! meet the rest of the system only through the spool and the schedule.

pub mod session;
#[cfg(test)]
mod tests;
pub mod throttle;
pub mod tls;
mod verbs;
pub use verbs::parse_command;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use std::sync::{Arc, Mutex, RwLock};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

use crate::config::{Config, ListenerConfig, ListenerTls};
use crate::spool::Spool;
use crate::spool::schedule::Schedule;
use crate::users::UsersFile;
use throttle::AuthThrottle;

/// Everything a session may use, passed down instead of globals.
pub struct Services {
    pub config: Arc<Config>,
    pub spool: Arc<Spool>,
    pub schedule: Arc<Schedule>,
    pub users: RwLock<Arc<UsersFile>>,
    /// The accept stage every DATA/BDAT hands its message to (it holds
    /// the policies and the shutdown flag).
    pub accept: Arc<crate::accept::Stage>,
    pub auth_throttle: Arc<AuthThrottle>,
    /// Concurrent password verifications (argon2id takes ~19 MiB each).
    pub auth_slots: tokio::sync::Semaphore,
    pub tls: RwLock<Option<tokio_rustls::TlsAcceptor>>,
    /// Client-certificate trust anchors per listener CA file.
    pub client_roots: tls::ClientRoots,
    pub connections: ConnectionCounter,
    pub metrics: Arc<crate::metrics::Metrics>,
    pub audit: Arc<crate::audit::AuditLog>,
    pub suppression: Arc<dyn crate::bounce::SuppressionStore>,
    pub verp: Arc<crate::bounce::VerpKey>,
}

impl Services {
    pub fn users(&self) -> Arc<UsersFile> {
        self.users
            .read()
            .map(|u| u.clone())
            .unwrap_or_else(|_| Arc::new(UsersFile::default()))
    }

    pub fn policy(&self) -> Arc<crate::policy::PolicySet> {
        self.accept.policy()
    }

    pub fn tls_acceptor(&self) -> Option<tokio_rustls::TlsAcceptor> {
        self.tls.read().ok().and_then(|t| t.clone())
    }

    pub fn is_shutting_down(&self) -> bool {
        self.accept.is_shutting_down()
    }
}

/// Global and per-IP connection counts; a `ConnectionSlot` releases its
/// count when dropped.
#[derive(Default)]
pub struct ConnectionCounter {
    per_ip: Mutex<HashMap<IpAddr, usize>>,
}

pub struct ConnectionSlot<'a> {
    counter: &'a ConnectionCounter,
    ip: IpAddr,
}

impl ConnectionCounter {
    pub fn try_acquire(
        &self,
        ip: IpAddr,
        max_total: usize,
        max_per_ip: usize,
    ) -> Option<ConnectionSlot<'_>> {
        let mut g = self.per_ip.lock().ok()?;
        let total: usize = g.values().sum();
        let mine = g.get(&ip).copied().unwrap_or(0);
        if total >= max_total || mine >= max_per_ip {
            return None;
        }
        *g.entry(ip).or_insert(0) += 1;
        Some(ConnectionSlot { counter: self, ip })
    }

    pub fn total(&self) -> usize {
        self.per_ip.lock().map(|g| g.values().sum()).unwrap_or(0)
    }
}

impl Drop for ConnectionSlot<'_> {
    fn drop(&mut self) {
        if let Ok(mut g) = self.counter.per_ip.lock()
            && let Some(n) = g.get_mut(&self.ip)
        {
            *n -= 1;
            if *n == 0 {
                g.remove(&self.ip);
            }
        }
    }
}

/// Bind every listener; returns them with their bound addresses.
pub async fn bind_all(config: &Config) -> std::io::Result<Vec<(Arc<ListenerConfig>, TcpListener)>> {
    let mut out = Vec::new();
    for l in &config.listeners {
        let sock = TcpListener::bind(l.address).await.map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("listener \"{}\" on {}: {e}", l.name, l.address),
            )
        })?;
        out.push((Arc::new(l.clone()), sock));
    }
    Ok(out)
}

/// Accept connections until shutdown is signalled.
pub async fn serve(
    svc: Arc<Services>,
    listener: Arc<ListenerConfig>,
    sock: TcpListener,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
    tasks: tokio_util_tracker::Tracker,
) {
    loop {
        let accepted = tokio::select! {
            r = sock.accept() => r,
            _ = shutdown.changed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let svc = svc.clone();
        let listener = listener.clone();
        let shutdown = shutdown.clone();
        tasks.spawn(async move {
            handle_connection(svc, listener, stream, peer, shutdown).await;
        });
    }
}

/// How long a load balancer may take to send its PROXY header.
const PROXY_HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

async fn handle_connection(
    svc: Arc<Services>,
    listener: Arc<ListenerConfig>,
    mut stream: tokio::net::TcpStream,
    mut peer: SocketAddr,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let limits = &svc.config.limits;
    let name = listener.name.as_str();
    if listener
        .proxy_protocol_from
        .iter()
        .any(|n| n.contains(&peer.ip()))
    {
        use crate::proxy_protocol::{Proxied, read_header};
        match read_header(&mut stream, PROXY_HEADER_TIMEOUT).await {
            Ok(Proxied::Client(client)) => peer = client,
            Ok(Proxied::Local) => {}
            Err(e) => {
                // Never fall back to the balancer's own address: it may be
                // inside allow_relay_from.
                tracing::warn!(listener = %listener.name, balancer = %peer.ip(), error = %e, "PROXY header refused; connection closed");
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
    let Some(_slot) = svc.connections.try_acquire(
        peer.ip(),
        limits.max_connections,
        limits.max_connections_per_ip,
    ) else {
        svc.metrics
            .connections
            .with_label_values(&[name, "refused"])
            .inc();
        tracing::info!(listener = %listener.name, peer = %peer.ip(), "connection refused: too many connections");
        let _ = stream
            .write_all(b"421 4.7.0 Too many connections, try again later\r\n")
            .await;
        let _ = stream.shutdown().await;
        return;
    };
    svc.metrics
        .connections
        .with_label_values(&[name, "accepted"])
        .inc();
    let active = svc.metrics.sessions_active.with_label_values(&[name]);
    active.inc();
    let _active = scopeguard(move || active.dec());
    let io: Box<dyn session::Io> = Box::new(stream);
    let mut session = session::Session::new(svc.clone(), listener.clone(), peer, io, shutdown);
    if listener.tls == ListenerTls::Implicit && !session.start_tls_implicit().await {
        return;
    }
    session.run().await;
}

/// Runs `f` when dropped (a session ending by any path).
fn scopeguard<F: FnOnce()>(f: F) -> impl Drop {
    struct Guard<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for Guard<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f();
            }
        }
    }
    Guard(Some(f))
}

/// A tiny task tracker so shutdown can wait for sessions to finish.
pub mod tokio_util_tracker {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Clone, Default)]
    pub struct Tracker {
        inner: Arc<(AtomicUsize, tokio::sync::Notify)>,
    }

    impl Tracker {
        pub fn spawn<F>(&self, fut: F)
        where
            F: std::future::Future<Output = ()> + Send + 'static,
        {
            self.inner.0.fetch_add(1, Ordering::SeqCst);
            let inner = self.inner.clone();
            tokio::spawn(async move {
                fut.await;
                if inner.0.fetch_sub(1, Ordering::SeqCst) == 1 {
                    inner.1.notify_waiters();
                }
            });
        }

        pub fn active(&self) -> usize {
            self.inner.0.load(Ordering::SeqCst)
        }

        /// Wait until no tracked task is running.
        pub async fn wait_idle(&self) {
            loop {
                let notified = self.inner.1.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.active() == 0 {
                    return;
                }
                notified.await;
            }
        }
    }
}

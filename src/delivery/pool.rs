//! Idle outbound connections kept for the next message to the same
//! destination, and the per-destination concurrency cap.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::smtp::client::{Client, TlsPolicy};

/// Connections are reused only with the same address, name and TLS policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub addr: SocketAddr,
    pub name: String,
    pub tls: TlsPolicy,
    /// Verified by TLSA records (DANE) rather than the web PKI: such a
    /// connection is reused only for hops verified the same way.
    pub dane: bool,
}

/// An idle connection and when it was last used.
type Idle = (Instant, Client<TcpStream>);

/// Idle connections kept per key.
const MAX_IDLE_PER_KEY: usize = 16;

pub struct Pool {
    idle: Mutex<HashMap<Key, Vec<Idle>>>,
    max_idle: Duration,
    limits: Mutex<HashMap<String, Arc<Semaphore>>>,
    per_destination: usize,
}

impl Pool {
    pub fn new(max_idle: Duration, per_destination: usize) -> Self {
        Pool {
            idle: Mutex::new(HashMap::new()),
            max_idle,
            limits: Mutex::new(HashMap::new()),
            per_destination,
        }
    }

    pub fn take(&self, key: &Key) -> Option<Client<TcpStream>> {
        let mut g = self.idle.lock().ok()?;
        let list = g.get_mut(key)?;
        while let Some((since, client)) = list.pop() {
            if since.elapsed() < self.max_idle && client.is_usable() {
                return Some(client);
            }
        }
        None
    }

    pub fn put(&self, key: Key, client: Client<TcpStream>) {
        if !client.is_usable() {
            return;
        }
        if let Ok(mut g) = self.idle.lock() {
            let list = g.entry(key).or_default();
            if list.len() < MAX_IDLE_PER_KEY {
                list.push((Instant::now(), client));
            }
        }
    }

    /// Close connections idle for too long (QUIT sent in the background).
    pub fn sweep(&self) {
        let mut stale = Vec::new();
        if let Ok(mut g) = self.idle.lock() {
            for list in g.values_mut() {
                let (keep, old): (Vec<_>, Vec<_>) = list
                    .drain(..)
                    .partition(|(t, _)| t.elapsed() < self.max_idle);
                *list = keep;
                stale.extend(old.into_iter().map(|(_, c)| c));
            }
            g.retain(|_, l| !l.is_empty());
        }
        for c in stale {
            tokio::spawn(c.quit());
        }
    }

    /// Close every idle connection (shutdown).
    pub async fn close_all(&self) {
        let all: Vec<_> = match self.idle.lock() {
            Ok(mut g) => g
                .drain()
                .flat_map(|(_, l)| l.into_iter().map(|(_, c)| c))
                .collect(),
            Err(_) => Vec::new(),
        };
        for c in all {
            c.quit().await;
        }
    }

    /// The concurrency gate for one destination (a domain or a route).
    pub fn gate(&self, destination: &str) -> Arc<Semaphore> {
        let Ok(mut g) = self.limits.lock() else {
            return Arc::new(Semaphore::new(self.per_destination));
        };
        g.entry(destination.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_destination)))
            .clone()
    }
}

//! `sealpost apikey add | list | revoke`: plain functions over the client
//! store, called by the daemon's control socket or, when it is stopped,
//! by the CLI on the store directly. The secret is shown once, at `add`;
//! only its keyed hash is kept.

use serde::{Deserialize, Serialize};

use super::keys::{NodeKey, new_credentials};
use crate::config::Rate;
use crate::store::{ApiClient, ClientStore, Scope, StoreError};

/// `apikey add NAME ...` as sent over the control socket.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AddKey {
    pub name: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub sender_domains: Vec<String>,
    #[serde(default)]
    pub default_priority: Option<i64>,
    /// e.g. "50/s"; None: `[api] default_rate`.
    #[serde(default)]
    pub rate: Option<String>,
}

/// Check the request, store the client, return id and secret (once).
pub fn add(
    store: &dyn ClientStore,
    keys: &NodeKey,
    req: AddKey,
) -> Result<serde_json::Value, String> {
    let name = req.name.trim();
    if name.is_empty()
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.@".contains(&b))
    {
        return Err("NAME: 1 to 64 characters of A-Z, a-z, 0-9 and -_.@".into());
    }
    let mut scopes = Vec::new();
    for s in req.scopes.iter().flat_map(|s| s.split(',')) {
        let s = s.trim();
        if s.is_empty() {
            continue;
        }
        let Some(sc) = Scope::parse(s) else {
            return Err(format!(
                "--scopes: unknown scope \"{s}\" (expected send, read, admin)"
            ));
        };
        if !scopes.contains(&sc) {
            scopes.push(sc);
        }
    }
    if scopes.is_empty() {
        return Err("--scopes: at least one of send, read, admin".into());
    }
    let mut domains = Vec::new();
    for d in &req.sender_domains {
        let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
        if d.is_empty() || !d.contains('.') || d.contains(char::is_whitespace) {
            return Err(format!("--sender-domain: \"{d}\" is not a domain"));
        }
        domains.push(d);
    }
    let default_priority = match req.default_priority {
        // sealpost's normal priority (DESIGN: 0–9, 4 by default).
        None => 4,
        Some(p @ 0..=9) => p as u8,
        Some(p) => return Err(format!("--default-priority: expected 0 to 9, got {p}")),
    };
    let rate = match req.rate.as_deref() {
        None => None,
        Some(r) => Some(
            Rate::parse(r)
                .ok_or_else(|| {
                    format!("--rate: expected a rate such as \"50/s\" or \"600/m\", got \"{r}\"")
                })?
                .per_second,
        ),
    };
    let (client_id, secret) = new_credentials();
    let client = ApiClient {
        client_id: client_id.clone(),
        name: name.to_string(),
        secret_hash: keys.hash_secret(&secret),
        scopes,
        sender_domains: domains,
        default_priority,
        rate_per_second: rate,
        created_ms: crate::util::now_ms(),
        revoked_ms: None,
    };
    store.add(&client).map_err(|e| match e {
        StoreError::Conflict(m) => m,
        other => other.to_string(),
    })?;
    tracing::info!(name, client_id = %client_id, "API key added");
    Ok(serde_json::json!({
        "name": name,
        "client_id": client_id,
        "client_secret": secret,
        "api_key": format!("{client_id}.{secret}"),
        "scopes": client.scopes,
    }))
}

/// Every client, without secrets or hashes.
pub fn list(store: &dyn ClientStore) -> Result<serde_json::Value, String> {
    let all = store.list().map_err(|e| e.to_string())?;
    Ok(all
        .iter()
        .map(|c| {
            serde_json::json!({
                "name": c.name,
                "client_id": c.client_id,
                "scopes": c.scopes,
                "sender_domains": c.sender_domains,
                "default_priority": c.default_priority,
                "rate": c.rate_per_second.map(|r| Rate { per_second: r }.to_string()),
                "created": super::status::rfc3339(c.created_ms),
                "revoked": c.revoked_ms.map(super::status::rfc3339),
            })
        })
        .collect())
}

pub fn revoke(store: &dyn ClientStore, name: &str) -> Result<serde_json::Value, String> {
    match store.revoke(name).map_err(|e| e.to_string())? {
        Some(c) => {
            tracing::info!(name, client_id = %c.client_id, "API key revoked");
            Ok(serde_json::json!({"revoked": name, "client_id": c.client_id}))
        }
        None => Err(format!("no live API key named \"{name}\"")),
    }
}

//! AUTH PLAIN and LOGIN (RFC 4954, 4616), offered only over TLS. Failures
//! are throttled per client network, per (network, user) and, as a high
//! ceiling, per user (`server::throttle`); credentials are never logged.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use smtp_proto::{AUTH_LOGIN, AUTH_PLAIN};

use crate::config::AuthMode;
use crate::server::session::{Line, Next, Session};
use crate::smtp::reply::Reply;

/// Longest base64 line accepted in an AUTH exchange.
const MAX_AUTH_LINE: usize = 2048;

pub async fn auth(s: &mut Session, mechanism: u64, initial: String) -> Next {
    let reply = match precheck(s) {
        Some(r) => r,
        None => exchange(s, mechanism, initial).await,
    };
    let result = match reply.code {
        235 => Some("success"),
        535 => Some("failure"),
        454 => Some("throttled"),
        _ => None,
    };
    if let Some(result) = result {
        s.svc
            .metrics
            .auth
            .with_label_values(&[s.listener.name.as_str(), result])
            .inc();
    }
    let close = reply.code == 421;
    s.reply(reply);
    if close { Next::Close } else { Next::Continue }
}

fn precheck(s: &Session) -> Option<Reply> {
    if s.listener.auth == AuthMode::None {
        return Some(Reply::new(502, "5.5.1", "AUTH not available"));
    }
    if s.tls.is_none() {
        return Some(Reply::new(
            538,
            "5.7.11",
            "Encryption required for requested authentication mechanism",
        ));
    }
    if s.auth_user.is_some() {
        return Some(Reply::new(503, "5.5.1", "Already authenticated"));
    }
    if s.state.in_transaction() {
        return Some(Reply::new(
            503,
            "5.5.1",
            "AUTH not allowed during a mail transaction",
        ));
    }
    if s.svc.auth_throttle.ip_blocked(s.peer.ip()) {
        return Some(Reply::new(
            454,
            "4.7.0",
            "Too many authentication failures, try again later",
        ));
    }
    None
}

async fn exchange(s: &mut Session, mechanism: u64, initial: String) -> Reply {
    let creds = if mechanism == AUTH_PLAIN {
        plain(s, initial).await
    } else if mechanism == AUTH_LOGIN {
        login(s, initial).await
    } else {
        return Reply::new(504, "5.5.4", "Unrecognized authentication mechanism");
    };
    let (user, password) = match creds {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Some(block) = s.svc.auth_throttle.check(s.peer.ip(), &user) {
        tracing::info!(peer = %s.peer.ip(), ?block, "AUTH <redacted>: throttled");
        return Reply::new(
            454,
            "4.7.0",
            "Too many authentication failures, try again later",
        );
    }
    let svc = s.svc.clone();
    let Ok(_slot) = svc.auth_slots.try_acquire() else {
        return Reply::new(
            454,
            "4.7.0",
            "Too many authentications in progress, try again later",
        );
    };
    // Counted before verifying, so parallel guesses cannot pass the limit.
    s.svc.auth_throttle.failed(s.peer.ip(), &user);
    let users = s.svc.users();
    let name = user.clone();
    let verified =
        tokio::task::spawn_blocking(move || crate::users::verify(&users, &name, &password))
            .await
            .ok()
            .flatten();
    match verified {
        Some(u) => {
            tracing::info!(peer = %s.peer.ip(), listener = %s.listener.name, "AUTH <redacted>: success");
            audit_auth(s.svc.clone(), auth_record(s, &user), true).await;
            s.svc.auth_throttle.succeeded(s.peer.ip(), &user);
            s.auth_user = Some(u);
            Reply::new(235, "2.7.0", "Authentication successful")
        }
        None => {
            tracing::info!(peer = %s.peer.ip(), listener = %s.listener.name, "AUTH <redacted>: failure");
            audit_auth(s.svc.clone(), auth_record(s, &user), false).await;
            Reply::new(535, "5.7.8", "Authentication credentials invalid")
        }
    }
}

/// Who authenticated (or failed to) from where; never the password.
fn auth_record(s: &Session, user: &str) -> crate::audit::event::Auth {
    crate::audit::event::Auth {
        user: user.chars().filter(|c| !c.is_control()).take(256).collect(),
        ip: s.peer.ip().to_string(),
        listener: s.listener.name.clone(),
        tls: s.tls.as_ref().map(|t| t.version.clone()),
    }
}

async fn audit_auth(
    svc: std::sync::Arc<crate::server::Services>,
    auth: crate::audit::event::Auth,
    ok: bool,
) {
    let event = if ok {
        crate::audit::Event::AuthSucceeded(auth)
    } else {
        crate::audit::Event::AuthFailed(auth)
    };
    if let Err(e) = svc.audit.append(event).await {
        tracing::error!(error = %e, "audit write failed");
    }
}

/// One client line in an AUTH exchange, base64-decoded.
async fn challenge(s: &mut Session, prompt: &str) -> Result<Vec<u8>, Reply> {
    s.reply(Reply::plain(334, prompt.to_string()));
    let timeout = s.svc.config.limits.command_timeout;
    match s.read_line(MAX_AUTH_LINE, timeout).await {
        Ok(Line::Text(t)) => decode(&t),
        Ok(Line::TooLong) => Err(Reply::new(
            500,
            "5.5.6",
            "Authentication exchange line too long",
        )),
        Err(_) => Err(Reply::new(
            421,
            "4.4.2",
            "Timeout or connection lost during AUTH",
        )),
    }
}

fn decode(t: &[u8]) -> Result<Vec<u8>, Reply> {
    if t == b"*" {
        return Err(Reply::new(501, "5.0.0", "Authentication cancelled"));
    }
    B64.decode(t.trim_ascii())
        .map_err(|_| Reply::new(501, "5.5.2", "Invalid base64 in authentication exchange"))
}

async fn plain(s: &mut Session, initial: String) -> Result<(String, String), Reply> {
    let blob = match initial.as_str() {
        "" => challenge(s, "").await?,
        "=" => Vec::new(),
        text => decode(text.as_bytes())?,
    };
    // authzid NUL authcid NUL passwd (RFC 4616 §2)
    let mut parts = blob.split(|&b| b == 0);
    let (Some(authz), Some(authc), Some(pass), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Reply::new(501, "5.5.2", "Malformed PLAIN credentials"));
    };
    if !authz.is_empty() && authz != authc {
        return Err(Reply::new(
            535,
            "5.7.8",
            "Authentication credentials invalid",
        ));
    }
    utf8_pair(authc, pass)
}

async fn login(s: &mut Session, initial: String) -> Result<(String, String), Reply> {
    let user = if initial.is_empty() {
        challenge(s, "VXNlcm5hbWU6").await?
    } else {
        decode(initial.as_bytes())?
    };
    let pass = challenge(s, "UGFzc3dvcmQ6").await?;
    utf8_pair(&user, &pass)
}

fn utf8_pair(user: &[u8], pass: &[u8]) -> Result<(String, String), Reply> {
    match (std::str::from_utf8(user), std::str::from_utf8(pass)) {
        (Ok(u), Ok(p)) if !u.is_empty() => Ok((u.to_string(), p.to_string())),
        _ => Err(Reply::new(501, "5.5.2", "Malformed credentials")),
    }
}

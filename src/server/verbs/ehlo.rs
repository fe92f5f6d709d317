//! EHLO/HELO (RFC 5321 §4.1.1.1) and STARTTLS (RFC 3207).

use crate::server::session::{Hello, Next, Session, State};
use crate::smtp::reply::Reply;

pub fn ehlo(s: &mut Session, host: String, extended: bool) {
    if host.trim().is_empty() {
        s.reply(Reply::new(501, "5.5.4", "Syntax: EHLO domain"));
        return;
    }
    // RFC 5321 §4.1.4: EHLO/HELO anywhere ends any transaction.
    s.state = State::Ready(Hello {
        name: host,
        esmtp: extended,
    });
    let hostname = s.hostname().to_string();
    let greet = format!("{hostname} Hello [{}]", s.peer.ip());
    if !extended {
        s.reply(Reply::plain(250, greet));
        return;
    }
    let max = s.svc.config.limits.max_message_size;
    let mut lines = vec![
        greet,
        "PIPELINING".to_string(),
        format!("SIZE {max}"),
        "8BITMIME".into(),
        "ENHANCEDSTATUSCODES".into(),
    ];
    if s.starttls_offered() {
        lines.push("STARTTLS".into());
    }
    if s.auth_offered() {
        lines.push("AUTH PLAIN LOGIN".into());
    }
    lines.extend([
        "SMTPUTF8".to_string(),
        "CHUNKING".into(),
        "DSN".into(),
        "MT-PRIORITY MIXER".into(),
    ]);
    if s.tls.is_some() {
        // RFC 8689 §4.1: offered only over TLS.
        lines.push("REQUIRETLS".into());
    }
    lines.push("HELP".into());
    s.reply(Reply::multiline(250, lines));
}

pub async fn starttls(s: &mut Session) -> Next {
    if s.tls.is_some() {
        s.reply(Reply::new(503, "5.5.1", "TLS already active"));
        return Next::Continue;
    }
    if !s.starttls_offered() {
        s.reply(Reply::new(502, "5.5.1", "STARTTLS not available"));
        return Next::Continue;
    }
    s.reply(Reply::new(220, "2.0.0", "Ready to start TLS"));
    if s.upgrade_tls().await {
        Next::Continue
    } else {
        Next::Close
    }
}

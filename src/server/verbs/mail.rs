//! MAIL FROM (RFC 5321 §4.1.1.2) with SIZE (1870), BODY (6152), SMTPUTF8
//! (6531), DSN RET/ENVID (3461), MT-PRIORITY (6710) and REQUIRETLS (8689).

use smtp_proto::{
    MAIL_BODY_8BITMIME, MAIL_BODY_BINARYMIME, MAIL_REQUIRETLS, MAIL_RET_FULL, MAIL_RET_HDRS,
    MAIL_SMTPUTF8, MailFrom,
};

use crate::config::AuthMode;
use crate::server::session::{Session, State, Transaction};
use crate::smtp::reply::Reply;

pub fn mail(s: &mut Session, from: MailFrom<String>, raw: &[u8]) {
    let refusal = match &s.state {
        State::Greeted => Some(Reply::new(503, "5.5.1", "Send EHLO or HELO first")),
        State::Ready(_) => refuse(s, &from),
        State::Mail(..) | State::Rcpt(..) | State::Chunking(..) => {
            Some(Reply::new(503, "5.5.1", "Nested MAIL command"))
        }
    };
    if let Some(r) = refusal {
        s.reply(r);
        return;
    }
    let mt_priority = if has_param(raw, b"MT-PRIORITY=") {
        // RFC 6710 §3: priority-value is -9..9; anything else is a syntax error.
        if !(-9..=9).contains(&from.mt_priority) {
            s.reply(Reply::new(501, "5.5.4", "MT-PRIORITY must be from -9 to 9"));
            return;
        }
        Some(from.mt_priority as i8)
    } else {
        None
    };
    let ret = if from.flags & MAIL_RET_FULL != 0 {
        Some("FULL".to_string())
    } else if from.flags & MAIL_RET_HDRS != 0 {
        Some("HDRS".to_string())
    } else {
        None
    };
    let txn = Transaction {
        sender: from.address,
        recipients: Vec::new(),
        declared_size: from.size,
        body_8bit: from.flags & MAIL_BODY_8BITMIME != 0,
        smtputf8: from.flags & MAIL_SMTPUTF8 != 0,
        requiretls: from.flags & MAIL_REQUIRETLS != 0,
        ret,
        envid: from.env_id,
        mt_priority,
    };
    // Ready → Mail
    s.state = match std::mem::take(&mut s.state) {
        State::Ready(hello) => State::Mail(hello, txn),
        other => other,
    };
    s.reply(Reply::new(250, "2.1.0", "Sender OK"));
}

/// Why this MAIL cannot start a transaction, if it cannot.
fn refuse(s: &Session, from: &MailFrom<String>) -> Option<Reply> {
    if s.listener.auth == AuthMode::Required
        && s.auth_user.is_none()
        && !s.tls.as_ref().is_some_and(|t| t.client_cert_trusted)
    {
        return Some(Reply::new(530, "5.7.0", "Authentication required"));
    }
    if from.size > s.svc.config.limits.max_message_size {
        return Some(crate::smtp::reply::std_replies::too_big());
    }
    if from.flags & MAIL_BODY_BINARYMIME != 0 {
        return Some(Reply::new(555, "5.5.4", "BODY=BINARYMIME is not supported"));
    }
    if from.flags & MAIL_REQUIRETLS != 0 && s.tls.is_none() {
        return Some(Reply::new(530, "5.7.10", "REQUIRETLS needs a TLS session"));
    }
    if let Some(u) = &s.auth_user
        && !u.may_send_as(&from.address)
    {
        return Some(Reply::new(
            553,
            "5.7.1",
            "Sender address not allowed for this user",
        ));
    }
    // RFC 6531 §3.4: a non-ASCII address only with the SMTPUTF8 parameter
    // (the same check as for recipients).
    if from.flags & MAIL_SMTPUTF8 == 0 && !from.address.is_ascii() {
        return Some(Reply::new(
            553,
            "5.6.7",
            "Non-ASCII address requires SMTPUTF8",
        ));
    }
    if !from.address.is_empty() && !from.address.contains('@') {
        return Some(Reply::new(
            553,
            "5.1.7",
            "Sender address must be fully qualified",
        ));
    }
    None
}

/// smtp-proto gives 0 for an absent MT-PRIORITY; look for the keyword.
fn has_param(raw: &[u8], name: &[u8]) -> bool {
    raw.windows(name.len())
        .any(|w| w.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use crate::accept::mt_priority_to_level;

    #[test]
    fn mt_priority_maps_onto_zero_to_nine() {
        assert_eq!(mt_priority_to_level(-9), 0);
        assert_eq!(mt_priority_to_level(0), 4);
        assert_eq!(mt_priority_to_level(1), 5);
        assert_eq!(mt_priority_to_level(9), 9);
        let all: Vec<u8> = (-9..=9).map(mt_priority_to_level).collect();
        assert!(all.windows(2).all(|w| w[0] <= w[1]));
    }
}

//! RCPT TO (RFC 5321 §4.1.1.3) with DSN NOTIFY/ORCPT (RFC 3461). The relay
//! check lives here: no open relay.

use smtp_proto::{
    RCPT_NOTIFY_DELAY, RCPT_NOTIFY_FAILURE, RCPT_NOTIFY_NEVER, RCPT_NOTIFY_SUCCESS, RcptTo,
};

use crate::config::{AuthMode, ListenerMode};
use crate::server::session::{Session, State};
use crate::smtp::reply::Reply;
use crate::spool::{RecipientSpec, notify};

pub fn rcpt(s: &mut Session, to: RcptTo<String>) {
    let reply = accept(s, to);
    match reply.code {
        530 | 554 => s.count_rejection("relay_denied"),
        452 => s.count_rejection("too_many_recipients"),
        _ => {}
    }
    s.reply(reply);
}

fn accept(s: &mut Session, to: RcptTo<String>) -> Reply {
    match &s.state {
        State::Mail(..) | State::Rcpt(..) => {}
        State::Greeted | State::Ready(_) => {
            return Reply::new(503, "5.5.1", "Need MAIL command first");
        }
        // RFC 3030 §2: the recipients are settled before the first chunk.
        State::Chunking(..) => return Reply::new(503, "5.5.1", "RCPT not allowed after BDAT"),
    }
    if s.listener.mode == ListenerMode::Bounce {
        // Only our bounce addresses; a bounce listener never relays.
        if !super::bounce::is_bounce_address(s, &to.address) {
            return Reply::new(550, "5.7.1", "Relay access denied");
        }
    } else if !s.may_relay() {
        return if s.listener.auth != AuthMode::None {
            Reply::new(530, "5.7.0", "Authentication required")
        } else {
            Reply::new(554, "5.7.1", "Relay access denied")
        };
    }
    let Some((local, domain)) = to.address.rsplit_once('@') else {
        return Reply::new(501, "5.1.3", "Recipient address must be user@domain");
    };
    if local.is_empty() || domain.is_empty() {
        return Reply::new(501, "5.1.3", "Recipient address must be user@domain");
    }
    let max = s.svc.config.limits.max_recipients;
    let (State::Mail(_, txn) | State::Rcpt(_, txn)) = &mut s.state else {
        return Reply::new(503, "5.5.1", "Need MAIL command first");
    };
    if txn.recipients.len() >= max {
        return Reply::new(452, "4.5.3", "Too many recipients");
    }
    if !txn.smtputf8 && !to.address.is_ascii() {
        return Reply::new(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
    }
    // The same recipient twice gets one copy (as Postfix's cleanup does):
    // the local part compared exactly (RFC 5321 §2.4), the domain not.
    let same = |a: &str| match (a.rsplit_once('@'), to.address.rsplit_once('@')) {
        (Some((l1, d1)), Some((l2, d2))) => l1 == l2 && d1.eq_ignore_ascii_case(d2),
        _ => a == to.address,
    };
    if txn.recipients.iter().any(|r| same(&r.address)) {
        return Reply::new(250, "2.1.5", "Recipient OK (duplicate ignored)");
    }
    txn.recipients.push(RecipientSpec {
        address: to.address,
        orcpt: to.orcpt,
        notify: notify_bits(to.flags),
    });
    // Mail → Rcpt
    s.state = match std::mem::take(&mut s.state) {
        State::Mail(hello, txn) => State::Rcpt(hello, txn),
        other => other,
    };
    Reply::new(250, "2.1.5", "Recipient OK")
}

fn notify_bits(flags: u64) -> u8 {
    let mut n = 0;
    if flags & RCPT_NOTIFY_SUCCESS != 0 {
        n |= notify::SUCCESS;
    }
    if flags & RCPT_NOTIFY_FAILURE != 0 {
        n |= notify::FAILURE;
    }
    if flags & RCPT_NOTIFY_DELAY != 0 {
        n |= notify::DELAY;
    }
    if flags & RCPT_NOTIFY_NEVER != 0 {
        n |= notify::NEVER;
    }
    n
}

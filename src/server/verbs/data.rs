//! DATA (RFC 5321 §4.1.1.4) and BDAT (RFC 3030): collect the bytes under
//! the limits, then hand the transaction to the bounce listener (its own
//! path, never a relay) or to the accept stage (`crate::accept`), whose
//! reply ends the transaction.

use crate::accept::{Source, Submission};
use crate::server::session::{Next, ReadError, Session, Transaction};
use crate::smtp::data::{DataDecoder, DataError, Progress, has_bare_newline};
use crate::smtp::reply::{Reply, std_replies};

pub async fn data(s: &mut Session) -> Next {
    if let Some(r) = not_ready(s.txn.as_ref()) {
        s.reply(r);
        return Next::Continue;
    }
    s.reply(Reply::plain(354, "End data with <CR><LF>.<CR><LF>"));
    let limits = &s.svc.config.limits;
    let mut dec = DataDecoder::new(limits.max_message_size, limits.max_line_length);
    let timeout = limits.data_timeout;
    let mut poisoned = false;
    let read = s
        .read_until(timeout, |buf| match dec.feed(buf) {
            Progress::NeedMore => None,
            Progress::Done { consumed } => Some(consumed),
            Progress::Poisoned { consumed } => {
                poisoned = true;
                Some(consumed)
            }
        })
        .await;
    if let Err(e) = read {
        return lost(s, e);
    }
    if poisoned {
        tracing::info!(peer = %s.peer.ip(), "bare CR/LF in DATA: transaction refused");
        s.txn = None;
        s.count_rejection("bare_newline");
        s.reply_and_drop(std_replies::bare_newline()).await;
        return Next::Close;
    }
    let result = match dec.error() {
        Some(err) => Err(error_reply(err)),
        None => Ok(dec.into_body()),
    };
    finish(s, result).await;
    Next::Continue
}

pub async fn bdat(s: &mut Session, size: usize, last: bool) -> Next {
    let refusal = match &s.txn {
        Some(t) if t.recipients.is_empty() => Some(Reply::new(554, "5.5.1", "No valid recipients")),
        None => Some(Reply::new(503, "5.5.1", "Need MAIL command first")),
        Some(_) => None,
    };
    let max = s.svc.config.limits.max_message_size;
    let timeout = s.svc.config.limits.data_timeout;
    let mut chunk_buf = Vec::new();
    let txn_size = s.txn.as_ref().map(|t| t.bdat_size).unwrap_or(0);
    let keep = refusal.is_none() && txn_size.saturating_add(size) <= max;
    // The chunk is consumed in every case, so the stream stays in sync.
    let read = s
        .read_exact_into(size, timeout, |b| {
            if keep {
                chunk_buf.extend_from_slice(b)
            }
        })
        .await;
    if let Err(e) = read {
        return lost(s, e);
    }
    if let Some(r) = refusal {
        s.reply(r);
        return Next::Continue;
    }
    let Some(txn) = s.txn.as_mut() else {
        return Next::Continue;
    };
    txn.bdat_size = txn.bdat_size.saturating_add(size);
    let buf = txn.bdat.get_or_insert_with(Vec::new);
    if keep {
        buf.extend_from_slice(&chunk_buf);
    }
    if !last {
        let total = txn.bdat_size;
        s.reply(Reply::new(
            250,
            "2.0.0",
            format!("{size} octets received, {total} in total"),
        ));
        return Next::Continue;
    }
    let body = txn.bdat.take().unwrap_or_default();
    let result = if txn.bdat_size > max {
        Err(error_reply(DataError::TooBig))
    } else if has_bare_newline(&body) {
        Err(error_reply(DataError::BareNewline))
    } else if body
        .split(|&b| b == b'\n')
        .any(|l| l.len() > s.svc.config.limits.max_line_length - 1)
    {
        Err(error_reply(DataError::LineTooLong))
    } else {
        Ok(body)
    };
    finish(s, result).await;
    Next::Continue
}

fn not_ready(txn: Option<&Transaction>) -> Option<Reply> {
    match txn {
        None => Some(Reply::new(503, "5.5.1", "Need MAIL command first")),
        Some(t) if t.recipients.is_empty() => Some(Reply::new(554, "5.5.1", "No valid recipients")),
        Some(t) if t.bdat.is_some() => {
            Some(Reply::new(503, "5.5.1", "DATA not allowed after BDAT"))
        }
        Some(_) => None,
    }
}

/// A message refused before acceptance: the reply and its metric label.
fn error_reply(e: DataError) -> (Reply, &'static str) {
    match e {
        DataError::TooBig => (std_replies::too_big(), "size"),
        DataError::BareNewline => (std_replies::bare_newline(), "bare_newline"),
        DataError::LineTooLong => (
            Reply::new(
                550,
                "5.6.0",
                "Message contains a line longer than 1000 octets (RFC 5322 §2.1.1)",
            ),
            "line_length",
        ),
    }
}

fn lost(s: &mut Session, e: ReadError) -> Next {
    s.txn = None;
    if matches!(e, ReadError::Timeout) {
        s.reply(std_replies::timeout());
    }
    Next::Close
}

/// End of data: the transaction ends here whatever the outcome.
async fn finish(s: &mut Session, body: Result<Vec<u8>, (Reply, &'static str)>) {
    let Some(txn) = s.txn.take() else { return };
    let body = match body {
        Ok(b) => b,
        Err((reply, label)) => {
            s.count_rejection(label);
            s.reply(reply);
            return;
        }
    };
    // The bounce listener takes reports for the bounce domains; it never
    // reaches the accept stage (and so never relays).
    if s.listener.mode == crate::config::ListenerMode::Bounce {
        let ctx = super::bounce::Ctx {
            svc: s.svc.clone(),
            peer: s.peer.ip(),
        };
        let reply = super::bounce::receive(&ctx, &txn, &body).await;
        s.reply(reply);
        return;
    }
    let submission = submission(s, txn, body);
    let accepted = s.svc.accept.accept(submission).await;
    s.reply(accepted.reply);
}

fn submission(s: &Session, txn: Transaction, message: Vec<u8>) -> Submission {
    let proto = match (s.esmtp, s.tls.is_some(), s.auth_user.is_some()) {
        (false, _, _) => "SMTP",
        (true, false, false) => "ESMTP",
        (true, true, false) => "ESMTPS",
        (true, false, true) => "ESMTPA",
        (true, true, true) => "ESMTPSA",
    };
    let protocol = if txn.smtputf8 {
        format!("UTF8{proto}")
    } else {
        proto.to_string()
    };
    Submission {
        sender: txn.sender,
        recipients: txn.recipients,
        ret: txn.ret,
        envid: txn.envid,
        smtputf8: txn.smtputf8,
        body_8bit: txn.body_8bit,
        requiretls: txn.requiretls,
        mt_priority: txn.mt_priority,
        protection_floor: None,
        message,
        source: Source {
            listener: s.listener.name.clone(),
            client_ip: s.peer.ip(),
            helo: s.helo.clone().unwrap_or_default(),
            auth_user: s.auth_user.as_ref().map(|u| u.name.clone()),
            protocol,
            tls: s
                .tls
                .as_ref()
                .map(|t| (t.version.clone(), t.cipher.clone())),
            default_priority: s.listener.default_priority,
            trust_mt_priority: s.may_relay(),
        },
    }
}

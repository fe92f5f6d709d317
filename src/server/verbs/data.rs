//! DATA (RFC 5321 §4.1.1.4) and BDAT (RFC 3030): collect the bytes under
//! the limits, then hand the transaction to the bounce listener (its own
//! path, never a relay) or to the accept stage (`crate::accept`), whose
//! reply ends the transaction.

use crate::accept::{Source, Submission};
use crate::server::session::{Chunks, Hello, Next, ReadError, Session, State, Transaction};
use crate::smtp::data::{DataDecoder, DataError, Progress, forbidden_octet};
use crate::smtp::reply::{Reply, std_replies};

pub async fn data(s: &mut Session) -> Next {
    let refusal = match &s.state {
        State::Rcpt(..) => None,
        State::Greeted | State::Ready(_) => Some(need_mail()),
        State::Mail(..) => Some(no_recipients()),
        State::Chunking(..) => Some(Reply::new(503, "5.5.1", "DATA not allowed after BDAT")),
    };
    if let Some(r) = refusal {
        s.reply(r);
        return Next::Continue;
    }
    s.reply(Reply::plain(354, "End data with <CR><LF>.<CR><LF>"));
    let limits = &s.svc.config.limits;
    let mut dec = DataDecoder::new(limits.max_message_size, limits.max_line_length);
    let timeout = limits.data_timeout;
    let mut poisoned = false;
    // The state stays `Rcpt` while the data is read: shutdown waits for it.
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
        let (reply, label) = error_reply(dec.error().unwrap_or(DataError::BareNewline));
        tracing::info!(peer = %s.peer.ip(), reason = label, "bare CR/LF or NUL in DATA: transaction refused");
        s.state.reset();
        s.count_rejection(label);
        s.reply_and_drop(reply).await;
        return Next::Close;
    }
    let result = match dec.error() {
        Some(err) => Err(error_reply(err)),
        None => Ok(dec.into_body()),
    };
    finish(s, result).await
}

pub async fn bdat(s: &mut Session, size: usize, last: bool) -> Next {
    let (refusal, so_far) = match &s.state {
        State::Rcpt(..) => (None, 0),
        State::Chunking(_, _, chunks) => (None, chunks.size),
        State::Mail(..) => (Some(no_recipients()), 0),
        State::Greeted | State::Ready(_) => (Some(need_mail()), 0),
    };
    let max = s.svc.config.limits.max_message_size;
    let timeout = s.svc.config.limits.data_timeout;
    let mut chunk_buf = Vec::new();
    let keep = refusal.is_none() && so_far.saturating_add(size) <= max;
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
    // Rcpt → Chunking (→ Ready after LAST, in `finish`)
    s.state = match std::mem::take(&mut s.state) {
        State::Rcpt(hello, txn) => State::Chunking(hello, txn, Chunks::default()),
        other => other,
    };
    let State::Chunking(_, _, chunks) = &mut s.state else {
        return Next::Continue;
    };
    chunks.size = chunks.size.saturating_add(size);
    if keep {
        chunks.body.extend_from_slice(&chunk_buf);
    }
    let total = chunks.size;
    if !last {
        s.reply(Reply::new(
            250,
            "2.0.0",
            format!("{size} octets received, {total} in total"),
        ));
        return Next::Continue;
    }
    let body = std::mem::take(&mut chunks.body);
    let result = check_chunked(body, total, &s.svc.config.limits);
    finish(s, result).await
}

/// The limits DATA's decoder enforces as it reads, applied to the joined
/// BDAT chunks (no dot-stuffing there, so no decoder).
fn check_chunked(
    body: Vec<u8>,
    total: usize,
    limits: &crate::config::Limits,
) -> Result<Vec<u8>, (Reply, &'static str)> {
    let max_line = limits.max_line_length;
    if total > limits.max_message_size {
        Err(error_reply(DataError::TooBig))
    } else if let Some((err, _)) = forbidden_octet(&body) {
        Err(error_reply(err))
    } else if body.split(|&b| b == b'\n').any(|l| l.len() > max_line - 1) {
        Err(error_reply(DataError::LineTooLong))
    } else {
        Ok(body)
    }
}

fn need_mail() -> Reply {
    Reply::new(503, "5.5.1", "Need MAIL command first")
}

fn no_recipients() -> Reply {
    Reply::new(554, "5.5.1", "No valid recipients")
}

/// A message refused before acceptance: the reply and its metric label.
fn error_reply(e: DataError) -> (Reply, &'static str) {
    match e {
        DataError::TooBig => (std_replies::too_big(), "size"),
        DataError::BareNewline => (std_replies::bare_newline(), "bare_newline"),
        DataError::Nul => (std_replies::nul_in_data(), "nul"),
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
    s.state.reset();
    if matches!(e, ReadError::Timeout) {
        s.reply(std_replies::timeout());
    }
    Next::Close
}

/// End of data: the transaction ends here whatever the outcome (Rcpt or
/// Chunking → Ready). A 421 from the accept stage closes the session.
async fn finish(s: &mut Session, body: Result<Vec<u8>, (Reply, &'static str)>) -> Next {
    let (hello, txn) = match std::mem::take(&mut s.state) {
        State::Rcpt(h, t) | State::Chunking(h, t, _) => (h, t),
        other => {
            s.state = other;
            return Next::Continue;
        }
    };
    s.state = State::Ready(hello.clone());
    let body = match body {
        Ok(b) => b,
        Err((reply, label)) => {
            s.count_rejection(label);
            s.reply(reply);
            return Next::Continue;
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
        return Next::Continue;
    }
    let submission = submission(s, &hello, txn, body);
    let accepted = s.svc.accept.accept(submission).await;
    s.reply(accepted.reply);
    Next::Continue
}

fn submission(s: &Session, hello: &Hello, txn: Transaction, message: Vec<u8>) -> Submission {
    let proto = match (hello.esmtp, s.tls.is_some(), s.auth_user.is_some()) {
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
            helo: hello.name.clone(),
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

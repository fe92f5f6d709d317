//! DATA (RFC 5321 §4.1.1.4) and BDAT (RFC 3030), then acceptance: trace
//! header, spool (durable before the reply) and schedule.

use crate::policy::{self, Action, MessageContext, Verdict};
use crate::server::session::{Next, ReadError, Session, Transaction};
use crate::smtp::data::{DataDecoder, DataError, Progress, forbidden_octet};
use crate::smtp::reply::{Reply, std_replies};
use crate::spool::{Envelope, format_id};

/// Received headers beyond this mean a mail loop (RFC 5321 §6.3).
const MAX_HOPS: usize = 50;

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
        let reply = error_reply(dec.error().unwrap_or(DataError::BareNewline));
        tracing::info!(peer = %s.peer.ip(), "bare CR/LF or NUL in DATA: transaction refused");
        s.txn = None;
        s.count_rejection(rejection_reason(&reply));
        s.reply_and_drop(reply).await;
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
        Err(std_replies::too_big())
    } else if let Some((err, _)) = forbidden_octet(&body) {
        Err(error_reply(err))
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

/// A closed set of metric label values for refused messages.
fn rejection_reason(r: &Reply) -> &'static str {
    match (r.code, r.enhanced.as_deref()) {
        _ if *r == std_replies::nul_in_data() => "nul",
        (552, _) => "size",
        (550, Some("5.6.11")) => "bare_newline",
        (550, Some("5.6.0")) => "line_length",
        (554, Some("5.4.6")) => "loop",
        (451, _) | (421, _) => "local_error",
        _ => "policy",
    }
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

fn error_reply(e: DataError) -> Reply {
    match e {
        DataError::TooBig => std_replies::too_big(),
        DataError::BareNewline => std_replies::bare_newline(),
        DataError::Nul => std_replies::nul_in_data(),
        DataError::LineTooLong => Reply::new(
            550,
            "5.6.0",
            "Message contains a line longer than 1000 octets (RFC 5322 §2.1.1)",
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
async fn finish(s: &mut Session, body: Result<Vec<u8>, Reply>) {
    let Some(txn) = s.txn.take() else { return };
    let started = std::time::Instant::now();
    let reply = match body {
        Err(r) => r,
        Ok(body) => accept(s, txn, body).await,
    };
    if reply.code == 250 {
        s.svc
            .metrics
            .data_to_250
            .observe(started.elapsed().as_secs_f64());
    } else {
        s.count_rejection(rejection_reason(&reply));
    }
    s.reply(reply);
}

async fn accept(s: &mut Session, txn: Transaction, body: Vec<u8>) -> Reply {
    if s.listener.mode == crate::config::ListenerMode::Bounce {
        let ctx = super::bounce::Ctx {
            svc: s.svc.clone(),
            peer: s.peer.ip(),
        };
        return super::bounce::receive(&ctx, &txn, &body).await;
    }
    if count_received(&body) > MAX_HOPS {
        return Reply::new(554, "5.4.6", "Too many hops (mail loop?)");
    }
    if s.svc.is_shutting_down() {
        return Reply::new(421, "4.3.2", "Service shutting down, try again later");
    }
    let Ok((verdict, body)) = start_inspect(s, &txn, body).await else {
        // The engine catches its own panics; if the task still died, the
        // client keeps the message and retries.
        return std_replies::local_error();
    };
    if let Action::Reject {
        code,
        enhanced,
        text,
    } = &verdict.action
    {
        tracing::info!(listener = %s.listener.name, rules = ?verdict.rules, "rejected by policy");
        return Reply::owned(*code, enhanced.clone(), text.clone());
    }
    let held = verdict.action == Action::Hold;
    let priority = verdict.priority.min(9);
    let id = s.svc.spool.next_id();
    let mut message = received_header(s, &txn, &format_id(id)).into_bytes();
    message.extend_from_slice(&body);
    let envelope = Envelope {
        sender: txn.sender,
        recipients: txn.recipients,
        ret: txn.ret,
        envid: txn.envid,
        smtputf8: txn.smtputf8,
        body_8bit: txn.body_8bit,
        requiretls: txn.requiretls,
        listener: s.listener.name.clone(),
        auth_user: s.auth_user.as_ref().map(|u| u.name.clone()),
        client_ip: s.peer.ip().to_string(),
        client_helo: s.helo.clone().unwrap_or_default(),
        priority,
        mt_priority: txn.mt_priority,
        verdict: Some(verdict.to_json()),
    };
    let rcpts = envelope.recipients.len();
    let sender = envelope.sender.clone();
    match s
        .svc
        .spool
        .accept_with_id(id, envelope, &message, held)
        .await
    {
        Ok(()) => {
            // The audit record is durable before the 250; without it the
            // message is withdrawn and the client retries later.
            let audit = s.svc.audit.clone();
            if let Err(e) = audit_acceptance(&audit, id, &sender, rcpts, &message, &verdict).await {
                tracing::error!(queue_id = %format_id(id), error = %e, "audit write failed; message withdrawn");
                let _ = s.svc.spool.complete(id);
                return std_replies::local_error();
            }
            if !held {
                s.svc.schedule.ready(id, priority);
            }
            record_acceptance(s, &verdict, message.len());
            let findings: Vec<String> = verdict
                .findings
                .iter()
                .map(|f| format!("{}x{}", f.kind, f.count))
                .collect();
            tracing::info!(
                queue_id = %format_id(id),
                listener = %s.listener.name,
                size = message.len(),
                rcpts,
                priority,
                protection = ?verdict.protection,
                held,
                rules = ?verdict.rules,
                findings = ?findings,
                "accepted"
            );
            Reply::new(250, "2.0.0", format!("OK queued as {}", format_id(id)))
        }
        Err(e) => {
            tracing::error!(error = %e, "spool write failed; message not accepted");
            std_replies::local_error()
        }
    }
}

async fn audit_acceptance(
    audit: &crate::audit::AuditLog,
    id: u64,
    sender: &str,
    rcpts: usize,
    message: &[u8],
    verdict: &Verdict,
) -> Result<u64, crate::audit::AuditError> {
    use crate::audit::event::{Finding, MessageAccepted};
    let event = crate::audit::Event::MessageAccepted(MessageAccepted {
        queue_id: format_id(id),
        sender: sender.to_string(),
        recipient_count: rcpts as u32,
        size: message.len() as u64,
        message_id_sha256: crate::util::header_value(message, b"message-id:")
            .map(|m| crate::audit::event::hash_message_id(&m)),
        rules: verdict.rules.clone(),
        findings: verdict
            .findings
            .iter()
            .map(|f| Finding {
                kind: f.kind.to_string(),
                count: f.count as u32,
            })
            .collect(),
    });
    audit.append_durable(event).await
}

fn record_acceptance(s: &Session, verdict: &Verdict, size: usize) {
    let m = &s.svc.metrics;
    let name = s.listener.name.as_str();
    m.messages_accepted.with_label_values(&[name]).inc();
    m.received_bytes
        .with_label_values(&[name])
        .inc_by(size as u64);
    for f in &verdict.findings {
        m.policy_findings
            .with_label_values(&[f.kind.as_str()])
            .inc_by(f.count as u64);
    }
    let protection = match verdict.protection {
        policy::Protection::None => "none",
        policy::Protection::Tls => "tls",
        policy::Protection::Encrypt => "encrypt",
    };
    let priority = verdict.priority.min(9).to_string();
    m.policy_verdicts
        .with_label_values(&[protection, priority.as_str()])
        .inc();
}

/// Run the policy engine (CPU-bound: on the blocking pool) and apply its
/// header rewrites. The verdict carries no matched values.
fn start_inspect(
    s: &Session,
    txn: &Transaction,
    body: Vec<u8>,
) -> tokio::task::JoinHandle<(Verdict, Vec<u8>)> {
    let set = s.svc.policy();
    let listener = s.listener.name.clone();
    let sender = txn.sender.clone();
    let recipients: Vec<String> = txn.recipients.iter().map(|r| r.address.clone()).collect();
    let auth_user = s.auth_user.as_ref().map(|u| u.name.clone());
    let mt_priority = txn
        .mt_priority
        .filter(|_| s.may_relay())
        .map(super::mail::mt_priority_to_level);
    let default_priority = s.listener.default_priority;
    tokio::task::spawn_blocking(move || {
        let ctx = MessageContext {
            listener: &listener,
            sender: &sender,
            recipients: &recipients,
            auth_user: auth_user.as_deref(),
            size: body.len(),
            mt_priority,
            default_priority,
        };
        let verdict = policy::inspect(&set, &body, &ctx);
        let rewritten = if verdict.subject_rewrite.is_some()
            || verdict.strip_subject_tags
            || !verdict.add_headers.is_empty()
        {
            policy::apply_rewrites(&body, &verdict)
        } else {
            body
        };
        (verdict, rewritten)
    })
}

fn received_header(s: &Session, txn: &Transaction, id: &str) -> String {
    let proto = match (s.esmtp, s.tls.is_some(), s.auth_user.is_some()) {
        (false, _, _) => "SMTP",
        (true, false, false) => "ESMTP",
        (true, true, false) => "ESMTPS",
        (true, false, true) => "ESMTPA",
        (true, true, true) => "ESMTPSA",
    };
    let proto = if txn.smtputf8 {
        format!("UTF8{proto}")
    } else {
        proto.to_string()
    };
    let tls = s
        .tls
        .as_ref()
        .map(|t| format!("\r\n\t(using {} with cipher {})", t.version, t.cipher))
        .unwrap_or_default();
    let helo: String = s
        .helo
        .as_deref()
        .unwrap_or("unknown")
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(255)
        .collect();
    let date = httpdate_rfc2822();
    format!(
        "Received: from {helo} ([{}]){tls}\r\n\tby {} (sealpost) with {proto} id {id};\r\n\t{date}\r\n",
        s.peer.ip(),
        s.hostname()
    )
}

/// RFC 5322 date in UTC, e.g. "Mon, 23 Nov 2026 10:00:00 +0000".
pub fn httpdate_rfc2822() -> String {
    crate::util::rfc5322_date(std::time::SystemTime::now())
}

fn count_received(body: &[u8]) -> usize {
    let header_end = body
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(body.len());
    let head = &body[..header_end];
    let mut n = usize::from(head.len() >= 9 && head[..9].eq_ignore_ascii_case(b"Received:"));
    n += head
        .windows(11)
        .filter(|w| w[..2] == *b"\r\n" && w[2..].eq_ignore_ascii_case(b"Received:"))
        .count();
    n
}

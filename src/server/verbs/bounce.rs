//! Inbound bounces on a `mode = "bounce"` listener: mail to the VERP
//! addresses of configured bounce domains only (never a relay). The token
//! in the recipient's local part must authenticate (HMAC), else the
//! report is ignored; a genuine one marks the recipient bounced, and hard
//! bounces and complaints go to the suppression list. The sender always
//! gets `250` (what we concluded is not its business).

use crate::audit::Event;
use crate::audit::event::{Bounce, Suppression};
use crate::bounce::{self, Action, BounceError, BounceKind};
use crate::server::session::{Session, Transaction};
use crate::smtp::reply::Reply;
use crate::spool::format_id;

/// Is `address` in one of the configured bounce domains?
pub fn is_bounce_address(s: &Session, address: &str) -> bool {
    let domain = address.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    s.svc
        .config
        .bounce_domains
        .iter()
        .any(|b| b.domain.eq_ignore_ascii_case(domain))
}

/// What bounce handling needs from the session (no borrow across awaits).
pub struct Ctx {
    pub svc: std::sync::Arc<crate::server::Services>,
    pub peer: std::net::IpAddr,
}

pub async fn receive(s: &Ctx, txn: &Transaction, body: &[u8]) -> Reply {
    let parsed = match bounce::parse(body) {
        Ok(p) => p,
        Err(e) => {
            tracing::info!(error = %e, "unreadable bounce ignored");
            count(s, "ignored");
            return accepted();
        }
    };
    // The token is in the recipient (our VERP Return-Path); for complaints
    // sent elsewhere, in the reported original's envelope sender.
    let mut candidates: Vec<&str> = txn.recipients.iter().map(|r| r.address.as_str()).collect();
    if let Some(orig) = parsed.original_mail_from.as_deref() {
        candidates.push(orig);
    }
    let mut token = None;
    for addr in candidates {
        let local = addr.rsplit_once('@').map(|(l, _)| l).unwrap_or(addr);
        match s.svc.verp.decode(local) {
            Ok(t) => {
                token = Some(t);
                break;
            }
            Err(BounceError::Forged) => {
                tracing::warn!(peer = %s.peer, "bounce with a forged token ignored");
                count(s, "forged");
                return accepted();
            }
            Err(_) => {}
        }
    }
    for action in bounce::apply(&parsed, token) {
        act(s, action).await;
    }
    accepted()
}

fn accepted() -> Reply {
    Reply::new(250, "2.0.0", "Report received")
}

fn count(s: &Ctx, class: &str) {
    s.svc.metrics.bounces.with_label_values(&[class]).inc();
}

fn class_of(kind: BounceKind) -> &'static str {
    match kind {
        BounceKind::Hard => "hard",
        BounceKind::Soft => "soft",
        BounceKind::Policy => "policy",
        BounceKind::MailboxFull => "mailbox_full",
        BounceKind::Complaint => "complaint",
        BounceKind::Delayed | BounceKind::Delivered | BounceKind::AutoReply => "ignored",
    }
}

async fn act(s: &Ctx, action: Action) {
    let svc = s.svc.clone();
    match action {
        Action::Ignore { why } => {
            tracing::info!(why, "bounce ignored");
            count(s, "ignored");
        }
        Action::MarkBounced {
            queue_id,
            rcpt_index,
            kind,
            reason,
            status,
        } => {
            count(s, class_of(kind));
            let side = if reason.is_sender_side() {
                "sender"
            } else {
                "recipient"
            };
            svc.metrics
                .bounce_reasons
                .with_label_values(&[reason.as_str(), side])
                .inc();
            if reason.is_sender_side() {
                // An operator signal, never a suppression: our IP, PTR,
                // content, authentication, rate or size needs attention.
                tracing::warn!(queue_id = %format_id(queue_id), reason = %reason, status = ?status, "bounce for a sender-side reason: recipient kept, operator action needed");
            }
            let shown = status.clone().unwrap_or_else(|| class_of(kind).to_string());
            let address = svc
                .spool
                .record_bounce(queue_id, rcpt_index as usize, &shown)
                .ok()
                .flatten();
            tracing::info!(queue_id = %format_id(queue_id), rcpt_index, class = class_of(kind), reason = %reason, "bounce recorded");
            if let Some(addr) = &address {
                let mut ev = crate::events::Event::new(crate::events::EventKind::Bounced, queue_id)
                    .recipient(addr);
                ev.status = status.clone();
                svc.accept.emit(ev);
            }
            let event = Event::Bounce(Bounce {
                queue_id: format_id(queue_id),
                recipient: address.unwrap_or_default(),
                class: class_of(kind).to_string(),
                status,
                reason: Some(reason.as_str().to_string()),
                sender_side: reason.is_sender_side(),
            });
            if let Err(e) = svc.audit.append_durable(event).await {
                tracing::error!(error = %e, "audit write failed");
            }
        }
        Action::Suppress {
            queue_id,
            rcpt_index,
            reason,
            bounce_reason,
            detail,
            ..
        } => {
            if reason == bounce::SuppressReason::Complaint {
                svc.metrics
                    .bounce_reasons
                    .with_label_values(&["complaint", "recipient"])
                    .inc();
            }
            suppress(
                s,
                queue_id,
                rcpt_index as usize,
                reason,
                bounce_reason,
                &detail,
            )
            .await
        }
    }
}

/// Suppress the address we actually sent to (from the spool), never one
/// named in the report: the token authenticates only (queue id, index).
async fn suppress(
    s: &Ctx,
    queue_id: u64,
    idx: usize,
    reason: bounce::SuppressReason,
    bounce_reason: Option<bounce::BounceReason>,
    detail: &str,
) {
    let svc = s.svc.clone();
    let address = match svc.spool.get(queue_id) {
        Ok(Some(m)) => m.recipients.get(idx).map(|r| r.address.clone()),
        _ => svc
            .spool
            .history(queue_id)
            .ok()
            .flatten()
            .and_then(|h| h.get(idx).map(|r| r.address.clone())),
    };
    let Some(address) = address else {
        tracing::info!(queue_id = %format_id(queue_id), "bounce for an unknown message; nothing suppressed");
        return;
    };
    if let Err(e) = svc
        .suppression
        .add_with_reason(&address, reason, bounce_reason, detail)
    {
        tracing::error!(error = %e, "cannot add to the suppression list");
        return;
    }
    if reason == bounce::SuppressReason::Complaint {
        count(s, "complaint");
        svc.accept.emit(
            crate::events::Event::new(crate::events::EventKind::Complained, queue_id)
                .recipient(&address),
        );
    }
    svc.metrics.suppressed.with_label_values(&["added"]).inc();
    let event = Event::Suppression(Suppression {
        recipient: address,
        action: "added".into(),
        reason: reason.to_string(),
    });
    if let Err(e) = svc.audit.append_durable(event).await {
        tracing::error!(error = %e, "audit write failed");
    }
}

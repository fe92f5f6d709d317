//! Delivery status notifications (RFC 3464 multipart/report, RFC 3461).
//! Sent from the null reverse path `<>` to the original sender; the human
//! part names recipients and reasons only, never message content. The
//! original is returned whole only for RET=FULL, otherwise its headers.

use std::fmt::Write as _;

use mail_builder::MessageBuilder;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;

use super::outcome::DsnAction;
use crate::spool::{Diagnostic, MessageMeta, Protection, format_id};
use crate::util::rfc5322_date;

/// The returned original is cut to this many bytes (RET=FULL).
const MAX_RETURNED: usize = 256 * 1024;

pub fn build(
    meta: &MessageMeta,
    items: &[(usize, DsnAction)],
    original: &[u8],
    hostname: &str,
) -> Vec<u8> {
    let id = format_id(meta.id);
    let mut human = String::new();
    human_part(&mut human, meta, items, hostname);
    let mut status = String::new();
    status_part(&mut status, meta, items, hostname);
    // The whole original only on request, and never when the policy found
    // something to protect: then the headers suffice to identify it.
    let full = meta.envelope.ret.as_deref() == Some("FULL")
        && meta.envelope.verdict.protection == Protection::None;
    let (ctype, mut returned) = if full {
        (
            "message/rfc822",
            original[..original.len().min(MAX_RETURNED)].to_vec(),
        )
    } else {
        ("text/rfc822-headers", headers_of(original).to_vec())
    };
    if !returned.ends_with(b"\r\n") {
        returned.extend_from_slice(b"\r\n");
    }
    // RFC 3464 §2.1 / RFC 6522: the status and the returned original go
    // as they are (7bit / 8bit), never base64, so every DSN reader sees them.
    let cte = if returned.iter().any(|&b| b >= 0x80) {
        "8bit"
    } else {
        "7bit"
    };
    let report = MimePart::new(
        ContentType::new("multipart/report").attribute("report-type", "delivery-status"),
        vec![
            MimePart::new(ContentType::new("text/plain"), human),
            MimePart::new(
                ContentType::new("message/delivery-status"),
                status.into_bytes(),
            )
            .transfer_encoding("7bit"),
            MimePart::new(ContentType::new(ctype), returned).transfer_encoding(cte),
        ],
    );
    let mailer_daemon = format!("MAILER-DAEMON@{hostname}");
    let message = MessageBuilder::new()
        .from(("Mail Delivery System", mailer_daemon.as_str()))
        .to(meta.envelope.sender.as_str())
        .subject(summary(items))
        .date(crate::util::now_ms() as i64 / 1000)
        .message_id(format!("{id}.{}.dsn@{hostname}", crate::util::now_ms()))
        .header("Auto-Submitted", Raw::new("auto-replied"))
        .body(report);
    message.write_to_vec().unwrap_or_default()
}

fn summary(items: &[(usize, DsnAction)]) -> &'static str {
    if items.iter().any(|(_, a)| *a == DsnAction::Failed) {
        "Undelivered Mail Returned to Sender"
    } else if items.iter().any(|(_, a)| *a == DsnAction::Delayed) {
        "Delayed Mail (still being retried)"
    } else {
        "Successful Mail Delivery Report"
    }
}

fn human_part(out: &mut String, meta: &MessageMeta, items: &[(usize, DsnAction)], hostname: &str) {
    let _ = write!(
        out,
        "This is the mail system at host {hostname}.\r\n\r\nYour message {} was handled as follows:\r\n\r\n",
        format_id(meta.id)
    );
    for (i, action) in items {
        let Some(r) = meta.recipients.get(*i) else {
            continue;
        };
        let what = match action {
            DsnAction::Failed if r.expired => {
                "could not be delivered before the queue lifetime ran out"
            }
            DsnAction::Failed => "could not be delivered",
            DsnAction::Delayed => "has not been delivered yet; delivery will be retried",
            DsnAction::Relayed => {
                "was relayed to a system that does not send delivery notifications"
            }
        };
        let _ = write!(out, "<{}>: {what}", r.address);
        if let Some(d) = &r.last_reply {
            let _ = write!(out, "\r\n    reason: {}", one_line(&d.to_string()));
        }
        out.push_str("\r\n\r\n");
    }
}

fn status_part(out: &mut String, meta: &MessageMeta, items: &[(usize, DsnAction)], hostname: &str) {
    let _ = write!(out, "Reporting-MTA: dns; {hostname}\r\n");
    if let Some(envid) = &meta.envelope.envid {
        let _ = write!(out, "Original-Envelope-Id: {}\r\n", one_line(envid));
    }
    let arrival = std::time::UNIX_EPOCH + std::time::Duration::from_millis(meta.created);
    let _ = write!(out, "Arrival-Date: {}\r\n", rfc5322_date(arrival));
    for (i, action) in items {
        let Some(r) = meta.recipients.get(*i) else {
            continue;
        };
        out.push_str("\r\n");
        if let Some(orcpt) = meta
            .envelope
            .recipients
            .get(*i)
            .and_then(|s| s.orcpt.as_ref())
        {
            // RFC 3464 §2.3.1: address-type ";" address (smtp-proto keeps
            // only the address of an ORCPT).
            let orcpt = one_line(orcpt);
            if orcpt.contains(';') {
                let _ = write!(out, "Original-Recipient: {orcpt}\r\n");
            } else {
                let _ = write!(out, "Original-Recipient: rfc822;{orcpt}\r\n");
            }
        }
        let status_or = |fallback: &str| {
            r.last_reply
                .as_ref()
                .map(|d| d.reply().status().to_string())
                .unwrap_or_else(|| fallback.to_string())
        };
        let (word, status) = match action {
            DsnAction::Failed if r.expired => ("failed", "4.4.7".to_string()),
            DsnAction::Failed => ("failed", status_or("5.0.0")),
            DsnAction::Delayed => ("delayed", status_or("4.0.0")),
            DsnAction::Relayed => ("relayed", "2.0.0".to_string()),
        };
        let _ = write!(
            out,
            "Final-Recipient: rfc822; {}\r\nAction: {word}\r\nStatus: {status}\r\n",
            r.address
        );
        if let Some(host) = &r.remote_host {
            let _ = write!(out, "Remote-MTA: dns; {}\r\n", one_line(host));
        }
        // RFC 3464 §2.3.6: "smtp" only for what an SMTP server said; our
        // own reasons are an x- type with fixed text.
        match &r.last_reply {
            Some(Diagnostic::Remote(reply)) => {
                let _ = write!(
                    out,
                    "Diagnostic-Code: smtp; {}\r\n",
                    one_line(&reply.to_string())
                );
            }
            Some(Diagnostic::Local(reply)) => {
                let _ = write!(
                    out,
                    "Diagnostic-Code: x-sealpost; {} {}\r\n",
                    reply.status(),
                    one_line(&reply.text())
                );
            }
            None => {}
        }
        let _ = write!(
            out,
            "Last-Attempt-Date: {}\r\n",
            rfc5322_date(std::time::SystemTime::now())
        );
    }
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(900)
        .collect()
}

fn headers_of(msg: &[u8]) -> &[u8] {
    match msg.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(p) => &msg[..p + 2],
        None => &msg[..msg.len().min(MAX_RETURNED)],
    }
}

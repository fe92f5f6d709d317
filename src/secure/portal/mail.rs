//! Mail the portal sends, built with mail-builder (which encodes names
//! per RFC 2047 and folds headers): the notice with the link, the one-time
//! code, and the optional "your message was opened" note to the sender.
//! None of them carries PHI — not even the original Subject.

use std::time::SystemTime;

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::raw::Raw;

use crate::spool::schedule::Schedule;
use crate::spool::{Envelope, QueueId, RecipientSpec, Spool, SpoolError, StoredVerdict};
use crate::util::now_ms;

/// A message sealpost itself sends through its own delivery (notice,
/// code, read notice): never PHI, so no protection floor (opportunistic
/// TLS), and never through the portal.
pub struct LocalMail<'a> {
    pub sender: &'a str,
    pub recipient: &'a str,
    pub message: &'a [u8],
    pub priority: u8,
    pub smtputf8: bool,
    pub hostname: &'a str,
}

/// Spool `m` durably and schedule it.
pub async fn queue_mail(
    spool: &Spool,
    schedule: &Schedule,
    m: LocalMail<'_>,
) -> Result<QueueId, SpoolError> {
    let envelope = Envelope {
        sender: m.sender.to_string(),
        recipients: vec![RecipientSpec {
            address: m.recipient.to_string(),
            orcpt: None,
            notify: 0,
        }],
        ret: None,
        envid: None,
        smtputf8: m.smtputf8,
        body_8bit: false,
        requiretls: false,
        listener: "portal".into(),
        auth_user: None,
        client_ip: "127.0.0.1".into(),
        client_helo: m.hostname.to_string(),
        priority: m.priority,
        mt_priority: None,
        verdict: StoredVerdict::default(),
    };
    let id = spool.accept(envelope, m.message).await?;
    schedule.ready(id, m.priority);
    Ok(id)
}

/// Who a notice comes from: the original's From (display name, address).
pub struct NoticeFrom<'a> {
    pub name: Option<&'a str>,
    pub address: &'a str,
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn base(hostname: &str, kind: &str) -> MessageBuilder<'static> {
    MessageBuilder::new()
        .date(now_ms() as i64 / 1000)
        .message_id(format!(
            "{}.{kind}.{}@{hostname}",
            now_ms(),
            hex::encode(rand::random::<[u8; 6]>())
        ))
        .header("Auto-Submitted", Raw::new("auto-generated"))
}

/// The notice a portal recipient gets: text and HTML, with the link and
/// the expiry.
pub fn notice(
    from: &NoticeFrom<'_>,
    to: &str,
    link: &str,
    expires: SystemTime,
    hostname: &str,
) -> Vec<u8> {
    let until = crate::util::rfc5322_date(expires);
    let text = format!(
        "You have received a secure message.\r\n\r\nRead it here:\r\n{link}\r\n\r\nThe link is personal and works until {until}.\r\nTo open it, the page will email you a one-time code.\r\n"
    );
    let html_link = html_escape(link);
    let html = format!(
        "<!doctype html><html><body><p>You have received a secure message.</p>\
         <p><a href=\"{html_link}\">Read the secure message</a></p>\
         <p>The link is personal and works until {until}. To open it, the page will email you a one-time code.</p></body></html>"
    );
    let sender = Address::new_address(from.name.map(str::to_string), from.address.to_string());
    base(hostname, "notice")
        .from(sender)
        .to(to.to_string())
        .subject("You have received a secure message")
        .text_body(text)
        .html_body(html)
        .write_to_vec()
        .unwrap_or_default()
}

/// The one-time code, from the portal's own address.
pub fn code_mail(
    from: &str,
    organisation: &str,
    to: &str,
    code: &str,
    valid_minutes: u64,
    hostname: &str,
) -> Vec<u8> {
    let text = format!(
        "Your one-time code for the secure message from {organisation} is:\r\n\r\n    {code}\r\n\r\nIt works once, for {valid_minutes} minutes. If you did not ask for it, you can ignore this email: nobody can read the message without the link and this code.\r\n"
    );
    base(hostname, "code")
        .from(Address::new_address(
            Some(format!("{organisation} secure messages")),
            from.to_string(),
        ))
        .to(to.to_string())
        .subject(format!("Your code: {code}"))
        .text_body(text)
        .write_to_vec()
        .unwrap_or_default()
}

/// "Your secure message was opened": to the original sender, with the
/// queue id and the recipient — nothing of the message.
pub fn read_notice(
    from: &str,
    to: &str,
    recipient: &str,
    queue_id: &str,
    opened: SystemTime,
    hostname: &str,
) -> Vec<u8> {
    let when = crate::util::rfc5322_date(opened);
    let text = format!(
        "The secure message you sent to {recipient} (reference {queue_id}) was opened in the portal on {when}.\r\n"
    );
    base(hostname, "read")
        .from(Address::new_address(
            Some("Secure message portal".to_string()),
            from.to_string(),
        ))
        .to(to.to_string())
        .subject(format!("Read: secure message {queue_id}"))
        .text_body(text)
        .write_to_vec()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_has_the_link_and_no_subject_of_the_original() {
        let from = NoticeFrom {
            name: Some("Clinic Zoë"),
            address: "c@h.example",
        };
        let n = String::from_utf8(notice(
            &from,
            "p@x.example",
            "https://portal/m/T",
            SystemTime::now(),
            "relay",
        ))
        .expect("utf8");
        assert!(n.contains("https://portal/m/T") && n.contains("multipart/alternative"));
        assert!(n.contains("Subject: You have received a secure message"));
        // The non-ASCII display name is RFC 2047 encoded, never raw.
        assert!(n.contains("From: \"=?utf-8?") || n.contains("From: =?utf-8?"));
        assert!(n.contains("<c@h.example>"));
    }

    #[test]
    fn code_mail_carries_the_code_and_read_notice_no_content() {
        let m = String::from_utf8(code_mail(
            "portal@relay",
            "Clinic",
            "p@x.example",
            "123456",
            10,
            "relay",
        ))
        .expect("utf8");
        assert!(m.contains("123456") && m.contains("Auto-Submitted: auto-generated"));
        let r = String::from_utf8(read_notice(
            "portal@relay",
            "c@h.example",
            "p@x.example",
            "00000000000000AB",
            SystemTime::now(),
            "relay",
        ))
        .expect("utf8");
        assert!(r.contains("00000000000000AB") && r.contains("p@x.example"));
    }
}

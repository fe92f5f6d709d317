//! A recipient at an e-mail-to-SMS gateway (`5550122@vtext.example`,
//! `+44 7700 900123@sms.example`): the mailbox is one person's mobile
//! number. A text a clinic sends there reaches that person alone, so the
//! number is a contact identifier of whoever the text is about, as a
//! callback number in a body is. It is pushed as `phone` in the header
//! (`header:To`) when the text speaks to its reader (`your colonoscopy`,
//! `votre rendez-vous`, `您的`): a club's notice that "the pitch is in
//! intensive care" speaks to no one in particular. The shipped policies
//! ask for a health fact with it.
//!
//! A fax gateway's number (`5550188@fax.example`) is an office's, not a
//! person's, and is not read.

use crate::policy::finding::{Confidence, Kind, Location, Sink};

/// Words in a gateway's domain labels (`sms`, `mms`, `txt.att`, `vtext`,
/// `tmomail`, `messaging.sprintpcs`, `vzwpix`, `pager`).
const GATEWAY_WORDS: &[&str] = &[
    "sms",
    "mms",
    "text",
    "vtext",
    "txt",
    "tmomail",
    "messaging",
    "vzw",
    "pager",
    "page",
];

/// Most recipient addresses read from the headers (bounded work).
const MAX_ADDRESSES: usize = 100;

/// The opening of a body read for its second person.
pub const OPENING: usize = 4096;

/// Push a `phone` finding for each To or Cc address, and each envelope
/// recipient, that is a mobile number at an SMS gateway, when `body` (the
/// text's opening) addresses its reader.
pub fn scan_recipients(
    headers: &[(String, String)],
    envelope: &[String],
    body: &str,
    sink: &mut Sink,
) {
    let mut addressed = None;
    let listed = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("to") || n.eq_ignore_ascii_case("cc"))
        .flat_map(|(_, v)| v.split(','))
        .map(address_in)
        .chain(envelope.iter().map(|a| a.as_str()));
    for addr in listed.take(MAX_ADDRESSES) {
        let Some(number) = mobile_number(addr) else {
            continue;
        };
        if *addressed.get_or_insert_with(|| speaks_to_its_reader(body)) {
            sink.begin_segment("header:To", addr);
            sink.push(Kind::Phone, Confidence::High, Location::Header, number);
            sink.end_segment(addr);
        }
    }
}

/// A second-person word: the text is written to the one who reads it.
fn speaks_to_its_reader(body: &str) -> bool {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        super::re(
            r"(?i:\b(?:you|your|yours|ur|u|votre|vos|vous|ton|ta|tes|tu|su|sus|usted|ustedes|tus|seu|sua|seus|suas|você|ihr|ihre|ihren|ihrem|ihrer|sie|dein|deine|deinen|uw|jouw|je|tuo|tua|suo|lei|pana|pani|twój|twoja|twoje|twojej|ваш|ваша|ваше|вашей|вашего|вас|вам|твой|твоя|sizin|senin|siz|bạn|anh|chị|din|dina|ditt|deres|teie|anda|kamu)\b)|您|你|あなた|様|님|귀하",
        )
    })
    .is_match(body)
}

/// The address of one mailbox (`Name <a@b>` or `a@b`).
fn address_in(mailbox: &str) -> &str {
    let m = mailbox.trim();
    match (m.rfind('<'), m.rfind('>')) {
        (Some(s), Some(e)) if s < e => &m[s + 1..e],
        _ => m,
    }
}

/// The local part when `addr` is a phone number (7 to 15 digits, with
/// `+`, `-`, `.` or spaces) at an SMS gateway's domain.
pub fn mobile_number(addr: &str) -> Option<&str> {
    let (local, domain) = addr.trim().rsplit_once('@')?;
    let local = local.trim_matches('"');
    let digits = local.bytes().filter(u8::is_ascii_digit).count();
    let shaped = local
        .trim_start_matches('+')
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b' '));
    if !(7..=15).contains(&digits) || !shaped {
        return None;
    }
    let domain = domain.to_ascii_lowercase();
    let gateway = domain
        .split(['.', '-'])
        .any(|label| GATEWAY_WORDS.iter().any(|w| label.starts_with(w)))
        && !domain
            .split(['.', '-'])
            .any(|label| label.starts_with("fax"));
    gateway.then_some(local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_number_at_an_sms_gateway_is_a_phone() {
        for a in [
            "555-0122@sms-gateway.example",
            "5550122456@vtext.example",
            "5550122456@txt.att.example",
            "+447700900123@sms.example.net",
            "5550122456@tmomail.example",
            "5550122456@messaging.sprintpcs.example",
        ] {
            assert!(mobile_number(a).is_some(), "{a}");
        }
        for a in [
            "5550188@fax-gateway.example",
            "jane.doe@sms.example",
            "555-0122@mail.example.com",
            "12345@sms.example",
            "555-0122-x@sms.example",
        ] {
            assert!(mobile_number(a).is_none(), "{a}");
        }
    }

    #[test]
    fn recipients_in_to_cc_and_the_envelope_are_read() {
        let headers = vec![
            (
                "To".to_string(),
                "Diego <555-0122@sms-gateway.example>, ops@clinic.example".to_string(),
            ),
            ("Cc".to_string(), "5550199888@vtext.example".to_string()),
            (
                "From".to_string(),
                "555-0100@sms-gateway.example".to_string(),
            ),
        ];
        let mut sink = Sink::new();
        let envelope = ["5550177000@txt.example".to_string()];
        let body = "DIEGO, reminder for your colonoscopy Thu 7:30AM.";
        scan_recipients(&headers, &envelope, body, &mut sink);
        let found = sink.into_findings();
        assert_eq!(found.len(), 3);
        assert!(
            found
                .iter()
                .all(|f| f.kind == Kind::Phone && f.location == Location::Header)
        );
        // A notice to everyone on a list speaks to no one reader.
        let mut sink = Sink::new();
        let body = "ALL matches OFF Sat - the main pitch is in intensive care!";
        scan_recipients(&headers, &envelope, body, &mut sink);
        assert!(sink.into_findings().is_empty());
    }
}

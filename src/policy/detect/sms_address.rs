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

/// A gateway's domain labels (`sms-gateway`, `txt.att`, `vtext`,
/// `tmomail`, `messaging.sprintpcs`, `vzwpix`). Whole labels, or labels
/// opening with `sms` or `mms`; a pager's gateway is staff's, and
/// `textron` is a company.
const GATEWAY_LABELS: &[&str] = &[
    "sms",
    "mms",
    "text",
    "txt",
    "vtext",
    "tmomail",
    "messaging",
    "vzwpix",
    "mypixmessages",
];

/// Most recipient addresses read from the headers (bounded work).
const MAX_ADDRESSES: usize = 100;

/// The opening of a body read for its second person.
pub const OPENING: usize = 4096;

/// Push a `phone` finding for the recipient when the message has one
/// recipient only (To, Cc, Bcc and the envelope together), a mobile
/// number at an SMS gateway, and `opening` (the subject and the body's
/// opening) addresses its reader. A text to many is a notice.
pub fn scan_recipients(
    headers: &[(String, String)],
    envelope: &[String],
    opening: &str,
    sink: &mut Sink,
) {
    let mut all: Vec<String> = headers
        .iter()
        .filter(|(n, _)| {
            ["to", "cc", "bcc"]
                .iter()
                .any(|h| n.eq_ignore_ascii_case(h))
        })
        .flat_map(|(_, v)| v.split(','))
        .map(address_in)
        .chain(envelope.iter().map(|a| a.as_str()))
        .filter(|a| a.contains('@'))
        .take(MAX_ADDRESSES)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    all.sort_unstable();
    all.dedup();
    let [only] = all.as_slice() else {
        return;
    };
    let Some(number) = mobile_number(only) else {
        return;
    };
    if speaks_to_its_reader(opening) {
        sink.begin_segment("header:To", only);
        sink.push(Kind::Phone, Confidence::High, Location::Header, number);
        sink.end_segment(only);
    }
}

/// A second-person word: the text is written to the one who reads it.
fn speaks_to_its_reader(body: &str) -> bool {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        super::re(
            r"(?i:\b(?:you|your|yours|ur|dear|hi|hello|votre|vos|vous|usted|ustedes|você|vocês|dein|deine|deinen|uw|jouw|tuo|tua|gentile|pana|pani|twój|twoja|twoje|twojej|ваш|ваша|ваше|вашей|вашего|вас|вам|уважаем\w*|здравствуйте|sizin|sayın|bạn|kính)\b)|\b(?-i:Ihr|Ihre|Ihren|Ihrem|Sie|Su|Sus|Seu|Sua|Hola|Bonjour|Hallo|Olá|Ciao)\b|您|你|あなた|様|님|귀하",
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
    let labels = || domain.split(['.', '-']);
    let gateway = labels()
        .any(|l| GATEWAY_LABELS.contains(&l) || l.starts_with("sms") || l.starts_with("mms"))
        && !labels().any(|l| l.contains("fax"));
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
            "5550122456@mms.example",
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

    fn pushed(headers: &[(&str, &str)], envelope: &[&str], opening: &str) -> usize {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let envelope: Vec<String> = envelope.iter().map(|a| a.to_string()).collect();
        let mut sink = Sink::new();
        scan_recipients(&headers, &envelope, opening, &mut sink);
        let found = sink.into_findings();
        assert!(
            found
                .iter()
                .all(|f| f.kind == Kind::Phone && f.location == Location::Header)
        );
        found.len()
    }

    #[test]
    fn one_mobile_recipient_spoken_to_is_a_phone() {
        let to = [("To", "Diego <555-0122@sms-gateway.example>")];
        let reminder = "DIEGO, reminder for your colonoscopy Thu 7:30AM.";
        assert_eq!(pushed(&to, &["555-0122@sms-gateway.example"], reminder), 1);
        assert_eq!(
            pushed(&[("Bcc", "5550122456@vtext.example")], &[], reminder),
            1
        );
        assert_eq!(pushed(&to, &[], "Dear Diego, colonoscopy Thu 7:30AM."), 1);
        // A notice to everyone on a list speaks to no one reader.
        let notice = "ALL matches OFF Sat - the main pitch is in intensive care! U.S. rules.";
        assert_eq!(pushed(&to, &[], notice), 0);
        // A text to many numbers is a broadcast.
        let many = [("To", "5550122456@vtext.example, 5550199888@vtext.example")];
        assert_eq!(pushed(&many, &[], reminder), 0);
        // A pager's or a company's address is no one's mobile.
        for a in [
            "5550122456@pager.example",
            "5550122456@textron.example",
            "5550122456@efax-messaging.example",
        ] {
            assert_eq!(pushed(&[("To", a)], &[], reminder), 0, "{a}");
        }
    }
}

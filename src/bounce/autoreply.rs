//! Automatic replies (RFC 3834): vacation and out-of-office messages.
//! They say the message arrived, so they are never bounces; the reply's
//! author is the recipient who answered.

use mail_parser::Message;

/// Subject openings of automatic replies, lower-case, in the languages the
/// big mail clients use.
const SUBJECTS: &[&str] = &[
    "auto:",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "autoresponse",
    "automatic reply",
    "automatische antwort",
    "réponse automatique",
    "reponse automatique",
    "respuesta automática",
    "respuesta automatica",
    "risposta automatica",
    "resposta automática",
    "out of office",
    "out of the office",
    "out-of-office",
    "away from",
    "away until",
    "abwesenheit",
    "vacation",
    "on vacation",
    "holiday",
    "absence",
    "自動応答",
    "自动回复",
];

/// Whether the message is an automatic reply by its headers or subject.
pub(super) fn is_auto_reply(message: &Message<'_>) -> bool {
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    // RFC 3834 §5: "auto-replied" (a DSN says so too, which the caller rules
    // out first); "auto-generated" is used by other robots, not replies.
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| v.starts_with("auto-replied"));
    let vendor = [
        "X-Autoreply",
        "X-Autorespond",
        "X-Autoresponder",
        "X-Vacation",
    ]
    .iter()
    .any(|h| header(h).is_some())
        || header("Precedence").is_some_and(|v| v == "auto_reply")
        || header("X-Auto-Response-Suppress").is_some()
            && subject_says_auto_reply(message.subject().unwrap_or_default());
    auto_submitted || vendor || subject_says_auto_reply(message.subject().unwrap_or_default())
}

fn subject_says_auto_reply(subject: &str) -> bool {
    let lower = subject.trim().to_lowercase();
    SUBJECTS
        .iter()
        .any(|s| lower.starts_with(s) || lower.contains(&format!(": {s}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MessageParser;

    fn auto(raw: &str) -> bool {
        let m = MessageParser::default()
            .parse(raw.as_bytes())
            .expect("parses");
        is_auto_reply(&m)
    }

    #[test]
    fn vacation_headers_and_subjects_are_recognised() {
        assert!(auto(
            "From: a@b.example\r\nAuto-Submitted: auto-replied\r\nSubject: x\r\n\r\nhi\r\n"
        ));
        assert!(auto(
            "From: a@b.example\r\nSubject: Automatic reply: Lab results\r\n\r\nhi\r\n"
        ));
        assert!(auto(
            "From: a@b.example\r\nSubject: Out of Office: Re: x\r\n\r\nhi\r\n"
        ));
        assert!(auto(
            "From: a@b.example\r\nX-Autoreply: yes\r\nSubject: x\r\n\r\nhi\r\n"
        ));
        assert!(!auto(
            "From: a@b.example\r\nSubject: Lab results\r\n\r\nhi\r\n"
        ));
        assert!(!auto(
            "From: a@b.example\r\nAuto-Submitted: auto-generated\r\nSubject: report\r\n\r\nhi\r\n"
        ));
    }
}

//! Classification of one recipient's failure from its RFC 3463 enhanced
//! status code and diagnostic text.
//!
//! Order: a specific enhanced status code decides; a generic one (`X.0.0`)
//! or none defers to keywords in the diagnostic; then the class digit
//! (or the basic RFC 5321 reply code) decides. Anything unrecognised is
//! `Soft`, because unknown errors count as transient and only hard bounces
//! are suppressed (CONVENTIONS rule 5).
//!
//! | status            | kind        |
//! |-------------------|-------------|
//! | 2.x.x             | Delivered   |
//! | 4.2.2, 5.2.2      | MailboxFull |
//! | 4.x.x (other)     | Soft        |
//! | 5.1.x, 5.2.1, 5.4.4 | Hard      |
//! | 5.7.x, 5.6.x      | Policy      |
//! | 5.2.3, 5.3.x, 5.4.x, 5.5.x | Soft (message or system, not the address) |
//! | 5.0.0 / none      | keywords, else Hard for 5xx, Soft otherwise |

use super::BounceKind;

const FULL_WORDS: &[&str] = &[
    "mailbox full",
    "mailbox is full",
    "mailbox has exceeded",
    "quota exceeded",
    "over quota",
    "overquota",
    "exceeded storage",
    "insufficient storage",
    "out of storage",
    "mailbox size limit",
    "user is over",
    "exceeds its quota",
];

const HARD_WORDS: &[&str] = &[
    "user unknown",
    "unknown user",
    "no such user",
    "unknown recipient",
    "no such recipient",
    "does not exist",
    "doesn't exist",
    "recipient not found",
    "recipnotfound",
    "recipientnotfound",
    "couldn't be found",
    "invalid recipient",
    "invalid mailbox",
    "mailbox unavailable",
    "mailbox not found",
    "no mailbox here",
    "account disabled",
    "account has been disabled",
    "unrouteable address",
    "address rejected",
    "not a valid mailbox",
];

const POLICY_WORDS: &[&str] = &[
    "spam",
    "blocked",
    "blacklist",
    "blocklist",
    "denylist",
    "policy",
    "reputation",
    "dmarc",
    "not authorized",
    "access denied",
];

const SOFT_WORDS: &[&str] = &[
    "try again",
    "temporar",
    "deferred",
    "timed out",
    "timeout",
    "connection refused",
    "greylist",
    "rate limit",
];

/// Classifies a failure. `status` is an enhanced code such as `5.1.1`
/// (anything else is ignored); when absent, one is looked for in the
/// diagnostic (`550 5.1.1 <x>: user unknown`).
pub fn classify(status: Option<&str>, diagnostic: Option<&str>) -> BounceKind {
    let code = status.and_then(parse_status).or_else(|| {
        diagnostic
            .and_then(find_enhanced_status)
            .and_then(|s| parse_status(&s))
    });
    if let Some(kind) = code.and_then(by_status) {
        return kind;
    }
    if let Some(kind) = diagnostic.and_then(by_keywords) {
        // Keywords never turn a temporary (4.x.x) failure into a hard one.
        return match (code, kind) {
            (Some((4, _, _)), BounceKind::Hard | BounceKind::Policy) => BounceKind::Soft,
            _ => kind,
        };
    }
    let class = code
        .map(|(c, _, _)| c)
        .or_else(|| diagnostic.and_then(basic_reply_class));
    match class {
        Some(2) => BounceKind::Delivered,
        Some(5) => BounceKind::Hard,
        _ => BounceKind::Soft,
    }
}

/// Decides from a specific status code; `None` for generic ones.
fn by_status((class, subject, detail): (u8, u16, u16)) -> Option<BounceKind> {
    use BounceKind::*;
    Some(match (class, subject, detail) {
        (2, _, _) => Delivered,
        (4 | 5, 2, 2) => MailboxFull,
        (4, 0, 0) => return None,
        (4, _, _) => Soft,
        (5, 0, 0) => return None,
        (5, 1, _) | (5, 2, 1) | (5, 4, 4) => Hard,
        (5, 6 | 7, _) => Policy,
        (5, 2..=5, _) => Soft,
        _ => return None,
    })
}

fn by_keywords(diagnostic: &str) -> Option<BounceKind> {
    let lower = diagnostic.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(FULL_WORDS) {
        Some(BounceKind::MailboxFull)
    } else if has(HARD_WORDS) {
        Some(BounceKind::Hard)
    } else if has(POLICY_WORDS) {
        Some(BounceKind::Policy)
    } else if has(SOFT_WORDS) {
        Some(BounceKind::Soft)
    } else {
        None
    }
}

/// Parses `c.sss.ddd` (RFC 3463 §2: class 2/4/5, 1–3 digit subject and
/// detail). Surrounding text is not allowed.
fn parse_status(text: &str) -> Option<(u8, u16, u16)> {
    let mut it = text.trim().splitn(3, '.');
    let class: u8 = digits(it.next()?, 1)?.parse().ok()?;
    let subject: u16 = digits(it.next()?, 3)?.parse().ok()?;
    let detail: u16 = digits(it.next()?, 3)?.parse().ok()?;
    matches!(class, 2 | 4 | 5).then_some((class, subject, detail))
}

fn digits(s: &str, max: usize) -> Option<&str> {
    (!s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// Finds the first enhanced status code (`5.1.1`) standing as its own word
/// in free text (a leading `#`, as Exchange writes `#550 5.1.1`, is allowed).
pub fn find_enhanced_status(text: &str) -> Option<String> {
    text.split(|c: char| {
        c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ';' | ',' | '<' | '>' | '#' | '-')
    })
    .map(|w| w.trim_end_matches([':', '.']))
    .find(|w| parse_status(w).is_some())
    .map(str::to_string)
}

/// The class digit of a basic RFC 5321 reply code at the start of a word
/// (`550`, `452-`), if any.
fn basic_reply_class(text: &str) -> Option<u8> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '#' | ';' | '-'))
        .filter(|w| w.len() == 3 && w.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|w| w.bytes().next())
        .find(|b| matches!(b, b'2' | b'4' | b'5'))
        .map(|b| b - b'0')
}

#[cfg(test)]
mod tests {
    use super::*;
    use BounceKind::*;

    #[test]
    fn status_codes_decide_when_specific() {
        assert_eq!(classify(Some("5.1.1"), None), Hard);
        assert_eq!(
            classify(Some("5.1.10"), Some("RESOLVER.ADR.RecipientNotFound")),
            Hard
        );
        assert_eq!(classify(Some("5.2.1"), None), Hard);
        assert_eq!(classify(Some("5.2.2"), None), MailboxFull);
        assert_eq!(classify(Some("4.2.2"), None), MailboxFull);
        assert_eq!(classify(Some("5.7.1"), Some("user unknown")), Policy);
        assert_eq!(classify(Some("4.4.1"), None), Soft);
        assert_eq!(classify(Some("4.7.0"), Some("spam")), Soft);
        assert_eq!(classify(Some("2.0.0"), None), Delivered);
        assert_eq!(classify(Some("5.4.7"), None), Soft);
    }

    #[test]
    fn generic_or_missing_status_defers_to_keywords() {
        assert_eq!(classify(Some("5.0.0"), Some("550 user unknown")), Hard);
        assert_eq!(classify(None, Some("552 mailbox full")), MailboxFull);
        assert_eq!(
            classify(None, Some("Quota exceeded (mailbox for user is full)")),
            MailboxFull
        );
        assert_eq!(
            classify(None, Some("554 rejected: listed on a blocklist")),
            Policy
        );
        assert_eq!(classify(Some("4.0.0"), Some("user unknown")), Soft);
        assert_eq!(
            classify(None, Some("550 5.1.1 <x@y>: Recipient address rejected")),
            Hard
        );
        assert_eq!(classify(None, Some("550 go away")), Hard);
        assert_eq!(classify(None, Some("421 later")), Soft);
        assert_eq!(classify(None, Some("552-mailbox gone away")), Hard);
        assert_eq!(classify(None, None), Soft);
        assert_eq!(classify(Some("garbage"), Some("")), Soft);
    }

    #[test]
    fn enhanced_status_is_found_in_text() {
        assert_eq!(
            find_enhanced_status("#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##").as_deref(),
            Some("5.1.1")
        );
        assert_eq!(
            find_enhanced_status("smtp; 552-5.2.2 The email account").as_deref(),
            Some("5.2.2")
        );
        assert_eq!(
            find_enhanced_status("said: 552 5.2.2 over quota (in reply to RCPT TO command)")
                .as_deref(),
            Some("5.2.2")
        );
        assert_eq!(find_enhanced_status("version 1.2.3.4 and 10.0.0"), None);
    }
}

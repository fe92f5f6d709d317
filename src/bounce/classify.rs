//! Classification of one recipient's failure: a fine [`BounceReason`] from
//! its RFC 3463 enhanced status code and the wording of the reply, and the
//! coarse [`BounceKind`] that decides what happens to the recipient.
//!
//! Order of evidence, most specific first:
//! 1. a status code that can only mean one thing (`5.2.2` mailbox full,
//!    `5.3.4` too big, `5.7.23`–`5.7.26` SPF/DKIM/DMARC, `5.7.25` PTR,
//!    `5.1.10` null MX …);
//! 2. strong wording in the reply (`phrases::RULES`, sender-side reasons
//!    before "unknown user", so "Sender address rejected: User unknown" is
//!    about us, not the recipient);
//! 3. any other specific status code (`5.1.1` unknown user …);
//! 4. weak wording ("rejected", "timed out" …);
//! 5. the wider report text (`context`), when the reply itself says nothing;
//! 6. otherwise [`BounceReason::Other`].
//!
//! Only an unknown user or an unknown host with a permanent failure (5xx,
//! or no temporary code) is [`BounceKind::Hard`] and suppresses the
//! recipient. Sender-side reasons (blocked, spam/content, authentication,
//! rate limited, too big) are [`BounceKind::Policy`]: they raise an
//! operator signal, never a suppression. A disabled mailbox is `Soft`: it
//! may be enabled again, and a later "unknown user" still suppresses.
//! Anything unrecognised is `Soft` (CONVENTIONS rule 5).

use super::phrases;
use super::{BounceKind, BounceReason};

/// Reason and kind of one failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classified {
    pub reason: BounceReason,
    pub kind: BounceKind,
}

/// Classifies a failure. `status` is an enhanced code such as `5.1.1`
/// (anything else is ignored); when absent, one is looked for in the
/// diagnostic (`550 5.1.1 <x>: user unknown`).
pub fn classify(status: Option<&str>, diagnostic: Option<&str>) -> BounceKind {
    classify_reason(status, diagnostic, None).kind
}

/// Classifies a failure from its status code, the remote reply
/// (`diagnostic`) and, as a last resort, the wider human-readable report.
pub fn classify_reason(
    status: Option<&str>,
    diagnostic: Option<&str>,
    context: Option<&str>,
) -> Classified {
    classify_with(status, diagnostic, None, context)
}

/// [`classify_reason`] with the report's own text about this recipient
/// (`block`) apart from the whole report: the block may tell the command
/// even when the reply is known; the whole report only when it is not.
pub(super) fn classify_with(
    status: Option<&str>,
    diagnostic: Option<&str>,
    block: Option<&str>,
    context: Option<&str>,
) -> Classified {
    let from_diag = diagnostic
        .and_then(find_enhanced_status)
        .and_then(|s| parse_status(&s));
    // A generic status (`5.0.0`) gives way to a specific code in the reply.
    let code = match status.and_then(parse_status) {
        Some(c) if is_generic(c) => from_diag.filter(|d| !is_generic(*d)).or(Some(c)),
        Some(c) => Some(c),
        None => from_diag,
    };
    // A bare 2xx number in a report is as likely a size or a count as a
    // reply: only an enhanced 2.x.x code says "delivered".
    let basic = diagnostic.and_then(basic_reply_code).filter(|b| *b >= 400);
    let class = code.map(|(c, _, _)| c).or(basic.map(|b| (b / 100) as u8));
    if class == Some(2) {
        return Classified {
            reason: BounceReason::Delivered,
            kind: BounceKind::Delivered,
        };
    }
    let diag = diagnostic.map(normalise).unwrap_or_default();
    let near = block.map(normalise).unwrap_or_default();
    let ctx = match block {
        Some(b) => normalise(&format!("{b}\n{}", context.unwrap_or_default())),
        None => context.map(normalise).unwrap_or_default(),
    };
    // The report around the reply tells the command only when the reply
    // itself is not there (with several recipients, the report's transcript
    // may be another recipient's).
    let reply_known = basic_reply_code(&diag).is_some() || from_diag.is_some();
    // Explicit words ("in reply to RCPT TO", a transcript) beat implicit
    // ones ("Recipient address rejected" is usually, not always, at RCPT).
    let wider = |f: fn(&str) -> Option<Command>| {
        f(&diag)
            .or_else(|| f(&near))
            .or_else(|| (!reply_known).then(|| f(&ctx)).flatten())
    };
    let command = wider(transcript_command)
        .or_else(|| wider(explicit_command))
        .or_else(|| wider(implicit_command));
    let mut reason = decide(code, basic, &diag, &ctx);
    let said_by_reply = phrases::reason_of(&diag, true).is_some();
    let by_code = code.and_then(by_status);
    let code_says_address = matches!(
        by_code,
        Some(BounceReason::UnknownUser | BounceReason::UnknownHost)
    );
    // A report that says outright the account is disabled (KDDI/au: "The
    // user(s) account is disabled.") outranks a generic "user unknown".
    if reason == BounceReason::UnknownUser
        && !code_says_address
        && phrases::reason_of(&ctx, true) == Some(BounceReason::Disabled)
    {
        reason = BounceReason::Disabled;
    }
    if matches!(
        reason,
        BounceReason::UnknownUser | BounceReason::UnknownHost
    ) {
        // Directory wording counts where the reason was read: the reply,
        // or the report around it when the reply said nothing.
        let definitive =
            phrases::definitive(&diag) || (!said_by_reply && phrases::definitive(&ctx));
        let command = match command {
            None if phrases::rcpt_shaped(&diag) => Some(Command::Rcpt),
            c => c,
        };
        reason = confirm(reason, code, command, &diag, code_says_address, definitive);
    }
    let temporary = match class {
        Some(c) => c == 4,
        None => says_temporary(&diag),
    };
    Classified {
        reason,
        kind: kind_of(reason, temporary),
    }
}

/// Whether "unknown user/host" wording really is about the address.
///
/// Only a refusal of the address itself is: at RCPT time, or with a status
/// code that says so (5.1.x), or in the directory wording of a known system
/// (`phrases::DEFINITIVE`: Domino, Exchange, Gmail, Yahoo …). The same words
/// in answer to our HELO or MAIL FROM are about us; after DATA, with an
/// empty mailbox slot ("550 : User unknown"), with a policy code (5.7.x) or
/// with no sign of when they came, they are a filter's answer, and a
/// recipient is never suppressed on a filter's answer.
fn confirm(
    reason: BounceReason,
    code: Option<(u8, u16, u16)>,
    command: Option<Command>,
    diag: &str,
    code_says_address: bool,
    definitive: bool,
) -> BounceReason {
    use BounceReason::*;
    if matches!(
        command,
        Some(Command::Connect | Command::Helo | Command::Mail)
    ) {
        return Blocked;
    }
    if reason == UnknownHost {
        return UnknownHost;
    }
    if matches!(code, Some((_, 2, 1))) && command != Some(Command::Rcpt) {
        // RFC 3463 5.2.1 "mailbox disabled": the mailbox may well exist.
        return Disabled;
    }
    if code_says_address || definitive {
        return UnknownUser;
    }
    if empty_mailbox_slot(diag) || command == Some(Command::Data) {
        return Other;
    }
    if matches!(code, Some((_, 7, _))) && command != Some(Command::Rcpt) {
        return Other;
    }
    if command == Some(Command::Rcpt) {
        UnknownUser
    } else {
        Other
    }
}

/// "550 : User unknown": the reply names no mailbox where one belongs.
fn empty_mailbox_slot(diag: &str) -> bool {
    let Some(code) = basic_reply_code(diag) else {
        return false;
    };
    let Some(at) = diag.find(&code.to_string()) else {
        return false;
    };
    let rest = diag.get(at + 3..).unwrap_or_default();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    rest.starts_with(':') || rest.starts_with("<>")
}

fn is_generic((_, subject, detail): (u8, u16, u16)) -> bool {
    detail == 0 && subject != 1
}

/// The SMTP command a failure answered, as the report tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Command {
    Connect,
    Helo,
    Mail,
    Rcpt,
    Data,
}

/// Finds the command a report says the failure answered: Postfix's "(in
/// reply to RCPT TO command)", Exim's "after RCPT TO:<…>", qmail's "does
/// not like recipient", DragonFly's "did not like our RCPT TO".
fn explicit_command(lower: &str) -> Option<Command> {
    const CUES: &[(&str, Command)] = &[
        ("in reply to rcpt to", Command::Rcpt),
        ("in reply to end of data", Command::Data),
        ("in reply to data", Command::Data),
        ("in reply to mail from", Command::Mail),
        ("in reply to helo", Command::Helo),
        ("in reply to ehlo", Command::Helo),
        ("after rcpt to", Command::Rcpt),
        ("after end of data", Command::Data),
        ("after data", Command::Data),
        ("after mail from", Command::Mail),
        ("after initial connection", Command::Connect),
        ("after helo", Command::Helo),
        ("after ehlo", Command::Helo),
        ("after pipelined rcpt to", Command::Rcpt),
        ("after pipelined data", Command::Data),
        ("after pipelined mail from", Command::Mail),
        ("did not like our rcpt to", Command::Rcpt),
        ("did not like our final data", Command::Data),
        ("did not like our data", Command::Data),
        ("did not like our mail from", Command::Mail),
        ("does not like recipient", Command::Rcpt),
        ("does not like sender", Command::Mail),
        ("my name was rejected", Command::Helo),
        ("greeting failed", Command::Connect),
        ("smtp command data", Command::Data),
        ("smtp command rcpt", Command::Rcpt),
        ("for rcpt command", Command::Rcpt),
        ("for data command", Command::Data),
        ("for text command", Command::Data),
        ("for mail command", Command::Mail),
        ("rcpt command", Command::Rcpt),
        ("[rcpt_to]", Command::Rcpt),
        ("smtp:rcpt", Command::Rcpt),
        ("rcpt to response", Command::Rcpt),
    ];
    first_cue(lower, CUES)
}

/// Wording that usually comes with one command: Postfix's smtpd writes
/// "Recipient address rejected" at RCPT and "Sender address rejected" at
/// MAIL; qmail's extended report writes "RCPT: <addr>".
fn implicit_command(lower: &str) -> Option<Command> {
    const CUES: &[(&str, Command)] = &[
        ("rcpt:", Command::Rcpt),
        ("recipient address rejected", Command::Rcpt),
        ("sender address rejected", Command::Mail),
    ];
    first_cue(lower, CUES)
}

fn first_cue(lower: &str, cues: &[(&str, Command)]) -> Option<Command> {
    cues.iter()
        .filter_map(|(cue, cmd)| lower.find(cue).map(|i| (i, *cmd)))
        .min_by_key(|(i, _)| *i)
        .map(|(_, c)| c)
}

/// Sendmail-style transcript: the last `>>> CMD` before the first
/// `<<< 4xx/5xx` reply.
pub(super) fn transcript_command(lower: &str) -> Option<Command> {
    let err = lower
        .match_indices("<<< ")
        .find(|(i, _)| {
            lower
                .get(i + 4..i + 5)
                .is_some_and(|c| c == "4" || c == "5")
        })
        .map(|(i, _)| i)?;
    let before = lower.get(..err)?;
    let last = before.rfind(">>> ")?;
    let cmd = before.get(last + 4..)?;
    [
        ("rcpt", Command::Rcpt),
        ("data", Command::Data),
        ("mail", Command::Mail),
        ("helo", Command::Helo),
        ("ehlo", Command::Helo),
    ]
    .iter()
    .find(|(c, _)| cmd.starts_with(c))
    .map(|(_, cmd)| *cmd)
}

fn decide(code: Option<(u8, u16, u16)>, basic: Option<u16>, diag: &str, ctx: &str) -> BounceReason {
    let by_code = code.and_then(by_status);
    if let Some(r) = code.and_then(decisive_status) {
        return r;
    }
    if let Some(r) = phrases::reason_of(diag, true) {
        return r;
    }
    if let Some(r) = by_code {
        return r;
    }
    if let Some(r) = basic.and_then(by_reply_code) {
        return r;
    }
    if let Some(r) = phrases::reason_of(diag, false) {
        return r;
    }
    if let Some(r) = phrases::reason_of(ctx, true) {
        return r;
    }
    if let Some(r) = phrases::reason_of(ctx, false) {
        return r;
    }
    BounceReason::Other
}

/// What a reason means for the recipient.
pub fn kind_of(reason: BounceReason, temporary: bool) -> BounceKind {
    use BounceReason::*;
    match reason {
        UnknownUser | UnknownHost if temporary => BounceKind::Soft,
        UnknownUser | UnknownHost => BounceKind::Hard,
        MailboxFull => BounceKind::MailboxFull,
        MessageTooBig | Blocked | SpamContent | Authentication | RateLimited => BounceKind::Policy,
        Disabled | Expired | Network | Other => BounceKind::Soft,
        Complaint => BounceKind::Complaint,
        AutoReply => BounceKind::AutoReply,
        Delayed => BounceKind::Delayed,
        Delivered => BounceKind::Delivered,
    }
}

/// Lower-case with runs of white space folded to one space.
pub(super) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(64 * 1024));
    let mut space = false;
    for c in text.chars().take(64 * 1024) {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn says_temporary(diag: &str) -> bool {
    [
        "temporar",
        "try again",
        "will retry",
        "will be retried",
        "deferred",
        "delayed",
        "persistent",
    ]
    .iter()
    .any(|w| diag.contains(w))
}

/// Codes that can only mean one thing, whatever the text says.
fn decisive_status((class, subject, detail): (u8, u16, u16)) -> Option<BounceReason> {
    use BounceReason::*;
    Some(match (class, subject, detail) {
        (4 | 5, 2, 2) => MailboxFull,
        (4 | 5, 3, 4) | (4 | 5, 7, 16) => MessageTooBig,
        // Bad sender mailbox or system address: ours.
        (4 | 5, 1, 7 | 8) => Blocked,
        (4 | 5, 7, 20..=24) | (4 | 5, 7, 26) | (4 | 5, 7, 29) => Authentication,
        (4 | 5, 7, 25) => Blocked,
        (5, 1, 10) | (5, 7, 27) => UnknownHost,
        (4 | 5, 7, 13) => Disabled,
        (4 | 5, 7, 28) => SpamContent,
        _ => return None,
    })
}

/// RFC 3463 meanings of specific codes; `None` for generic ones.
fn by_status((class, subject, detail): (u8, u16, u16)) -> Option<BounceReason> {
    use BounceReason::*;
    Some(match (class, subject, detail) {
        (_, 0, 0) => return None,
        (4 | 5, 1, 0 | 1 | 3 | 6) => UnknownUser,
        (_, s, 0) if s != 1 => return None,
        (5, 3, 2) => UnknownHost,
        (4 | 5, 1, 2) => UnknownHost,
        (4 | 5, 1, 7 | 8) => Blocked,
        (4 | 5, 1, 4 | 5 | 9) => Other,
        (4 | 5, 2, 1) => Disabled,
        (4 | 5, 2, 3) => MessageTooBig,
        (4 | 5, 2, _) => Other,
        (4 | 5, 3, 1) => Other,
        (4 | 5, 3, _) => Other,
        (4 | 5, 4, 4) => UnknownHost,
        (4 | 5, 4, 7) => Expired,
        (4 | 5, 4, _) => Network,
        (4 | 5, 5, 3) => RateLimited,
        (4 | 5, 5, _) => Other,
        (4 | 5, 6, _) => SpamContent,
        (4 | 5, 7, 1 | 2) => Blocked,
        (4 | 5, 7, 17 | 18) => UnknownUser,
        (4 | 5, 7, _) => Blocked,
        _ => return None,
    })
}

/// RFC 5321 §4.2.3 basic codes with one meaning.
fn by_reply_code(code: u16) -> Option<BounceReason> {
    use BounceReason::*;
    Some(match code {
        552 => MailboxFull,
        // RFC 7504: the host or domain does not accept mail.
        521 | 556 => UnknownHost,
        553 => UnknownUser,
        551 => UnknownUser,
        _ => return None,
    })
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

/// Finds the enhanced status code (`5.1.1`) standing as its own word in
/// free text (a leading `#`, as Exchange writes `#550 5.1.1`, is allowed).
/// A code right after a basic reply code (`550 5.7.1`, `550-'5.7.1`) is the
/// remote server's and wins over one a relay wrote first (Amazon SES:
/// `5.1.0 - Unknown address error 550-'5.7.1 … Access denied'`).
pub fn find_enhanced_status(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '(' | ')' | '[' | ']' | ';' | ',' | '<' | '>' | '#' | '-' | ':' | '\''
                )
        })
        .map(|w| w.trim_end_matches([':', '.']))
        .filter(|w| !w.is_empty())
        .take(4096)
        .collect();
    let is_basic = |w: &str| w.len() == 3 && w.bytes().all(|b| b.is_ascii_digit());
    let after_reply = words
        .windows(2)
        .find(|p| is_basic(p[0]) && parse_status(p[1]).is_some())
        .map(|p| p[1]);
    after_reply
        .or_else(|| words.iter().copied().find(|w| parse_status(w).is_some()))
        .map(str::to_string)
}

/// The first basic RFC 5321 reply code (`550`, `452-`) standing as a word;
/// a failure code (4xx, 5xx) is preferred over a success code, which may
/// just be a number in the text ("Size: 222").
fn basic_reply_code(text: &str) -> Option<u16> {
    let codes = text
        .split(|c: char| c.is_whitespace() || matches!(c, '#' | ';' | '-' | '(' | ')' | '"' | ':'))
        .filter(|w| w.len() == 3 && w.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|w| w.parse::<u16>().ok())
        .filter(|c| matches!(c / 100, 2 | 4 | 5) && (c % 100) / 10 <= 5)
        .take(64);
    let mut success = None;
    for c in codes {
        if c >= 400 {
            return Some(c);
        }
        success.get_or_insert(c);
    }
    success
}

#[cfg(test)]
mod tests {
    use super::*;
    use BounceKind::*;

    fn reason(status: Option<&str>, diag: &str) -> BounceReason {
        classify_reason(status, Some(diag), None).reason
    }

    #[test]
    fn status_codes_decide_when_specific() {
        assert_eq!(classify(Some("5.1.1"), None), Hard);
        assert_eq!(
            classify(Some("5.1.10"), Some("RESOLVER.ADR.RecipientNotFound")),
            Hard
        );
        assert_eq!(classify(Some("5.2.2"), None), MailboxFull);
        assert_eq!(classify(Some("4.2.2"), None), MailboxFull);
        assert_eq!(classify(Some("4.4.1"), None), Soft);
        assert_eq!(classify(Some("4.7.0"), Some("spam")), Policy);
        assert_eq!(classify(Some("2.0.0"), None), Delivered);
        assert_eq!(classify(Some("5.4.7"), None), Soft);
        assert_eq!(classify(Some("5.2.1"), None), Soft);
        assert_eq!(classify(Some("4.1.1"), Some("user unknown")), Soft);
    }

    #[test]
    fn sender_side_reasons_are_never_hard() {
        for (status, diag, want) in [
            (
                Some("5.1.0"),
                "550 5.1.0 <ours@customer.example>: Sender address rejected: User unknown in relay recipient table",
                BounceReason::Blocked,
            ),
            (
                Some("5.7.1"),
                "550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
                BounceReason::Blocked,
            ),
            (
                Some("5.7.26"),
                "550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain's DMARC policy",
                BounceReason::Authentication,
            ),
            (
                None,
                "550 5.7.25 The IP address sending this message does not have a PTR record setup",
                BounceReason::Blocked,
            ),
            (
                Some("5.7.1"),
                "554 5.7.1 Message rejected as spam by Content Filtering",
                BounceReason::SpamContent,
            ),
            (
                Some("4.7.0"),
                "421 4.7.0 Our system has detected an unusual rate of unsolicited mail",
                BounceReason::RateLimited,
            ),
            (
                Some("5.3.4"),
                "552 5.3.4 Message size exceeds fixed limit",
                BounceReason::MessageTooBig,
            ),
            (
                Some("5.2.2"),
                "552 5.2.2 The email account that you tried to reach is over quota",
                BounceReason::MailboxFull,
            ),
            (
                None,
                "554 5.7.1 <x@y>: Relay access denied",
                BounceReason::Blocked,
            ),
        ] {
            let c = classify_reason(status, Some(diag), None);
            assert_eq!(c.reason, want, "{diag}");
            assert_ne!(c.kind, Hard, "{diag}");
        }
    }

    #[test]
    fn unknown_users_and_hosts_are_hard() {
        for diag in [
            "550 5.1.1 <x@y>: Recipient address rejected: User unknown in virtual mailbox table",
            "550-5.1.1 The email account that you tried to reach does not exist.",
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
            "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
            "554 delivery error: dd This user doesn't have a yahoo.com account",
            "Host or domain name not found. Name service error for name=x.example type=A: Host not found",
            "550 Unrouteable address",
            "User x (x@y) not listed in Domino Directory",
        ] {
            assert_eq!(classify(None, Some(diag)), Hard, "{diag}");
        }
        assert_eq!(
            reason(None, "550 user unknown (in reply to RCPT TO command)"),
            BounceReason::UnknownUser
        );
        assert_eq!(reason(None, "550 user unknown"), BounceReason::Other);
        assert_eq!(
            reason(None, "Host or domain name not found"),
            BounceReason::UnknownHost
        );
    }

    #[test]
    fn generic_or_missing_status_defers_to_keywords() {
        assert_eq!(
            classify(
                Some("5.0.0"),
                Some("550 user unknown (in reply to RCPT TO command)")
            ),
            Hard
        );
        // Without a sign that the refusal came at RCPT, generic wording is
        // a filter's answer as far as we can tell: never suppressed.
        assert_eq!(classify(Some("5.0.0"), Some("550 user unknown")), Soft);
        assert_eq!(
            classify(
                None,
                Some("550 : User unknown (in reply to end of DATA command)")
            ),
            Soft
        );
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
        assert_eq!(classify(None, Some("550 go away")), Soft);
        assert_eq!(classify(None, Some("421 later")), Soft);
        assert_eq!(classify(None, None), Soft);
        assert_eq!(classify(Some("garbage"), Some("")), Soft);
        assert_eq!(reason(None, "Connection timed out"), BounceReason::Network);
    }

    #[test]
    fn context_is_used_only_when_the_reply_says_nothing() {
        let c = classify_reason(Some("5.0.0"), None, Some("the mailbox is full"));
        assert_eq!(c.reason, BounceReason::MailboxFull);
        let c = classify_reason(Some("5.1.1"), None, Some("spam filter"));
        assert_eq!(c.reason, BounceReason::UnknownUser);
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
        assert_eq!(find_enhanced_status("version 1.2.3.4 and 10.0.0"), None);
    }
}

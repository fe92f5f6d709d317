//! Weaker identifiers: phone numbers, e-mail addresses, street addresses,
//! IPv4 addresses. They make a message PHI only together with health
//! information; policies combine them (`detectors` + `and_detectors`).
//!
//! E-mail addresses are found from `@` outwards (memchr-fast) instead of a
//! regex with a broad leading class; phone, IP and street candidates come
//! from the token pass (`tokens`), parsed by hand from their first digit run.

use super::tokens::{Run, Scan, at, boundary_after, run_len, skip_spaces};
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::{after, before, floor_boundary, isolated};

/// Street-type words closing an address (`12 Oak Street`).
const SUFFIXES: &[&[u8]] = &[
    b"Street",
    b"St",
    b"Avenue",
    b"Ave",
    b"Road",
    b"Rd",
    b"Boulevard",
    b"Blvd",
    b"Lane",
    b"Ln",
    b"Drive",
    b"Dr",
    b"Court",
    b"Ct",
    b"Way",
    b"Place",
    b"Pl",
    b"Terrace",
    b"Circle",
    b"Cir",
    b"Parkway",
    b"Pkwy",
    b"Highway",
    b"Hwy",
    // British and Commonwealth street types.
    b"Close",
    b"Crescent",
    b"Grove",
    b"Mews",
    b"Gardens",
    b"Square",
];

fn local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._%+-".contains(&b)
}

fn domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// E-mail addresses, found from each `@` outwards (bounded).
pub fn emails(text: &str, loc: Location, sink: &mut Sink) {
    let b = text.as_bytes();
    // The last quoted writer's line judged: (its end, voiceless).
    let mut voice: Option<(usize, bool)> = None;
    for (at, _) in text.match_indices('@') {
        let mut s = at;
        while s > 0 && at - s < 64 && local_byte(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < b.len() && e - at < 254 && domain_byte(b[e]) {
            e += 1;
        }
        while e > at + 1 && b[e - 1] == b'.' {
            e -= 1;
        }
        let domain = &text[at + 1..e];
        let tld_ok = domain
            .rsplit('.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|c| c.is_ascii_alphabetic()));
        if s < at && domain.contains('.') && tld_ok {
            let conf = weak_unless(
                not_a_person_line(b, s)
                    || group_attendee(b, s)
                    || role_mailbox(&b[s..at])
                    || voiceless_correspondent(text, s, e, &mut voice),
            );
            sink.push(Kind::Email, conf, loc, &text[s..e]);
        }
    }
}

/// A weak identifier's confidence: medium, or low where its context shows
/// it belongs to no patient (`no_patient`).
fn weak_unless(no_patient: bool) -> Confidence {
    if no_patient {
        Confidence::Low
    } else {
        Confidence::Medium
    }
}

/// A number no one has: area code 555 (never assigned: samples and
/// specifications, `555-555-0100`) or a run like `123-456-7890`.
fn placeholder_phone(m: &[u8]) -> bool {
    let digits: Vec<u8> = m.iter().copied().filter(u8::is_ascii_digit).collect();
    digits.starts_with(b"555") || digits == b"1234567890" || digits.windows(2).all(|w| w[0] == w[1])
}

/// Toll-free area codes (800, 833...888): a business's line, never a
/// patient's own number.
fn toll_free(area: &[u8]) -> bool {
    matches!(
        area,
        b"800" | b"833" | b"844" | b"855" | b"866" | b"877" | b"888"
    )
}

/// Is the number at `text[s..e]` an organisation's line: named as a
/// service, desk or office just before it on its line (`Client Services
/// 24/7, (480) 555-0109`, `Fax:`), or answered by a menu (`option 3`)?
/// A person's number is labelled as theirs (`cell`, `home`, `call her
/// at`) and stays medium.
fn service_line(text: &str, s: usize, e: usize) -> bool {
    static LINE: std::sync::OnceLock<(regex::Regex, regex::Regex)> = std::sync::OnceLock::new();
    let (pre, post) = LINE.get_or_init(|| {
        (
            super::re(
                r"(?i)(?-u:\b)(?:(?:client|customer|member|patient|provider)\s+(?:services?|support|relations)|help\s*desk|service\s*desk|hotline|call\s+(?:us|center|centre)|contact\s+us|questions\??|main\s+(?:line|number|office)|front\s+desk|switchboard|fax|(?:scheduling|appointment|nurse|advice|billing|refill|text)\s+line|(?:billing|scheduling)\s+(?:office|department)|toll[- ]free)(?-u:\b)[^\n0-9]{0,24}$|(?-u:\b)(?:media|press)\s+(?:contact|enquiries|inquiries|office)(?-u:\b)[^\n0-9]{0,60}$|[ \t]\.{2,}[ \t]*$",
            ),
            super::re(r"(?i)^\s*[,;]?\s*(?:option|opt\.?|press)\s*[0-9]"),
        )
    });
    let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
    let head = &text[floor_boundary(text, line_start.max(s.saturating_sub(64)))..s];
    pre.is_match(head)
        || post.is_match(after(text, e, 16))
        || business_heading(&text[line_start..s])
}

/// A business's name heading the number's line (`LAKEVIEW PHARMACY
/// (312) 555-0131`, `Smile Dental Care, tel. …`): capitalised words
/// ending on a pharmacy's, a practice's or a clinic's word, and nothing
/// else before the number (`Discharged from hospital, (503) …` is not).
fn business_heading(line_head: &str) -> bool {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    line_head.len() <= 80
        && R.get_or_init(|| {
            super::re(
                r"^[ \t>]*(?:\p{Lu}[\p{L}'&.-]*[ \t]+){1,4}(?i:pharmacy|chemists?|clinic|surgery|hospital|dental(?:\s+(?:care|practice|centre|center|clinic))?|optical|opticians?|optometry|audiology|hearing\s+(?:centre|center|clinic))[ \t,:.-]{0,4}(?i:tel\.?|phone|ph\.?)?[ \t:]{0,3}\(?$",
            )
        })
        .is_match(line_head)
}

/// Is the number at `s` labelled as a person's on its line (`Pt cell:`,
/// `call her daughter at`)? Then no service line or signature makes it
/// the organisation's.
fn a_persons_number(text: &str, s: usize) -> bool {
    static PERSON: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = PERSON.get_or_init(|| {
        super::re(
            r"(?i)(?-u:\b)(?:pt|patient|her|his|their|member|mother|father|mom|dad|daughter|son|wife|husband|caregiver|guardian|parent|resident)(?-u:\b)",
        )
    });
    let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
    let head = &text[floor_boundary(text, line_start.max(s.saturating_sub(64)))..s];
    // The number's own sentence only (`…non-member $25. Questions:`).
    let clause = head
        .rfind([';', '.'])
        .filter(|&i| head[i + 1..].starts_with(' '))
        .map_or(head, |i| &head[i + 1..]);
    re.is_match(clause)
}

/// Is the number at `s` in the writer's signature block: near the end
/// of the text, a few lines after a closing (`Best,`)? The sender's own
/// work or cell number; a patient who signs with theirs tells of their
/// own care, which the name detector judges.
fn in_signature_block(text: &str, s: usize) -> bool {
    static CLOSING: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = CLOSING.get_or_init(|| {
        super::re(&format!(
            // CRLF mode: decoded parts keep their line breaks. A line
            // after a blank one that opens with a clinician's name and
            // credential (`Kim Delgado, RN`, `Pharmacist on duty: Ann Lee,
            // PharmD, 612-…`) opens a signature as a closing does; not
            // `Ordering: Kim Delgado, NP` inside a note, nor `Silver
            // Spring, MD 20901`.
            r"(?mR)^[ \t]*(?i:{}|--)[ \t]*[,!.]?[ \t]*$|\n[ \t]*\r?\n[ \t]*(?:(?i:pharmacist|nurse|provider|clinician|physician)[A-Za-z ]{{0,20}}:[ \t]*)?\p{{Lu}}[\p{{L}}'.-]*(?:[ \t]+\p{{Lu}}[\p{{L}}'.-]*){{1,3}}[ \t]*,[ \t]*(?:{})(?-u:\b)[ \t]*(?:,|$)|\n[ \t]*\r?\n[ \t]*\p{{Lu}}[\p{{L}}'.-]*(?:[ \t]+\p{{Lu}}[\p{{L}}'.-]*){{1,3}}(?:[ \t]*\r?\n){{1,2}}[^\n(]{{0,60}}?(?-u:\b)(?i:officer|manager|coordinator|director|administrator|assistant|specialist|analyst|secretary|advis[eo]r|consultant|executive)(?-u:\b)[^\n]*\r?\n",
            super::name::SIGN_OFFS,
            super::name::CREDENTIALS
        ))
    });
    if s + SIGNATURE_TAIL < text.len() {
        return false;
    }
    let from = floor_boundary(text, s.saturating_sub(SIGNATURE_REACH));
    // Up to the end of the number's line: the credential may stand on it.
    let to = memchr::memchr(b'\n', &text.as_bytes()[s..]).map_or(text.len(), |i| s + i);
    re.is_match(&text[from..to])
}

/// A signature block is the end of the text…
const SIGNATURE_TAIL: usize = 600;
/// …and its number stands at most this far after the closing.
const SIGNATURE_REACH: usize = 240;

/// Is `text[s..e]` in the footer of bulk mail (a newsletter, a marketing
/// or notice list): next to the unsubscribe or preferences wording, where
/// the law wants the sender's own postal address and number?
pub(super) fn bulk_footer(text: &str, s: usize, e: usize) -> bool {
    static FOOTER: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = FOOTER.get_or_init(|| {
        super::re(
            r"(?i)(?-u:\b)(?:unsubscribe|(?:manage|update)\s+(?:your\s+)?(?:email\s+|subscription\s+)?preferences|you(?:\s+are|'re|’re)?\s+receiv(?:e|ed|ing)\s+this\s+(?:e-?mail|message|newsletter|alert|digest)|manage\s+(?:your\s+)?(?:alerts|subscriptions?)|mailing\s+list)(?-u:\b)",
        )
    });
    s + FOOTER_TAIL >= text.len()
        && (re.is_match(before(text, s, FOOTER_REACH)) || re.is_match(after(text, e, FOOTER_REACH)))
}

/// A footer is the end of the text: a number or address further from the
/// end than this is in the message itself (`please unsubscribe her...;
/// Jane's cell 415-253-8700, she is in hospice` near the top).
const FOOTER_TAIL: usize = 600;

/// How far from an address or number the footer wording may stand.
const FOOTER_REACH: usize = 240;

/// Mailboxes of a role or a service, not of a person (RFC 2142 and their
/// everyday kin): `grants@`, `no-reply@`, `appointments@`.
fn role_mailbox(local: &[u8]) -> bool {
    const ROLES: &[&str] = &[
        "info",
        "contact",
        "contactus",
        "hello",
        "support",
        "help",
        "helpdesk",
        "service",
        "services",
        "admin",
        "office",
        "grants",
        "news",
        "newsletter",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "notifications",
        "alerts",
        "marketing",
        "events",
        "press",
        "media",
        "communications",
        "billing",
        "accounts",
        "sales",
        "hr",
        "jobs",
        "careers",
        "recruiting",
        "webmaster",
        "postmaster",
        "abuse",
        "security",
        "privacy",
        "compliance",
        "appointments",
        "scheduling",
        "frontdesk",
        "reception",
        "feedback",
        "team",
        "membership",
        "registration",
        "hostmaster",
        "it",
        "facilities",
        "research",
        "foundation",
        "registry",
        "data",
        "studies",
        "irb",
        "surveillance",
        "epi",
        // Departments: `pharmacy.refills@`, `lab-results@`.
        "pharmacy",
        "rx",
        "lab",
        "labs",
        "radiology",
        "nursing",
        "credentialing",
        "benefits",
        "payroll",
        "quality",
        "referrals",
        "records",
        "claims",
        "intake",
        "triage",
        "finance",
        "dept",
        "department",
        "clinic",
        "refills",
        "results",
        "portal",
        "education",
        "training",
        "learning",
        "coding",
        "servicedesk",
        // A payer's desks: `medpolicy@`, `member-services@`, `appeals@`.
        "policy",
        "policies",
        "underwriting",
        "actuarial",
        "network",
        "enrollment",
        "enrolment",
        "appeals",
        "grievances",
        "formulary",
        "brokers",
        "renewals",
        "quotes",
        // Groups: `surg-faculty@`, `all-staff@`.
        "faculty",
        "staff",
        "residents",
        "fellows",
        "physicians",
        "nurses",
        "providers",
        "attendings",
        "everyone",
        "all",
        // A mailing list's own mailboxes (`moderator@`; and see
        // `list_mailbox`).
        "moderator",
        "moderators",
        "listserv",
        "majordomo",
        "mailman",
        "sympa",
    ];
    // A service's name run together with its role (`druginfo@`,
    // `rxhelp@`): no one's given or family name ends so (`line` does:
    // `caroline@`).
    const ROLE_ENDS: &[&str] = &[
        "info",
        "help",
        "desk",
        "support",
        "team",
        "office",
        "education",
        "training",
        "results",
        "policy",
        "claims",
        "services",
        "relations",
        "network",
        "appeals",
    ];
    let is_role = |seg: &[u8]| ROLES.iter().any(|r| seg.eq_ignore_ascii_case(r.as_bytes()));
    let run_together = |seg: &[u8]| {
        ROLE_ENDS.iter().any(|r| {
            seg.len() >= r.len() + 2
                && seg[seg.len() - r.len()..].eq_ignore_ascii_case(r.as_bytes())
                && seg.iter().all(u8::is_ascii_alphabetic)
        })
    };
    // A sub-address tag is the owner's own filing (`maria.lopez+clinic@`):
    // only the mailbox before it says whose it is.
    let mailbox = local.split(|&c| c == b'+').next().unwrap_or(local);
    // `rxforum-request@`, `rxforum-owner@`, `owner-rxforum@`: a list's
    // (`Owner` alone may be a family name).
    let lower = mailbox.to_ascii_lowercase();
    let list_mailbox = [&b"-request"[..], b"-owner", b"-bounces", b"-admin"]
        .iter()
        .any(|t| lower.ends_with(t))
        || lower.starts_with(b"owner-");
    list_mailbox
        || is_role(mailbox)
        || mailbox
            .split(|c| matches!(c, b'.' | b'-' | b'_'))
            .any(|seg| is_role(seg) || run_together(seg))
}

/// Line labels whose addresses name no person: calendar organizers (the
/// sender of an invitation) and identifiers that only look like
/// addresses. Quoted `From:`/`To:` lines are not among them: a forwarded
/// patient's own address must keep counting.
const NOT_A_PERSON_LABELS: &[&[u8]] = &[
    b"organizer",
    b"uid:",
    b"message-id:",
    b"in-reply-to:",
    b"media contact",
    b"press contact",
    b"media enquiries",
    b"media inquiries",
    b"press enquiries",
    b"press inquiries",
];

/// How far back from an address its line label may stand.
const LABEL_REACH: usize = 160;

/// Is the address at `s` on a line labelled as one that names no person
/// (`ORGANIZER;CN=Paula Greer:mailto:pg@clinic.example`,
/// `UID:2026-dcc@clinic.example`)? Looks back at most `LABEL_REACH` bytes,
/// so the check stays constant-time per address.
fn not_a_person_line(b: &[u8], s: usize) -> bool {
    line_head(b, s).is_some_and(|head| {
        NOT_A_PERSON_LABELS
            .iter()
            .any(|l| head.len() >= l.len() && head[..l.len()].eq_ignore_ascii_case(l))
    })
}

/// Is the address at `text[s..e]` a quoted writer's (`On Tue, … Ann Lee
/// <ann@…> wrote:`, a forward's `From:` line) whose message never speaks
/// of itself (`I`, `my`, `me`)? A writer is a patient only in her own
/// voice (`I'm finally having my gallbladder out`); notes on a play's
/// characters or a teaching case in the third person are a colleague's
/// work, whatever health they tell.
fn voiceless_correspondent(
    text: &str,
    s: usize,
    e: usize,
    cache: &mut Option<(usize, bool)>,
) -> bool {
    let b = text.as_bytes();
    // `wrote:` stands right after the address: a bounded look.
    let cap = (e + 96).min(b.len());
    let line_end = memchr::memchr(b'\n', &b[e..cap]).map_or(cap, |i| e + i);
    if let Some((end, voiceless)) = *cache
        && end == line_end
    {
        return voiceless;
    }
    let tail = text.get(e..line_end).unwrap_or("").trim_end();
    let attribution = [
        "wrote:",
        "schrieb:",
        "a écrit :",
        "a écrit:",
        "escribió:",
        "scrisse:",
        "schreef:",
        "escreveu:",
    ]
    .iter()
    .any(|w| tail.ends_with(w));
    let from_line = line_head(b, s).is_some_and(|h| {
        [&b"from:"[..], b"von:", b"de:", b"da:", b"van:", b"od:"]
            .iter()
            .any(|l| h.len() >= l.len() && h[..l.len()].eq_ignore_ascii_case(l))
    });
    let voiceless = (attribution || from_line) && {
        let from = (line_end + 1).min(b.len());
        let to = crate::policy::text::floor_boundary(text, (from + VOICE_REACH).min(b.len()));
        let quoted = &text[from.min(to)..to];
        // A short quote (a forward of attachments, a one-liner) says too
        // little to tell whose it is: the address keeps counting.
        let said = quoted.bytes().filter(u8::is_ascii_alphabetic).count();
        said >= VOICE_MIN && !speaks_of_itself(quoted)
    };
    *cache = Some((line_end, voiceless));
    voiceless
}

/// Fewer letters than this in a quoted message tell nothing of its
/// writer's voice.
const VOICE_MIN: usize = 160;

/// How much of a quoted message is read for its writer's own voice.
const VOICE_REACH: usize = 3000;

/// Does `text` hold a first-person word (`I`, `my`, `me`, `ich`, `mon`,
/// `mijn`…)?
fn speaks_of_itself(text: &str) -> bool {
    static FIRST: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    FIRST
        .get_or_init(|| {
            super::re(
                r"(?-u:\b)(?:(?i:i|i'm|i’m|i've|i’ve|i'd|i’d|i'll|i’ll|im|my|me|mine|myself|we|we're|we’re|we've|we’ve|our|ours|us|mi|ich|mich|mir|mein|meine|meinen|meinem|meiner|je|j'|moi|mon|ma|mes|yo|mis|eu|meu|minha|io|mio|mia|ik|mijn|mij|jeg|mitt|jag|mój|moja|mnie))(?-u:\b)",
            )
        })
        .is_match(text)
}

/// The line holding `s`, up to it, past reply quoting (at most
/// `LABEL_REACH` bytes back; None when the line starts further back).
fn line_head(b: &[u8], s: usize) -> Option<&[u8]> {
    let from = s.saturating_sub(LABEL_REACH);
    let nl = memchr::memrchr(b'\n', &b[from..s])
        .map(|i| from + i + 1)
        .or((from == 0).then_some(0))?;
    let mut head = &b[nl..s];
    while let [b'>' | b' ' | b'\t', rest @ ..] = head {
        head = rest;
    }
    Some(head)
}

/// An iCalendar attendee that is a group, a room or a resource
/// (`ATTENDEE;CN=New Volunteers;CUTYPE=GROUP:mailto:...`): no person.
fn group_attendee(b: &[u8], s: usize) -> bool {
    line_head(b, s).is_some_and(|h| {
        let h = h.to_ascii_lowercase();
        h.starts_with(b"attendee")
            && [&b"cutype=group"[..], b"cutype=resource", b"cutype=room"]
                .iter()
                .any(|t| memchr::memmem::find(&h, t).is_some())
    })
}

/// An iCalendar LOCATION naming a building before its street address
/// (`LOCATION:Lakeshore Hospice Education Center\, 600 Shoreline Dr`): a
/// venue, not a home visit's address (`LOCATION:Patient home - 12 Oak St`
/// stays).
fn event_venue(text: &str, s: usize) -> bool {
    static VENUE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = VENUE.get_or_init(|| {
        super::re(
            r"(?i)^location[;:].*(?-u:\b)(?:(?:education|training|conference|community|convention|events?)\s+(?:center|centre)|auditorium|hotel|church|library|university|college|institute|lecture\s+hall)(?-u:\b)",
        )
    });
    // A home's unit after the street (`220 Elm St Apt 12`) is a home.
    let rest = crate::policy::text::after(text, s, 80);
    let line = rest.split('\n').next().unwrap_or("");
    let home = line
        .split(|c: char| !c.is_alphanumeric() && c != '#')
        .any(|w| {
            w.eq_ignore_ascii_case("apt") || w.eq_ignore_ascii_case("unit") || w.starts_with('#')
        });
    !home
        && line_head(text.as_bytes(), s)
            .and_then(|h| std::str::from_utf8(h).ok())
            .is_some_and(|h| re.is_match(h))
}

/// A company's own address, its name right before the number on the line
/// (`Halvorsen Pharma US, 400 Commerce Way`): no person's home.
fn business_address(text: &str, s: usize) -> bool {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = R.get_or_init(|| {
        super::re(
            r"(?i)(?-u:\b)(?:inc|llc|ltd|corp|corporation|pharma|pharmaceuticals?|laborator(?:y|ies)|labs|gmbh|company|hospital|medical\s+cent(?:er|re)|health\s+system|foundation|pharmacy|university)\.?(?:\s+(?:us|usa|uk))?\s*[,\-–]\s*$",
        )
    });
    line_head(text.as_bytes(), s)
        .and_then(|h| std::str::from_utf8(h).ok())
        .is_some_and(|h| re.is_match(h))
}

/// `[2-9]\d{2}` as a whole run at `i` followed by a separator `[ .-]`.
fn triple(b: &[u8], i: usize) -> bool {
    matches!(at(b, i), b'2'..=b'9')
        && run_len(b, i, 3) == 3
        && matches!(at(b, i + 3), b' ' | b'.' | b'-')
}

/// Phone shape: `\([2-9]\d{2}\) ?` or `\b[2-9]\d{2}[ .-]`, then
/// `[2-9]\d{2}[ .-]\d{4}\b`. `s` is the area-code run: (start, end).
fn phone(b: &[u8], s: usize) -> Option<(usize, usize)> {
    let paren = s > 0 && at(b, s - 1) == b'(' && run_len(b, s, 3) == 3;
    let area = if paren && matches!(at(b, s), b'2'..=b'9') && at(b, s + 3) == b')' {
        let p = s + 4;
        Some((s - 1, if at(b, p) == b' ' { p + 1 } else { p }))
    } else {
        None
    };
    let rest = |p: usize| {
        (triple(b, p) && run_len(b, p + 4, 4) == 4 && boundary_after(b, p + 8)).then_some(p + 8)
    };
    if let Some((start, p)) = area
        && let Some(e) = rest(p)
    {
        return Some((start, e));
    }
    let e = rest(s + 4).filter(|_| triple(b, s))?;
    Some((s, e))
}

/// A local number without its area code, `[2-9]\d{2}-\d{4}`, from `s`
/// (no part of a longer number: nothing numeric just before it).
fn local_phone(b: &[u8], s: usize) -> Option<usize> {
    let alone = s == 0 || !matches!(b[s - 1], b'0'..=b'9' | b'-' | b'.' | b'/' | b'(' | b'+');
    (alone
        && triple(b, s)
        && at(b, s + 3) == b'-'
        && run_len(b, s + 4, 4) == 4
        && boundary_after(b, s + 8))
    .then_some(s + 8)
}

/// Is the local number at `s` said to be a person's: a personal phone
/// word or a call to someone just before it (`mobile 555-0162`, `call her
/// on`)? Without, seven digits and a dash are as often a reference or an
/// office's line (`Questions: Lab Director, 555-0142`, `or call 555-0107`).
fn local_phone_said(text: &str, s: usize) -> bool {
    static SAID: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = SAID.get_or_init(|| {
        super::re(
            r"(?i)(?-u:\b)(?:mobile|mob|cell|cellphone|home(?:\s+phone)?|(?:call|text|txt|ring|reach)\s+(?:him|her|them|me|mum|mom|dad)(?:\s+(?:on|at))?)[ \t:.]*$",
        )
    });
    re.is_match(before(text, s, 24))
}

/// IPv4 shape `\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b` from `s`.
fn ip(b: &[u8], s: usize) -> Option<usize> {
    let mut p = s;
    for g in 0..4 {
        let r = run_len(b, p, 3);
        if !(1..=3).contains(&r) {
            return None;
        }
        p += r;
        if g < 3 {
            if at(b, p) != b'.' {
                return None;
            }
            p += 1;
        }
    }
    boundary_after(b, p).then_some(p)
}

/// Street shape `\b\d{1,6}\s+(?:[A-Z][A-Za-z]+\.?\s+){1,4}SUFFIX\b` from
/// the run `[s, e)`: the end of the longest match.
fn street(text: &str, s: usize, e: usize) -> Option<usize> {
    let b = text.as_bytes();
    if e - s > 6 {
        return None;
    }
    // Within one line and one cell: `Year 3` over `Personnel\tDr.` in a
    // spreadsheet is no street.
    let skip = |i: usize| {
        skip_spaces(text, i).filter(|&n| !b[i..n].iter().any(|&c| matches!(c, b'\n' | b'\t')))
    };
    let mut p = skip(e)?;
    let mut best = None;
    for k in 0..5 {
        let l = b[p..]
            .iter()
            .take(32)
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if l == 0 {
            break;
        }
        if k >= 1 && SUFFIXES.contains(&&b[p..p + l]) && boundary_after(b, p + l) {
            best = Some(p + l);
        }
        if k == 4 || l < 2 || !b[p].is_ascii_uppercase() {
            break;
        }
        let q = if at(b, p + l) == b'.' {
            p + l + 1
        } else {
            p + l
        };
        match skip(q) {
            Some(n) => p = n,
            None => break,
        }
    }
    best
}

fn ip_ok(s: &str) -> bool {
    s.split('.')
        .all(|o| o.parse::<u16>().is_ok_and(|v| v <= 255))
}

/// Token-pass hook: phone, IPv4 and street candidates at a word-start run.
pub fn at_run(sc: &mut Scan<'_>, r: Run) {
    let (text, b, n) = (sc.text, sc.text.as_bytes(), r.e - r.s);
    if n == 3
        && let Some((s, e)) = phone(b, r.s).filter(|&(s, _)| s >= sc.next.phone)
        && let Some(m) = text.get(s..e)
    {
        sc.next.phone = e;
        let conf = weak_unless(
            placeholder_phone(&b[s..e])
                || bulk_footer(text, s, e)
                || toll_free(&b[r.s..r.e])
                || ((service_line(text, s, e) || in_signature_block(text, s))
                    && !a_persons_number(text, s)),
        );
        sc.sink.push(Kind::Phone, conf, sc.loc, m);
    } else if n == 3
        && r.s >= sc.next.phone
        && let Some(e) = local_phone(b, r.s)
        && let Some(m) = text.get(r.s..e)
        && local_phone_said(text, r.s)
    {
        // The exchange of a 7-digit number is no area code: `555-0142`
        // is a number as any other here.
        sc.next.phone = e;
        let conf = weak_unless(
            bulk_footer(text, r.s, e)
                || ((service_line(text, r.s, e) || in_signature_block(text, r.s))
                    && !a_persons_number(text, r.s)),
        );
        sc.sink.push(Kind::Phone, conf, sc.loc, m);
    }
    if n <= 3
        && r.s >= sc.next.ip
        && let Some(e) = ip(b, r.s)
    {
        sc.next.ip = e;
        if let Some(m) = text.get(r.s..e)
            && isolated(text, r.s, e)
            && ip_ok(m)
        {
            sc.sink.push(Kind::Ip, Confidence::Low, sc.loc, m);
        }
    }
    if n <= 6
        && r.s >= sc.next.street
        && let Some(e) = street(text, r.s, r.e)
        && let Some(m) = text.get(r.s..e)
    {
        sc.next.street = e;
        sc.sink.push(
            Kind::Address,
            weak_unless(
                bulk_footer(text, r.s, e) || event_venue(text, r.s) || business_address(text, r.s),
            ),
            sc.loc,
            m,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn addresses_of_no_person_are_low() {
        for t in [
            "ORGANIZER;CN=Paula Greer:mailto:pgreer@clinic.example",
            "UID:20260318T1900Z-dcc@clinic.example",
            "Questions: grants@valleyhealthfdn.example",
            "Reply to No-Reply@portal.example",
            "Questions: Drug Information Service, ext. 2-7740 or druginfo@cascadesmc.example",
            "Refill requests: pharmacy.refills@clinic.example",
            "Write to the rxhelp@health.example team",
            "ATTENDEE;CN=Surgery Faculty;ROLE=REQ-PARTICIPANT:mailto:surg-faculty@med.example",
        ] {
            assert_eq!(found(t, Kind::Email), Some(Confidence::Low), "{t}");
        }
        for t in [
            "Patient email: jane.roe@mail.example",
            "Send the results to jane.roe@mail.example today",
            // A forwarded patient's own address keeps counting.
            "---------- Forwarded message ---------\nFrom: Jane Roe <jane.roe@mail.example>\nSubject: my results",
            "> From: Jane Roe <jane.roe@mail.example>\n> I can't make Tuesday",
            "On Mon, Mar 2, 2026 at 9:00 AM Jane Roe <jane.roe@mail.example> wrote:\n> i'm finally having my gallbladder out",
            "ATTENDEE;CN=Jane Roe:mailto:jane.roe@mail.example",
            "Patient email: caroline.labrecque@mail.example",
            "Patient email: maria.lopez+clinic@mail.example",
        ] {
            assert_eq!(found(t, Kind::Email), Some(Confidence::Medium), "{t}");
        }
        // A quoted writer whose message never speaks of itself: a
        // colleague's notes on a play or a teaching case.
        for t in [
            "On Tue, 2 Feb 2027 at 22:05, Dec Farrell <dec.farrell@players.example> wrote:\n> Notes from tonight's run of Act 2: when Nurse Brennan tells Mrs Doyle her pneumonia is worse, more urgency\n> on the line about the night. Orla plays Mrs Doyle, not the nurse. Lighting cue 14 comes late again, and the trolley squeaks in scene three; props to oil it before Thursday.",
            "> From: Kavya Rao <kavya.rao@college.example>\n> Case for Friday, from the published report: a 62-year-old man with type 2 diabetes on empagliflozin\n> presented with vomiting two days after a dental extraction. Why was the glucose near normal, and when would the SGLT2 inhibitor be restarted after the extraction?",
        ] {
            assert_eq!(found(t, Kind::Email), Some(Confidence::Low), "{t}");
        }
        // A patient typing in lower case, a parent writing `our son`, and
        // a short forward keep the address.
        for t in [
            "On Mon, Jane Roe <jane.roe@mail.example> wrote:\n> i have had chest pain since the weekend and the amlodipine 10mg makes my ankles swell, can the doctor call back today please",
            "On Mon, Jane Roe <jane.roe@mail.example> wrote:\n> Our son Liam has had a fever of 39.2 since Saturday night and will not keep fluids down, can someone call us back",
            "---------- Forwarded message ---------\nFrom: Jane Roe <jane.roe@mail.example>\nSubject: results\n\nsee attached",
        ] {
            assert_eq!(found(t, Kind::Email), Some(Confidence::Medium), "{t}");
        }
        // Linear: many addresses on one long line.
        let t = "a@b.cc ".repeat(20_000);
        assert_eq!(found(&t, Kind::Email), Some(Confidence::Medium));
    }

    #[test]
    fn calendar_venues_and_group_attendees_are_no_person() {
        let t = "LOCATION:Lakeshore Hospice Education Center\\, 600 Shoreline Dr\n";
        assert_eq!(found(t, Kind::Address), Some(Confidence::Low));
        let t = "LOCATION:Patient home - 600 Shoreline Dr\n";
        assert_eq!(found(t, Kind::Address), Some(Confidence::Medium));
        let t = "LOCATION:Maple Court Building B\\, 220 Elm St Apt 12\n";
        assert_eq!(found(t, Kind::Address), Some(Confidence::Medium));
        let t = "ATTENDEE;CN=New Volunteers;CUTYPE=GROUP:mailto:newvol@hospice.example\n";
        assert_eq!(found(t, Kind::Email), Some(Confidence::Low));
        let t = "ATTENDEE;CN=Rosa Diaz;CUTYPE=INDIVIDUAL:mailto:rosa.diaz@mail.example\n";
        assert_eq!(found(t, Kind::Email), Some(Confidence::Medium));
    }

    #[test]
    fn bulk_footers_hold_the_senders_address() {
        let t = "<a href=\"https://x.example/unsub\">Unsubscribe</a> &middot; 1200 Commerce Way, Portland OR";
        assert_eq!(found(t, Kind::Address), Some(Confidence::Low));
        let t = "You are receiving this newsletter as a member. Questions? Call 415-253-8700.";
        assert_eq!(found(t, Kind::Phone), Some(Confidence::Low));
        let t = "Please unsubscribe her from the mailing list; her cell is 415-253-8700, she is in hospice care now.".to_string()
            + &" More about her care plan follows.".repeat(30);
        assert_eq!(found(&t, Kind::Phone), Some(Confidence::Medium));
        let t = "Her new address is 12 Oak Street; call 415-253-8700 to confirm.";
        assert_eq!(found(t, Kind::Address), Some(Confidence::Medium));
        assert_eq!(found(t, Kind::Phone), Some(Confidence::Medium));
    }

    #[test]
    fn a_signatures_number_is_low() {
        for t in [
            // Decoded parts keep CRLF line breaks.
            "Lunch is on 3/18.\r\n\r\nBest,\r\nBrandon Tillman\r\nSenior Territory Manager\r\nCorvane Pharmaceuticals | 503-555-0193\r\n",
            "Keep them home if they have a fever.\n\nKim Delgado, RN\nSchool Nurse, Maplewood Elementary\n503-555-0121\n",
            "Amoxicillin 500 mg capsules are not affected.\r\n\r\nPharmacist on duty: Babajide Ogunleye, PharmD, 612-555-0177\r\nNorthgate Pharmacy\r\n",
        ] {
            assert_eq!(found(t, Kind::Phone), Some(Confidence::Low), "{t}");
        }
        for t in [
            "Repeat BMP Thu, K 6.1 today.\nOrdering: Kim Delgado, NP\nBest number 503-291-4470 after 10am\n",
            "Send it to her at 12 Elm Rd\n\nSilver Spring, MD 20901\n503-291-4470, she is on hospice.\n",
            "Please call Rosa Lopez's cell... 503-291-4470, she has the hospice paperwork.",
            // A patient's number stays one in a signature's reach.
            "Best,\nKim Delgado, RN\nPatient's cell: 503-555-0121\n",
            // `DO NOT` is no credential; far from the end is no signature.
            "Maria Lopez\nDO NOT call 503-555-0121 after 8pm, she is on hospice.\n",
        ] {
            assert_eq!(found(t, Kind::Phone), Some(Confidence::Medium), "{t}");
        }
    }

    #[test]
    fn service_lines_are_low_a_persons_number_is_not() {
        for t in [
            "Questions: Client Services 24/7, (480) 555-0109 option 3.",
            "Fax: 415-253-8700",
            "Call the nurse advice line at 415-253-8700",
            "Scheduling line 415-253-8700",
            "Front desk (415) 253-8700",
            "Sample: PID|1||TEST01^^^SBMC^MR||DOE^JOHN||19000101|M|||||555-555-0100",
            "Sexual health clinic (text line 617-555-0116)",
            // A directory's dot leaders.
            "Renal / dialysis .......... 617-555-0112",
            "reach us at 415-253-8700, press 2 for billing",
            "Member price $0 / non-member $25. Questions: (608) 555-0195.",
        ] {
            assert_eq!(found(t, Kind::Phone), Some(Confidence::Low), "{t}");
        }
        for t in [
            "Her cell: (415) 555-0110",
            "His phone is 559-555-0181 (landline, can't text).",
            "Left VM at 317-555-0179 about her results",
            "Questions about her meds? Her daughter's number is 415-253-8700",
            "Questions? Call her daughter at 415-555-0110",
            "Pt needs refill of lisinopril.\n\nThanks,\nKim\nPt cell: 415-555-0110",
        ] {
            assert_eq!(found(t, Kind::Phone), Some(Confidence::Medium), "{t}");
        }
    }

    #[test]
    fn the_writers_signature_number_is_low() {
        let t = "Samples arrive next week.\n\nBest,\nJordan Blake\nTerritory Manager, Acme Pharma\nCell: (415) 253-8700\n";
        assert_eq!(found(t, Kind::Phone), Some(Confidence::Low));
        let t = "Best,\nJordan\n\nPS: her cell is 415-253-8700".to_string()
            + &" and her results follow.".repeat(40);
        assert_eq!(found(&t, Kind::Phone), Some(Confidence::Medium));
    }

    #[test]
    fn toll_free_numbers_are_low() {
        assert_eq!(
            found("Customer Service 1-800-555-0110, Mon-Fri", Kind::Phone),
            Some(Confidence::Low)
        );
        assert_eq!(
            found("Her cell: (415) 555-0110", Kind::Phone),
            Some(Confidence::Medium)
        );
    }

    #[test]
    fn weak_identifiers() {
        assert_eq!(
            found("Call back at (415) 253-8700.", Kind::Phone),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found("call 415-253-8700", Kind::Phone),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found("Server 10.159.17.10 was restarted", Kind::Ip),
            Some(Confidence::Low)
        );
        assert_eq!(found("version 1.2.3.400", Kind::Ip), None);
        assert_eq!(
            found("mail jane.doe@clinic.example.org now", Kind::Email),
            Some(Confidence::Medium)
        );
        assert_eq!(found("a @ b", Kind::Email), None);
        assert_eq!(
            found("lives at 12 Oak Street", Kind::Address),
            Some(Confidence::Medium)
        );
        assert_eq!(found("order 376-85-5983", Kind::Phone), None);
    }
}

//! Health-plan member ID detector.
//!
//! Keyword-anchored: member / subscriber / enrollee / insured / medicaid /
//! insurance / health plan + (ID | # | number), "insurance member ID",
//! "ID card #" → high; "policy number", "plan ID" → medium; "group
//! number" → low (an employer's plan, shared by everyone it covers).
//! The value: optional letters and at least five digits, 6-24 characters;
//! after member wording also one printed in space-separated digit groups
//! that fill the field (`XGH 448 201 993`; see `anchored::grouped_after`).
//! Extra keywords come from `[detectors.member_id] keywords`.

use super::anchored::{FILLER, digit_count, grouped_after, value_after, values};
use super::{DetectorConfig, re};
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::{after, before};
use regex::Regex;
use std::sync::OnceLock;

/// Member wording giving high confidence (case-insensitive, after `\b`).
pub const STRONG: &str = r"(?:(?:member|subscriber|enrollee|insured|medicaid|medi-cal|insurance|health\s+plan|beneficiary)(?:'s)?\s*(?:id(?:entification)?|#|number|no|num|nbr)|id\s+card\s*(?:#|number|no)|insurance\s+(?:member|subscriber)\s+id|(?:kranken)?versicherten(?:nummer|-?nr\.?)|n(?:°|º|o\.?|um[ée]ro)\s*(?:de\s+)?s[ée]curit[ée]\s+sociale|cart[ãa]o\s+(?:do\s+)?sus|n[úu]mero\s+de\s+afiliaci[óo]n|tarjeta\s+sanitaria(?:\s+individual)?|carte\s+vitale|tessera\s+sanitaria|n[úu]mero\s+de\s+utente(?:\s+do\s+(?-i:SNS))?(?:\s+é)?|cart[ãa]o\s+de\s+utente|nhs\s+(?:number|no)|(?:medical\s+aid|medical\s+scheme|health\s+fund)\s+membership\s*(?:number|no|#)|medical\s+aid\s*(?:number|no|#)|(?-i:ABHA)\s*(?:number|no|id)|(?-i:CHI)\s*(?:number|no)|(?-i:IHI)|(?-i:OHIP)|health\s+card\s*(?:number|no|#)|(?-i:PPSN)|(?-i:PPS)\s*(?:number|no)|(?-i:NRIC)|medicare\s*card\s*(?:number|no|#))";

/// Plan wording giving medium confidence. `contract` and `certificate`
/// numbers (some Blue Cross cards, group plans) count only with coverage
/// wording nearby: alone they are vendor contracts and CME certificates.
pub const WEAK: &str =
    r"(?:policy|group|plan|contract|certificate|membership)\s*(?:id|#|number|no|num|nbr)";

/// Coverage wording that makes a contract or certificate number a member's.
fn coverage() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:insurance|insured|insurer|subscriber|member|coverage|benefits?|health\s+plan|medical\s+(?:aid|scheme)|health\s+fund|authori[sz]ation|dependant|blue\s+(?:cross|shield)|bcbs|policyholder|dependents?|eligibility|copay|deductible)(?-u:\b)")
    })
}

/// A weak keyword ending at `kend` that names a contract or certificate,
/// with no coverage wording within a few lines around it.
fn contract_without_coverage(text: &str, kend: usize) -> bool {
    static KEYWORD: OnceLock<Regex> = OnceLock::new();
    let keyword = KEYWORD.get_or_init(|| {
        re(r"(?i)(?:contract|certificate|membership)\s*(?:id|#|number|no|num|nbr)\.?\s*$")
    });
    // The keyword itself, not a word before it (`my medical certificate,
    // policy no`).
    keyword.is_match(before(text, kend, 32))
        && !coverage().is_match(before(text, kend, 300))
        && !coverage().is_match(after(text, kend, 120))
}

/// A subscriber number in the footer of bulk mail (`You are receiving
/// this alert because you subscribed… Subscriber no. 55018832`): a
/// journal's or a newsletter's reader, no health plan's member.
/// Only with a subscription's own wording near it, and no plan, claim or
/// care wording in the text: a plan's notice to its member has a
/// preferences footer too.
fn subscriber_in_bulk_footer(text: &str, kend: usize, s: usize, e: usize) -> bool {
    static SUBSCRIPTION: OnceLock<Regex> = OnceLock::new();
    let subscription = SUBSCRIPTION.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:subscribed|alerts?|digest|newsletter|table\s+of\s+contents|new\s+articles)(?-u:\b)")
    });
    before(text, kend, 16)
        .to_ascii_lowercase()
        .contains("subscriber")
        && super::weak::bulk_footer(text, s, e)
        && (subscription.is_match(before(text, s, 300))
            || subscription.is_match(after(text, e, 300)))
        && !plan_wording().is_match(text)
}

/// Plan and claim wording: a health plan's notice to its member.
fn plan_wording() -> &'static Regex {
    static PLAN: OnceLock<Regex> = OnceLock::new();
    PLAN.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:claims?|authori[sz]ation|coverage|covered|benefits?|copay|deductible|eligib[a-z]*|premium|plan\s+(?:id|member)|your\s+(?:visit|appointment|prescription|results?))(?-u:\b)")
    })
}

/// A membership that is no health plan's: a gym's, a club's, a loyalty
/// programme's or a library's member number (`IronLeaf Fitness … Member
/// #: 0041-882715`), with such a place named near it and no plan wording
/// anywhere in the text.
fn club_membership(text: &str, kend: usize, s: usize, e: usize) -> bool {
    static CLUB: OnceLock<Regex> = OnceLock::new();
    let club = CLUB.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:fitness|gym|club|loyalty|rewards?|points|frequent\s+fl[iy]er|mileage|miles|library|museum|zoo|alumni|association|warehouse|wholesale|streaming|subscription\s+box)(?-u:\b)")
    });
    let kw = before(text, kend, 16).to_ascii_lowercase();
    kw.contains("member")
        && (club.is_match(before(text, s, 300)) || club.is_match(after(text, e, 300)))
        && !plan_wording().is_match(text)
}

/// A certificate, contract or policy number of insurance that is no
/// health cover (`Plan: TripGuard Basic (trip cancellation & baggage
/// only)` / `Certificate no.: TG-2025-7719302`), or a club's or a
/// company's own cover shared by all its members (`Club personal
/// accident - policy wording`): such cover named in the lines before it.
fn other_insurance(text: &str, kend: usize) -> bool {
    static OTHER: OnceLock<Regex> = OnceLock::new();
    let other = OTHER.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:trip|travel|baggage|luggage|cancellation|flight|auto|car|vehicle|motor|homeowners?|renters?|tenants?|pet|property|liability|flood|boat|personal\s+accident|indemnity|policy\s+wording|club\s+policy)(?-u:\b)")
    });
    other.is_match(before(text, kend, 300))
}

/// A group number names an employer's plan, shared by everyone it
/// covers: alone it identifies no one (a broker's renewal quote).
fn group_number(text: &str, kend: usize) -> bool {
    before(text, kend, 16)
        .to_ascii_lowercase()
        .contains("group")
}

fn value() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(&format!(
            r"{FILLER}([A-Za-z]{{0,4}}[- ]?[0-9][A-Za-z0-9\-]{{4,22}})"
        ))
    })
}

/// Longest member ID kept.
const MAX_LEN: usize = 24;

fn value_ok(v: &str) -> bool {
    // No one's number is all zeros (`XXX000000000` on a sample card).
    digit_count(v) >= 5
        && (6..=MAX_LEN).contains(&v.len())
        && !v.bytes().filter(u8::is_ascii_digit).all(|c| c == b'0')
}

/// A built-in keyword ended at `kend`: report the member ID after it.
pub fn after_keyword(text: &str, kend: usize, strong: bool, loc: Location, sink: &mut Sink) {
    if !strong && contract_without_coverage(text, kend) {
        return;
    }
    // Grouped values only after member wording: after "policy" or "group"
    // number such groups are as often order or contract numbers.
    let grouped = if strong {
        grouped_after(text, kend, MAX_LEN)
    } else {
        None
    };
    let found = grouped.or_else(|| {
        value_after(text, kend, value()).filter(|&(s, e)| text.get(s..e).is_some_and(value_ok))
    });
    if let Some((s, e)) = found
        && let Some(v) = text.get(s..e)
    {
        let conf = if subscriber_in_bulk_footer(text, kend, s, e)
            || club_membership(text, kend, s, e)
            || (!strong && other_insurance(text, kend))
        {
            Confidence::Low
        } else if strong {
            Confidence::High
        } else if group_number(text, kend) {
            Confidence::Low
        } else {
            Confidence::Medium
        };
        sink.push(Kind::MemberId, conf, loc, v);
    }
}

/// Configured extra keywords (`[detectors.member_id] keywords`), if any.
pub fn scan_configured(text: &str, loc: Location, cfg: &DetectorConfig, sink: &mut Sink) {
    if let Some(extra) = &cfg.member_keywords {
        for (s, e) in values(text, extra, value()) {
            if let Some(v) = text.get(s..e)
                && value_ok(v)
            {
                sink.push(Kind::MemberId, Confidence::High, loc, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn phrasings() {
        for t in [
            "Member ID: MBR6306895498",
            "Insurance member ID H2285560420",
            "Subscriber #: 12345678",
            "Member Number XJ1234567890",
            "Medicaid ID 99887766A",
            "subscriber id is W1234567890",
            "Insurance ID: XGH 448 201 993",
            "Member number: W 2291 8874 03\r\nService date: 10/02/2026",
            "Member ID 1234 5678 90, effective 01/01/2026",
            "Member ID: W123456 01/01/2026",
            "Member ID: ABCD 12345",
            // Health numbers of other English-speaking systems, and a
            // medical scheme's membership number.
            "His ABHA number is 91-2730-4418-8201",
            "CHI number 0102456781",
            "OHIP number 1234-567-890-XY",
            "Medicare card number 2123 45670 1",
            "NRIC S1234567D",
            "PPSN 1234567TA",
        ] {
            assert_eq!(found(t, Kind::MemberId), Some(Confidence::High), "{t}");
        }
        // Overlapping wording: "beneficiary id" runs into "id card #".
        assert_eq!(
            found("Beneficiary ID card #: 77812345", Kind::MemberId),
            Some(Confidence::High)
        );
        assert_eq!(
            found("Policy number: PL-2039948", Kind::MemberId),
            Some(Confidence::Medium)
        );
    }

    #[test]
    fn lookalikes() {
        // A card's fields in one line, column gaps between them.
        // A medical scheme's membership number, with its cover's wording;
        // a gym's or a society's is no plan's, and a name or a town that
        // opens like a label is none.
        assert_eq!(
            found(
                "Membership number: 448019234   Dependant code: 00",
                Kind::MemberId
            ),
            Some(Confidence::Medium)
        );
        for t in [
            "Welcome to IronLeaf Fitness! Membership number: 0041882715",
            "Thank you for renewing your IEEE membership. Membership number: 94012345",
            "Call Abha on 9876543210",
            "12 Main St, Chino CA 91710-1234",
        ] {
            assert_eq!(found(t, Kind::MemberId), None, "{t}");
        }
        let card = "Member ID: QHX 8842 0173 6   Grp 55102   RxBIN 610999";
        assert_eq!(found(card, Kind::MemberId), Some(Confidence::High));
        // A journal alert's reader, in the bulk footer; a plan's
        // subscriber anywhere else.
        let alert = "Four new articles on kidney disease.\n\nYou are receiving this alert because you subscribed. Manage alerts. Subscriber no. 55018832.";
        assert_eq!(found(alert, Kind::MemberId), Some(Confidence::Low));
        let claim = "Your claim for the MRI was denied. Subscriber no. 55018832.";
        assert_eq!(found(claim, Kind::MemberId), Some(Confidence::High));
        let notice = "Your prior authorization for the lumbar MRI was approved.\nSubscriber ID: XJH448201993\nTo update your email preferences, sign in.";
        assert_eq!(found(notice, Kind::MemberId), Some(Confidence::High));
        assert_eq!(found("Member since 2019", Kind::MemberId), None);
        // A gym's member number and a travel policy's certificate.
        let gym = "IronLeaf Fitness - Payment receipt\nMember: Darius Farahani\nMember #: 0041-882715\nHome club: Eastgate\nAmount charged: $588.00";
        assert_eq!(found(gym, Kind::MemberId), Some(Confidence::Low));
        let trip = "Plan: TripGuard Basic (trip cancellation & baggage only)\nCertificate no.: TG-2025-7719302\nInsured: Teresa Oyelaran";
        assert_eq!(found(trip, Kind::MemberId), Some(Confidence::Low));
        let plan = "Blue Ridge Health Plan\nMember #: 0041-882715\nYour deductible resets in January; fitness club discount inside.";
        assert_eq!(found(plan, Kind::MemberId), Some(Confidence::High));
        assert_eq!(found("member ID pending", Kind::MemberId), None);
        assert_eq!(found("Offer code SPRING26", Kind::MemberId), None);
        // A CME certificate and a vendor contract are no plan membership.
        assert_eq!(
            found("Certificate ID: CME-2025-884102", Kind::MemberId),
            None
        );
        assert_eq!(
            found("Contract No. ....... CT-2025-6476", Kind::MemberId),
            None
        );
        // With coverage wording, the same numbers are a member's.
        assert_eq!(
            found(
                "BCBS subscriber card: Contract # XYP882019334",
                Kind::MemberId
            ),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found(
                "Group health insurance, Certificate No. 55120934",
                Kind::MemberId
            ),
            Some(Confidence::Medium)
        );
        // An employer's group number alone identifies no one.
        assert_eq!(
            found("Current group #: 0093817-A   Enrolled: 42", Kind::MemberId),
            Some(Confidence::Low)
        );
        // Groups: after plan wording, phone numbers, too few digits.
        assert_eq!(found("Contract no. 2026 0413", Kind::MemberId), None);
        assert_eq!(found("Group number 10 20 30 40", Kind::MemberId), None);
        assert_eq!(
            found("Subscriber number 07700 900 123", Kind::MemberId),
            None
        );
        assert_eq!(found("Member ID 12 345", Kind::MemberId), None);
    }
}

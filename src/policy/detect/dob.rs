//! Date of birth detector.
//!
//! A keyword (DOB, D.O.B., date of birth, birth date, birthdate, born on,
//! born) followed on the same or the next line, within a short gap holding no digits,
//! by a valid date (see `dates`). Such a pair is high confidence. Dates
//! without birth wording are not reported: dates are everywhere.

use super::dates;
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::{after, before};
use regex::Regex;
use std::cell::OnceCell;
use std::sync::OnceLock;

/// Birth wording (case-insensitive, after a word boundary).
pub const KEYWORD: &str = r"(?:d\.?\s?o\.?\s?b|date\s+of\s+birth|date_?of_?birth|birth[\s_]*date|birthdate|birthday|bday|born(?:\s+on)?|geburtsdatum|geb(?:oren(?:\s+am)?)?|fecha\s+de\s+nacimiento|date\s+de\s+naissance|n[ée]e?\s+le|nacid[oa]\s+(?:el|en)|data\s+de\s+nascimento|nascid[oa]\s+em|ng[àa]y\s+sinh|dat\s+nesans|fèt|petsa\s+ng\s+kapanganakan|kaarawan|data\s+urodzenia|geboortedatum|geb\.\s*datum|geboren\s+op|data\s+di\s+nascita|nat[oa]\s+il|do[ğg]um\s+tarihi|taariikhda\s+dhalashada|nasci\s+(?:em|no\s+dia)|nac[ií]\s+(?:el|en)|f[öo]dd(?:\s+den)?|urodzon[ya](?:\s+dnia)?|narozen[ay]?|do[ğg]\.\s?t(?:ar)?)(?-u:\b)|(?-i:ur|nar)\.|(?-i:[dD]\.\s?[tT])\.|datum\s+narozen[íi]|data\s+na[șşs]terii|n[ăa]scut[ăa]?\s+(?:la|pe|[îi]n)|f[öo]delsedatum|f[øo]dselsdato|f[øo]dt(?:\s+den)?|syntym[äa]aika|sz[üu]let[ée]si\s+(?:d[áa]tum|id[őo])|datum\s+ro(?:đ|d)enja|datum\s+rojstva|datum\s+narodenia|data\s+lindjes";

/// Longest filler allowed between keyword and date, e.g. `: `, ` (`,
/// ` is `, ` of patient: `.
const MAX_GAP: usize = 24;

/// The words a gap before a compact date may hold: `is` and a format hint
/// (`DOB is 19610307`, `DOB (YYYYMMDD): 19610307`); punctuation and blanks.
fn compact_gap_ok(gap: &str) -> bool {
    gap.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| {
            ["is", "yyyymmdd", "ccyymmdd"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        })
}

/// A keyword ended at `kend`: report the date that follows it, if any.
/// `packet`: whether `text` holds credentialing wording anywhere, asked
/// once per text.
pub fn after_keyword(
    text: &str,
    kend: usize,
    packet: &OnceCell<bool>,
    loc: Location,
    sink: &mut Sink,
) {
    let w = after(text, kend, MAX_GAP + 32);
    let Some((s, e)) = dates::first_date(w) else {
        answered_on_next_line(text, kend, loc, sink);
        return;
    };
    let gap = &w[..s];
    if gap.len() > MAX_GAP
        || gap.bytes().any(|b| b.is_ascii_digit())
        || gap.matches('\n').count() > 1
    {
        answered_on_next_line(text, kend, loc, sink);
        return;
    }
    // A question answered (`…your date of birth?` over `12 March 1961`)
    // ends in the date: `Since 12 March 2025 we ask…` is an FAQ's answer.
    if gap.contains('?')
        && gap.contains('\n')
        && w[e..]
            .split('\n')
            .next()
            .is_some_and(|t| t.chars().any(char::is_alphanumeric))
    {
        return;
    }
    // A bare eight-digit value is a date only right after the keyword
    // (`DOB: 19610307`), not further on (`DOB field, ticket 20200303`).
    let compact = w[s..e].bytes().all(|b| b.is_ascii_digit());
    if compact && !compact_gap_ok(gap) {
        return;
    }
    if sentinel_year(&w[s..e], compact) || super::anchored::training_record_line(text, kend) {
        return;
    }
    // `Born in Ashby on June 2, 1938, Eleanor taught…`: a death notice
    // tells a life in public; its birth date is no record's.
    // Within a window: a text of many births must not be read whole
    // once per birth.
    const NOTICE_REACH: usize = 600;
    let told = kend >= 4
        && text.as_bytes()[kend - 4..kend].eq_ignore_ascii_case(b"born")
        && death_notice(
            &text[crate::policy::text::floor_boundary(text, kend.saturating_sub(NOTICE_REACH))
                ..crate::policy::text::floor_boundary(text, kend + NOTICE_REACH)],
        );
    // `happy birthday Keanu!!! cake at 3 (born 4/2/95 lol)`: a party's
    // date, no record's.
    let party = celebration(
        &text[crate::policy::text::floor_boundary(text, kend.saturating_sub(300))
            ..crate::policy::text::floor_boundary(text, kend + 300)],
    );
    let confidence =
        if told || party || credentialing(text, kend, packet) || vetting_or_visitor(text, kend) {
            Confidence::Medium
        } else {
            Confidence::High
        };
    sink.push(Kind::Dob, confidence, loc, &w[s..e]);
}

/// A transcript's question and its answer (`…confirm your member ID and
/// date of birth?` over `7:42 PM: Kelsey Moravec: BWH 402 118 776,
/// 10/02/1994`): the birth wording's line ends in a question, and the
/// next line, past a time and a speaker, ends in a date of an earlier
/// year within its first 80 bytes.
fn answered_on_next_line(text: &str, kend: usize, loc: Location, sink: &mut Sink) {
    let rest = after(text, kend, 120);
    let Some(nl) = rest.find('\n') else {
        return;
    };
    if !rest[..nl].trim_end().ends_with('?') {
        return;
    }
    // The reader's own birth date asked (`your date of birth?`), not a
    // form's or an FAQ's (`Can I update my date of birth online?`).
    let asked = before(text, kend, 48).to_ascii_lowercase();
    let asked = asked.rsplit('\n').next().unwrap_or("");
    let next = rest[nl + 1..].lines().next().unwrap_or("");
    // Or two speakers' turns of a transcript (`[09:05:02] Nurse Kim: And
    // date of birth for the record?` over `[09:05:12] Wendell Okoro: 30
    // September 1947`).
    let ls = memchr::memrchr(b'\n', &text.as_bytes()[..kend]).map_or(0, |i| i + 1);
    let question_line = &text[ls..kend];
    let own_asked = ["your", "confirm", "verify", "member", "patient", "caller"]
        .iter()
        .any(|w| asked.contains(w));
    // Two speakers with no `your`: only where the talk is of care (a car
    // rental's `the additional driver's date of birth?` is not). The
    // segment is read for a term once, only here.
    if !(own_asked || (two_speakers(question_line, next) && care_talk(text))) {
        return;
    }
    // `…your full name and date of birth?` over `Marisol Ventura,
    // 03/17/1971`: the name given with it.
    let named = asked.contains("name");
    let next = &next[..crate::policy::text::floor_boundary(next, 80)];
    let Some((s, e)) = dates::first_date(next) else {
        return;
    };
    // Each line its own speaker's: no second question on the answer's,
    // and the date ends the answer (`Since 12 March 2025 we ask…` is an
    // FAQ's answer, no one's birth).
    let tail_words = next[e..].chars().any(char::is_alphanumeric);
    let compact = next[s..e].bytes().all(|b| b.is_ascii_digit());
    if next[..s].contains('?')
        || tail_words
        || !past_year(&next[s..e])
        || sentinel_year(&next[s..e], compact)
    {
        return;
    }
    // The answer holds only a time, a speaker, identifiers and a few
    // words of assent (`Sure, it's`), no sentence about a date (`Only for
    // accounts opened before`, `Policy updated`).
    let head = next[..s].rsplit(": ").next().unwrap_or("");
    const ASSENT: &[&str] = &[
        "sure", "yes", "yeah", "yep", "ok", "okay", "it's", "its", "it", "is", "mine", "my", "dob",
        "date", "of", "birth", "born", "the", "and", "id", "member", "number", "no", "i", "was",
        "on", "that's", "thats",
    ];
    let plain = head
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .all(|w| {
            let l = w.to_lowercase();
            let l = l.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
            l.is_empty()
                || w.chars().any(|c| c.is_ascii_digit())
                || (w.len() <= 4 && w.chars().all(|c| c.is_ascii_uppercase()))
                || (named && w.chars().next().is_some_and(char::is_uppercase))
                || ASSENT.contains(&l)
        });
    if !plain {
        return;
    }
    sink.push(Kind::Dob, Confidence::High, loc, &next[s..e]);
}

/// Does `line` open with a transcript speaker's label: an optional time
/// (`[09:05:02]`, `7:42 PM:`), then one to four capitalised words of two
/// letters or more and a colon (`Nurse Kim: `; not an FAQ's `Q:`)?
fn speaker_turn(line: &str) -> Option<&str> {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::re(
            r"^[ \t>]*(?:\[?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?\]?[ \t]*[-:]?[ \t]*)?(\p{Lu}[\p{L}'.-]+(?:[ \t]\p{Lu}[\p{L}'.-]+){0,3}):[ \t]",
        )
    })
    .captures(line)
    .and_then(|c| c.get(1))
    .map(|m| m.as_str())
}

/// Talk of care: a listed term, or a care word (`Nurse Kim`, `intake`,
/// `What brings you in today?` at a clinic).
fn care_talk(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::re(r"(?i)(?-u:\b)(?:nurse|doctor|clinic|patient|intake|triage|appointment|pharmac\w*|prescri\w*|symptoms?|pain|medical|hospital|surgery|gp|health\s+plan|member\s+services)(?-u:\b)")
    })
    .is_match(text)
        || super::health::has_term(text)
}

/// A question and its answer by two different speakers, neither an
/// FAQ's `Question:`/`Answer:`, and no threshold asked (`the latest date
/// of birth allowed in the U12 squad?`, `the cut-off date of birth`).
fn two_speakers(question: &str, answer: &str) -> bool {
    const NOT_SPEAKERS: &[&str] = &[
        "question", "answer", "reply", "response", "note", "example", "format", "faq", "tip",
    ];
    let (Some(q), Some(a)) = (speaker_turn(question), speaker_turn(answer)) else {
        return false;
    };
    let lq = question.to_lowercase();
    q != a
        && ![q, a]
            .iter()
            .any(|l| NOT_SPEAKERS.contains(&l.to_lowercase().as_str()))
        && ![
            "latest", "earliest", "cut-off", "cutoff", "allowed", "eligible", "minimum", "maximum",
            "oldest", "youngest",
        ]
        .iter()
        .any(|w| lq.contains(w))
}

/// A birthday greeting or party among colleagues: `happy birthday`,
/// `birthday cake`, `bday party`, `card is going around`.
fn celebration(w: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::re(
            r"(?i)(?-u:\b)(?:happy\s+(?:belated\s+)?(?:birthday|bday|b-day)|(?:birthday|bday|b-day)\s+(?:cake|party|lunch|card|celebration|wishes|girl|boy)|feliz\s+(?:cumpleaños|aniversário)|joyeux\s+anniversaire|alles\s+gute\s+zum\s+geburtstag)",
        )
    })
    .is_match(w)
}

/// Birth wording in scripts without ASCII word boundaries, which the
/// anchored keyword search cannot open on: Chinese (`出生日期`,
/// `出生年月日`), Japanese (`生年月日`), Korean (`생년월일`), Russian
/// (`дата рождения`, any case of its first letter, `дата рожд.`, `д. р.`), Arabic (`تاريخ
/// الميلاد`). Whole labels: `生日快乐` (happy birthday), `С днём
/// рождения` and `عيد الميلاد` (Christmas) are greetings, not records.
const OTHER_SCRIPT_KEYWORDS: &[&str] = &[
    "出生日期",
    "تاريخ ميلاد",
    "تاریخ پیدائش",
    "تاریخ تولد",
    "дата народження",
    "የተወለድኩት",
    "जन्म तिथि",
    "जन्मतिथि",
    "出生年月",
    "生年月日",
    "생년월일",
    "ата рожд",
    "АТА РОЖД",
    "д. р.",
    "д.р.",
    "Д. Р.",
    "Д.Р.",
    "تاريخ الميلاد",
    "תאריך לידה",
    "μερομηνία γέννησης",
    "ΜΕΡΟΜΗΝΙΑ ΓΕΝΝΗΣΗΣ",
    "μ. γέννησης",
    "μ/νία γέννησης",
    "μ/νια γέννησης",
    "Ημ. Γέννησης",
    "ΗΜ. ΓΕΝΝΗΣΗΣ",
    "ата на раждане",
    "атум рођења",
    "атум рождения",
    "Μ/ΝΙΑ ΓΕΝΝΗΣΗΣ",
    "АТА НА РАЖДАНЕ",
    "ДАТА НА РАЖДАНЕ",
    "ДАТУМ РОЂЕЊА",
];

/// `1949年3月17日`, `1985년 3월 2일`: the year-month-day order of
/// Chinese, Japanese and Korean dates.
fn cjk_date(w: &str) -> Option<(usize, usize)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        // A Japanese era's year too (`昭和60年4月2日`), and full-width
        // digits (`１９８５年４月２日`).
        super::re(
            r"(?:(?:19|20|１９|２０)[0-9０-９]{2}|(?:昭和|平成|令和|大正)(?:[0-9０-９]{1,2}|元))\s*[年년]\s*([0-9０-９]{1,2})\s*[月월]\s*([0-9０-９]{1,2})\s*[日일]?",
        )
    });
    let c = r.captures(w)?;
    let m = c.get(0)?;
    let month = wide_number(c.get(1)?.as_str())?;
    let day = wide_number(c.get(2)?.as_str())?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((m.start(), m.end()))
}

/// The value of ASCII or full-width digits.
pub(super) fn wide_number(d: &str) -> Option<u32> {
    d.chars().try_fold(0u32, |n, c| {
        let v = c
            .to_digit(10)
            .or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32))?;
        n.checked_mul(10)?.checked_add(v)
    })
}

/// `15 سبتمبر 2016`: day, an Arabic month name, year.
fn arabic_date(w: &str) -> Option<(usize, usize)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        super::re(
            r"[0-9]{1,2}\s+(?:يناير|فبراير|مارس|أبريل|إبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر)\s+(?:19|20)[0-9]{2}",
        )
    });
    r.find(w).map(|m| (m.start(), m.end()))
}

/// Dates of birth labelled in other scripts (see
/// `OTHER_SCRIPT_KEYWORDS`): a Korean or Chinese patient's own letter.
pub fn scan_other_scripts(text: &str, loc: Location, sink: &mut Sink) {
    // Every keyword opens with a lead byte of another script: text with
    // none of them holds no keyword.
    if !super::scripts::has_other_script(text.as_bytes()) {
        return;
    }
    // One SIMD substring search per keyword: their first bytes never
    // occur in ASCII text, so each pass skips through it at memory speed
    // (an automaton over all four read prose byte by byte).
    static FINDERS: OnceLock<Vec<memchr::memmem::Finder<'static>>> = OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        OTHER_SCRIPT_KEYWORDS
            .iter()
            .map(|k| memchr::memmem::Finder::new(k.as_bytes()))
            .collect()
    });
    for finder in finders {
        for at in finder.find_iter(text.as_bytes()).take(256) {
            let end = at + finder.needle().len();
            // `التاريخ الميلادي` (the Gregorian date) holds the birth
            // label after its article (`تاريخ ميلادها`, her birth date,
            // stays one).
            if text[..at].ends_with("ال") {
                continue;
            }
            let keyword = finder.needle();
            // `ДАТА РОЖДЕСТВА` (Christmas Day) is no birth.
            if keyword.ends_with("рожд".as_bytes()) || keyword.ends_with("РОЖД".as_bytes())
            {
                let next = &text[end..];
                if next.starts_with("еств") || next.starts_with("ЕСТВ") {
                    continue;
                }
            }
            // `д. р.` is also `день рождения` (a birthday, this year's)
            // and a slip for `и др.` (etc.): a birth date lies in a past
            // year, after no `и`.
            let short = keyword.len() <= "Д. Р.".len();
            if short && (text[..at].ends_with("и ") || text[..at].ends_with("И ")) {
                continue;
            }
            // The date must follow within a few characters of label text
            // (`出生年月日`) and punctuation.
            let w = after(text, end, 48);
            let found = cjk_date(w)
                .or_else(|| arabic_date(w))
                .or_else(|| dates::first_date(w));
            let Some((s, e)) = found else { continue };
            let gap = &w[..s];
            // A label that ends its line, the date opening the next
            // (`(дата народження` / `03.09.2015, 4-Б клас)`), is one.
            let wrapped = gap.matches('\n').count() == 1
                && gap.rsplit('\n').next().is_some_and(|t| t.trim().is_empty());
            if gap.chars().count() > 8
                || gap.bytes().any(|b| b.is_ascii_digit())
                || (gap.contains('\n') && !wrapped)
            {
                continue;
            }
            if sentinel_year(&w[s..e], false) {
                continue;
            }
            if short && !past_year(&w[s..e]) {
                continue;
            }
            sink.push(Kind::Dob, Confidence::High, loc, &w[s..e]);
        }
    }
}

/// Does the date's four-digit year lie before this year?
fn past_year(date: &str) -> bool {
    date.as_bytes()
        .split(|b| !b.is_ascii_digit())
        .filter(|run| run.len() == 4)
        .filter_map(|run| std::str::from_utf8(run).ok()?.parse::<i32>().ok())
        .any(|y| y < super::dates::this_year())
}

/// A clinician's own record in a credentialing or enrollment packet
/// (`Date of birth: 11/04/1979` among `DEA:`, `GA license:`, `CAQH ID:`):
/// credentialing wording and a licence or DEA label near the birth
/// wording ending at `kend`, and no word of a patient.
fn credentialing(text: &str, kend: usize, packet: &OnceCell<bool>) -> bool {
    use crate::policy::text::floor_boundary;
    const REACH: usize = 600;
    const LICENCE_REACH: usize = 200;
    static R: OnceLock<[Regex; 2]> = OnceLock::new();
    let [words, licence] = R.get_or_init(|| {
        [
            r"(?i)(?-u:\b)(?:re-?credentialing|credentialing|reappointment|re-?appointment\s+packet|caqh|primary\s+source\s+verification|cvo|medical\s+staff\s+(?:office|services)|provider\s+enrollment|clinical\s+privileges)(?-u:\b)",
            r"(?i)(?-u:\b)(?:dea|license|licence|board\s+cert(?:ified|ification)?)(?-u:\b)",
        ]
        .map(|p| Regex::new(p).expect("built-in pattern compiles"))
    });
    let patient = patient_word();
    let w =
        &text[floor_boundary(text, kend.saturating_sub(REACH))..floor_boundary(text, kend + REACH)];
    // The licence or DEA label among the packet's lines next to the birth
    // date, not anywhere in the text.
    let near = &text[floor_boundary(text, kend.saturating_sub(LICENCE_REACH))
        ..floor_boundary(text, kend + LICENCE_REACH)];
    // Byte searches first: most birth dates have no licence near them.
    let licence_near = [
        "icens",
        "ICENS",
        "icenc",
        "ICENC",
        "DEA",
        "oard cert",
        "OARD CERT",
    ]
    .iter()
    .any(|l| memchr::memmem::find(near.as_bytes(), l.as_bytes()).is_some());
    licence_near
        && *packet.get_or_init(|| words.is_match(text))
        && words.is_match(w)
        && licence.is_match(near)
        && !patient.is_match(w)
}

/// A word of a patient, a member or a client: the birth date may be
/// theirs.
fn patient_word() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)(?:patients?|pt|member|mrn|diagnos[ie]s|dx|claim|child(?:ren)?|son|daughter|foster|placed|placement|resident|client|recipient|consumer|admitted|enrollee|participant|beneficiary|infant|student|individual|driver'?s\s+licen[cs]e)(?-u:\b)")
            .expect("built-in pattern compiles")
    })
}

/// A volunteer's, a new starter's or a visitor's own record (`Hierbij
/// mijn gegevens voor de VOG-aanvraag: … geboren 14-09-1985`, a car
/// park's incident naming `návštevník nemocnice`): background-check or
/// hiring wording, or a visitor named, near the birth wording ending at
/// `kend`, and no word of a patient.
fn vetting_or_visitor(text: &str, kend: usize) -> bool {
    use crate::policy::text::floor_boundary;
    const REACH: usize = 600;
    const VISITOR_REACH: usize = 200;
    const RECORD_REACH: usize = 120;
    static R: OnceLock<[Regex; 2]> = OnceLock::new();
    let [vetting, visitor] = R.get_or_init(|| {
        [
            r"(?i)(?:^|[^\p{L}])(?:vog(?:-aanvraag)?|verklaring\s+omtrent\s+het\s+gedrag|dbs\s+(?:check|application|certificate|form)|disclosure\s+and\s+barring|pvg\s+(?:scheme|check)|background\s+check|police\s+(?:check|clearance|vetting|certificate)|criminal\s+record(?:s)?\s+check|f[üu]hrungszeugnis|casier\s+judiciaire|antecedentes\s+penales|certificado\s+de\s+delitos|right\s+to\s+work|passport(?:\s+(?:no|number))?|travel\s+document|new\s+starter|payroll|onboarding|volunteer\s+application|belastningsregist(?:er|ret)|utdrag\s+ur|anst[äa]llning|politiattest(?:en)?|straffeattest(?:en)?|b[øo]rneattest(?:en)?|vandelsattest(?:en)?|frivillig[a-zæøå]*|n[óo]mina|vrijwilligers?(?:werk|vacature)?|b[ée]n[ée]voles?|ehrenamtlich[a-z]*)(?:$|[^\p{L}])",
            r"(?i)(?:^|[^\p{L}])(?:visitor|n[áa]v[šs]t[ěe]vn[íi]k|besucher(?:in)?|visiteur|visiteuse|visitante|visitatore|visitatrice|bezoeker|odwiedzaj[ąa]cy)(?:$|[^\p{L}])",
        ]
        .map(|p| Regex::new(p).expect("built-in pattern compiles"))
    });
    let w =
        &text[floor_boundary(text, kend.saturating_sub(REACH))..floor_boundary(text, kend + REACH)];
    // The visitor is the birth date's owner: on its line or just after
    // (`Poškodený: Peter Horváth, nar. … /` `(návštevník nemocnice)`),
    // and no `Health Visitor` signing.
    let ls = text[..kend].rfind('\n').map_or(0, |k| k + 1);
    let record = &text[ls..floor_boundary(text, kend + RECORD_REACH)];
    let own_visitor = visitor.find(record).is_some_and(|m| {
        !record[..m.start()]
            .to_ascii_lowercase()
            .trim_end()
            .ends_with("health")
    });
    // Care near a vetting's birth date keeps it a patient's.
    let near = &text[floor_boundary(text, kend.saturating_sub(VISITOR_REACH))
        ..floor_boundary(text, kend + VISITOR_REACH)];
    // (A visitor's record names the hospital itself.)
    ((vetting.is_match(w) && !super::health::has_term(near)) || own_visitor)
        && !patient_word().is_match(w)
        && !patient_setting_word().is_match(w)
}

/// A word of a stay on a ward (`bay`, `discharged`): a birth date near it
/// belongs to someone cared for, not to a visitor or a new starter.
/// Kept apart from `patient_word`, which other checks share.
fn patient_setting_word() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)(?:ward|bay|bed|baby|mum|discharged|treated|inpatient)(?-u:\b)")
            .expect("built-in pattern compiles")
    })
}

/// An obituary or funeral notice: two of its set phrases.
fn death_notice(text: &str) -> bool {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let ac = AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "obituary",
                "passed away",
                "survived by",
                "preceded in death",
                "funeral home",
                "in lieu of flowers",
                "celebration of life",
                "memorial service",
                "funeral service",
            ])
            .expect("built-in phrases compile")
    });
    super::two_of_a_set(ac, text, ac.patterns_len())
}

/// `01/01/1900` and older: the default a record system shows for an
/// unknown or test birth date, nobody's birthday.
fn sentinel_year(date: &str, compact: bool) -> bool {
    if compact && date.len() == 8 {
        // YYYYMMDD (`dates` reads no other compact order).
        return date[..4].parse::<u32>().is_ok_and(|y| y <= 1900);
    }
    date.as_bytes()
        .split(|b| !b.is_ascii_digit())
        .filter(|run| run.len() == 4)
        .any(|run| {
            std::str::from_utf8(run)
                .ok()
                .and_then(|y| y.parse::<u32>().ok())
                .is_some_and(|y| y <= 1900)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn other_scripts() {
        for t in [
            "我是病人王秀英（出生日期 1949年3月17日）的女儿",
            "저는 박지훈입니다. (생년월일 1985년 3월 2일)",
            "生年月日：1972年11月3日",
            "ДАТА РОЖДЕНИЯ 17.03.1949",
            "Дата рождения: 17.03.1949",
            "Пациент: Воробьёва Нина Степановна, д. р. 14.03.1951, пол Ж",
            "Дата рожд.: 14.03.1951",
            "моєї доньки Софії (дата народження\n03.09.2015, 4-Б клас)",
            "תאריך לידה: 22/09/1990",
            "Ημερομηνία γέννησης: 04/11/1952",
        ] {
            assert_eq!(found(t, Kind::Dob), Some(Confidence::High), "{t}");
        }
        for t in [
            "出生地：上海，2019年3月到美国",
            "出生 1949",
            "生年月日：____年__月__日",
            "李医生，我2024年3月5日做了胃镜",
            "学生 2019年9月1日入学",
            "生日快乐 2025年3月5日",
            "С днём рождения 05.03.2025",
            "д. р. — см. приложение, визит 05.03.2025 в 10:00",
            "анализы, снимки и д.р. 12.03.2025 привезём",
            "ДАТА РОЖДЕСТВА: 07.01.2099",
            "Д.Р. 14.03.2099 - отмечаем в кафе",
            "дата народження:\nдата візиту 01.02.2024",
            "عيد الميلاد 25/12/2025",
        ] {
            assert_eq!(found(t, Kind::Dob), None, "{t}");
        }
    }

    #[test]
    fn a_clinicians_credentialing_packet_is_no_patient_record() {
        let t = "Reappointment packet for the CVO:\n  Date of birth: 11/04/1979\n  DEA: BM4827731\n  GA license: MD072211";
        assert_eq!(found(t, Kind::Dob), Some(Confidence::Medium));
        // A patient's birth date stays high beside the same words.
        let t = "Credentialing asked about the DEA license on the order.\nPatient DOB: 11/04/1979";
        assert_eq!(found(t, Kind::Dob), Some(Confidence::High));
        let t = "Provider enrollment update for the Garcia foster home (license #FP-2231 renewed).\nChild placed 3/2: Jayden Ruiz, date of birth 07/19/2016.";
        assert_eq!(found(t, Kind::Dob), Some(Confidence::High));
    }

    #[test]
    fn phrasings() {
        for t in [
            "DOB: 08/06/1989",
            "BDAY:1949-12-01",
            "BDAY;VALUE=date:1949-12-01",
            "D.O.B. 8/6/89",
            "Date of Birth: March 3, 1961",
            "Wei Patel (Date of Birth 01/28/1938) requests",
            "born on 1961-03-03",
            "Birthdate 3 March 1961",
            "James Kim DOB 03/04/1954 - long term",
            "patient dob is 03/03/61",
            "PT NAME: BEAUCHAMP, LOUIS   DOB: 19610307",
            "DOB 19610307 F",
            "DOB is 19610307",
            "DOB (YYYYMMDD): 19610307",
            "Madame Ngozi Eze,\nnée le 12/07/1961",
            "date de naissance : 12/07/1961",
            "Data urodzenia: 14.02.1958",
            "data de nascimento: 12/07/1961",
            "nacido el 12/07/1961",
            "Ngày sinh:     14/08/1950",
            "Dat nesans:   22/06/1979",
            "Petsa ng kapanganakan: 03/06/1958",
            "Patientin:    Hannelore Schneider, geb. 22.05.1957",
            "geboren am 22.05.1957",
            "Jean-Wesley Pierre-Louis (fèt 22/01/2025)",
            "Geboortedatum: 09-08-1964",
            "Paziente:   Giuseppina Russo, nata il 12/09/1955",
            "Data di nascita: 03/02/1948",
            "Doğum tarihi: 14.06.1971",
        ] {
            assert_eq!(found(t, Kind::Dob), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn a_birthday_party_is_no_record() {
        let t = "happy birthday Keanu!!! cake in the break room at 3, he's turning 30 (born 4/2/95 lol)";
        assert_eq!(found(t, Kind::Dob), Some(Confidence::Medium));
        let t = "Patient Keanu Reyes, born 4/2/95, seen for asthma.";
        assert_eq!(found(t, Kind::Dob), Some(Confidence::High));
    }

    #[test]
    fn the_unknown_birth_date_default_is_no_birthday() {
        assert_eq!(found("DOB:  01/01/1900", Kind::Dob), None);
        assert_eq!(found("Date of birth 1899-12-31", Kind::Dob), None);
        assert_eq!(found("DOB: 19000101", Kind::Dob), None);
        assert_eq!(found("DOB: 01/01/1901", Kind::Dob), Some(Confidence::High));
        assert_eq!(found("DOB: 19610307", Kind::Dob), Some(Confidence::High));
    }

    #[test]
    fn dates_without_birth_wording_are_ignored() {
        assert_eq!(
            found(
                "The staff meeting is moved to 12/07/2026 at 10:00",
                Kind::Dob
            ),
            None
        );
        assert_eq!(found("Amount due $1,204.55 by 7/1/2026.", Kind::Dob), None);
        assert_eq!(
            found("DOB field updated on ticket 5521 at 03/03/2020", Kind::Dob),
            None
        );
        assert_eq!(found("DOB:\n\n\n03/03/1961", Kind::Dob), None);
        assert_eq!(found("DOB field fixed in build 20200303", Kind::Dob), None);
        assert_eq!(found("DOB: 20201399", Kind::Dob), None);
        // A label cell and its value on the next line (tables, forms).
        assert_eq!(found("DOB:\n03/03/1961", Kind::Dob), Some(Confidence::High));
    }
}

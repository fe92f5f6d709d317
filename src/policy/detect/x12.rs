//! ASC X12 health-care transactions pasted into mail (837 claims, 835
//! remittances, 834 enrolment, 270/271 eligibility, 276/277 claim status,
//! 278 referrals): billing staff paste rejected segments to ask for help.
//! These are HIPAA's own transaction sets; the person segments in them are
//! PHI whatever words surround them.
//!
//! Only segments in X12 form count: a segment id, then elements split by
//! the separator that follows it (`*`, `|`, `^`, `:` are the usual ones),
//! ended by `~` or a line break. Read from them:
//! - `NM1` of a subscriber (`IL`) or patient (`QC`) with a member-ID
//!   qualifier (`MI`, `II`, `ZZ`...): the ID → `member_id`, high; the
//!   person's name → `name`, high;
//! - `DMG` with a `D8` (CCYYMMDD) date → `dob`, high;
//! - `HI` with ICD-10 qualifiers (`ABK`, `ABF`, `BK`, `BF`) and a listed
//!   code → `icd10`, high.
//!
//! A segment id alone is no evidence (`NM1` is also a chip and a street
//! code): the text must also hold a transaction header, `ST` with a
//! health-care set id or `ISA`/`GS` envelope segments, in the same form.

use super::{dates, icd10};
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use memchr::memmem;

/// Health-care transaction set ids (`ST01`).
const HEALTH_SETS: &[&str] = &[
    "837", "835", "834", "820", "270", "271", "276", "277", "278", "275", "999", "277CA",
];

/// Most segments read from one text: the scan stays bounded.
const MAX_SEGMENTS: usize = 5000;

/// Run the X12 reader over `text` if it holds person segments at all.
pub fn scan(text: &str, loc: Location, sink: &mut Sink) {
    let b = text.as_bytes();
    // Every health-care transaction names its parties in `NM1` segments.
    if memmem::find(b, b"NM1").is_none() {
        return;
    }
    let segs = segments(text);
    if !segs.iter().any(|s| is_header(s)) && !claim_loop(&segs) {
        return;
    }
    for s in &segs {
        match s.first().copied() {
            Some("NM1") => person(s, loc, sink),
            Some("DMG") => birth(s, loc, sink),
            Some("HI") => diagnoses(s, loc, sink),
            _ => {}
        }
    }
}

/// The segments of `text`, split into elements: a segment starts at the
/// start of a line or after `~`, with an id of 2-3 capitals or digits
/// followed by a separator.
fn segments(text: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    for piece in text.split(['~', '\n']) {
        if out.len() >= MAX_SEGMENTS {
            break;
        }
        // Quoted replies (`> NM1*IL*...`) keep their segments.
        let piece = piece
            .trim_start_matches(['>', ' ', '\t'])
            .trim_end_matches(['\r', ' ', '\t']);
        let id_len = piece
            .bytes()
            .take(4)
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            .count();
        if !(2..=3).contains(&id_len) {
            continue;
        }
        let Some(&sep) = piece.as_bytes().get(id_len) else {
            continue;
        };
        if !matches!(sep, b'*' | b'|' | b'^' | b':' | b'+') {
            continue;
        }
        // Only the segments read below are kept (and counted): lines that
        // merely look like segments (`RE:`, `10:32`) cannot use up the cap.
        let id = &piece[..id_len];
        if matches!(id, "ST" | "ISA" | "GS" | "NM1" | "DMG" | "HI") || CLAIM_SEGMENTS.contains(&id)
        {
            out.push(piece.split(char::from(sep)).collect());
        }
    }
    out
}

/// Segments only claims, remittances and eligibility replies carry
/// (837 `CLM`, `SBR`, `HI` diagnoses; 835 `CLP`, `CAS`, `SVC`; 271 `EB`).
const CLAIM_SEGMENTS: &[&str] = &["CLM", "SBR", "CLP", "CAS", "SVC", "EB", "HI"];

/// A claim loop pasted without its envelope (`CLP*...~NM1*QC*...~SVC*...`):
/// two different claim segments, each with elements, stand for the header.
fn claim_loop(segs: &[Vec<&str>]) -> bool {
    let mut seen = 0u8;
    for s in segs {
        if let Some(i) = s
            .first()
            .and_then(|id| CLAIM_SEGMENTS.iter().position(|c| c == id))
            && s.len() >= 3
        {
            seen |= 1 << i;
        }
    }
    seen.count_ones() >= 2
}

fn is_header(s: &[&str]) -> bool {
    match s.first().copied() {
        Some("ST") => s.get(1).is_some_and(|id| HEALTH_SETS.contains(id)),
        Some("ISA") => s.len() >= 16,
        Some("GS") => s.len() >= 8,
        _ => false,
    }
}

/// `NM1*IL*1*LAST*FIRST*MIDDLE***MI*ID`: a subscriber or patient.
fn person(s: &[&str], loc: Location, sink: &mut Sink) {
    if !matches!(s.get(1).copied(), Some("IL" | "QC")) {
        return;
    }
    let last = s.get(3).copied().unwrap_or("").trim();
    let first = s.get(4).copied().unwrap_or("").trim();
    // A companion guide's example (`NM1*QC*1*LASTNAME*FIRSTNAME`,
    // `<LAST>`, `XXXXX`) names nobody.
    let placeholder = |w: &str| {
        let u = w.to_ascii_uppercase();
        u.starts_with('<')
            || matches!(
                u.as_str(),
                "LAST"
                    | "FIRST"
                    | "NAME"
                    | "LASTNAME"
                    | "FIRSTNAME"
                    | "MIDDLENAME"
                    | "SURNAME"
                    | "GIVEN"
                    | "GIVENNAME"
                    | "LNAME"
                    | "FNAME"
            )
            || u.bytes().all(|c| c == b'X')
    };
    if s.get(2).copied() == Some("1")
        && !last.is_empty()
        && !first.is_empty()
        && !placeholder(last)
        && !placeholder(first)
    {
        sink.push(
            Kind::Name,
            Confidence::High,
            loc,
            &format!("{first} {last}"),
        );
    }
    let id = s.get(9).copied().unwrap_or("").trim();
    let qualified = matches!(s.get(8).copied(), Some("MI" | "II" | "ZZ" | "34" | "HN"));
    if qualified && id.len() >= 4 && id.bytes().any(|c| c.is_ascii_digit()) {
        sink.push(Kind::MemberId, Confidence::High, loc, id);
    }
}

/// `DMG*D8*CCYYMMDD*SEX`: a date of birth.
fn birth(s: &[&str], loc: Location, sink: &mut Sink) {
    if s.get(1).copied() != Some("D8") {
        return;
    }
    let d = s.get(2).copied().unwrap_or("").trim();
    if d.len() == 8 && dates::first_date(d) == Some((0, 8)) {
        sink.push(Kind::Dob, Confidence::High, loc, d);
    }
}

/// `HI*ABK:E1165*ABF:I10`: diagnosis codes (composite elements).
fn diagnoses(s: &[&str], loc: Location, sink: &mut Sink) {
    for el in s.iter().skip(1) {
        let mut parts = el.split([':', '>']);
        let (Some(q), Some(code)) = (parts.next(), parts.next()) else {
            continue;
        };
        if matches!(q, "ABK" | "ABF" | "ABJ" | "APR" | "BK" | "BF" | "BJ") && icd10::is_listed(code)
        {
            sink.push(Kind::Icd10, Confidence::High, loc, code);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::detect::tests::found;
    use crate::policy::finding::{Confidence, Kind};

    const CLAIM: &str = "Rejected at the clearinghouse, see HI:\n\
        ISA*00*          *00*          *ZZ*SENDER   *ZZ*RECEIVER  *260302*1412*^*00501*000004417*0*P*:~\n\
        GS*HC*SENDER*RECEIVER*20260302*1412*4417*X*005010X222A1~\n\
        ST*837*0001*005010X222A1~\n\
        NM1*85*2*SOME MEDICAL GROUP*****XX*1193847567~\n\
        NM1*IL*1*DOE*JANE*Q***MI*MEM55012877~\n\
        DMG*D8*19630907*F~\n\
        HI*ABK:E1165*ABF:I10~\n\
        SE*11*0001~\n";

    #[test]
    fn claim_segments_carry_phi() {
        assert_eq!(found(CLAIM, Kind::MemberId), Some(Confidence::High));
        assert_eq!(found(CLAIM, Kind::Dob), Some(Confidence::High));
        assert_eq!(found(CLAIM, Kind::Icd10), Some(Confidence::High));
        assert_eq!(found(CLAIM, Kind::Name), Some(Confidence::High));
        // One segment per line, no terminators, another separator.
        let piped = "ST|271|0001\nNM1|IL|1|ROE|RICHARD||||MI|W22918811\nDMG|D8|19511130|M\n";
        assert_eq!(found(piped, Kind::MemberId), Some(Confidence::High));
        assert_eq!(found(piped, Kind::Dob), Some(Confidence::High));
        // Quoted in a reply, after many lines that only look like segments.
        let quoted =
            "RE: 10:32\n".repeat(6000) + "> ST*837*0001~\n> NM1*IL*1*DOE*JANE****MI*MEM55012877~\n";
        assert_eq!(found(&quoted, Kind::MemberId), Some(Confidence::High));
    }

    #[test]
    fn segment_shapes_without_a_transaction_are_ignored() {
        // A remittance's claim loop pasted without its envelope.
        let t = "Here's the loop:\nCLP*PCN20240517003*1*245*96.14*38.5*12*9412207781203*11*1~\nNM1*QC*1*VANTERPOOL*OSWALDINE****MI*WHP310552087~\nSVC*HC:99214*245*96.14**1~\nCAS*PR*2*38.5~\n";
        assert_eq!(found(t, Kind::MemberId), Some(Confidence::High));
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
        // A rejected 837 claim's segments quoted in a clearinghouse notice.
        let t = "Rejected segment detail:\nNM1*IL*1*BERISHA*ARTAN****MI*MM00417732Q~\nDMG*D8*19610422*M~\nCLM*CH-20250108-0442*185***11:B:1*Y*A*Y*Y~\nHI*ABK:E1165*ABF:I10~\n";
        assert_eq!(found(t, Kind::MemberId), Some(Confidence::High));
        // A companion guide's placeholders name nobody.
        let t = "CLP*<PCN>*1*<BILLED>*<PAID>~\nNM1*QC*1*LASTNAME*FIRSTNAME****MI*MEMBERID~\nSVC*HC:<CPT>*<BILLED>~\n";
        assert_eq!(found(t, Kind::Name), None);
        // No ST/ISA/GS header: `NM1` and `DMG` mean nothing here.
        let t = "Order NM1*IL*1*DOE*JANE****MI*MEM55012877 shipped\nDMG*D8*19630907*F\n";
        assert_eq!(found(t, Kind::MemberId), None);
        assert_eq!(found(t, Kind::Dob), None);
        // A provider or payer segment is not a person's PHI.
        let t = "ST*837*0001~NM1*85*2*RIVERBEND MEDICAL GROUP*****XX*1193847567~NM1*PR*2*ACME HEALTH*****PI*60054~";
        assert_eq!(found(t, Kind::MemberId), None);
        assert_eq!(found(t, Kind::Name), None);
        // A non-health transaction set (850 purchase order).
        let t = "ST*850*0001~NM1*IL*1*DOE*JANE****MI*MEM55012877~";
        assert_eq!(found(t, Kind::MemberId), None);
    }
}

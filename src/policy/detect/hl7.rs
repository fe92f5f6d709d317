//! HL7 version 2 messages pasted into mail or attached as text: interface
//! analysts forward rejected ADT, ORU and SIU messages to vendors and help
//! desks. The patient segment is PHI whatever words surround it.
//!
//! Only segments in HL7 form count: at the start of a line (HL7 ends its
//! segments with a carriage return), a three-letter id, then fields split
//! by the field separator that `MSH` declares (`|` when there is no `MSH`).
//! Read from them:
//! - `PID`: PID-3, the patient identifier list → `mrn`, high; PID-5, the
//!   patient's name (`FAMILY^GIVEN`) → `name`, high; PID-7, the birth date
//!   (`YYYYMMDD`) → `dob`, high;
//! - `DG1`: DG1-3 coded in ICD-10 (`I10`, `ICD10`...) with a listed code →
//!   `icd10`, high.
//!
//! A `PID` without any `MSH` counts only in its full shape: a name with a
//! component separator and a valid birth date or an identifier with its
//! assigning-authority components. A patient of a message whose `MSH-11`
//! processing id says training (`T`) is skipped only when the name is a
//! test name too (`TEST^PATIENT`, `ZZTEST`): test systems are often seeded
//! with copies of real patients. A line of prose ends the message: a
//! production `PID` pasted after a test message counts again.

use super::{dates, icd10};
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use memchr::memmem;

/// Most segments read from one text: the scan stays bounded.
const MAX_SEGMENTS: usize = 5000;

/// Run the HL7 reader over `text` if it holds a patient segment at all.
pub fn scan(text: &str, loc: Location, sink: &mut Sink) {
    let b = text.as_bytes();
    if memmem::find(b, b"PID").is_none() && memmem::find(b, b"\nP|").is_none() {
        return;
    }
    let mut sep = '|';
    let mut comp = '^';
    let mut in_message = false;
    let mut astm = false;
    let mut test = false;
    // The last PID was a test patient: its diagnoses are test data too.
    let mut dummy = false;
    let mut read = 0;
    for line in text.split(['\r', '\n']) {
        let line = line.trim_start_matches(['>', ' ', '\t']).trim_end();
        // ASTM E1394 and HPRIM Santé, which labs send to practices:
        // a one-letter header `H|\^&` (HPRIM `H|~^\&`) and a patient
        // record `P|1||ID||FAMILY^GIVEN||YYYYMMDD|F`, whose name and
        // birth date stand where PID's do.
        if let Some(h) = astm_header(line) {
            (sep, comp, test) = h;
            in_message = true;
            astm = true;
            dummy = false;
            continue;
        }
        // (The P record has PID's field numbers: read it as one.)
        let as_pid;
        let line = if astm && line.starts_with('P') && line[1..].starts_with(sep) {
            as_pid = format!("PID{}", &line[1..]);
            as_pid.as_str()
        } else {
            line
        };
        let id = line.get(..3).unwrap_or("");
        if !matches!(id, "MSH" | "PID" | "DG1") {
            // Other segments (`EVN|`, `OBX|`) stay inside the message;
            // prose ends it.
            if !line.is_empty() && !segment_like(line) {
                test = false;
                dummy = false;
            }
            continue;
        }
        read += 1;
        if read > MAX_SEGMENTS {
            break;
        }
        if id == "MSH" {
            // `MSH|^~\&|...`: a punctuation field separator, then 1-5
            // encoding characters; `MSH-4 is wrong` is prose.
            let Some(s) = line[3..]
                .chars()
                .next()
                .filter(|c| c.is_ascii_punctuation() && *c != '-')
            else {
                continue;
            };
            let fields: Vec<&str> = line.split(s).collect();
            let enc = fields.get(1).copied().unwrap_or("");
            if !(1..=5).contains(&enc.len()) || enc.chars().any(char::is_alphanumeric) {
                continue;
            }
            sep = s;
            comp = enc.chars().next().unwrap_or('^');
            in_message = true;
            // MSH-11: P production, T training, D debugging.
            let processing = fields.get(10).and_then(|f| f.split(comp).next());
            test = processing == Some("T");
            dummy = false;
            continue;
        }
        // A segment in another separator than the message's: try `|`.
        let s = if line[3..].starts_with(sep) { sep } else { '|' };
        if !line[3..].starts_with(s) {
            continue;
        }
        let fields: Vec<&str> = line.split(s).collect();
        match id {
            "PID" => {
                let name = fields.get(5).copied().unwrap_or("");
                // A production message's PID is a patient whatever its
                // name (an unidentified patient is registered `DOE^JOHN`).
                // In a test message (MSH-11 `T`) `DOE^JANE` is a
                // placeholder too (`DOE^MARGARET` may be a copied record).
                dummy = (test_name(name) || placeholder_doe(name)) && test
                    || spec_sample_family(name)
                    || template_field(name)
                    || (!in_message || test) && sample_patient(&fields, name, comp);
                if !dummy {
                    patient(&fields, comp, in_message, loc, sink);
                }
            }
            _ if !dummy => diagnosis(&fields, comp, loc, sink),
            _ => {}
        }
    }
}

/// An ASTM or HPRIM header record: `H`, its field separator, 1-4
/// delimiter characters, then fields; the processing id (field 12: P,
/// T, D) says whether it is a test. Returns (separator, component
/// separator, test).
fn astm_header(line: &str) -> Option<(char, char, bool)> {
    let mut chars = line.chars();
    if chars.next() != Some('H') {
        return None;
    }
    let sep = chars.next().filter(|c| matches!(c, '|' | '!'))?;
    let fields: Vec<&str> = line.split(sep).collect();
    let delims = fields.get(1)?;
    if !(1..=4).contains(&delims.len()) || delims.chars().any(char::is_alphanumeric) {
        return None;
    }
    let comp = if delims.contains('^') {
        '^'
    } else {
        delims.chars().next()?
    };
    let processing = fields.get(11).and_then(|f| f.split(comp).next());
    Some((sep, comp, matches!(processing, Some("T" | "D"))))
}

/// A segment line: three capitals or digits, then a punctuation separator.
fn segment_like(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 3
        && b[..3]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && b[3].is_ascii_punctuation()
}

/// A specification's sample patient outside a production message: a
/// dummy name (`DOE^JOHN`, `TEST^PATIENT`) with a test record number
/// (`TEST000001^^^SBMC^MR`).
fn sample_patient(fields: &[&str], name: &str, comp: char) -> bool {
    let dummy_name = test_name(name) || family_is_doe(name);
    let id = fields.get(3).copied().unwrap_or("").trim();
    let first_id = id.split(comp).next().unwrap_or("").to_ascii_uppercase();
    dummy_name && first_id.starts_with("TEST")
}

/// HL7's own published sample patients (`EVERYWOMAN^EVE`,
/// `EVERYMAN^ADAM` in the v2 chapters and their appendices): quoted in
/// interface mail to ask about a field, no one's record whatever MSH-11
/// says.
pub(crate) fn spec_sample_family(name: &str) -> bool {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .is_some_and(|f| {
            ["EVERYWOMAN", "EVERYMAN"]
                .iter()
                .any(|w| f.eq_ignore_ascii_case(w))
        })
}

/// `DOE^JANE`: the placeholder family name of specifications (and of
/// unidentified patients in production).
fn family_is_doe(name: &str) -> bool {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .is_some_and(|f| f.eq_ignore_ascii_case("DOE"))
}

/// `DOE^JOHN`, `DOE^JANE`: the placeholder family with a placeholder
/// given name.
fn placeholder_doe(name: &str) -> bool {
    let mut parts = name.split(|c: char| !c.is_ascii_alphanumeric());
    parts.next().is_some_and(|f| f.eq_ignore_ascii_case("DOE"))
        && parts
            .next()
            .is_some_and(|g| g.eq_ignore_ascii_case("JOHN") || g.eq_ignore_ascii_case("JANE"))
}

/// A name a test system gives its dummy patients (`TEST^PATIENT`,
/// `ZZTEST`, `LOADTEST^PATIENT00001`), or a country's placeholder name
/// (`MUSTERMANN^ERIKA`).
fn test_name(name: &str) -> bool {
    let up = name.to_ascii_uppercase();
    up.split(|c: char| !c.is_ascii_alphanumeric()).any(|p| {
        ["TEST", "ZZ", "DUMMY", "FAKE", "SAMPLE", "SYNTHETIC"]
            .iter()
            .any(|w| p.starts_with(w))
            || (p.len() > 4 && p.ends_with("TEST"))
            || ["MUSTERMANN", "MUSTERFRAU"].contains(&p)
            || p.strip_prefix("PATIENT")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
    })
}

/// A template's field: `<LAST>^<FIRST>`, `{{family}}`, `$NAME`.
fn template_field(name: &str) -> bool {
    let t = name.trim();
    t.starts_with(['<', '{', '$']) || (t.contains('<') && t.contains('>'))
}

/// `PID|1||MRN^^^AUTH^MR||FAMILY^GIVEN^MIDDLE||YYYYMMDD|SEX...`
fn patient(f: &[&str], comp: char, in_message: bool, loc: Location, sink: &mut Sink) {
    let field = |n: usize| f.get(n).copied().unwrap_or("").trim();
    let ids = field(3);
    let name = field(5);
    let born = field(7)
        .get(..8)
        .filter(|d| dates::first_date(d) == Some((0, 8)));
    let full_id = ids.matches(comp).count() >= 3;
    if !in_message && !(name.contains(comp) && (born.is_some() || full_id)) {
        return;
    }
    let mut parts = name.split(comp);
    let family = parts.next().unwrap_or("").trim();
    let given = parts.next().unwrap_or("").trim();
    if family.bytes().any(|c| c.is_ascii_alphabetic()) {
        let shown = if given.is_empty() {
            family.to_string()
        } else {
            format!("{given} {family}")
        };
        sink.push(Kind::Name, Confidence::High, loc, &shown);
    }
    // PID-3 repeats with `~`; the first component of each is the id.
    for rep in ids.split('~') {
        let id = rep.split(comp).next().unwrap_or("").trim();
        if id.len() >= 4 && id.bytes().any(|c| c.is_ascii_digit()) {
            sink.push(Kind::Mrn, Confidence::High, loc, id);
        }
    }
    if let Some(d) = born {
        sink.push(Kind::Dob, Confidence::High, loc, d);
    }
}

/// `DG1|1||CODE^TEXT^I10|...`: a coded diagnosis.
fn diagnosis(f: &[&str], comp: char, loc: Location, sink: &mut Sink) {
    let Some(coded) = f.get(3) else {
        return;
    };
    let mut parts = coded.split(comp);
    let code = parts.next().unwrap_or("").trim();
    let system = parts.nth(1).unwrap_or("").trim().to_ascii_uppercase();
    let icd10_system =
        system.is_empty() || system.starts_with("I10") || system.starts_with("ICD10");
    if icd10_system && icd10::is_listed(code) {
        sink.push(Kind::Icd10, Confidence::High, loc, code);
    }
}

/// A person's name in HL7's `FAMILY^GIVEN` form inside any record
/// delimited by `|` (a lab interface's `RESULT|WV3390412|ABERNATHY-COLE^BRENDAN|...`
/// export, an ORU fragment without its PID): the given name must be a
/// listed one and the line a record of at least four fields. Medium: a
/// name, counted with a health fact.
pub fn caret_names(text: &str, loc: Location, sink: &mut Sink) {
    let b = text.as_bytes();
    if memchr::memchr(b'^', b).is_none() || memchr::memchr(b'|', b).is_none() {
        return;
    }
    let mut found = 0;
    for line in text.split(['\r', '\n']) {
        if line.starts_with("PID") || line.bytes().filter(|&c| c == b'|').count() < 3 {
            continue;
        }
        for field in line.split('|') {
            let mut parts = field.split('^');
            let (Some(family), Some(given)) = (parts.next(), parts.next()) else {
                continue;
            };
            let word = |w: &str| {
                w.len() >= 2
                    && w.len() <= 40
                    && w.chars().next().is_some_and(char::is_alphabetic)
                    && w.chars()
                        .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == ' ')
            };
            // Each word of the family name in capitals or capitalised
            // (`VAN DER BERG`), not prose (`Reviewed by SMITH`).
            let family_words = family
                .split(' ')
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
                && !family.chars().any(char::is_lowercase)
                || !family.contains(' ');
            if word(family)
                && family_words
                && word(given)
                && super::name::is_given_name(given.as_bytes())
            {
                sink.push(Kind::Name, Confidence::Medium, loc, field);
                found += 1;
                if found >= 64 {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::detect::tests::found;
    use crate::policy::finding::{Confidence, Kind};

    const ADT: &str = "The A01 below was rejected:\r\n\
        MSH|^~\\&|EPIC|NRHMC|CERNLAB|NRHMC|20250911142233||ADT^A01^ADT_A01|NRH0911142233|P|2.5.1\r\n\
        EVN|A01|20250911142200\r\n\
        PID|1||93113615^^^NRH^MR||BELLWEATHER^WINIFRED^M||19620923|F\r\n\
        DG1|1||I50.9^Heart failure, unspecified^I10||20250911|A\r\n";

    #[test]
    fn patient_segments_carry_phi() {
        assert_eq!(found(ADT, Kind::Mrn), Some(Confidence::High));
        assert_eq!(found(ADT, Kind::Dob), Some(Confidence::High));
        assert_eq!(found(ADT, Kind::Name), Some(Confidence::High));
        assert_eq!(found(ADT, Kind::Icd10), Some(Confidence::High));
        // Segments ended by carriage returns only, another field separator.
        let cr = "MSH#^~\\&#LAB#H#EPIC#H#20250910##ORU^R01#1#P#2.3\rPID#1##15182233^^^NRH^MR##LINDQVIST^DELPHINE##19920916#F\r";
        assert_eq!(found(cr, Kind::Mrn), Some(Confidence::High));
        assert_eq!(found(cr, Kind::Name), Some(Confidence::High));
        // A PID pasted alone, in its full shape.
        let alone = "can you see why this fails?\n> PID|1||8700177^^^CVH^MR||ACHTERBERG^LORCAN||19590412|M\n";
        assert_eq!(found(alone, Kind::Dob), Some(Confidence::High));
        assert_eq!(found(alone, Kind::Mrn), Some(Confidence::High));
    }

    #[test]
    fn astm_and_hprim_patient_records_carry_phi() {
        let t = "H|~^\\&|RES.HPR|||BIOLYS^LABO|ORU|||CAB^DR X||P|H2.2^C|202612090412\r\nP|1||2612090412||LEROY^SIMONE^^^Mme||19470827|F\r\nOBX|1|NM|HB^Hemoglobine||9.1|g/dl\r\nL|1|||4\r\n";
        assert_eq!(found(t, Kind::Dob), Some(Confidence::High), "{t}");
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        assert_eq!(found(t, Kind::Mrn), Some(Confidence::High), "{t}");
        // A P line in prose, no header: nothing.
        let t = "notes\nP|1||2612090412||LEROY^SIMONE||19470827|F\n";
        assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
    }

    #[test]
    fn a_specifications_sample_patient_is_ignored() {
        let t = "Sample:\n  PID|1||TEST000001^^^SBMC^MR||DOE^JOHN^Q||19000101|M|||123 TEST ST^^ANYTOWN^ZZ^00000||555-555-0100\n";
        assert_eq!(found(t, Kind::Mrn), None, "{t}");
        assert_eq!(found(t, Kind::Dob), None, "{t}");
        // A real-looking patient named Doe is still one.
        let t = "PID|1||40021877^^^SBMC^MR||DOE^JOHN^Q||19610304|M\n";
        assert!(
            found(t, Kind::Mrn).is_some() || found(t, Kind::Dob).is_some(),
            "{t}"
        );
        // So is an unidentified patient in a production message.
        let t = "MSH|^~\\&|EPIC|SBMC|||20250301||ADT^A04|1|P|2.5\nPID|1||TEST40021877^^^SBMC^MR||DOE^JOHN^^^^^U||19000101|M\nDG1|1||S06.0X1A^Concussion^I10\n";
        assert!(found(t, Kind::Mrn).is_some(), "{t}");
    }

    #[test]
    fn hl7s_own_sample_patients_are_ignored() {
        let t = "the spec's sample (\"Eve Everywoman\"):\nMSH|^~\\&|GHH LAB|ELAB-3|GHH OE|BLDG4|200202150930||ORU^R01|CNTRL-3456|P|2.5.1\nPID|||555-44-4444||EVERYWOMAN^EVE^E^^^^L|JONES|19620320|F\n";
        assert_eq!(found(t, Kind::Dob), None, "{t}");
        assert_eq!(found(t, Kind::Mrn), None, "{t}");
        assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
    }

    #[test]
    fn test_messages_and_lookalikes_are_ignored() {
        // MSH-11 = T with a test patient from the test pool.
        let t = ADT
            .replace("|P|2.5.1", "|T|2.5.1")
            .replace("BELLWEATHER^WINIFRED", "TEST^PATIENT");
        assert!(found(&t, Kind::Mrn) < Some(Confidence::Medium));
        assert_eq!(found(&t, Kind::Name), None);
        // A specification's test message with the placeholder family.
        let t = "MSH|^~\\&|APP|FAC|BP|BP|20240101120000||ADT^A04^ADT_A01|MSG00001|T|2.5.1\nPID|1||123456^^^HOSP^MR||DOE^JANE^Q||19800101|F|||123 MAIN ST^^ANYTOWN^NY^12345^USA\n";
        assert_eq!(found(t, Kind::Dob), None, "{t}");
        assert_eq!(found(t, Kind::Mrn), None, "{t}");
        // A real family named Doe in a test message still counts.
        let t = t.replace("DOE^JANE^Q", "DOE^MARGARET^A");
        assert_eq!(found(&t, Kind::Dob), Some(Confidence::High), "{t}");
        // A real-looking patient in a training message still counts, and so
        // does a production PID pasted after a test message.
        let t = ADT.replace("|P|2.5.1", "|T|2.5.1");
        assert_eq!(found(&t, Kind::Mrn), Some(Confidence::High));
        let t = "MSH|^~\\&|A|B|C|D|20250101||ADT^A04|1|T|2.5\nPID|1||99999901^^^NRH^MR||TEST^PATIENT||19000101|U\n\
                 and here is the production one that failed:\n\
                 PID|1||8700177^^^CVH^MR||ACHTERBERG^LORCAN||19590412|M\n";
        assert_eq!(found(t, Kind::Dob), Some(Confidence::High));
        // Prose that starts like MSH does not change the separator.
        let t =
            "MSH-4 is wrong, PID below:\nPID|1||8700177^^^CVH^MR||ACHTERBERG^LORCAN||19590412|M\n";
        assert_eq!(found(t, Kind::Mrn), Some(Confidence::High));
        // Words that start like segments, no HL7 shape.
        let t = "PID controller tuning: PID|gain 12345678 set on 20250101\nDG1 is fine\n";
        // (The generic detectors still see a bare number and date: weak
        // evidence only.)
        assert!(found(t, Kind::Mrn) < Some(Confidence::Medium));
        assert!(found(t, Kind::Dob) < Some(Confidence::Medium));
        // A load test's generated patients and a country's placeholder
        // name in a training message.
        for dummy in ["LOADTEST^PATIENT00001^X", "MUSTERMANN^ERIKA^^^^^L"] {
            let t = ADT
                .replace("|P|2.5.1", "|T|2.5.1")
                .replace("BELLWEATHER^WINIFRED^M", dummy);
            assert!(found(&t, Kind::Mrn) < Some(Confidence::Medium), "{t}");
        }
        // A template's placeholders, whatever MSH-11 says.
        let t = "MSH|^~\\&|<APP>|<FAC>|C|D|<TS>||ORU^R01|<ID>|P|2.5.1\nPID|1||<MRN>^^^<AUTH>^MR||<LAST>^<FIRST>^<MIDDLE>||<YYYYMMDD>|<SEX>\n";
        assert_eq!(found(t, Kind::Name), None, "{t}");
        // A diagnosis coded in another system is not an ICD-10 finding.
        // (See `astm_and_hprim_patient_records_carry_phi` for HPRIM.)
        let t = "MSH|^~\\&|A|B|C|D|20250101||ADT^A01|1|P|2.3\nDG1|1||410.9^AMI^I9||\n";
        assert!(found(t, Kind::Icd10) < Some(Confidence::Medium));
    }
}

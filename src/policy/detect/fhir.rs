//! FHIR resources in JSON, pasted in an alert or attached: a clinical
//! resource (`Observation`, `Condition`, `Encounter`...) names its patient
//! in `subject` or `patient`, often by business identifier alone:
//! `"subject": {"identifier": {"system": "urn:oid:...", "value": "40093317"}}`
//! (the objects are read by counting brackets, so a typed identifier's
//! `"type": {"coding": [...]}` is stepped over).
//! That value is the patient's record number whatever its system says; it
//! is pushed as `mrn`, high. (A `Patient` resource's own name and birth
//! date are read by the name and birth-date detectors.)
//!
//! Placeholders are no one's: a template's `{{mrn}}` or `<MRN>`, a test
//! value (`TEST-MRN-0001`), a run of one digit (`00000000`) or a counting
//! run (`12345678`), and nothing on a public test server or a sandbox.

use crate::policy::finding::{Confidence, Kind, Location, Sink};
use memchr::memmem;
use regex::Regex;
use std::sync::OnceLock;

/// Most identifiers read from one text.
const MAX_IDS: usize = 64;
/// Longest `subject` object read (bytes).
const MAX_OBJECT: usize = 4096;

pub fn scan(text: &str, loc: Location, sink: &mut Sink) {
    let b = text.as_bytes();
    if memmem::find(b, b"\"resourceType\"").is_none() || test_server(text) {
        return;
    }
    static R: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (key, value) = R.get_or_init(|| {
        (
            super::re(r#""(?:subject|patient)"\s*:\s*\{"#),
            super::re(r#""value"\s*:\s*"([^"\n]{4,40})""#),
        )
    });
    let mut pushed = 0;
    for m in key.find_iter(text).take(MAX_IDS) {
        let Some(object) = balanced(text, m.end() - 1) else {
            continue;
        };
        let Some(at) = memmem::find(object.as_bytes(), b"\"identifier\"") else {
            continue;
        };
        let rest = &object[at + "\"identifier\"".len()..];
        let Some(open) = rest.find(['{', '[']) else {
            continue;
        };
        if !rest[..open].trim_start().starts_with(':')
            || !rest[..open].trim_start()[1..].trim().is_empty()
        {
            continue;
        }
        let Some(ids) = balanced(rest, open) else {
            continue;
        };
        for c in value.captures_iter(ids).take(8) {
            if let Some(v) = c.get(1)
                && record_number(v.as_str())
                && pushed < MAX_IDS
            {
                sink.push(Kind::Mrn, Confidence::High, loc, v.as_str());
                pushed += 1;
            }
        }
    }
}

/// The bracketed JSON value opening at `open` (`{` or `[`), nesting
/// counted and strings stepped over; None if it does not close within
/// `MAX_OBJECT` bytes.
fn balanced(text: &str, open: usize) -> Option<&str> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in b.iter().enumerate().skip(open).take(MAX_OBJECT) {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return text.get(open..=i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A public test server's or a sandbox's resources are no one's.
fn test_server(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "hapi.fhir.org",
        "sandbox",
        "test server",
        "testserver",
        "launch.smarthealthit",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// A value shaped like a record number, not a template's placeholder
/// or a test value (`TEST-MRN-0001`, `MRN_SAMPLE_98765`).
fn record_number(v: &str) -> bool {
    let digits: Vec<u8> = v.bytes().filter(u8::is_ascii_digit).collect();
    let up = v.to_ascii_uppercase();
    let placeholder = v.contains(['{', '}', '<', '>', '$', '*'])
        || ["XXX", "TEST", "SAMPLE", "EXAMPLE", "DEMO", "DUMMY", "FAKE"]
            .iter()
            .any(|w| up.contains(w));
    let one_digit = digits.windows(2).all(|w| w[0] == w[1]);
    let counting = digits.windows(2).all(|w| w[1] == w[0] + 1);
    digits.len() >= 4 && !placeholder && !one_digit && !counting
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> usize {
        let mut sink = Sink::new();
        scan(text, Location::Body, &mut sink);
        sink.into_findings()
            .iter()
            .filter(|f| f.kind == Kind::Mrn)
            .count()
    }

    #[test]
    fn a_clinical_resources_subject_identifier_is_a_record_number() {
        let obs = r#"{
  "resourceType": "Observation",
  "code": {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.1", "code": "2339-0"}]},
  "subject": {
    "identifier": {
      "system": "urn:oid:2.16.840.1.113883.3.7741.2.1",
      "value": "40093317"
    }
  },
  "valueQuantity": {"value": 52, "unit": "mg/dL"}
}"#;
        assert_eq!(ids(obs), 1);
        let array = r#"{"resourceType":"Encounter","subject":{"type":"Patient","identifier":[{"type":{"text":"MRN"},"value":"MRN-7730218"}]}}"#;
        assert_eq!(ids(array), 1);
        let coded = r#"{"resourceType":"Condition","subject":{"identifier":{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"value":"40093317"}}}"#;
        assert_eq!(ids(coded), 1);
    }

    #[test]
    fn placeholders_and_other_identifiers_are_no_patient() {
        for t in [
            r#"{"resourceType":"Observation","subject":{"identifier":{"value":"{{mrn}}"}}}"#,
            r#"{"resourceType":"Observation","subject":{"identifier":{"value":"00000000"}}}"#,
            r#"{"resourceType":"Observation","subject":{"identifier":{"value":"12345678"}}}"#,
            r#"{"resourceType":"Device","identifier":[{"value":"SN-3KX8841207"}]}"#,
            r#"{"subject":{"identifier":{"value":"40093317"}}}"#,
            r#"{"resourceType":"Observation","subject":{"identifier":{"value":"TEST-MRN-0001"}}}"#,
            r#"hapi.fhir.org/baseR4 {"resourceType":"Observation","subject":{"identifier":{"value":"1032702"}}}"#,
            r#"{"resourceType":"Observation","subject":{"reference":"Patient/1","display":"x"},"identifier":[{"value":"40093317"}]}"#,
        ] {
            assert_eq!(ids(t), 0, "{t}");
        }
    }
}

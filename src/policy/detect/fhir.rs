//! FHIR resources in JSON, pasted in an alert or attached: a clinical
//! resource (`Observation`, `Condition`, `Encounter`...) names its patient
//! in `subject` or `patient`, often by business identifier alone:
//! `"subject": {"identifier": {"system": "urn:oid:...", "value": "40093317"}}`.
//! That value is the patient's record number whatever its system says; it
//! is pushed as `mrn`, high. (A `Patient` resource's own name and birth
//! date are read by the name and birth-date detectors.)
//!
//! Placeholders are no one's: a template's `{{mrn}}` or `<MRN>`, a run of
//! one digit (`00000000`) or a counting run (`12345678`).

use crate::policy::finding::{Confidence, Kind, Location, Sink};
use memchr::memmem;
use regex::Regex;
use std::sync::OnceLock;

/// Most identifiers read from one text.
const MAX_IDS: usize = 64;

pub fn scan(text: &str, loc: Location, sink: &mut Sink) {
    if memmem::find(text.as_bytes(), b"\"resourceType\"").is_none() {
        return;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        // `subject` / `patient` / `beneficiary`, an object, its
        // `identifier` (an object or the first of an array), its `value`.
        // Objects nested one deep (`"type": {...}`) are stepped over.
        super::re(
            r#""(?:subject|patient|beneficiary)"\s*:\s*\{(?:[^{}\[\]]|\{[^{}]*\})*?"identifier"\s*:\s*\[?\s*\{(?:[^{}]|\{[^{}]*\})*?"value"\s*:\s*"([^"\n]{4,40})""#,
        )
    });
    for c in r.captures_iter(text).take(MAX_IDS) {
        let Some(v) = c.get(1) else { continue };
        if record_number(v.as_str()) {
            sink.push(Kind::Mrn, Confidence::High, loc, v.as_str());
        }
    }
}

/// A value shaped like a record number, not a template's placeholder.
fn record_number(v: &str) -> bool {
    let digits: Vec<u8> = v.bytes().filter(u8::is_ascii_digit).collect();
    let placeholder =
        v.contains(['{', '}', '<', '>', '$', '*']) || v.to_ascii_uppercase().contains("XXX");
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
    }

    #[test]
    fn placeholders_and_other_identifiers_are_no_patient() {
        for t in [
            r#"{"resourceType":"Observation","subject":{"identifier":{"value":"{{mrn}}"}}}"#,
            r#"{"resourceType":"Observation","subject":{"identifier":{"value":"00000000"}}}"#,
            r#"{"resourceType":"Observation","subject":{"identifier":{"value":"12345678"}}}"#,
            r#"{"resourceType":"Device","identifier":[{"value":"SN-3KX8841207"}]}"#,
            r#"{"subject":{"identifier":{"value":"40093317"}}}"#,
        ] {
            assert_eq!(ids(t), 0, "{t}");
        }
    }
}

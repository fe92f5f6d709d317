//! A case list's patient row, as MDT coordinators, ward clerks and
//! handover sheets write it: a number, the patient's initials, a date
//! (of birth, or of admission) and the hospital number, with no label:
//! `1. AH  12/05/1951  K2230917  (Dr Obi) - 3.1 cm RUL mass`. Initials
//! and a date beside a record number identify one patient; the number is
//! pushed as `mrn`, high, where the text tells of health.
//!
//! Only that order with those shapes counts: two or three capitals (a
//! hyphenated third, `RP-S`), a full day/month/year date, then a token of
//! up to three letters and six to ten digits; the date's year at least
//! two years back (a scan's, a booking's or an expiry date is recent).

use crate::policy::finding::{Confidence, Kind, Location, Sink};
use regex::Regex;
use std::sync::OnceLock;

/// Capitals that open a business document's row, not initials.
const BUSINESS: &[&str] = &[
    "PO", "REF", "INV", "ORD", "NO", "NR", "ID", "ACC", "TEL", "FAX", "GRN", "QTY", "SKU", "LOT",
    "EXP", "SN",
];

/// Most rows read from one text.
const MAX_ROWS: usize = 256;

pub fn scan(text: &str, has_health: bool, loc: Location, sink: &mut Sink) {
    if !has_health {
        return;
    }
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        super::re(
            r"(?m)(?:^|[\t (|,;])([A-Z]{2,3}(?:-[A-Z])?)[ \t]*[,|;\t]?[ \t]+(?:0?[1-9]|[12][0-9]|3[01])[/.](?:0?[1-9]|1[0-2])[/.]((?:19|20)[0-9]{2})[ \t]*[,|;\t]?[ \t]+([A-Z]{0,3}[0-9]{6,10})(?:$|[^A-Za-z0-9/.-])",
        )
    });
    for c in r.captures_iter(text).take(MAX_ROWS) {
        if c.get(1).is_some_and(|w| BUSINESS.contains(&w.as_str())) {
            continue;
        }
        // A birth date lies years back; a scan's, a booking's or an
        // expiry date is this year's or next.
        let year = c.get(2).and_then(|y| y.as_str().parse::<i32>().ok());
        if year.is_none_or(|y| y > super::dates::this_year() - 2) {
            continue;
        }
        if let Some(id) = c.get(3) {
            sink.push(Kind::Mrn, Confidence::High, loc, id.as_str());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, health: bool) -> usize {
        let mut sink = Sink::new();
        scan(text, health, Location::Body, &mut sink);
        sink.into_findings().len()
    }

    #[test]
    fn initials_a_date_and_a_hospital_number_are_a_patient() {
        let list = "LUNG MDT 14/01/2027 - CASE LIST\n1. AH  12/05/1951  K2230917  (Dr Obi) - 3.1 cm RUL mass\n2. DM  30/11/1946  K2141108 - LLL nodule\n3. RP-S  08/08/1962  K2207735 - R pleural effusion\n";
        assert_eq!(rows(list, true), 3);
        assert_eq!(rows("Bed 4 | JT | 02.03.1940 | 40718822 | ?PE", true), 1);
        assert_eq!(rows("4. SO  17/02/1958  K2219964 - SCLC", true), 1);
    }

    #[test]
    fn other_rows_and_mail_without_health_are_not() {
        // Without health wording, a row of capitals, a date and a number
        // is an order or a shipment.
        assert_eq!(rows("1. AH  12/05/1951  K2230917", false), 0);
        for t in [
            "PO 12/05/2026 4410021 delivered",
            "Flight BA 12/05/2026 seat 12A",
            "AH 12/05/1951 K22",
            "Version ABC 1.2.2020 build 20200101",
            "CT  14/01/2026  SN4471029 - head, contrast",
            "ICE 14/05/2026 88120045 Frankfurt - sepsis congress",
        ] {
            assert_eq!(rows(t, true), 0, "{t}");
        }
    }
}

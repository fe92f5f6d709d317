//! Human-readable output for `sealpost policy test MESSAGE.eml`: findings
//! with masked values, then the verdict. Never prints a raw value.

use crate::policy::Inspection;
use std::fmt::Write;

/// Render an inspection for a terminal.
pub fn render_findings(insp: &Inspection) -> String {
    let mut out = String::new();
    let mut f: Vec<_> = insp.findings.iter().collect();
    f.sort_by_key(|x| (x.kind, x.location, std::cmp::Reverse(x.confidence)));
    let _ = writeln!(out, "Findings ({}):", f.len());
    if f.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for x in f.iter().take(200) {
        let _ = writeln!(
            out,
            "  {:<13} {:<7} {:<11} {}",
            x.kind.as_str(),
            x.confidence.as_str(),
            x.location.as_str(),
            x.masked
        );
    }
    if f.len() > 200 {
        let _ = writeln!(out, "  ... {} more", f.len() - 200);
    }
    let v = &insp.verdict;
    let _ = writeln!(out, "Verdict:");
    let _ = writeln!(out, "  action:     {}", v.action.as_str());
    if let crate::policy::Action::Reject {
        code,
        enhanced,
        text,
    } = &v.action
    {
        let _ = writeln!(out, "  reply:      {code} {enhanced} {text}");
    }
    let _ = writeln!(out, "  protection: {}", v.protection.as_str());
    let _ = writeln!(out, "  priority:   {}", v.priority);
    let rules = if v.rules.is_empty() {
        "(none)".to_string()
    } else {
        v.rules.join(", ")
    };
    let _ = writeln!(out, "  rules:      {rules}");
    if let Some(s) = &v.subject_rewrite {
        let _ = writeln!(out, "  subject:    replaced with {s:?}");
    } else if v.strip_subject_tags {
        let _ = writeln!(out, "  subject:    tags stripped");
    }
    for (n, val) in &v.add_headers {
        let _ = writeln!(out, "  add header: {n}: {val}");
    }
    if v.truncated {
        let _ = writeln!(
            out,
            "  note:       scan incomplete (a size, depth or part cap was hit)"
        );
    }
    let _ = writeln!(
        out,
        "  scanned:    {} bytes of text in {} parts",
        insp.text_bytes, insp.parts
    );
    out
}

//! Human-readable output for `sealpost policy test MESSAGE.eml`: findings
//! with masked values, then the verdict. Never prints a raw value.
//! `--explain` adds, per finding, its place (part, attachment, line) and
//! the rules that turned it into the verdict, and lists every applied
//! rule with what made it match.

use crate::policy::rules::Rule;
use crate::policy::{Inspection, engine};
use std::fmt::Write;

/// One finding per line: detector, confidence, place (and line), masked
/// value, and the applied rules that used it.
pub fn explain_findings(insp: &Inspection, rules: &[Rule]) -> String {
    let mut out = String::new();
    let mut f: Vec<_> = insp.findings.iter().collect();
    f.sort_by(|a, b| (a.kind, &a.place, a.line).cmp(&(b.kind, &b.place, b.line)));
    for x in f.iter().take(500) {
        let place = match x.line {
            Some(l) => format!("{} line {l}", x.place),
            None => x.place.clone(),
        };
        let used = engine::rules_using(rules, &insp.verdict.rules, x);
        let used = if used.is_empty() {
            "(no rule)".to_string()
        } else {
            used.join(", ")
        };
        let _ = writeln!(
            out,
            "  {:<12} {:<6} {:<40} {:<18} -> {used}",
            x.kind.as_str(),
            x.confidence.as_str(),
            place,
            x.masked,
        );
    }
    if f.len() > 500 {
        let _ = writeln!(out, "  ... {} more", f.len() - 500);
    }
    out
}

/// `policy test --explain`: findings with places and rules, the applied
/// rules with their reason, then the verdict.
pub fn render_explained(insp: &Inspection, rules: &[Rule]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Findings ({}): detector, confidence, place, value (masked) -> rules",
        insp.findings.len()
    );
    if insp.findings.is_empty() {
        let _ = writeln!(out, "  none");
    }
    out.push_str(&explain_findings(insp, rules));
    let _ = writeln!(out, "Rules applied:");
    if insp.verdict.rules.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for id in &insp.verdict.rules {
        let Some(r) = rules.iter().find(|r| &r.id == id) else {
            let _ = writeln!(out, "  {id}: (built-in)");
            continue;
        };
        let mut why: Vec<String> = Vec::new();
        let conds = |list: &[crate::policy::rules::DetectorCond]| {
            list.iter()
                .map(|d| format!("{}>={}", d.kind.as_str(), d.min.as_str()))
                .collect::<Vec<_>>()
                .join(" | ")
        };
        if !r.detectors.is_empty() {
            why.push(format!("detectors [{}]", conds(&r.detectors)));
        }
        if !r.and_detectors.is_empty() {
            why.push(format!("and [{}]", conds(&r.and_detectors)));
        }
        if r.truncated.is_some() {
            why.push("scan incomplete".to_string());
        }
        if !r.tags.is_empty() {
            why.push(format!("subject tag [{}]", r.tags.join(", ")));
        }
        if why.is_empty() {
            why.push("always".to_string());
        }
        let prot = r
            .protection
            .map(|p| format!(" => protection {}", p.as_str()))
            .unwrap_or_default();
        let _ = writeln!(out, "  {id} ({}): {}{prot}", r.file, why.join(" "));
    }
    out.push_str(
        &render_findings(insp)
            .split_once("Verdict:")
            .map(|(_, v)| format!("Verdict:{v}"))
            .unwrap_or_default(),
    );
    out
}

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

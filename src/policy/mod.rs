//! PHI policy engine: detectors, rules, verdicts. Pure: no I/O in
//! `inspect` (only `PolicySet::load_dir` and `eval` read files).
//!
//! Flow of `inspect`: parse the message once (`mime`), run every detector
//! over each decoded text segment (`detect`), collect distinct findings
//! (`finding`), compute the base priority and subject tags (`priority`),
//! evaluate the ordered rules (`engine`) into a [`Verdict`]. The verdict
//! holds detector names, confidences, counts, locations and rule ids —
//! never a matched value. `apply_rewrites` applies its header changes at
//! delivery; `render_findings` prints masked findings for the CLI.

pub mod detect;
pub mod engine;
pub mod error;
pub mod eval;
pub mod extract;
pub mod finding;
pub mod html;
pub mod mime;
pub mod priority;
pub mod render;
pub mod rewrite;
pub mod rules;
pub mod set;
pub mod table;
pub mod text;
pub mod tomlpath;
pub mod verdict;

#[cfg(test)]
mod tests;

pub use error::PolicyError;
pub use finding::{Confidence, Finding, FindingSummary, Kind, Location, mask};
pub use render::{explain_findings, render_explained, render_findings};
pub use rewrite::apply_rewrites;
pub use set::PolicySet;
pub use verdict::{Action, Protection, Verdict};

use finding::Sink;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Envelope and session facts the rules may use.
#[derive(Debug, Clone)]
pub struct MessageContext<'a> {
    pub listener: &'a str,
    pub sender: &'a str,
    pub recipients: &'a [String],
    pub auth_user: Option<&'a str>,
    pub size: usize,
    /// Envelope MT-PRIORITY already mapped onto 0..=9.
    pub mt_priority: Option<u8>,
    /// Listener default, usually 4.
    pub default_priority: u8,
}

/// Verdict plus the in-process details (masked findings, scan volume).
#[derive(Debug, Clone)]
pub struct Inspection {
    pub verdict: Verdict,
    /// Distinct findings with masked values (for the CLI; never logged).
    pub findings: Vec<Finding>,
    /// Decoded text bytes scanned.
    pub text_bytes: usize,
    /// MIME parts seen.
    pub parts: usize,
}

/// Parse once, run detectors over decoded text, evaluate rules.
/// Pure, and never panics on any input.
pub fn inspect(set: &PolicySet, raw: &[u8], ctx: &MessageContext) -> Verdict {
    inspect_detailed(set, raw, ctx).verdict
}

/// As [`inspect`], keeping masked findings and scan figures.
pub fn inspect_detailed(set: &PolicySet, raw: &[u8], ctx: &MessageContext) -> Inspection {
    // Defence in depth: a bug in a parser must not take the relay down.
    // The message is held (not delivered, not lost) and flagged.
    catch_unwind(AssertUnwindSafe(|| run(set, raw, ctx))).unwrap_or_else(|_| Inspection {
        verdict: Verdict {
            action: Action::Hold,
            protection: Protection::Encrypt,
            priority: ctx.default_priority.min(9),
            rules: vec!["internal-error".to_string()],
            truncated: true,
            ..Verdict::default()
        },
        findings: Vec::new(),
        text_bytes: 0,
        parts: 0,
    })
}

/// How strongly an unreadable attachment counts: a reader that gave up
/// (encrypted, over a cap, corrupt) is high; a binary type sealpost has no
/// reader for is medium (PHI only with health context in the shipped set);
/// an image, which may be a scan, is low.
pub fn unreadable_confidence(why: extract::Unreadable) -> Confidence {
    use extract::Unreadable as U;
    match why {
        U::Encrypted | U::TooLarge | U::TooDeep | U::Bomb | U::Timeout | U::Corrupt => {
            Confidence::High
        }
        U::Unsupported => Confidence::Medium,
        U::Image => Confidence::Low,
    }
}

fn run(set: &PolicySet, raw: &[u8], ctx: &MessageContext) -> Inspection {
    let mut sink = Sink::new();
    let mut opening = String::new();
    let info = mime::walk(raw, set.limits, &mut |seg| {
        if seg.loc == finding::Location::Header && seg.place == mime::WRITER_PLACE {
            sink.note_writer(seg.text);
            return;
        }
        let text = text::unix_lines(text::composed(seg.text));
        if matches!(
            seg.loc,
            finding::Location::Body | finding::Location::Subject
        ) && opening.len() < detect::sms_address::OPENING
        {
            let room = detect::sms_address::OPENING - opening.len();
            opening.push_str(&text[..text::floor_boundary(&text, room)]);
            opening.push('\n');
        }
        sink.begin_segment(seg.place, &text);
        detect::scan_segment(&text, seg.loc, &set.detectors, &mut sink);
        sink.end_segment(&text);
    });
    detect::sms_address::scan_recipients(&info.headers, ctx.recipients, &opening, &mut sink);
    for (place, why) in &info.unreadable {
        sink.push_unscannable(unreadable_confidence(*why), place, why.as_str());
    }
    let truncated = info.truncated || sink.overflow;
    let findings = sink.into_findings();
    let (base, tags) = priority::base(
        info.subject.as_deref(),
        &info.headers,
        ctx.mt_priority,
        ctx.default_priority,
        &set.priority,
    );
    let mut verdict = Verdict {
        priority: base,
        findings: finding::summarize(&findings),
        truncated,
        ..Verdict::default()
    };
    let facts = engine::Facts {
        findings: &findings,
        headers: &info.headers,
        tags: &tags,
        truncated,
        ctx,
    };
    engine::evaluate(&set.rules, &facts, &mut verdict);
    if verdict.strip_subject_tags {
        verdict.tag_names = std::iter::once(set.priority.subject_tag.clone())
            .chain(set.priority.force_tags.iter().cloned())
            .collect();
    }
    Inspection {
        verdict,
        findings,
        text_bytes: info.text_bytes,
        parts: info.parts,
    }
}

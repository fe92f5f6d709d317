//! Priority tags and subject tags.
//!
//! Scale 0..=9, 9 highest, default 4 (the listener's `default_priority`).
//! Sources, first one present wins:
//! 1. subject tag `[priority:N]` (tag name configurable; `[priority N]`,
//!    `[priority=N]` accepted);
//! 2. the configurable header, default `X-Sealpost-Priority: N`;
//! 3. the envelope MT-PRIORITY (RFC 6710), already mapped onto 0..=9;
//! 4. `X-Priority` (1→8, 2→6, 3→4, 4→2, 5→0), `X-MSMail-Priority` /
//!    `Importance` (high→8, normal→4, low→0), `Priority` (RFC 2156:
//!    urgent→8, normal→4, non-urgent→0);
//! 5. the default.
//!
//! Rules then set (`priority`) or raise (`raise_priority`) it. Forcing tags
//! (`[secure]`, `[encrypt]`, configurable) are reported so rules can match
//! them (`tags = [...]`); `strip_tags` removes every recognised tag from the
//! delivered Subject.

use serde::{Deserialize, Serialize};

/// Priority and tag settings (`[priority]` in a policy file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrioritySettings {
    /// Header carrying an explicit 0..=9 priority.
    pub header: String,
    /// Subject tag name for `[NAME:N]`.
    pub subject_tag: String,
    /// Subject tags that force protection, matched case-insensitively.
    pub force_tags: Vec<String>,
    /// Honour X-Priority / Importance / Priority headers.
    pub standard_headers: bool,
}

impl Default for PrioritySettings {
    fn default() -> Self {
        PrioritySettings {
            header: "X-Sealpost-Priority".to_string(),
            subject_tag: "priority".to_string(),
            force_tags: vec!["secure".to_string(), "encrypt".to_string()],
            standard_headers: true,
        }
    }
}

/// A bracketed subject tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    Priority(u8),
    Force(String),
}

/// Parse `[...]` tags from a subject with their byte spans.
pub fn subject_tags(subject: &str, s: &PrioritySettings) -> Vec<(usize, usize, Tag)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = subject[from..].find('[').map(|i| i + from) {
        let Some(close) = subject[open..].find(']').map(|i| i + open) else {
            break;
        };
        let inner = subject[open + 1..close].trim();
        if let Some(tag) = parse_tag(inner, s) {
            out.push((open, close + 1, tag));
        }
        from = close + 1;
        if out.len() > 32 {
            break;
        }
    }
    out
}

fn parse_tag(inner: &str, s: &PrioritySettings) -> Option<Tag> {
    let lower = inner.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix(&s.subject_tag.to_ascii_lowercase()) {
        let rest = rest.trim_start_matches([':', '=', ' ']).trim();
        if rest.len() == 1
            && let Some(d) = rest.bytes().next().filter(u8::is_ascii_digit)
        {
            return Some(Tag::Priority(d - b'0'));
        }
        return None;
    }
    s.force_tags
        .iter()
        .find(|t| t.eq_ignore_ascii_case(&lower))
        .map(|t| Tag::Force(t.to_ascii_lowercase()))
}

/// Remove recognised tags and tidy whitespace.
pub fn strip_tags(subject: &str, s: &PrioritySettings) -> String {
    let mut out = String::with_capacity(subject.len());
    let mut last = 0;
    for (a, b, _) in subject_tags(subject, s) {
        out.push_str(&subject[last..a]);
        last = b;
    }
    out.push_str(&subject[last..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

fn standard(headers: &[(String, String)]) -> Option<u8> {
    if let Some(v) = header(headers, "X-Priority") {
        let d = v.bytes().find(u8::is_ascii_digit);
        if let Some(p) = d.and_then(|d| match d {
            b'1' => Some(8),
            b'2' => Some(6),
            b'3' => Some(4),
            b'4' => Some(2),
            b'5' => Some(0),
            _ => None,
        }) {
            return Some(p);
        }
    }
    for name in ["X-MSMail-Priority", "Importance", "Priority"] {
        let Some(v) = header(headers, name) else {
            continue;
        };
        match v.to_ascii_lowercase().as_str() {
            "high" | "urgent" => return Some(8),
            "normal" => return Some(4),
            "low" | "non-urgent" => return Some(0),
            _ => {}
        }
    }
    None
}

/// Base priority and forcing tags, before rules apply.
pub fn base(
    subject: Option<&str>,
    headers: &[(String, String)],
    mt_priority: Option<u8>,
    default: u8,
    s: &PrioritySettings,
) -> (u8, Vec<String>) {
    let tags = subject.map(|t| subject_tags(t, s)).unwrap_or_default();
    let force: Vec<String> = tags
        .iter()
        .filter_map(|(_, _, t)| match t {
            Tag::Force(f) => Some(f.clone()),
            Tag::Priority(_) => None,
        })
        .collect();
    let from_tag = tags.iter().find_map(|(_, _, t)| match t {
        Tag::Priority(p) => Some(*p),
        Tag::Force(_) => None,
    });
    let from_header = header(headers, &s.header)
        .and_then(|v| v.parse::<u8>().ok())
        .filter(|p| *p <= 9);
    let std = if s.standard_headers {
        standard(headers)
    } else {
        None
    };
    let p = from_tag
        .or(from_header)
        .or(mt_priority.map(|p| p.min(9)))
        .or(std)
        .unwrap_or(default.min(9));
    (p, force)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(n: &str, v: &str) -> Vec<(String, String)> {
        vec![(n.to_string(), v.to_string())]
    }

    #[test]
    fn mapping_and_precedence() {
        let s = PrioritySettings::default();
        assert_eq!(base(None, &[], None, 4, &s).0, 4);
        assert_eq!(
            base(None, &h("X-Priority", "1 (Highest)"), None, 4, &s).0,
            8
        );
        assert_eq!(base(None, &h("X-Priority", "5"), None, 4, &s).0, 0);
        assert_eq!(base(None, &h("Importance", "High"), None, 4, &s).0, 8);
        assert_eq!(base(None, &h("Priority", "non-urgent"), None, 4, &s).0, 0);
        assert_eq!(base(None, &h("X-Sealpost-Priority", "9"), None, 4, &s).0, 9);
        assert_eq!(
            base(None, &h("X-Sealpost-Priority", "12"), None, 4, &s).0,
            4
        );
        assert_eq!(base(None, &h("X-Priority", "1"), Some(2), 4, &s).0, 2);
        assert_eq!(
            base(
                Some("[priority:9] x"),
                &h("X-Sealpost-Priority", "1"),
                Some(2),
                4,
                &s
            )
            .0,
            9
        );
    }

    #[test]
    fn tags_are_found_and_stripped() {
        let s = PrioritySettings::default();
        let (p, force) = base(
            Some("[Secure] Lab [PRIORITY 7] results [note]"),
            &[],
            None,
            4,
            &s,
        );
        assert_eq!(p, 7);
        assert_eq!(force, vec!["secure".to_string()]);
        assert_eq!(
            strip_tags("[Secure] Lab [PRIORITY 7] results [note]", &s),
            "Lab results [note]"
        );
        assert_eq!(strip_tags("[priority:x] [", &s), "[priority:x] [");
    }
}

//! RFC 3464 delivery status fields: one per-message group, then one group
//! per recipient (`Final-Recipient`, `Original-Recipient`, `Action`,
//! `Status`, `Diagnostic-Code`). Read from a `message/delivery-status`
//! part, or from plain text when an MTA writes the same fields inline
//! (Amazon WorkMail, some Exchange and appliance reports).

/// Lines of a field section read.
const MAX_FIELD_LINES: usize = 4096;
/// A folded value stops growing past this many octets.
const MAX_VALUE: usize = 16 * 1024;

pub(super) type Fields = Vec<(String, String)>;

/// One recipient group, as read.
#[derive(Debug, Default, Clone)]
pub(super) struct DsnRecipient {
    pub final_recipient: Option<String>,
    pub original_recipient: Option<String>,
    pub action: Option<String>,
    pub status: Option<String>,
    pub diagnostic: Option<String>,
}

/// Splits header-style text into blank-line-separated groups of
/// `(lower-case name, unfolded value)` (RFC 5322 §2.2.3 folding).
pub(super) fn field_groups(text: &str) -> Vec<Fields> {
    let mut groups: Vec<Fields> = Vec::new();
    let mut current: Fields = Vec::new();
    for line in text.lines().take(MAX_FIELD_LINES) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                groups.push(std::mem::take(&mut current));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.last_mut()
                && value.len() < MAX_VALUE
            {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':')
            && is_field_name(name)
        {
            current.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub(super) fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn is_recipient_group(group: &Fields) -> bool {
    [
        "final-recipient",
        "original-recipient",
        "x-actual-recipient",
    ]
    .iter()
    .any(|f| field(group, f).is_some())
        || (field(group, "action").is_some() && field(group, "status").is_some())
}

/// The per-recipient groups of a delivery-status text, and the
/// Original-Envelope-Id of its per-message group.
pub(super) fn recipients(text: &str) -> (Vec<DsnRecipient>, Option<String>) {
    let mut out = Vec::new();
    let mut envid = None;
    let groups = field_groups(text);
    // Some MTAs write every field in one group: split it at each
    // Final-Recipient so each recipient keeps its own status.
    let groups = groups.into_iter().flat_map(split_at_recipients);
    for group in groups {
        if !is_recipient_group(&group) {
            if envid.is_none() {
                envid = field(&group, "original-envelope-id").map(|v| v.trim().to_string());
            }
            continue;
        }
        out.push(DsnRecipient {
            final_recipient: field(&group, "final-recipient")
                .or_else(|| field(&group, "x-actual-recipient"))
                .map(strip_type),
            original_recipient: field(&group, "original-recipient").map(strip_type),
            action: field(&group, "action").map(|a| a.trim().to_ascii_lowercase()),
            status: field(&group, "status").map(str::to_string),
            diagnostic: field(&group, "diagnostic-code")
                .map(strip_type)
                .filter(|d| !d.is_empty()),
        });
        if out.len() >= super::parse::MAX_RECIPIENTS {
            break;
        }
    }
    (out, envid)
}

fn split_at_recipients(group: Fields) -> Vec<Fields> {
    let finals = group.iter().filter(|(n, _)| n == "final-recipient").count();
    if finals <= 1 {
        return vec![group];
    }
    let mut out: Vec<Fields> = Vec::new();
    let mut current = Fields::new();
    for (name, value) in group {
        if name == "final-recipient" && current.iter().any(|(n, _)| n == "final-recipient") {
            out.push(std::mem::take(&mut current));
        }
        current.push((name, value));
    }
    out.push(current);
    out
}

/// Whether plain text carries inline delivery-status fields.
pub(super) fn has_inline_fields(text: &str) -> bool {
    text.lines().take(MAX_FIELD_LINES).any(|l| {
        let lower = l.trim_start().to_ascii_lowercase();
        lower.starts_with("final-recipient:") || lower.starts_with("original-recipient:")
    })
}

/// `rfc822; user@example` → `user@example` (RFC 3464 §2.3.2 address-type).
pub(super) fn strip_type(value: &str) -> String {
    value
        .split_once(';')
        .map_or(value, |(_, rest)| rest)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_fields_are_unfolded_and_grouped() {
        let groups = field_groups("A: 1\r\nB: two\r\n  lines\r\n\r\nC: 3\r\n");
        assert_eq!(groups.len(), 2);
        assert_eq!(field(&groups[0], "b"), Some("two lines"));
        assert_eq!(field(&groups[1], "c"), Some("3"));
    }

    #[test]
    fn one_group_with_two_recipients_is_split() {
        let (r, _) = recipients(
            "Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@x.example\nStatus: 5.2.2\nFinal-Recipient: rfc822; b@x.example\nStatus: 5.1.1\n",
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].final_recipient.as_deref(), Some("b@x.example"));
        assert_eq!(r[1].status.as_deref(), Some("5.1.1"));
    }
}

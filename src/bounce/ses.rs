//! Amazon SES notifications delivered by e-mail (SNS e-mail subscription):
//! a JSON object `{"notificationType": "Bounce" | "Complaint" |
//! "Delivery", …}`, bare or inside an SNS envelope's `"Message"` string
//! (documented at docs.aws.amazon.com/ses/latest/dg/notification-contents).

use serde_json::Value;

use super::classify::classify_reason;
use super::{BounceKind, BounceReason, BouncedRecipient};

/// Largest JSON text looked at.
const MAX_JSON: usize = 1024 * 1024;

/// The recipients of an SES notification in `text`, if it holds one.
pub(super) fn recipients(text: &str) -> Option<Vec<BouncedRecipient>> {
    if !text.contains("notificationType") {
        return None;
    }
    let joined: String = text
        .get(..text.len().min(MAX_JSON))
        .unwrap_or_default()
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let notification = object(&joined)?;
    let notification = match notification.get("notificationType") {
        Some(_) => notification,
        // SNS envelope: the notification is a JSON string in "Message".
        None => serde_json::from_str(notification.get("Message")?.as_str()?).ok()?,
    };
    let kind = notification.get("notificationType")?.as_str()?;
    let out: Vec<BouncedRecipient> = match kind {
        "Bounce" => bounce(notification.get("bounce")?),
        "Complaint" => simple(
            notification.get("complaint")?.get("complainedRecipients")?,
            BounceKind::Complaint,
            BounceReason::Complaint,
        ),
        "Delivery" => notification
            .get("delivery")?
            .get("recipients")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .map(|a| {
                entry(
                    a,
                    BounceKind::Delivered,
                    BounceReason::Delivered,
                    None,
                    None,
                )
            })
            .collect(),
        _ => return None,
    };
    Some(out)
}

/// The JSON object from the first `{` to the last `}`.
fn object(text: &str) -> Option<Value> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    let value: Value = serde_json::from_str(text.get(start..=end)?).ok()?;
    value.is_object().then_some(value)
}

fn bounce(b: &Value) -> Vec<BouncedRecipient> {
    let permanent = b.get("bounceType").and_then(Value::as_str) == Some("Permanent");
    let sub = b
        .get("bounceSubType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    b.get("bouncedRecipients")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|r| {
                    let address = r.get("emailAddress")?.as_str()?;
                    let status = r.get("status").and_then(Value::as_str);
                    let diag = r.get("diagnosticCode").and_then(Value::as_str);
                    let c = classify_reason(status, diag, Some(sub));
                    // "Suppressed"/"OnAccountSuppressionList": SES did not even
                    // try; "Transient": not final. Neither is proof.
                    let (kind, reason) = match (permanent, sub, c.kind) {
                        (_, "Suppressed" | "OnAccountSuppressionList", _) => {
                            (BounceKind::Soft, BounceReason::Other)
                        }
                        (false, _, BounceKind::Hard) => (BounceKind::Soft, c.reason),
                        (true, "NoEmail", _) => (BounceKind::Hard, BounceReason::UnknownUser),
                        _ => (c.kind, c.reason),
                    };
                    Some(entry(address, kind, reason, status, diag))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn simple(list: &Value, kind: BounceKind, reason: BounceReason) -> Vec<BouncedRecipient> {
    list.as_array()
        .map(|l| {
            l.iter()
                .filter_map(|r| r.get("emailAddress")?.as_str())
                .map(|a| entry(a, kind, reason, None, None))
                .collect()
        })
        .unwrap_or_default()
}

fn entry(
    address: &str,
    kind: BounceKind,
    reason: BounceReason,
    status: Option<&str>,
    diag: Option<&str>,
) -> BouncedRecipient {
    BouncedRecipient {
        address: Some(address.chars().take(254).collect()),
        original_recipient: None,
        status: status.map(|s| s.chars().take(16).collect()),
        kind,
        reason,
        diagnostic: diag.map(|d| d.chars().take(super::parse::MAX_DIAGNOSTIC).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounce_complaint_and_delivery_notifications_are_read() {
        let b = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"a@x.example","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}]}}"#;
        let r = recipients(b).expect("bounce");
        assert_eq!(r[0].kind, BounceKind::Hard);
        let c = r#"{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"c@x.example"}]}}"#;
        assert_eq!(
            recipients(c).expect("complaint")[0].kind,
            BounceKind::Complaint
        );
        let sns = format!(
            "{{\"Type\":\"Notification\",\"Message\":{}}}",
            serde_json::to_string(b).expect("json")
        );
        assert_eq!(recipients(&sns).expect("sns")[0].kind, BounceKind::Hard);
        assert!(recipients("{\"notificationType\": 3").is_none());
        let s = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"Suppressed","bouncedRecipients":[{"emailAddress":"a@x.example","status":"5.1.1"}]}}"#;
        assert_eq!(recipients(s).expect("suppressed")[0].kind, BounceKind::Soft);
    }
}

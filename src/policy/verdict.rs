//! The verdict: what happens to a message, and nothing that is PHI.
//!
//! It holds the action (accept / hold / reject with a reply), the required
//! protection, the priority, the ids of the rules that matched, a summary of
//! findings (type, confidence, count, where — never a value) and the header
//! rewrites to apply at delivery. `to_json` gives the stable contract used
//! by `sealpost policy test --json` and external tools.

use crate::policy::finding::FindingSummary;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Required protection, ordered `None < Tls < Encrypt`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Protection {
    #[default]
    None,
    Tls,
    Encrypt,
}

impl Protection {
    pub fn as_str(self) -> &'static str {
        match self {
            Protection::None => "none",
            Protection::Tls => "tls",
            Protection::Encrypt => "encrypt",
        }
    }

    pub fn parse(s: &str) -> Option<Protection> {
        match s {
            "none" => Some(Protection::None),
            "tls" => Some(Protection::Tls),
            "encrypt" => Some(Protection::Encrypt),
            _ => None,
        }
    }
}

/// What to do with the message at acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase", tag = "action")]
pub enum Action {
    #[default]
    Accept,
    /// Quarantine: spool, but do not deliver until released.
    Hold,
    /// Refuse before `250` with this reply.
    Reject {
        code: u16,
        enhanced: String,
        text: String,
    },
}

impl Action {
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Hold => "hold",
            Action::Reject { .. } => "reject",
        }
    }
}

/// The outcome of `inspect`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Verdict {
    pub action: Action,
    pub protection: Protection,
    /// 0..=9, 9 highest.
    pub priority: u8,
    /// Ids of the rules that matched, in evaluation order.
    pub rules: Vec<String>,
    pub findings: Vec<FindingSummary>,
    /// Replacement Subject (policy text only, never message text).
    pub subject_rewrite: Option<String>,
    /// Headers to add at delivery.
    pub add_headers: Vec<(String, String)>,
    /// Remove recognised subject tags at delivery.
    pub strip_subject_tags: bool,
    /// Tag names to strip (`priority` tag name first, then forcing tags).
    #[serde(default)]
    pub tag_names: Vec<String>,
    /// Part of the message was not scanned (a size/depth/part cap was hit).
    #[serde(default)]
    pub truncated: bool,
    /// Protection methods allowed for an `encrypt` verdict, in order
    /// (empty: `[secure] order`); set by a rule's `methods`.
    #[serde(default)]
    pub methods: Vec<String>,
    /// How long portal copies are kept (a rule's `portal_expiry`), seconds.
    #[serde(default)]
    pub portal_expiry_secs: Option<u64>,
}

impl Verdict {
    /// The JSON contract: `action`, `protection`, `priority`, `rules`,
    /// `findings[{type, confidence, count, where}]`, plus extra fields.
    pub fn to_json(&self) -> Value {
        let findings: Vec<Value> = self
            .findings
            .iter()
            .map(|f| {
                json!({
                    "type": f.kind.as_str(),
                    "confidence": f.confidence.as_str(),
                    "count": f.count,
                    "where": f.location.as_str(),
                })
            })
            .collect();
        let mut v = json!({
            "action": self.action.as_str(),
            "protection": self.protection.as_str(),
            "priority": self.priority,
            "rules": self.rules,
            "findings": findings,
            "subject_rewritten": self.subject_rewrite.is_some(),
            "strip_subject_tags": self.strip_subject_tags,
            "add_headers": self.add_headers.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
            "truncated": self.truncated,
        });
        if !self.methods.is_empty()
            && let Some(obj) = v.as_object_mut()
        {
            obj.insert("methods".into(), json!(self.methods));
        }
        if let (
            Action::Reject {
                code,
                enhanced,
                text,
            },
            Some(obj),
        ) = (&self.action, v.as_object_mut())
        {
            obj.insert(
                "reply".into(),
                json!({"code": code, "enhanced": enhanced, "text": text}),
            );
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::finding::{Confidence, Kind, Location};

    #[test]
    fn json_contract() {
        let v = Verdict {
            protection: Protection::Encrypt,
            priority: 4,
            rules: vec!["phi".into()],
            findings: vec![FindingSummary {
                kind: Kind::Ssn,
                confidence: Confidence::High,
                count: 1,
                location: Location::Subject,
            }],
            ..Verdict::default()
        };
        let j = v.to_json();
        assert_eq!(j["action"], "accept");
        assert_eq!(j["protection"], "encrypt");
        assert_eq!(j["priority"], 4);
        assert_eq!(j["rules"][0], "phi");
        assert_eq!(
            j["findings"][0],
            json!({"type":"ssn","confidence":"high","count":1,"where":"subject"})
        );
    }

    #[test]
    fn reject_has_reply() {
        let v = Verdict {
            action: Action::Reject {
                code: 550,
                enhanced: "5.7.1".into(),
                text: "no".into(),
            },
            ..Verdict::default()
        };
        let j = v.to_json();
        assert_eq!(j["action"], "reject");
        assert_eq!(j["reply"]["code"], 550);
    }
}

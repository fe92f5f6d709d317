//! `policy::Verdict` → the spool's `StoredVerdict`: the accept stage is the
//! one place that knows both, so `spool` never depends on `policy`.

use super::headers::Repairs;
use crate::policy::{self, Action};
use crate::spool::{AllowedMethod, FindingCount, Protection, StoredVerdict};

/// `floor` (the submitter's `require`) can only raise the protection.
pub fn stored(v: &policy::Verdict, repairs: &Repairs, floor: Option<Protection>) -> StoredVerdict {
    let decided = match v.protection {
        policy::Protection::None => Protection::None,
        policy::Protection::Tls => Protection::Tls,
        policy::Protection::Encrypt => Protection::Encrypt,
    };
    let protection = floor.map_or(decided, |f| decided.max(f));
    let mut rewrites: Vec<String> = Vec::new();
    if v.subject_rewrite.is_some() || v.strip_subject_tags {
        rewrites.push("Subject".into());
    }
    rewrites.extend(v.add_headers.iter().map(|(name, _)| name.clone()));
    rewrites.extend(repairs.added.iter().map(|n| n.to_string()));
    StoredVerdict {
        protection,
        // Rule validation admits only known names; were one unknown, it is
        // left out rather than guessed (the rest still protect).
        methods: v
            .methods
            .iter()
            .filter_map(|m| AllowedMethod::parse(m))
            .collect(),
        rules: v.rules.clone(),
        findings: v
            .findings
            .iter()
            .map(|f| FindingCount {
                kind: f.kind.as_str().to_string(),
                count: f.count as u32,
            })
            .collect(),
        held: v.action == Action::Hold,
        rewrites,
        portal_expiry_secs: v.portal_expiry_secs,
        absent_in_record: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protection_methods_and_findings_carry_over_without_values() {
        let v = policy::Verdict {
            protection: policy::Protection::Encrypt,
            methods: vec!["smime".into(), "portal".into()],
            rules: vec!["phi".into()],
            action: Action::Hold,
            ..policy::Verdict::default()
        };
        let r = Repairs {
            added: vec!["Date"],
            ..Repairs::default()
        };
        let s = stored(&v, &r, None);
        assert_eq!(s.protection, Protection::Encrypt);
        assert_eq!(s.methods, [AllowedMethod::Smime, AllowedMethod::Portal]);
        assert!(s.held);
        assert_eq!(s.rewrites, ["Date"]);
        let json = serde_json::to_string(&s).expect("json");
        assert!(json.contains("\"protection\":\"encrypt\""), "{json}");
    }

    #[test]
    fn a_floor_raises_protection_and_never_lowers_it() {
        let r = Repairs {
            added: vec![],
            body_separated: false,
            stray_lines_folded: 0,
        };
        let tls = policy::Verdict {
            protection: policy::Protection::Tls,
            ..policy::Verdict::default()
        };
        let raised = stored(&tls, &r, Some(Protection::Encrypt));
        assert_eq!(raised.protection, Protection::Encrypt);
        let kept = stored(&tls, &r, Some(Protection::None));
        assert_eq!(kept.protection, Protection::Tls);
    }
}

//! Rule evaluation: findings + envelope + headers → [`Verdict`].
//!
//! Order: rules run in file-name order, then in file order. Every matching
//! rule applies (all-match); a rule with `stop = true` ends evaluation after
//! it applies; a rule with `reject` ends evaluation at once. Combining:
//! protection is the strongest required; `priority` sets, `raise_priority`
//! only raises (both in rule order, starting from the tag/header priority);
//! the last `subject` wins; headers accumulate (first value per name);
//! `hold` holds unless a later rule rejects.

use crate::policy::MessageContext;
use crate::policy::finding::Finding;
use crate::policy::rules::{HeaderCond, HeaderTest, Rule};
use crate::policy::verdict::{Action, Protection, Verdict};

/// Everything a rule may look at.
pub struct Facts<'a> {
    pub findings: &'a [Finding],
    pub headers: &'a [(String, String)],
    pub tags: &'a [String],
    pub truncated: bool,
    pub ctx: &'a MessageContext<'a>,
}

use crate::util::domain_of;

/// `d` equals `want` or is a subdomain of it.
fn domain_in(d: &str, list: &[String]) -> bool {
    list.iter().any(|w| {
        d == w
            || (d.len() > w.len()
                && d.ends_with(w.as_str())
                && d[..d.len() - w.len()].ends_with('.'))
    })
}

fn header_holds(h: &HeaderCond, headers: &[(String, String)]) -> bool {
    let mut values = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(&h.name))
        .map(|(_, v)| v);
    match &h.test {
        HeaderTest::Present(want) => values.next().is_some() == *want,
        HeaderTest::Contains(s) => values.any(|v| v.to_lowercase().contains(s.as_str())),
        HeaderTest::Matches(r) => values.any(|v| r.is_match(v)),
    }
}

fn envelope_holds(r: &Rule, f: &Facts<'_>) -> bool {
    let ctx = f.ctx;
    if !r.sender_domains.is_empty() && !domain_in(&domain_of(ctx.sender), &r.sender_domains) {
        return false;
    }
    if !r.recipient_domains.is_empty() {
        let mut it = ctx
            .recipients
            .iter()
            .map(|a| domain_in(&domain_of(a), &r.recipient_domains));
        let ok = if r.all_recipients {
            !ctx.recipients.is_empty() && it.all(|b| b)
        } else {
            it.any(|b| b)
        };
        if !ok {
            return false;
        }
    }
    if !r.listeners.is_empty() && !r.listeners.iter().any(|l| l == ctx.listener) {
        return false;
    }
    if !r.auth_users.is_empty()
        && !ctx
            .auth_user
            .is_some_and(|u| r.auth_users.iter().any(|a| a.eq_ignore_ascii_case(u)))
    {
        return false;
    }
    if r.authenticated
        .is_some_and(|a| a != ctx.auth_user.is_some())
    {
        return false;
    }
    let size = u64::try_from(ctx.size).unwrap_or(u64::MAX);
    !(r.min_size.is_some_and(|m| size < m) || r.max_size.is_some_and(|m| size > m))
}

/// Does `r` match these facts?
pub fn matches(r: &Rule, f: &Facts<'_>) -> bool {
    if !r.detectors.is_empty() && !r.detectors.iter().any(|d| d.holds(f.findings)) {
        return false;
    }
    if !r.and_detectors.is_empty() && !r.and_detectors.iter().any(|d| d.holds(f.findings)) {
        return false;
    }
    if !r.headers.iter().all(|h| header_holds(h, f.headers)) {
        return false;
    }
    if !r.tags.is_empty() && !r.tags.iter().any(|t| f.tags.contains(t)) {
        return false;
    }
    if r.truncated.is_some_and(|t| t != f.truncated) {
        return false;
    }
    envelope_holds(r, f)
}

/// Apply one matching rule; returns true when evaluation must stop.
fn apply(r: &Rule, v: &mut Verdict) -> bool {
    v.rules.push(r.id.clone());
    if let Some(p) = r.protection {
        v.protection = v.protection.max(p);
    }
    if let Some(p) = r.priority {
        v.priority = p;
    }
    if let Some(p) = r.raise_priority {
        v.priority = v.priority.max(p);
    }
    if let Some(s) = &r.subject {
        v.subject_rewrite = Some(s.clone());
    }
    if !r.methods.is_empty() {
        v.methods = r.methods.clone();
    }
    if let Some(d) = r.portal_expiry {
        // The shortest wins: a stricter rule is never loosened by another.
        v.portal_expiry_secs = Some(
            v.portal_expiry_secs
                .map_or(d.as_secs(), |o| o.min(d.as_secs())),
        );
    }
    v.strip_subject_tags |= r.strip_tags;
    for (n, val) in &r.add_headers {
        if !v.add_headers.iter().any(|(m, _)| m.eq_ignore_ascii_case(n)) {
            v.add_headers.push((n.clone(), val.clone()));
        }
    }
    if let Some(rj) = &r.reject {
        v.action = Action::Reject {
            code: rj.code,
            enhanced: rj.enhanced.clone(),
            text: rj.text.clone(),
        };
        return true;
    }
    if r.hold {
        v.action = Action::Hold;
    }
    r.stop
}

/// Evaluate `rules` in order into `v` (which holds the base priority).
pub fn evaluate(rules: &[Rule], f: &Facts<'_>, v: &mut Verdict) {
    v.protection = Protection::None;
    for r in rules {
        if matches(r, f) && apply(r, v) {
            break;
        }
    }
}

/// Of the rules that applied (`applied`, ids from the verdict), those
/// with a detector condition this finding satisfies: the rules that
/// turned it into the verdict.
pub fn rules_using<'r>(rules: &'r [Rule], applied: &[String], f: &Finding) -> Vec<&'r str> {
    let fits = |d: &crate::policy::rules::DetectorCond| {
        d.kind == f.kind
            && f.confidence >= d.min
            && (d.locations.is_empty() || d.locations.contains(&f.location))
    };
    rules
        .iter()
        .filter(|r| applied.contains(&r.id))
        .filter(|r| r.detectors.iter().chain(&r.and_detectors).any(fits))
        .map(|r| r.id.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_match() {
        let list = vec!["example.org".to_string()];
        assert!(domain_in("example.org", &list));
        assert!(domain_in("mail.example.org", &list));
        assert!(!domain_in("badexample.org", &list));
        assert_eq!(domain_of("<a@Example.ORG>"), "example.org");
    }
}

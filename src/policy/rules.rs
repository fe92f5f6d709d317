//! Policy rules: TOML → validated [`Rule`] values, and rule matching.
//!
//! A rule has an `id`, conditions (all present conditions must hold) and
//! actions. Conditions: `detectors` (any of), `and_detectors` (any of, and
//! required too), `headers` (all), `sender_domains`, `recipient_domains`
//! (with `recipients = "any" | "all"`), `listeners`, `auth_users`,
//! `authenticated`, `min_size`, `max_size`, `tags` (forcing subject tags,
//! any of), `truncated`. A rule with no condition always matches. Actions:
//! `protection`, `methods`, `priority`, `raise_priority`, `subject`, `strip_tags`,
//! `add_headers`, `hold`, `reject`, `stop`. Evaluation order is described
//! in `engine` and `policies/README.md`.

use crate::policy::finding::{Confidence, Finding, Kind, Location};
use crate::policy::tomlpath::{Checker, got, join, one_of};
use crate::policy::verdict::Protection;
use regex::{Regex, RegexBuilder};
use std::collections::HashSet;
use toml::Value;
use toml::value::Table;

/// "At least `count` distinct values of `kind` at `min` confidence or
/// more, in one of `locations` (empty: anywhere)".
#[derive(Debug, Clone)]
pub struct DetectorCond {
    pub kind: Kind,
    pub min: Confidence,
    pub count: usize,
    pub locations: Vec<Location>,
}

impl DetectorCond {
    pub fn holds(&self, findings: &[Finding]) -> bool {
        let mut seen = HashSet::new();
        for f in findings {
            if f.kind == self.kind
                && f.confidence >= self.min
                && (self.locations.is_empty() || self.locations.contains(&f.location))
            {
                seen.insert(f.value_hash);
                if seen.len() >= self.count {
                    return true;
                }
            }
        }
        false
    }
}

/// A test on a top-level header.
#[derive(Debug, Clone)]
pub enum HeaderTest {
    Present(bool),
    /// Case-insensitive substring (stored lowercase).
    Contains(String),
    Matches(Regex),
}

#[derive(Debug, Clone)]
pub struct HeaderCond {
    pub name: String,
    pub test: HeaderTest,
}

/// The SMTP reply of a `reject` action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub code: u16,
    pub enhanced: String,
    pub text: String,
}

/// One validated rule.
#[derive(Debug, Clone, Default)]
pub struct Rule {
    pub id: String,
    pub description: String,
    /// File the rule came from (for messages).
    pub file: String,
    pub detectors: Vec<DetectorCond>,
    pub and_detectors: Vec<DetectorCond>,
    pub headers: Vec<HeaderCond>,
    pub sender_domains: Vec<String>,
    pub recipient_domains: Vec<String>,
    pub all_recipients: bool,
    pub listeners: Vec<String>,
    pub auth_users: Vec<String>,
    pub authenticated: Option<bool>,
    pub min_size: Option<u64>,
    pub max_size: Option<u64>,
    pub tags: Vec<String>,
    pub truncated: Option<bool>,
    pub protection: Option<Protection>,
    /// Allowed protection methods in order for `encrypt` (empty: default).
    pub methods: Vec<String>,
    /// How long a portal copy is kept (instead of `[secure] portal_expiry`).
    pub portal_expiry: Option<std::time::Duration>,
    pub priority: Option<u8>,
    pub raise_priority: Option<u8>,
    pub subject: Option<String>,
    pub strip_tags: bool,
    pub add_headers: Vec<(String, String)>,
    pub hold: bool,
    pub reject: Option<Reject>,
    pub stop: bool,
}

const RULE_KEYS: &[&str] = &[
    "id",
    "description",
    "detectors",
    "and_detectors",
    "headers",
    "sender_domains",
    "recipient_domains",
    "recipients",
    "listeners",
    "auth_users",
    "authenticated",
    "min_size",
    "max_size",
    "tags",
    "truncated",
    "protection",
    "methods",
    "portal_expiry",
    "priority",
    "raise_priority",
    "subject",
    "strip_tags",
    "add_headers",
    "hold",
    "reject",
    "stop",
];

/// Protection methods a rule may list.
const METHODS: [&str; 4] = ["pgp", "smime", "tls", "portal"];

const KIND_NAMES: &str = "ssn, itin, mrn, dob, icd10, npi, dea, mbi, member_id, credit_card, bank_account, health, phone, email, address, ip, name, unscannable";

/// Printable ASCII, no CR/LF: safe in a header or an SMTP reply.
fn printable(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\t')
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// RFC 5322 §3.6.8: field name = printable ASCII except `:`.
pub fn valid_header_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 76 && s.bytes().all(|b| (33..127).contains(&b) && b != b':')
}

fn detector(c: &mut Checker<'_>, t: &Table, path: &str) -> Option<DetectorCond> {
    c.unknown_keys(t, path, &["type", "confidence", "count", "where"]);
    let kind = match t.get("type") {
        None => {
            c.err(&join(path, "type"), "missing required key");
            None
        }
        Some(Value::String(s)) => {
            let k = Kind::parse(s);
            if k.is_none() {
                c.err(
                    &join(path, "type"),
                    format!("unknown detector {s:?} (known: {KIND_NAMES})"),
                );
            }
            k
        }
        Some(v) => {
            c.err(
                &join(path, "type"),
                format!("expected a string, got {}", got(v)),
            );
            None
        }
    };
    let min = match t.get("confidence") {
        Some(v) => c.choice(
            v,
            &join(path, "confidence"),
            &["low", "medium", "high"],
            Confidence::parse,
        ),
        None => Some(Confidence::Medium),
    };
    let count = c.int(t, path, "count", 1, 1_000_000).unwrap_or(1);
    let mut locations = Vec::new();
    if let Some(v) = t.get("where") {
        let p = join(path, "where");
        match v {
            Value::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    let choices = ["subject", "header", "body", "attachment"];
                    if let Some(l) = c.choice(item, &format!("{p}[{i}]"), &choices, Location::parse)
                    {
                        locations.push(l);
                    }
                }
            }
            other => c.err(
                &p,
                format!("expected an array of strings, got {}", got(other)),
            ),
        }
    }
    Some(DetectorCond {
        kind: kind?,
        min: min?,
        count: usize::try_from(count).unwrap_or(1),
        locations,
    })
}

fn header_cond(c: &mut Checker<'_>, t: &Table, path: &str) -> Option<HeaderCond> {
    c.unknown_keys(t, path, &["name", "contains", "matches", "present"]);
    let name = c.string(t, path, "name");
    if t.get("name").is_none() {
        c.err(&join(path, "name"), "missing required key");
    }
    let tests = ["contains", "matches", "present"]
        .iter()
        .filter(|k| t.contains_key(**k))
        .count();
    if tests != 1 {
        c.err(
            path,
            format!(
                "expected exactly one of {}",
                one_of(&["contains", "matches", "present"])
            ),
        );
        return None;
    }
    let test = if let Some(b) = c.bool(t, path, "present") {
        HeaderTest::Present(b)
    } else if let Some(s) = c.string(t, path, "contains") {
        HeaderTest::Contains(s.to_lowercase())
    } else {
        let s = c.string(t, path, "matches")?;
        match RegexBuilder::new(&s).size_limit(1 << 20).build() {
            Ok(r) => HeaderTest::Matches(r),
            Err(e) => {
                c.err(&join(path, "matches"), format!("invalid regex: {e}"));
                return None;
            }
        }
    };
    Some(HeaderCond { name: name?, test })
}

fn reject(c: &mut Checker<'_>, v: &Value, path: &str) -> Option<Reject> {
    let Value::Table(t) = v else {
        c.err(
            path,
            format!(
                "expected a table {{ code, enhanced, text }}, got {}",
                got(v)
            ),
        );
        return None;
    };
    c.unknown_keys(t, path, &["code", "enhanced", "text"]);
    let code = c.int(t, path, "code", 400, 599).unwrap_or(550);
    let class = code / 100;
    let enhanced = c
        .string(t, path, "enhanced")
        .unwrap_or_else(|| format!("{class}.7.1"));
    let parts: Vec<&str> = enhanced.split('.').collect();
    let enhanced_ok = parts.len() == 3
        && parts[0] == class.to_string()
        && parts[1..]
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
    if !enhanced_ok {
        c.err(
            &join(path, "enhanced"),
            format!("expected \"{class}.X.Y\" matching code {code}, got {enhanced:?}"),
        );
    }
    let text = c
        .string(t, path, "text")
        .unwrap_or_else(|| "message refused by policy".to_string());
    if !printable(&text) || text.len() > 400 {
        c.err(
            &join(path, "text"),
            "expected printable ASCII of at most 400 characters without line breaks",
        );
    }
    Some(Reject {
        code: u16::try_from(code).unwrap_or(550),
        enhanced,
        text,
    })
}

fn conditions(c: &mut Checker<'_>, t: &Table, path: &str, r: &mut Rule) {
    for (key, out) in [
        ("detectors", &mut r.detectors),
        ("and_detectors", &mut r.and_detectors),
    ] {
        for (p, dt) in c.tables(t, path, key) {
            if let Some(d) = detector(c, dt, &p) {
                out.push(d);
            }
        }
    }
    for (p, ht) in c.tables(t, path, "headers") {
        if let Some(h) = header_cond(c, ht, &p) {
            r.headers.push(h);
        }
    }
    let lower = |v: Vec<String>| {
        v.into_iter()
            .map(|s| s.trim().trim_start_matches('@').to_ascii_lowercase())
            .collect()
    };
    r.sender_domains = lower(c.strings(t, path, "sender_domains"));
    r.recipient_domains = lower(c.strings(t, path, "recipient_domains"));
    if let Some(v) = t.get("recipients") {
        r.all_recipients = c.choice(v, &join(path, "recipients"), &["any", "all"], |s| match s {
            "any" => Some(false),
            "all" => Some(true),
            _ => None,
        }) == Some(true);
    }
    r.listeners = c.strings(t, path, "listeners");
    r.auth_users = c.strings(t, path, "auth_users");
    r.authenticated = c.bool(t, path, "authenticated");
    r.min_size = c.size(t, path, "min_size");
    r.max_size = c.size(t, path, "max_size");
    r.tags = c
        .strings(t, path, "tags")
        .into_iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    r.truncated = c.bool(t, path, "truncated");
}

fn actions(c: &mut Checker<'_>, t: &Table, path: &str, r: &mut Rule) {
    if let Some(v) = t.get("protection") {
        r.protection = c.choice(
            v,
            &join(path, "protection"),
            &["none", "tls", "encrypt"],
            Protection::parse,
        );
    }
    r.methods = c.strings(t, path, "methods");
    for (i, m) in r.methods.iter().enumerate() {
        if !METHODS.contains(&m.as_str()) {
            c.err(
                &format!("{}[{i}]", join(path, "methods")),
                format!("expected \"pgp\", \"smime\", \"tls\" or \"portal\", got \"{m}\""),
            );
        }
    }
    r.priority = c
        .int(t, path, "priority", 0, 9)
        .and_then(|p| u8::try_from(p).ok());
    r.raise_priority = c
        .int(t, path, "raise_priority", 0, 9)
        .and_then(|p| u8::try_from(p).ok());
    if let Some(text) = c.string(t, path, "portal_expiry") {
        match humantime::parse_duration(&text) {
            Ok(d) if d.as_secs() >= 1 => r.portal_expiry = Some(d),
            _ => c.err(
                &join(path, "portal_expiry"),
                format!("expected a duration of at least a second such as \"7d\", got \"{text}\""),
            ),
        }
    }
    r.subject = c.string(t, path, "subject");
    if let Some(s) = &r.subject
        && (s.contains(['\r', '\n']) || s.len() > 200)
    {
        c.err(
            &join(path, "subject"),
            "expected at most 200 characters without line breaks",
        );
    }
    r.strip_tags = c.bool(t, path, "strip_tags").unwrap_or(false);
    r.hold = c.bool(t, path, "hold").unwrap_or(false);
    r.stop = c.bool(t, path, "stop").unwrap_or(false);
    if let Some(v) = t.get("reject") {
        r.reject = reject(c, v, &join(path, "reject"));
    }
    match t.get("add_headers") {
        None => {}
        Some(Value::Table(h)) => {
            for (name, v) in h {
                let p = join(&join(path, "add_headers"), name);
                if !valid_header_name(name) {
                    c.err(&p, "invalid header name");
                }
                match v {
                    Value::String(s) if printable(s) => {
                        r.add_headers.push((name.clone(), s.clone()))
                    }
                    Value::String(_) => c.err(&p, "expected printable ASCII without line breaks"),
                    other => c.err(&p, format!("expected a string, got {}", got(other))),
                }
            }
        }
        Some(v) => c.err(
            &join(path, "add_headers"),
            format!("expected a table of name = \"value\", got {}", got(v)),
        ),
    }
}

/// Parse and validate one `[[rule]]` table.
pub fn parse_rule(c: &mut Checker<'_>, t: &Table, path: &str) -> Option<Rule> {
    c.unknown_keys(t, path, RULE_KEYS);
    let mut r = Rule {
        file: c.file.clone(),
        ..Rule::default()
    };
    let before = c.errors.len();
    match c.string(t, path, "id") {
        Some(id) if valid_id(&id) => r.id = id,
        Some(id) => c.err(
            &join(path, "id"),
            format!("expected lowercase letters, digits, '-' or '_' (at most 64), got {id:?}"),
        ),
        None if t.get("id").is_none() => c.err(&join(path, "id"), "missing required key"),
        None => {}
    }
    r.description = c.string(t, path, "description").unwrap_or_default();
    conditions(c, t, path, &mut r);
    actions(c, t, path, &mut r);
    (c.errors.len() == before).then_some(r)
}

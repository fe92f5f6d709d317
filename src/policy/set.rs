//! The policy set: every `*.toml` of a directory, in file-name order.
//!
//! File keys: `[[rule]]` (see `rules`), `[priority]` (see `priority`) and
//! `[detectors.mrn]` / `[detectors.member_id]` (extra patterns and
//! keywords). `[priority]` and `[detectors]` may appear in one file only.
//! Loading parses, then validates, and reports every error with its file and
//! key path. The shipped default set is embedded at compile time.

use crate::policy::detect::DetectorConfig;
use crate::policy::error::PolicyError;
use crate::policy::mime::Limits;
use crate::policy::priority::PrioritySettings;
use crate::policy::rules::{Rule, parse_rule};
use crate::policy::tomlpath::{Checker, got};
use std::collections::HashMap;
use std::path::Path;
use toml::Value;
use toml::value::Table;

/// The shipped policy files (`policies/*.toml`), in evaluation order.
const BUILTIN: &[(&str, &str)] = &[
    (
        "policies/00-priority.toml",
        include_str!("../../policies/00-priority.toml"),
    ),
    (
        "policies/10-phi.toml",
        include_str!("../../policies/10-phi.toml"),
    ),
    (
        "policies/20-sensitive.toml",
        include_str!("../../policies/20-sensitive.toml"),
    ),
];

/// A loaded, validated policy set.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub rules: Vec<Rule>,
    pub priority: PrioritySettings,
    pub detectors: DetectorConfig,
    pub limits: Limits,
    /// Files loaded, in order.
    pub files: Vec<String>,
}

fn syntax_error(file: &str, src: &str, e: &toml::de::Error) -> PolicyError {
    let offset = e.span().map_or(0, |s| s.start).min(src.len());
    let upto = src.get(..offset).unwrap_or("");
    let line = upto.matches('\n').count() + 1;
    let column = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    PolicyError::Syntax {
        file: file.to_string(),
        line,
        column,
        message: e.message().to_string(),
    }
}

fn priority_section(c: &mut Checker<'_>, v: &Value) -> PrioritySettings {
    let mut s = PrioritySettings::default();
    let Value::Table(t) = v else {
        c.err("priority", format!("expected a table, got {}", got(v)));
        return s;
    };
    c.unknown_keys(
        t,
        "priority",
        &["header", "subject_tag", "force_tags", "standard_headers"],
    );
    if let Some(h) = c.string(t, "priority", "header") {
        if crate::policy::rules::valid_header_name(&h) {
            s.header = h;
        } else {
            c.err("priority.header", format!("invalid header name {h:?}"));
        }
    }
    if let Some(tag) = c.string(t, "priority", "subject_tag") {
        if !tag.is_empty()
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            s.subject_tag = tag;
        } else {
            c.err(
                "priority.subject_tag",
                format!("expected letters, digits, '-' or '_', got {tag:?}"),
            );
        }
    }
    if t.contains_key("force_tags") {
        s.force_tags = c.strings(t, "priority", "force_tags");
    }
    if let Some(b) = c.bool(t, "priority", "standard_headers") {
        s.standard_headers = b;
    }
    s
}

fn detectors_section(c: &mut Checker<'_>, v: &Value) -> DetectorConfig {
    let Value::Table(t) = v else {
        c.err("detectors", format!("expected a table, got {}", got(v)));
        return DetectorConfig::default();
    };
    c.unknown_keys(t, "detectors", &["mrn", "member_id"]);
    let sub = |c: &mut Checker<'_>, key: &str, known: &[&str]| -> Table {
        match t.get(key) {
            Some(Value::Table(s)) => {
                c.unknown_keys(s, &format!("detectors.{key}"), known);
                s.clone()
            }
            Some(other) => {
                c.err(
                    &format!("detectors.{key}"),
                    format!("expected a table, got {}", got(other)),
                );
                Table::new()
            }
            None => Table::new(),
        }
    };
    let mrn = sub(c, "mrn", &["patterns", "keywords"]);
    let member = sub(c, "member_id", &["keywords"]);
    let patterns = c.strings(&mrn, "detectors.mrn", "patterns");
    let mrn_kw = c.strings(&mrn, "detectors.mrn", "keywords");
    let member_kw = c.strings(&member, "detectors.member_id", "keywords");
    match DetectorConfig::new(&patterns, &mrn_kw, &member_kw) {
        Ok(cfg) => cfg,
        Err((path, msg)) => {
            c.err(&format!("detectors.{path}"), msg);
            DetectorConfig::default()
        }
    }
}

/// Parsed content of one file.
#[derive(Default)]
struct FileParts {
    rules: Vec<Rule>,
    priority: Option<PrioritySettings>,
    detectors: Option<DetectorConfig>,
}

fn parse_file(file: &str, src: &str, errors: &mut Vec<PolicyError>) -> FileParts {
    let table: Table = match toml::from_str(src) {
        Ok(t) => t,
        Err(e) => {
            errors.push(syntax_error(file, src, &e));
            return FileParts::default();
        }
    };
    let mut c = Checker {
        file: file.to_string(),
        errors,
    };
    c.unknown_keys(&table, "", &["rule", "priority", "detectors"]);
    let mut parts = FileParts::default();
    for (path, t) in c.tables(&table, "", "rule") {
        if let Some(r) = parse_rule(&mut c, t, &path) {
            parts.rules.push(r);
        }
    }
    parts.priority = table.get("priority").map(|v| priority_section(&mut c, v));
    parts.detectors = table.get("detectors").map(|v| detectors_section(&mut c, v));
    parts
}

impl PolicySet {
    /// Build a set from (file name, contents) pairs, in the given order.
    pub fn from_sources(files: &[(String, String)]) -> Result<PolicySet, Vec<PolicyError>> {
        let mut errors = Vec::new();
        let mut set = PolicySet::default();
        let mut ids: HashMap<String, String> = HashMap::new();
        let mut section_owner: HashMap<&str, String> = HashMap::new();
        for (file, src) in files {
            let parts = parse_file(file, src, &mut errors);
            let mut c = Checker {
                file: file.clone(),
                errors: &mut errors,
            };
            for (i, r) in parts.rules.into_iter().enumerate() {
                if let Some(first) = ids.get(&r.id) {
                    c.err(
                        &format!("rule[{i}].id"),
                        format!("duplicate rule id {:?} (first defined in {first})", r.id),
                    );
                    continue;
                }
                ids.insert(r.id.clone(), file.clone());
                set.rules.push(r);
            }
            for (name, present) in [
                ("priority", parts.priority.is_some()),
                ("detectors", parts.detectors.is_some()),
            ] {
                if !present {
                    continue;
                }
                if let Some(first) = section_owner.get(name) {
                    c.err(name, format!("already defined in {first}"));
                } else {
                    section_owner.insert(name, file.clone());
                }
            }
            if let Some(p) = parts.priority {
                set.priority = p;
            }
            if let Some(d) = parts.detectors {
                set.detectors = d;
            }
            set.files.push(file.clone());
        }
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }

    /// Load every `*.toml` in `dir`, sorted by file name. All errors are
    /// collected; each names the file and the key path.
    pub fn load_dir(dir: &Path) -> Result<PolicySet, Vec<PolicyError>> {
        let io = |file: &Path, e: std::io::Error| PolicyError::Io {
            file: file.display().to_string(),
            message: e.to_string(),
        };
        let entries = std::fs::read_dir(dir).map_err(|e| vec![io(dir, e)])?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
            .collect();
        paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        if paths.is_empty() {
            return Err(vec![PolicyError::Io {
                file: dir.display().to_string(),
                message: "no *.toml policy files".to_string(),
            }]);
        }
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for p in paths {
            match std::fs::read_to_string(&p) {
                Ok(s) => files.push((p.display().to_string(), s)),
                Err(e) => errors.push(io(&p, e)),
            }
        }
        match PolicySet::from_sources(&files) {
            Ok(set) if errors.is_empty() => Ok(set),
            Ok(_) => Err(errors),
            Err(mut e) => {
                errors.append(&mut e);
                Err(errors)
            }
        }
    }

    /// The shipped default set (`policies/*.toml`, embedded).
    pub fn builtin() -> PolicySet {
        let files: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        // The embedded files are validated by a unit test; should they ever
        // fail, fall back to a fail-closed set rather than panic.
        PolicySet::from_sources(&files).unwrap_or_else(|_| PolicySet::fail_closed())
    }

    /// Encrypt everything: used only if the embedded set were invalid.
    fn fail_closed() -> PolicySet {
        let rule = Rule {
            id: "fail-closed".to_string(),
            protection: Some(crate::policy::verdict::Protection::Encrypt),
            ..Rule::default()
        };
        PolicySet {
            rules: vec![rule],
            ..PolicySet::default()
        }
    }
}

/// The embedded sources, for tests that need the raw results.
#[cfg(test)]
pub fn tests_builtin_sources() -> Vec<(String, String)> {
    BUILTIN
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect()
}

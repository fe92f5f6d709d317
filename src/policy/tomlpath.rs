//! Typed access to a parsed TOML table that records every problem with its
//! key path instead of stopping at the first (parse, then validate,
//! collecting all errors).

use crate::policy::error::PolicyError;
use toml::Value;
use toml::value::Table;

/// Error collector for one file.
pub struct Checker<'e> {
    pub file: String,
    pub errors: &'e mut Vec<PolicyError>,
}

/// Render a value for "got ..." in messages.
pub fn got(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Table(_) => "a table".to_string(),
        Value::Array(_) => "an array".to_string(),
        other => other.to_string(),
    }
}

/// Join a path and a key.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Checker<'_> {
    pub fn err(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(PolicyError::Invalid {
            file: self.file.clone(),
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Report keys of `t` that are not in `known`.
    pub fn unknown_keys(&mut self, t: &Table, path: &str, known: &[&str]) {
        for k in t.keys() {
            if !known.contains(&k.as_str()) {
                self.err(&join(path, k), "unknown key");
            }
        }
    }

    pub fn string(&mut self, t: &Table, path: &str, key: &str) -> Option<String> {
        match t.get(key)? {
            Value::String(s) => Some(s.clone()),
            v => {
                self.err(
                    &join(path, key),
                    format!("expected a string, got {}", got(v)),
                );
                None
            }
        }
    }

    pub fn bool(&mut self, t: &Table, path: &str, key: &str) -> Option<bool> {
        match t.get(key)? {
            Value::Boolean(b) => Some(*b),
            v => {
                self.err(
                    &join(path, key),
                    format!("expected true or false, got {}", got(v)),
                );
                None
            }
        }
    }

    /// Integer within `lo..=hi`.
    pub fn int(&mut self, t: &Table, path: &str, key: &str, lo: i64, hi: i64) -> Option<i64> {
        let v = t.get(key)?;
        match v {
            Value::Integer(i) if (lo..=hi).contains(i) => Some(*i),
            _ => {
                self.err(
                    &join(path, key),
                    format!("expected an integer from {lo} to {hi}, got {}", got(v)),
                );
                None
            }
        }
    }

    pub fn strings(&mut self, t: &Table, path: &str, key: &str) -> Vec<String> {
        let Some(v) = t.get(key) else {
            return Vec::new();
        };
        let p = join(path, key);
        let Value::Array(a) = v else {
            self.err(&p, format!("expected an array of strings, got {}", got(v)));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in a.iter().enumerate() {
            match item {
                Value::String(s) => out.push(s.clone()),
                other => self.err(
                    &format!("{p}[{i}]"),
                    format!("expected a string, got {}", got(other)),
                ),
            }
        }
        out
    }

    /// A string that must be one of `choices`, mapped by `parse`.
    pub fn choice<T>(
        &mut self,
        v: &Value,
        path: &str,
        choices: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        if let Value::String(s) = v
            && let Some(x) = parse(s)
        {
            return Some(x);
        }
        self.err(
            path,
            format!("expected {}, got {}", one_of(choices), got(v)),
        );
        None
    }

    /// Array of tables at `key` (absent → empty).
    pub fn tables<'t>(&mut self, t: &'t Table, path: &str, key: &str) -> Vec<(String, &'t Table)> {
        let Some(v) = t.get(key) else {
            return Vec::new();
        };
        let p = join(path, key);
        let Value::Array(a) = v else {
            self.err(&p, format!("expected an array of tables, got {}", got(v)));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in a.iter().enumerate() {
            match item {
                Value::Table(tt) => out.push((format!("{p}[{i}]"), tt)),
                other => self.err(
                    &format!("{p}[{i}]"),
                    format!("expected a table, got {}", got(other)),
                ),
            }
        }
        out
    }

    /// Size in bytes: an integer or a string such as "10MB", "512k".
    pub fn size(&mut self, t: &Table, path: &str, key: &str) -> Option<u64> {
        let v = t.get(key)?;
        let parsed = match v {
            Value::Integer(i) => u64::try_from(*i).ok(),
            Value::String(s) => parse_size(s),
            _ => None,
        };
        if parsed.is_none() {
            self.err(
                &join(path, key),
                format!("expected a size like 1048576 or \"10MB\", got {}", got(v)),
            );
        }
        parsed
    }
}

/// `"10MB"` → 10485760. Units: B, K/KB, M/MB, G/GB (binary multiples).
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().ok()?;
    let mult: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// `"a", "b" or "c"`.
pub fn one_of(choices: &[&str]) -> String {
    let q: Vec<String> = choices.iter().map(|c| format!("{c:?}")).collect();
    match q.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_choices() {
        assert_eq!(parse_size("10MB"), Some(10 << 20));
        assert_eq!(parse_size("512k"), Some(512 << 10));
        assert_eq!(parse_size("ten"), None);
        assert_eq!(
            one_of(&["none", "tls", "encrypt"]),
            "\"none\", \"tls\" or \"encrypt\""
        );
    }
}

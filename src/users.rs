//! Submission users: a TOML file of argon2id password hashes (the AUTH
//! failure throttle is `server::throttle`).
//!
//! ```toml
//! [[user]]
//! name = "ehr"
//! password_hash = "$argon2id$v=19$..."
//! sender_domains = ["hospital.example"]   # empty: any sender
//! ```

use std::path::Path;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsersFile {
    #[serde(default)]
    pub user: Vec<User>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub password_hash: String,
    #[serde(default)]
    pub sender_domains: Vec<String>,
}

impl User {
    /// May this user send as `sender` (an address, or "" for `<>`)?
    pub fn may_send_as(&self, sender: &str) -> bool {
        if self.sender_domains.is_empty() {
            return true;
        }
        let domain = sender.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
        self.sender_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    }
}

impl UsersFile {
    /// A missing file means no users (AUTH then always fails).
    pub fn load(path: &Path) -> Result<UsersFile, UsersError> {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(UsersFile::default()),
            Err(source) => {
                return Err(UsersError::Read {
                    path: shown,
                    source,
                });
            }
        };
        let file: UsersFile = toml::from_str(&text).map_err(|e| UsersError::Parse {
            path: shown.clone(),
            message: e.message().to_string(),
        })?;
        for (i, u) in file.user.iter().enumerate() {
            if PasswordHash::new(&u.password_hash).is_err() {
                return Err(UsersError::Invalid(format!(
                    "{shown}: user[{i}].password_hash: not a PHC hash string"
                )));
            }
        }
        Ok(file)
    }

    pub fn find(&self, name: &str) -> Option<&User> {
        self.user.iter().find(|u| u.name == name)
    }

    /// Add or replace a user with an argon2id hash of `password`.
    pub fn set_password(
        &mut self,
        name: &str,
        password: &str,
        domains: Vec<String>,
    ) -> Result<(), UsersError> {
        let mut raw = [0u8; 16];
        aws_lc_rs::rand::fill(&mut raw).map_err(|_| UsersError::Invalid("no randomness".into()))?;
        let salt = SaltString::encode_b64(&raw).map_err(|e| UsersError::Invalid(e.to_string()))?;
        let hash = argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| UsersError::Invalid(e.to_string()))?
            .to_string();
        self.user.retain(|u| u.name != name);
        self.user.push(User {
            name: name.to_string(),
            password_hash: hash,
            sender_domains: domains,
        });
        Ok(())
    }

    /// Write the file crash-safely (`util::durable_write`: temporary
    /// file, fsync, rename, directory fsync), mode 0600: after a crash it
    /// holds the old users or the new ones, never a half file.
    pub fn save(&self, path: &Path) -> Result<(), UsersError> {
        let text = toml::to_string(self).map_err(|e| UsersError::Invalid(e.to_string()))?;
        crate::util::durable::remove_stale_temps(path);
        crate::util::durable_write(path, text.as_bytes(), 0o600).map_err(|source| {
            UsersError::Read {
                path: path.display().to_string(),
                source,
            }
        })
    }
}

/// Verify a password; argon2's comparison is constant-time. An unknown
/// user costs one hash too, so timing does not reveal which names exist.
pub fn verify(users: &UsersFile, name: &str, password: &str) -> Option<User> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        let mut f = UsersFile::default();
        let _ = f.set_password("", "unused dummy password", Vec::new());
        f.user.pop().map(|u| u.password_hash).unwrap_or_default()
    });
    let user = users.find(name);
    let hash_text = user.map(|u| u.password_hash.as_str()).unwrap_or(dummy);
    let ok = PasswordHash::new(hash_text)
        .map(|h| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false);
    if ok { user.cloned() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip_and_wrong_password_fails() {
        let mut f = UsersFile::default();
        f.set_password("ehr", "s3cret!", vec!["hospital.example".into()])
            .expect("hash");
        assert!(verify(&f, "ehr", "s3cret!").is_some());
        assert!(verify(&f, "ehr", "s3cret").is_none());
        assert!(verify(&f, "nobody", "s3cret!").is_none());
        let u = f.find("ehr").expect("user");
        assert!(u.may_send_as("a@Hospital.example"));
        assert!(!u.may_send_as("a@evil.example"));
    }
}

//! Policy errors. Each names the file and the key path; none carries
//! message data.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    /// A key has a bad value: `policies/phi.toml: rule[2].protection: ...`.
    #[error("{file}: {path}: {message}")]
    Invalid {
        file: String,
        path: String,
        message: String,
    },
    /// The file is not valid TOML.
    #[error("{file}: TOML syntax error at line {line}, column {column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The file or directory could not be read.
    #[error("{file}: {message}")]
    Io { file: String, message: String },
}

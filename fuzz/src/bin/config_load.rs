//! The TOML configuration loader and validator: every error names its key.
use std::path::Path;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Ok(text) = std::str::from_utf8(data) {
            if let Err(e) = sealpost::config::Config::from_toml(text, Path::new("fuzz.toml")) {
                assert!(!e.lines().is_empty());
            }
        }
    });
}

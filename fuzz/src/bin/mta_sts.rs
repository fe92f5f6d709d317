//! MTA-STS: the `_mta-sts` TXT records and the HTTPS policy body (RFC 8461).
use sealpost::secure::mta_sts::{parse_policy, txt_id};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let text = String::from_utf8_lossy(data);
        if let Ok(p) = parse_policy(&text) {
            let _ = p.matches_mx("mx.example.org");
        }
        let records: Vec<String> = text.lines().take(16).map(str::to_string).collect();
        if let Some(id) = txt_id(&records) {
            assert!((1..=32).contains(&id.len()));
        }
    });
}

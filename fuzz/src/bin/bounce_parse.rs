//! Bounce, complaint and auto-reply parsing (MIME, DSN fields, text
//! reports, SES JSON) and the decision it leads to.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Ok(p) = sealpost::bounce::parse(data) {
            assert!(p.recipients.len() <= sealpost::bounce::parse::MAX_RECIPIENTS);
            let _ = sealpost::bounce::apply(&p, Some((1, 0)));
        }
    });
}

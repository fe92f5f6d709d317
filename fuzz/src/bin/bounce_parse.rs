//! Bounce, complaint and auto-reply parsing (MIME, DSN fields, text
//! reports, SES JSON) and the decision it leads to.
fn main() {
    sealpost_fuzz::crash_on_panics_outside_mail_parser();
    afl::fuzz_nohook!(|data: &[u8]| {
        if let Ok(p) = sealpost::bounce::parse(data) {
            assert!(p.recipients.len() <= sealpost::bounce::parse::MAX_RECIPIENTS);
            let _ = sealpost::bounce::apply(&p, Some((1, 0)));
        }
    });
}

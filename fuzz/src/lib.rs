//! What the harnesses share.

/// Turns every panic into a crash except the `debug_assert!`s inside
/// mail-parser (`parsers/message.rs` fires one on some malformed nested
/// multiparts). cargo-afl builds with `-C debug-assertions`, so they fire
/// under AFL although the release build compiles them out; sealpost also
/// runs the MIME parser under `catch_unwind` (bounce and policy), so even a
/// real panic there is a malformed message, not a crash. A panic anywhere
/// else, caught or not, still aborts: AFL++ sees it as a crash. (Past a
/// fired assertion the parse is cut short, so the paths a release build
/// would take from there are not fuzzed.)
pub fn crash_on_panics_outside_mail_parser() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_mail_parser = info
            .location()
            .is_some_and(|l| l.file().contains("mail-parser"));
        if !in_mail_parser {
            report(info);
            std::process::abort();
        }
    }));
}

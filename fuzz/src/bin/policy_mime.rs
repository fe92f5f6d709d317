//! The policy engine on a whole message: MIME walk, transfer decodings,
//! HTML, every PHI detector and the shipped rules.
use sealpost::policy::{MessageContext, PolicySet, inspect};

fn main() {
    let set = PolicySet::builtin();
    sealpost_fuzz::crash_on_panics_outside_mail_parser();
    // Build every detector's automata once, before AFL's fork server
    // starts: the term lists of many languages take longer to compile
    // than one execution may last in the instrumented build.
    let warm = MessageContext {
        listener: "fuzz",
        sender: "a@x.example",
        recipients: &[],
        auth_user: None,
        size: 0,
        mt_priority: None,
        default_priority: 4,
    };
    let _ = inspect(
        &set,
        "Subject: x\r\n\r\nDear Mr Ng, Personnummer 19410312-4826, diabetes, MRN 123456, \u{043c}\u{0430}\u{043c}\u{0430} \u{764c} 555-0100\r\n".as_bytes(),
        &warm,
    );
    afl::fuzz_nohook!(|data: &[u8]| {
        let ctx = MessageContext {
            listener: "fuzz",
            sender: "a@x.example",
            recipients: &[],
            auth_user: None,
            size: data.len(),
            mt_priority: None,
            default_priority: 4,
        };
        let v = inspect(&set, data, &ctx);
        assert!(v.priority <= 9);
    });
}

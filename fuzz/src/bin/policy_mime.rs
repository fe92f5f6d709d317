//! The policy engine on a whole message: MIME walk, transfer decodings,
//! HTML, every PHI detector and the shipped rules.
use sealpost::policy::{MessageContext, PolicySet, inspect};

fn main() {
    let set = PolicySet::builtin();
    sealpost_fuzz::crash_on_panics_outside_mail_parser();
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

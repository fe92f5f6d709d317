//! The DATA decoder fed in pieces (the first byte picks the cut), and the
//! BDAT octet check. Invariants: data ends only at a real <CRLF>.<CRLF>;
//! an accepted body holds no NUL, bare CR or bare LF; dot-stuffing the
//! body decodes back to it.
use sealpost::smtp::data::{DataDecoder, Progress, dot_stuff, forbidden_octet};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Some((&cut, input)) = data.split_first() else {
            return;
        };
        let step = usize::from(cut % 16) + 1;
        let mut d = DataDecoder::new(4096, 1000);
        let mut pos = 0;
        let mut done = None;
        while pos < input.len() {
            let end = (pos + step).min(input.len());
            match d.feed(&input[pos..end]) {
                Progress::NeedMore => pos = end,
                Progress::Done { consumed } => {
                    done = Some(pos + consumed);
                    break;
                }
                Progress::Poisoned { .. } => return,
            }
        }
        let Some(at) = done else { return };
        let seen = &input[..at];
        assert!(seen == b".\r\n" || seen.ends_with(b"\r\n.\r\n"));
        if d.error().is_none() {
            let body = d.into_body();
            assert_eq!(forbidden_octet(&body), None);
            let wire = dot_stuff(&body);
            let mut again = DataDecoder::new(1 << 20, 1 << 20);
            assert!(matches!(again.feed(&wire), Progress::Done { .. }));
            assert_eq!(again.into_body(), body);
        }
        let _ = forbidden_octet(input);
    });
}

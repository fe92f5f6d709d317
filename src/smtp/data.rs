//! DATA stream decoder (RFC 5321 §4.1.1.4, §4.5.2): recognises the end of
//! data, removes dot-stuffing and enforces size and line limits without I/O.
//!
//! Invariants, against SMTP smuggling (CVE-2023-51764 family):
//! - the only end of data is `<CRLF>.<CRLF>`; the DATA command's own CRLF
//!   counts as the first CRLF;
//! - any bare CR or bare LF poisons the transaction (`DataError::BareNewline`)
//!   and the decoder stops at once, so nothing after it can be read as a
//!   command or as a second message;
//! - so does a NUL byte (`DataError::Nul`): sealpost offers no BINARYMIME
//!   (RFC 3030 §3), so NUL has no place in DATA or BDAT, and a next hop that
//!   drops NULs would read `<CRLF><NUL>.<CRLF>` as the end of data;
//! - past the size limit bytes are counted and dropped, never buffered.

/// Why a message was refused while its data was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataError {
    BareNewline,
    /// A NUL octet (RFC 5321 §2.3.8 forbids it outside BINARYMIME).
    Nul,
    TooBig,
    LineTooLong,
}

/// Result of feeding bytes to the decoder.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress {
    /// Every byte was consumed; more are needed.
    NeedMore,
    /// End of data seen; `consumed` bytes of the input belonged to DATA,
    /// the rest are the next commands.
    Done { consumed: usize },
    /// A bare CR/LF or a NUL was seen at input offset `consumed`: stop
    /// reading; `DataDecoder::error` says which.
    Poisoned { consumed: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Just after CRLF (the start of a line).
    LineStart,
    /// Inside a line.
    Text,
    /// Saw CR, expecting LF.
    Cr,
    /// Saw "." at the start of a line.
    Dot,
    /// Saw "." then CR at the start of a line.
    DotCr,
}

pub struct DataDecoder {
    state: State,
    max_size: usize,
    max_line: usize,
    line_len: usize,
    size: usize,
    body: Vec<u8>,
    error: Option<DataError>,
}

impl DataDecoder {
    /// `max_line` counts octets including CRLF (RFC 5321 §4.5.3.1.6: 1000).
    pub fn new(max_size: usize, max_line: usize) -> Self {
        DataDecoder {
            state: State::LineStart,
            max_size,
            max_line,
            line_len: 0,
            size: 0,
            // Most mail fits: growing from 8 KiB copied a 50 KB
            // message once more on the way in.
            body: Vec::with_capacity(max_size.min(64 << 10)),
            error: None,
        }
    }

    /// Octets of message content seen so far (after unstuffing).
    pub fn size(&self) -> usize {
        self.size
    }

    pub fn error(&self) -> Option<DataError> {
        self.error
    }

    /// Takes the decoded message; call after `Progress::Done` when `error()` is None.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    pub fn feed(&mut self, input: &[u8]) -> Progress {
        let mut i = 0;
        while i < input.len() {
            // Inside a line, take everything up to the next octet of
            // interest at once (large bodies are mostly this).
            if self.state == State::Text {
                let rest = &input[i..];
                let n = memchr::memchr3(0, b'\r', b'\n', rest).unwrap_or(rest.len());
                if n > 0 {
                    self.push_run(&rest[..n]);
                    i += n;
                    continue;
                }
            }
            let b = input[i];
            match (self.state, b) {
                (State::LineStart, b'.') => self.state = State::Dot,
                (State::Dot, b'\r') => self.state = State::DotCr,
                (State::DotCr, b'\n') => return Progress::Done { consumed: i + 1 },
                (State::Cr, b'\n') => {
                    self.push_run(b"\r\n");
                    self.state = State::LineStart;
                    self.line_len = 0;
                }
                (_, 0) => {
                    self.error = Some(DataError::Nul);
                    return Progress::Poisoned { consumed: i };
                }
                (State::Cr | State::DotCr, _) | (_, b'\n') => {
                    self.error = Some(DataError::BareNewline);
                    return Progress::Poisoned { consumed: i };
                }
                (_, b'\r') => self.state = State::Cr,
                // A leading dot is transparency (§4.5.2): drop it, keep the rest.
                (State::Dot | State::LineStart | State::Text, _) => {
                    self.push_run(&input[i..=i]);
                    self.state = State::Text;
                }
            }
            i += 1;
        }
        Progress::NeedMore
    }

    /// Append decoded octets, enforcing the line and size limits: the first
    /// limit crossed names the error; past `max_size` nothing is kept.
    fn push_run(&mut self, run: &[u8]) {
        let n = run.len();
        let line_after = self.line_len + n;
        let size_after = self.size + n;
        if self.error.is_none() {
            // Octets until each limit is crossed (1-based): the earlier one
            // wins, the line limit on a tie (it is checked first per octet).
            let line_at = (line_after > self.max_line).then(|| self.max_line + 1 - self.line_len);
            let size_at = (size_after > self.max_size).then(|| self.max_size + 1 - self.size);
            self.error = match (line_at, size_at) {
                (Some(l), Some(s)) if s < l => Some(DataError::TooBig),
                (Some(_), _) => Some(DataError::LineTooLong),
                (None, Some(_)) => Some(DataError::TooBig),
                (None, None) => None,
            };
            if self.error.is_none() {
                self.body.extend_from_slice(run);
            }
        }
        self.line_len = line_after;
        self.size = size_after;
    }
}

/// The first octet of `data` that may not be passed on: a NUL, or a CR not
/// followed by LF, or an LF not preceded by CR (RFC 5321 §2.3.8). Used for
/// BDAT (framing by length, RFC 3030) and by the outbound client before it
/// writes DATA, so that no entry point passes them to a next hop.
pub fn forbidden_octet(data: &[u8]) -> Option<(DataError, usize)> {
    let mut from = 0;
    // memchr over the three octets of interest keeps this linear and fast
    // on large bodies.
    while let Some(rel) = memchr::memchr3(0, b'\r', b'\n', data.get(from..)?) {
        let i = from + rel;
        match data.get(i) {
            Some(0) => return Some((DataError::Nul, i)),
            Some(b'\r') if data.get(i + 1) == Some(&b'\n') => from = i + 2,
            _ => return Some((DataError::BareNewline, i)),
        }
    }
    None
}

/// True if `data` holds a CR not followed by LF or an LF not preceded by CR.
pub fn has_bare_newline(data: &[u8]) -> bool {
    let mut prev = 0u8;
    for (i, &b) in data.iter().enumerate() {
        if b == b'\n' && prev != b'\r' {
            return true;
        }
        if prev == b'\r' && b != b'\n' {
            return true;
        }
        prev = b;
        if i + 1 == data.len() && b == b'\r' {
            return true;
        }
    }
    false
}

/// The published SMTP-smuggling end-of-data variants (SEC Consult 2023,
/// CVE-2023-51764/51765/51766, and the NUL variant): every combination of
/// a line break before the dot (CRLF, LF, CR, CR CR LF, LF CR LF), an
/// optional NUL before and after the dot, and a line break after it (CRLF,
/// LF, CR, CR CR LF), except the one real end of data `<CRLF>.<CRLF>`.
/// 79 sequences; tests, the fuzz seeds and the smuggling scanner use them.
pub fn smuggling_sequences() -> Vec<Vec<u8>> {
    const BEFORE: [&[u8]; 5] = [b"\r\n", b"\n", b"\r", b"\r\r\n", b"\n\r\n"];
    const AFTER: [&[u8]; 4] = [b"\r\n", b"\n", b"\r", b"\r\r\n"];
    let mut out = Vec::new();
    for before in BEFORE {
        for nul_before in [false, true] {
            for nul_after in [false, true] {
                for after in AFTER {
                    let mut seq = before.to_vec();
                    if nul_before {
                        seq.push(0);
                    }
                    seq.push(b'.');
                    if nul_after {
                        seq.push(0);
                    }
                    seq.extend_from_slice(after);
                    if seq != b"\r\n.\r\n" {
                        out.push(seq);
                    }
                }
            }
        }
    }
    out
}

/// Dot-stuff a message for DATA (RFC 5321 §4.5.2) and append `.CRLF`.
/// `body` must consist of CRLF-terminated lines.
pub fn dot_stuff(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 64 + 5);
    let mut line_start = true;
    for &b in body {
        if line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        line_start = b == b'\n';
    }
    if !body.is_empty() && !body.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(input: &[u8]) -> (Progress, DataDecoder) {
        let mut d = DataDecoder::new(1 << 20, 1000);
        let p = d.feed(input);
        (p, d)
    }

    #[test]
    fn crlf_dot_crlf_ends_data_and_unstuffs_leading_dots() {
        let (p, d) = decode(b"Subject: x\r\n\r\n..hidden\r\n.\r\nQUIT\r\n");
        assert_eq!(p, Progress::Done { consumed: 27 });
        assert_eq!(d.into_body(), b"Subject: x\r\n\r\n.hidden\r\n");
    }

    #[test]
    fn empty_message_ends_at_first_dot_line() {
        let (p, d) = decode(b".\r\n");
        assert_eq!(p, Progress::Done { consumed: 3 });
        assert!(d.into_body().is_empty());
    }

    #[test]
    fn every_smuggling_variant_poisons_the_transaction() {
        let variants: [&[u8]; 9] = [
            b"a\r\n\n.\n",
            b"a\n.\nMAIL FROM:<x@y>\r\n",
            b"a\r.\r",
            b"a\n.\r\n",
            b"a\r\n.\n",
            b"a\r\n.\r\r\n",
            b"a\r.\r\n",
            b"a\r\n.\rX",
            b"a\n\r\n.\r\n",
        ];
        for v in variants {
            let (p, d) = decode(v);
            assert!(
                matches!(p, Progress::Poisoned { .. }),
                "{:?} gave {p:?}",
                String::from_utf8_lossy(v)
            );
            assert_eq!(d.error(), Some(DataError::BareNewline));
        }
    }

    /// A message, then a smuggling sequence, then a second message: the
    /// decoder never ends data at the sequence and never reaches the
    /// second message, however the input is cut into reads.
    #[test]
    fn every_published_smuggling_sequence_poisons_the_transaction_at_any_split() {
        let seqs = smuggling_sequences();
        assert_eq!(seqs.len(), 79);
        for seq in seqs {
            let mut input = b"Subject: x\r\n\r\nhello".to_vec();
            input.extend_from_slice(&seq);
            let seq_end = input.len();
            input.extend_from_slice(b"MAIL FROM:<e@x.example>\r\nDATA\r\nsmuggled\r\n.\r\n");
            for split in 0..input.len() {
                let mut d = DataDecoder::new(1 << 20, 1000);
                let mut outcome = d.feed(&input[..split]);
                let mut base = 0;
                if outcome == Progress::NeedMore {
                    base = split;
                    outcome = d.feed(&input[split..]);
                }
                let Progress::Poisoned { consumed } = outcome else {
                    panic!("{seq:?} split {split}: {outcome:?}");
                };
                // Poisoned at the sequence, or at the octet right after the dot
                // that shows a lone CR was not a line end: never later.
                assert!(
                    base + consumed <= seq_end,
                    "{seq:?}: read past the sequence"
                );
                if seq.contains(&0) {
                    assert!(
                        matches!(d.error(), Some(DataError::Nul | DataError::BareNewline)),
                        "{seq:?}"
                    );
                } else {
                    assert_eq!(d.error(), Some(DataError::BareNewline), "{seq:?}");
                }
            }
        }
    }

    #[test]
    fn nul_is_refused_and_reported_as_nul() {
        let (p, d) = decode(b"a\r\n\0.\r\nrest");
        assert_eq!(p, Progress::Poisoned { consumed: 3 });
        assert_eq!(d.error(), Some(DataError::Nul));
        let (_, d) = decode(b"ab\0c\r\n.\r\n");
        assert_eq!(d.error(), Some(DataError::Nul));
    }

    #[test]
    fn forbidden_octet_finds_the_first_nul_or_bare_newline() {
        assert_eq!(forbidden_octet(b"a\r\nb\r\n"), None);
        assert_eq!(forbidden_octet(b""), None);
        assert_eq!(forbidden_octet(b"a\r\n\0"), Some((DataError::Nul, 3)));
        assert_eq!(
            forbidden_octet(b"a\r\r\n"),
            Some((DataError::BareNewline, 1))
        );
        assert_eq!(forbidden_octet(b"a\r"), Some((DataError::BareNewline, 1)));
        assert_eq!(forbidden_octet(b"\nx"), Some((DataError::BareNewline, 0)));
        for seq in smuggling_sequences() {
            assert!(forbidden_octet(&seq).is_some(), "{seq:?}");
        }
    }

    #[test]
    fn end_marker_split_across_reads_is_found() {
        let mut d = DataDecoder::new(100, 1000);
        assert_eq!(d.feed(b"hi\r"), Progress::NeedMore);
        assert_eq!(d.feed(b"\n."), Progress::NeedMore);
        assert_eq!(d.feed(b"\r"), Progress::NeedMore);
        assert_eq!(d.feed(b"\nNOOP"), Progress::Done { consumed: 1 });
        assert_eq!(d.into_body(), b"hi\r\n");
    }

    #[test]
    fn oversize_message_is_flagged_and_not_buffered() {
        let mut d = DataDecoder::new(10, 1000);
        let p = d.feed(b"0123456789abcdef\r\n.\r\n");
        assert!(matches!(p, Progress::Done { .. }));
        assert_eq!(d.error(), Some(DataError::TooBig));
        assert!(d.body.len() <= 10);
    }

    #[test]
    fn line_of_1001_octets_is_too_long_but_1000_is_fine() {
        let mut ok = vec![b'a'; 998];
        ok.extend_from_slice(b"\r\n.\r\n");
        let (_, d) = decode(&ok);
        assert_eq!(d.error(), None);
        let mut long = vec![b'a'; 999];
        long.extend_from_slice(b"\r\n.\r\n");
        let (_, d) = decode(&long);
        assert_eq!(d.error(), Some(DataError::LineTooLong));
    }

    #[test]
    fn dot_stuffing_round_trips_through_the_decoder() {
        let body = b".a\r\n..b\r\nc.\r\n.\r\n";
        let wire = dot_stuff(body);
        let (p, d) = decode(&wire);
        assert!(matches!(p, Progress::Done { .. }));
        assert_eq!(d.into_body(), body);
    }

    #[test]
    fn bdat_bare_newline_check_finds_lone_cr_and_lf() {
        assert!(!has_bare_newline(b"a\r\nb\r\n"));
        assert!(has_bare_newline(b"a\nb"));
        assert!(has_bare_newline(b"a\rb"));
        assert!(has_bare_newline(b"a\r"));
    }
}

#[cfg(test)]
mod robustness {
    use super::*;

    /// Deterministic xorshift, so failures reproduce.
    fn rng(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn random_input_never_panics_and_never_ends_early_on_bare_newlines() {
        let alphabet = b"\r\n.a ";
        let mut seed = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let len = (rng(&mut seed) % 64) as usize;
            let input: Vec<u8> = (0..len)
                .map(|_| alphabet[(rng(&mut seed) % alphabet.len() as u64) as usize])
                .collect();
            let mut d = DataDecoder::new(32, 1000);
            // Feed in random splits to exercise state across reads.
            let mut pos = 0;
            let mut outcome = Progress::NeedMore;
            while pos < input.len() {
                let step = 1 + (rng(&mut seed) % 8) as usize;
                let end = (pos + step).min(input.len());
                outcome = d.feed(&input[pos..end]);
                match outcome {
                    Progress::NeedMore => pos = end,
                    Progress::Done { consumed } | Progress::Poisoned { consumed } => {
                        pos += consumed;
                        break;
                    }
                }
            }
            if let Progress::Done { .. } = outcome {
                // Only a real CRLF.CRLF ends data, and nothing before it
                // was a bare CR or LF.
                let seen = &input[..pos];
                assert!(seen.ends_with(b"\r\n.\r\n") || seen == b".\r\n", "{seen:?}");
                assert!(
                    !has_bare_newline(&seen[..seen.len() - 3]) || d.error().is_some(),
                    "{seen:?}"
                );
            }
            assert!(d.size() <= input.len());
        }
    }
}

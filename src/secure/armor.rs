//! ASCII Armor for OpenPGP messages (RFC 9580 §6.2), written straight into
//! a MIME body with CRLF line ends.
//!
//! Why not sequoia's `armor::Writer`: it writes LF lines through
//! `write!` one 64-character line at a time and its table CRC24 is
//! byte-at-a-time; PGP/MIME then needed a second pass to turn LF into CRLF.
//! Armoring 50 KB that way cost about as much as the AES encryption itself
//! (bench/README.md, "Encryption cost"). Here the whole message is encoded
//! in one pass into the output buffer.
//!
//! Invariants: lines are at most 64 base64 characters (RFC 9580 §6.2) and end
//! in CRLF; the output uses only the base64 alphabet, `=`, `-`, letters,
//! spaces and CRLF, so a MIME boundary starting with `=_` can never occur in
//! it (RFC 2045 §6.7).

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

/// Input bytes per armor line: 48 bytes are 64 base64 characters.
const LINE_INPUT: usize = 48;
/// Lines encoded per base64 call.
const LINES_PER_BLOCK: usize = 64;

const BEGIN: &[u8] = b"-----BEGIN PGP MESSAGE-----\r\n\r\n";
const END: &[u8] = b"-----END PGP MESSAGE-----\r\n";

/// CRC-24 as used by OpenPGP armor (RFC 9580 §6.1.1).
const CRC24: crc::Crc<u32, crc::Table<16>> =
    crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_24_OPENPGP);

/// Appends `binary` (a serialized OpenPGP message) to `out` as an armored
/// `PGP MESSAGE`. With `checksum`, the optional CRC-24 line is included:
/// RFC 9580 §6.1 says not to emit it unless older implementations need it,
/// which is the case for SEIPDv1 recipients (RFC 4880 readers).
pub fn armor_message(binary: &[u8], checksum: bool, out: &mut Vec<u8>) {
    let lines = binary.len().div_ceil(LINE_INPUT);
    out.reserve(BEGIN.len() + lines * 66 + 16 + END.len());
    out.extend_from_slice(BEGIN);
    // Encode 64 lines at a time with SIMD base64 (per-call set-up makes
    // one 48-byte line at a time several times slower), then copy the
    // lines out with their CRLF.
    let mut text = [0u8; 64 * LINES_PER_BLOCK];
    for block in binary.chunks(LINE_INPUT * LINES_PER_BLOCK) {
        let encoded = base64_simd::STANDARD.encode(block, base64_simd::Out::from_slice(&mut text));
        for line in encoded.chunks(64) {
            out.extend_from_slice(line);
            out.extend_from_slice(b"\r\n");
        }
    }
    let mut line = [0u8; 4];
    if checksum {
        let crc = CRC24.checksum(binary).to_be_bytes();
        out.push(b'=');
        let n = STANDARD_NO_PAD
            .encode_slice(&crc[1..], &mut line)
            .expect("4 characters");
        out.extend_from_slice(&line[..n]);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(END);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sequoia_openpgp::armor::{Kind, Reader, ReaderMode, Writer};
    use std::io::{Read, Write};

    fn dearmor(text: &[u8]) -> Vec<u8> {
        let mut r = Reader::from_bytes(text, ReaderMode::Tolerant(Some(Kind::Message)));
        let mut out = Vec::new();
        r.read_to_end(&mut out).expect("dearmor");
        out
    }

    fn sample(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 131 % 251) as u8).collect()
    }

    #[test]
    fn round_trips_through_sequoia_at_every_line_boundary() {
        for n in [1, 2, 3, 47, 48, 49, 95, 96, 97, 1000, 51_200] {
            let data = sample(n);
            for checksum in [true, false] {
                let mut out = Vec::new();
                armor_message(&data, checksum, &mut out);
                assert_eq!(dearmor(&out), data, "n={n} checksum={checksum}");
                let text = std::str::from_utf8(&out).expect("ascii");
                assert!(text.split("\r\n").all(|l| l.len() <= 64));
                assert!(!text.replace("\r\n", "").contains('\n'));
                assert!(!text.contains("=_"));
            }
        }
    }

    #[test]
    fn checksum_matches_sequoias_armor_writer() {
        let data = sample(5000);
        let mut w = Writer::new(Vec::new(), Kind::Message).expect("writer");
        w.write_all(&data).expect("write");
        let theirs = String::from_utf8(w.finalize().expect("finalize")).expect("ascii");
        let mut ours = Vec::new();
        armor_message(&data, true, &mut ours);
        let ours = String::from_utf8(ours)
            .expect("ascii")
            .replace("\r\n", "\n");
        assert_eq!(ours, theirs);
    }

    #[test]
    fn crc24_is_the_openpgp_one() {
        // RFC 9580 §6.1.1 CRC-24 (init 0xB704CE, poly 0x864CFB): the
        // catalogue check value for "123456789".
        assert_eq!(CRC24.checksum(b"123456789"), 0x21CF02);
        let mut out = Vec::new();
        armor_message(b"123456789", true, &mut out);
        let text = String::from_utf8(out).expect("ascii");
        // 0x21CF02 in base64 without padding.
        assert!(
            text.contains("\r\n=Ic8C\r\n-----END PGP MESSAGE-----\r\n"),
            "{text}"
        );
    }
}

//! Files pasted into a text body with `uuencode` (POSIX `uuencode` and
//! `uuencode -m`): legacy lab and billing interfaces still mail results
//! that way, as a `begin 644 name` ... `end` block inside a text/plain
//! part. Each block is decoded so the file is read as an attachment is.
//!
//! Bounded: at most `max_files` blocks, at most `cap` decoded bytes in all;
//! a malformed line ends its block (what was decoded so far is kept).

use base64::Engine;

/// A file decoded from a text body.
pub struct File {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The uuencoded files in `text`.
pub fn files(text: &str, cap: usize, max_files: usize) -> Vec<File> {
    let mut out = Vec::new();
    if memchr::memmem::find(text.as_bytes(), b"begin").is_none() {
        return out;
    }
    let mut total = 0usize;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if out.len() >= max_files || total >= cap {
            break;
        }
        let Some((b64, name)) = header(line) else {
            continue;
        };
        let left = cap - total;
        let bytes = if b64 {
            base64_body(&mut lines, left)
        } else {
            uu_body(&mut lines, left)
        };
        if bytes.is_empty() {
            continue;
        }
        total += bytes.len();
        out.push(File {
            name: name.to_string(),
            bytes,
        });
    }
    out
}

/// `begin 644 name` or `begin-base64 644 name`: (is base64, name).
fn header(line: &str) -> Option<(bool, &str)> {
    let line = line.trim_end();
    let (b64, rest) = if let Some(r) = line.strip_prefix("begin-base64 ") {
        (true, r)
    } else {
        (false, line.strip_prefix("begin ")?)
    };
    let (mode, name) = rest.split_once(' ')?;
    let octal = (3..=4).contains(&mode.len()) && mode.bytes().all(|b| (b'0'..=b'7').contains(&b));
    let name = name.trim();
    (octal && !name.is_empty() && name.len() <= 255).then_some((b64, name))
}

fn uu_body<'a>(lines: &mut impl Iterator<Item = &'a str>, cap: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for line in lines {
        let line = line.trim_end_matches(['\r', '\n']);
        if line == "end" {
            break;
        }
        let b = line.as_bytes();
        let Some(&first) = b.first() else {
            break;
        };
        let n = usize::from(first.wrapping_sub(b' ') & 0x3f);
        if n == 0 {
            // The "`" (or space) line before `end`.
            continue;
        }
        let chars = &b[1..];
        if chars.len() < n.div_ceil(3) * 4 || !chars.iter().all(|c| (b' '..=b'`').contains(c)) {
            break;
        }
        let mut line_out = Vec::with_capacity(n + 2);
        for quad in chars.chunks(4).take(n.div_ceil(3)) {
            let v: Vec<u32> = quad
                .iter()
                .map(|c| u32::from(c.wrapping_sub(b' ') & 0x3f))
                .collect();
            let w = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
            line_out.extend_from_slice(&[(w >> 16) as u8, (w >> 8) as u8, w as u8]);
        }
        line_out.truncate(n);
        if out.len() + line_out.len() > cap {
            break;
        }
        out.extend_from_slice(&line_out);
    }
    out
}

fn base64_body<'a>(lines: &mut impl Iterator<Item = &'a str>, cap: usize) -> Vec<u8> {
    let mut enc = String::new();
    for line in lines {
        let line = line.trim();
        // `====` ends the block; so does any line that is no base64 (a
        // signature after a block whose end line was lost).
        if line == "===="
            || line.is_empty()
            || !line
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
        {
            break;
        }
        if enc.len() / 4 * 3 > cap {
            break;
        }
        enc.push_str(line);
    }
    // Whole quanta only (a cut block still decodes).
    let whole = enc.trim_end_matches('=').len() / 4 * 4;
    let enc = if enc.len().is_multiple_of(4) {
        &enc[..]
    } else {
        &enc[..whole]
    };
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let mut bytes = engine.decode(enc.as_bytes()).unwrap_or_default();
    bytes.truncate(cap);
    bytes
}

#[cfg(test)]
mod tests {
    use super::files;

    #[test]
    fn uuencoded_and_base64_blocks_are_decoded() {
        // `printf 'Patient: Jane Doe\nMRN 4410023\n' | uuencode r.txt`
        let text = "File follows.\n\nbegin 644 r.txt\n>4&%T:65N=#H@2F%N92!$;V4*35).(#0T,3 P,C,*\n`\nend\n\nbegin-base64 600 b.txt\nSGVsbG8sIFdvcmxk\n====\nbegin 6x4 not-a-block\n";
        let f = files(text, 1 << 20, 8);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].name, "r.txt");
        assert_eq!(f[0].bytes, b"Patient: Jane Doe\nMRN 4410023\n");
        assert_eq!(f[1].bytes, b"Hello, World");
        // Bounded by bytes and by count; no block, nothing.
        assert!(files(text, 8, 8)[0].bytes.len() <= 8);
        assert_eq!(files(text, 1 << 20, 1).len(), 1);
        assert!(files("we begin at 9", 1 << 20, 8).is_empty());
    }
}

//! Latin letters beyond ASCII, read straight from UTF-8 octets: Latin-1
//! (`é`, `Ñ`), Latin Extended-A (`ł`, `Ś`, `ć`, `Ō`), Vietnamese `ơ`/`ư`
//! and Latin Extended Additional (`ầ`, `ộ`). The name detector works on
//! octets; these let `Bogdanović`, `Ángel` and `Trần` be words and fold
//! them to the ASCII spelling its name lists hold.

/// The octet length of the Latin letter at `i` (2 or 3), if one is there.
pub fn len(b: &[u8], i: usize) -> Option<usize> {
    let cont = |k: usize| b.get(i + k).is_some_and(|&c| (0x80..=0xBF).contains(&c));
    match *b.get(i)? {
        // Not `×` (U+00D7) or `÷` (U+00F7).
        0xC3 if cont(1) && !matches!(b[i + 1], 0x97 | 0xB7) => Some(2),
        0xC4 | 0xC5 if cont(1) => Some(2),
        0xC6 if matches!(b.get(i + 1), Some(0xA0 | 0xA1 | 0xAF | 0xB0)) => Some(2),
        0xE1 if matches!(b.get(i + 1), Some(0xB8..=0xBB)) && cont(2) => Some(3),
        _ => None,
    }
}

/// The code point of the Latin letter at `i` (see [`len`]).
fn code_point(b: &[u8], i: usize) -> Option<u32> {
    match len(b, i)? {
        2 => Some((u32::from(b[i] & 0x1F) << 6) | u32::from(b[i + 1] & 0x3F)),
        _ => Some(
            (u32::from(b[i] & 0x0F) << 12)
                | (u32::from(b[i + 1] & 0x3F) << 6)
                | u32::from(b[i + 2] & 0x3F),
        ),
    }
}

/// Is the Latin letter at `i` a capital (`Á`, `Ł`, `Ō`, `Ả`)?
pub fn capital(b: &[u8], i: usize) -> bool {
    let Some(cp) = code_point(b, i) else {
        return false;
    };
    match cp {
        0xC0..=0xDE => cp != 0xD7,
        // Latin Extended-A pairs capital and small letter; most pairs start
        // at an even code point, these two runs at an odd one.
        0x130 | 0x178 => true,
        0x131 | 0x138 | 0x149 | 0x17F => false,
        0x139..=0x148 | 0x179..=0x17E => cp % 2 == 1,
        0x100..=0x17F => cp.is_multiple_of(2),
        0x1A0 | 0x1AF => true,
        0x1E00..=0x1EFF => cp.is_multiple_of(2),
        _ => false,
    }
}

/// The ASCII base letter of the Latin letter at `i`, and its length;
/// `?` (matching no listed word) for a letter with no plain base.
pub fn fold(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let n = len(b, i)?;
    let cp = code_point(b, i)?;
    let base = match cp {
        0xC0..=0xC5 | 0xE0..=0xE5 => b'a',
        0xC7 | 0xE7 => b'c',
        0xC8..=0xCB | 0xE8..=0xEB => b'e',
        0xCC..=0xCF | 0xEC..=0xEF => b'i',
        0xD1 | 0xF1 => b'n',
        0xD2..=0xD6 | 0xD8 | 0xF2..=0xF6 | 0xF8 => b'o',
        0xD9..=0xDC | 0xF9..=0xFC => b'u',
        0xDD | 0xFD | 0xFF => b'y',
        0x100..=0x105 => b'a',
        0x106..=0x10D => b'c',
        0x10E..=0x111 => b'd',
        0x112..=0x11B => b'e',
        0x11C..=0x123 => b'g',
        0x124..=0x127 => b'h',
        0x128..=0x133 => b'i',
        0x134..=0x135 => b'j',
        0x136..=0x138 => b'k',
        0x139..=0x142 => b'l',
        0x143..=0x14B => b'n',
        0x14C..=0x153 => b'o',
        0x154..=0x159 => b'r',
        0x15A..=0x161 | 0x17F => b's',
        0x162..=0x167 => b't',
        0x168..=0x173 => b'u',
        0x174..=0x175 => b'w',
        0x176..=0x178 => b'y',
        0x179..=0x17E => b'z',
        0x1A0 | 0x1A1 => b'o',
        0x1AF | 0x1B0 => b'u',
        0x1EA0..=0x1EB7 => b'a',
        0x1EB8..=0x1EC7 => b'e',
        0x1EC8..=0x1ECB => b'i',
        0x1ECC..=0x1EE3 => b'o',
        0x1EE4..=0x1EF1 => b'u',
        0x1EF2..=0x1EF9 => b'y',
        _ => b'?',
    };
    Some((base, n))
}

/// The next position at or after `from` where a Latin capital beyond
/// ASCII opens (`Ángel`, `Łukasz`, `Ōta`). Vietnamese capitals open
/// with ASCII letters as a rule, so only the two-octet forms are sought.
pub fn next_capital(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        let p = i + memchr::memchr3(0xC3, 0xC4, 0xC5, &b[i..])?;
        if capital(b, p) {
            return Some(p);
        }
        i = p + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = String::new();
        let mut i = 0;
        while i < b.len() {
            match fold(b, i) {
                Some((c, n)) => {
                    out.push(c as char);
                    i += n;
                }
                None => {
                    out.push(b[i].to_ascii_lowercase() as char);
                    i += 1;
                }
            }
        }
        out
    }

    #[test]
    fn letters_fold_to_their_ascii_base() {
        assert_eq!(folded("Bogdanović"), "bogdanovic");
        assert_eq!(folded("Wiśniewski"), "wisniewski");
        assert_eq!(folded("Łukasz Szczepańska"), "lukasz szczepanska");
        assert_eq!(
            folded("Ángel Ōta Trần Nguyễn Đặng Phương"),
            "angel ota tran nguyen dang phuong"
        );
        assert_eq!(folded("Müller Ñúñez Ælfric"), "muller nunez ?lfric");
        // `×` and `÷` are no letters.
        assert_eq!(len("×".as_bytes(), 0), None);
        assert_eq!(len("÷".as_bytes(), 0), None);
    }

    #[test]
    fn capitals_are_told_from_small_letters() {
        for c in [
            "Á", "Ñ", "Ł", "Ś", "Ć", "Ō", "Ž", "Ĺ", "İ", "Ÿ", "Ơ", "Ư", "Ả", "Ệ",
        ] {
            assert!(capital(c.as_bytes(), 0), "{c}");
        }
        for c in [
            "á", "ñ", "ł", "ś", "ć", "ō", "ž", "ĺ", "ı", "ß", "ơ", "ư", "ả", "ệ", "×",
        ] {
            assert!(!capital(c.as_bytes(), 0), "{c}");
        }
        let t = "über die Straße, Ángel and Łukasz".as_bytes();
        let first = next_capital(t, 0).unwrap();
        assert_eq!(&t[first..first + 2], "Á".as_bytes());
        let second = next_capital(t, first + 2).unwrap();
        assert_eq!(&t[second..second + 2], "Ł".as_bytes());
        assert_eq!(next_capital(t, second + 2), None);
    }
}

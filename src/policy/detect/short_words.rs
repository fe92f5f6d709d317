//! Short words asked about at every capital of a text (sentence-opening
//! function words, honorifics in lower case): each packed into one
//! integer and found by binary search. A walk over a list of fifty
//! slices, comparing lengths, cost two per cent of a prose scan.

/// A set of words of at most 16 bytes, matched byte for byte.
pub struct ShortWords(Vec<u128>);

impl ShortWords {
    /// The set of `words`. Longer words than 16 bytes, or empty ones,
    /// are a mistake in a built-in list.
    pub fn new<'a>(words: impl IntoIterator<Item = &'a [u8]>) -> ShortWords {
        let mut packed: Vec<u128> = words
            .into_iter()
            .map(|w| {
                assert!(
                    (1..=16).contains(&w.len()) && !w.contains(&0),
                    "short word list: {w:?} is empty, too long or holds NUL"
                );
                pack(w)
            })
            .collect();
        packed.sort_unstable();
        packed.dedup();
        ShortWords(packed)
    }

    pub fn contains(&self, w: &[u8]) -> bool {
        // Words hold no NUL, so zero padding tells `ab` from `ab\0`.
        (1..=16).contains(&w.len()) && !w.contains(&0) && self.0.binary_search(&pack(w)).is_ok()
    }
}

fn pack(w: &[u8]) -> u128 {
    let mut b = [0u8; 16];
    b[..w.len()].copy_from_slice(w);
    u128::from_be_bytes(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_whole_and_exactly() {
        let set = ShortWords::new([&b"The"[..], b"We", b"gospodina", "señora".as_bytes()]);
        for w in [&b"The"[..], b"We", b"gospodina", "señora".as_bytes()] {
            assert!(set.contains(w), "{w:?}");
        }
        for w in [
            &b"the"[..],
            b"Th",
            b"Thee",
            b"W",
            b"",
            b"We\0",
            b"gospodinaaaaaaaaaaaa",
            b"senora",
        ] {
            assert!(!set.contains(w), "{w:?}");
        }
    }
}

//! A fast unkeyed hasher for tables whose keys are fixed public data (name
//! lists, the ICD-10 code list): the default keyed SipHash costs more than
//! the lookup it serves, and no attacker chooses these tables' keys.
//! Bytes go through FNV-1a; integers through one folded multiply each.

use std::hash::{BuildHasherDefault, Hasher};

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a of a byte sequence (callers fold case or drop separators on
/// the way in).
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes
        .into_iter()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

#[derive(Default)]
pub struct Fnv(u64);

/// `HashMap<K, V, FnvBuild>`.
pub type FnvBuild = BuildHasherDefault<Fnv>;

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let h = if self.0 == 0 { OFFSET } else { self.0 };
        self.0 = bytes
            .iter()
            .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    }

    fn write_u64(&mut self, x: u64) {
        let m = u128::from(self.0 ^ x) * 0x9e37_79b9_7f4a_7c15_u128;
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }

    fn write_u128(&mut self, x: u128) {
        self.write_u64(x as u64);
        self.write_u64((x >> 64) as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn a_set_finds_what_it_holds() {
        let set: HashSet<u64, FnvBuild> = (0..1000u64).map(|k| k * 7919).collect();
        assert!((0..1000u64).all(|k| set.contains(&(k * 7919))));
        assert!(!set.contains(&1));
        let wide: HashSet<u128, FnvBuild> = (0..1000u128).map(|k| k << 70 | k).collect();
        assert_eq!(wide.len(), 1000);
        assert!((0..1000u128).all(|k| wide.contains(&(k << 70 | k))));
        let words: HashSet<&[u8], FnvBuild> = [&b"ab"[..], b"ba", b"abc"].into_iter().collect();
        assert!(words.contains(&b"ba"[..]) && !words.contains(&b"b"[..]));
    }
}

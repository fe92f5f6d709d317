//! FNV-1a, for hash tables whose keys are fixed public data (name lists,
//! the ICD-10 code list): the default keyed SipHash costs more than the
//! lookup it serves, and no attacker chooses these tables' keys.

use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default)]
pub struct Fnv(u64);

/// `HashMap<K, V, FnvBuild>`.
pub type FnvBuild = BuildHasherDefault<Fnv>;

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
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
    }
}

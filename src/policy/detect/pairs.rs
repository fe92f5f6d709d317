//! Sets of byte pairs: the two bytes that can open a match of a pattern.
//!
//! The health-term walk tests the two bytes at each word start against the
//! terms' set, and the anchor keywords' sets (`anchored::Opener`) are
//! tested at each word start and end it reports, before an automaton runs
//! there: most boundaries cost a bit test.

/// A set of byte pairs as a 64 Ki-bit map (8 KiB).
pub struct PairSet(Box<[u64; 1024]>);

impl PairSet {
    pub fn empty() -> PairSet {
        PairSet(Box::new([0; 1024]))
    }

    pub fn insert(&mut self, a: u8, b: u8) {
        let k = usize::from(a) << 8 | usize::from(b);
        self.0[k >> 6] |= 1 << (k & 63);
    }

    pub fn contains(&self, a: u8, b: u8) -> bool {
        let k = usize::from(a) << 8 | usize::from(b);
        self.0[k >> 6] & (1 << (k & 63)) != 0
    }
}

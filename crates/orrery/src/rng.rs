//! The simulator's one source of randomness: a seeded SplitMix64 generator. Every random
//! name, UID, IP and tie-break draws from it in a fixed order, so the same seed and the
//! same commands give the same bytes.

#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

/// R1.1: the apimachinery alphabet — no vowels, no `y`, no `0`, `1` or `3`.
pub const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        // Lemire's multiply-shift; the tiny bias is irrelevant for a simulator.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// R1.1 `rand.String(n)`.
    pub fn suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| ALPHANUMS[self.below(ALPHANUMS.len() as u64) as usize] as char)
            .collect()
    }

    /// R1.8: a random (version 4) RFC 4122 UUID, lowercase.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_use_the_real_alphabet() {
        let mut r = Rng::new(7);
        for _ in 0..200 {
            let s = r.suffix(5);
            assert_eq!(s.len(), 5);
            assert!(s.bytes().all(|c| ALPHANUMS.contains(&c)), "{s}");
        }
    }

    #[test]
    fn uuids_have_the_rfc4122_shape() {
        let mut r = Rng::new(1);
        let u = r.uuid();
        assert_eq!(u.len(), 36);
        let parts: Vec<_> = u.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert_eq!(&u[14..15], "4");
    }

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        for _ in 0..10 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }
}

//! Generated names and hashes (R1): `generateName` suffixes, `pod-template-hash`,
//! ControllerRevision hashes, and the SafeEncode digit map.

use crate::rng::ALPHANUMS;

/// R1.2 `rand.SafeEncodeString`: each byte b → ALPHANUMS[b % 27].
pub fn safe_encode(s: &str) -> String {
    s.bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

/// FNV-1a, 32 bits.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// FNV-1 (not 1a), 32 bits, as `HashControllerRevision` uses (R1.7).
pub fn fnv1_32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h = h.wrapping_mul(0x0100_0193);
        h ^= b as u32;
    }
    h
}

/// R1.5 simulator rule: FNV-1a 32 over a canonical serialisation of the template (plus
/// the collision count), SafeEncoded from its decimal form.
pub fn template_hash(canonical: &str, collision_count: Option<u32>) -> String {
    let mut bytes = canonical.as_bytes().to_vec();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(&(c as u64).to_le_bytes());
    }
    safe_encode(&fnv1a32(&bytes).to_string())
}

/// R1.7: ControllerRevision hash, FNV-1 32 of the revision data (+ collision count).
pub fn revision_hash(data: &str, collision_count: Option<u32>) -> String {
    let mut s = data.to_string();
    if let Some(c) = collision_count {
        s.push_str(&c.to_string());
    }
    safe_encode(&fnv1_32(s.as_bytes()).to_string())
}

/// R1.3: `base[:58] + 5 random characters`.
pub fn generated_name(base: &str, suffix: &str) -> String {
    let cut: String = base.chars().take(58).collect();
    format!("{cut}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_encode_maps_digits_as_the_reference_says() {
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
        assert_eq!(safe_encode("3123191453"), "75675f5897");
        assert_eq!(safe_encode("2262704881"), "66b6c48dd5");
        assert_eq!(safe_encode("132726362"), "576c6b7b6");
    }

    #[test]
    fn fnv1a_of_hello_matches_the_worked_example() {
        assert_eq!(fnv1a32(b"hello"), 1_335_831_723);
        assert_eq!(template_hash("hello", None), "5779d75c67");
    }

    #[test]
    fn generated_names_cut_the_base_at_58() {
        let base = "a".repeat(70);
        assert_eq!(generated_name(&base, "bcdfg").len(), 63);
    }
}

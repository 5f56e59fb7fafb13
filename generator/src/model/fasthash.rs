//! Model, hashing: names -> hashes, fast. The model hashes tens of thousands of short
//! registry names per run; the standard SipHash (built against hostile keys, which a
//! registry's names are not) was a sixth of the resolve time. This is the multiply-rotate
//! hash rustc uses for its own tables.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate hasher over machine words.
#[derive(Default, Clone, Copy)]
pub struct NameHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl NameHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i.into());
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<NameHasher>>;
pub type FastSet<K> = HashSet<K, BuildHasherDefault<NameHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_hash_equal_and_maps_work() {
        let mut m: FastMap<&str, u32> = FastMap::default();
        m.insert("VK_STRUCTURE_TYPE_APPLICATION_INFO", 0);
        m.insert("VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO", 1);
        assert_eq!(m.get("VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO"), Some(&1));
        assert_eq!(m.get("VK_STRUCTURE_TYPE_APPLICATION_INF"), None);
    }
}

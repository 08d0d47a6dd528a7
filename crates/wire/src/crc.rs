//! CRC-32C (Castagnoli), the checksum etcd uses on disk and in its hashes, with Go's
//! semantics: a checksum continues from a previous one (`crc32.Update`), which is how the WAL
//! chains each record's crc to the one before it, across segments.

/// Go's `crc32.Update(previous, crc32.MakeTable(crc32.Castagnoli), bytes)`: the WAL's record
/// crc (chained from the previous record's) and a snap file's crc (from 0).
pub fn update(previous: u32, bytes: &[u8]) -> u32 {
    crc32c::crc32c_append(previous, bytes)
}

/// A running CRC-32C fed in parts, as Go's `hash.Hash32` from etcd's `pkg/crc.New(previous,
/// table)` (the WAL's encoder and decoder) and `crc32.New(castagnoli)` (mvcc's `Hash` and
/// `HashByRev`, what `endpoint hash` and `endpoint hashkv` print).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hash {
    crc: u32,
}

impl Hash {
    /// A checksum that continues from `previous` (0 for a fresh one).
    pub fn new(previous: u32) -> Self {
        Hash { crc: previous }
    }

    pub fn write(&mut self, bytes: &[u8]) {
        self.crc = update(self.crc, bytes);
    }

    pub fn sum32(&self) -> u32 {
        self.crc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn castagnoli_check_value_and_chaining() {
        assert_eq!(update(0, b"123456789"), 0xE306_9283);
        assert_eq!(update(update(0, b"1234"), b"56789"), 0xE306_9283);
        let long: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        let bytewise = long.iter().fold(0, |crc, &b| update(crc, &[b]));
        assert_eq!(update(0, &long), bytewise, "whole and byte at a time agree");
        let mut hash = Hash::default();
        hash.write(b"12");
        hash.write(b"");
        hash.write(b"3456789");
        assert_eq!(hash.sum32(), 0xE306_9283);
        assert_eq!(Hash::new(update(0, b"1234")).sum32(), update(0, b"1234"));
    }
}

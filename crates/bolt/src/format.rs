//! bbolt's on-disk format (version 2), in one place: every size, offset, flag and magic number
//! the page store reads or writes. Everything is little-endian.
//!
//! ```text
//! page:        | id u64 | flags u16 | count u16 | overflow u32 | data ...
//! meta (data): | magic u32 | version u32 | page_size u32 | flags u32 | root: bucket |
//!              | freelist u64 | pgid u64 | txid u64 | checksum u64 |
//! bucket:      | root u64 | sequence u64 |          (root 0: an inline page follows)
//! branch elem: | pos u32 | ksize u32 | pgid u64 |   (pos: from the element to its key)
//! leaf elem:   | flags u32 | pos u32 | ksize u32 | vsize u32 |
//! freelist:    count in the header, or 0xFFFF and the count as the first u64; then u64 ids
//! ```

/// bbolt's magic number, first field of both meta pages.
pub const MAGIC: u32 = 0xED0C_DAED;
/// The data file format version.
pub const VERSION: u32 = 2;
/// The page size bbolt uses on the platforms etcd runs on (the OS page size).
pub const DEFAULT_PAGE_SIZE: usize = 4096;
/// Page sizes a meta page may declare that we accept when opening a file.
pub const MIN_PAGE_SIZE: usize = 512;
pub const MAX_PAGE_SIZE: usize = 64 * 1024;

pub const PAGE_HEADER_SIZE: usize = 16;
pub const BRANCH_ELEMENT_SIZE: usize = 16;
pub const LEAF_ELEMENT_SIZE: usize = 16;
/// A bucket header: root page id and sequence.
pub const BUCKET_HEADER_SIZE: usize = 16;
/// The meta fields the checksum covers (everything before the checksum).
pub const META_CHECKSUMMED_SIZE: usize = 56;
pub const META_SIZE: usize = 64;
pub const PGID_SIZE: usize = 8;

pub const BRANCH_PAGE_FLAG: u16 = 0x01;
pub const LEAF_PAGE_FLAG: u16 = 0x02;
pub const META_PAGE_FLAG: u16 = 0x04;
pub const FREELIST_PAGE_FLAG: u16 = 0x10;

/// A leaf element that is a nested bucket rather than a key/value.
pub const BUCKET_LEAF_FLAG: u32 = 0x01;

/// The freelist page id meaning "no freelist stored" (`NoFreelistSync`).
pub const PGID_NO_FREELIST: u64 = u64::MAX;
/// A page header's count field saturates here; the freelist then stores its count inline.
pub const MAX_HEADER_COUNT: u16 = 0xFFFF;

/// Page ids of the two meta pages and of the first freelist and root pages in a new file.
pub const META_PAGE_IDS: [u64; 2] = [0, 1];

/// A page keeps at least this many keys: splits never leave fewer on either side.
pub const MIN_KEYS_PER_PAGE: usize = 2;
/// bbolt's default split fill; etcd raises it to 0.9 for its sequential `key` bucket puts.
pub const DEFAULT_FILL_PERCENT: f64 = 0.5;
pub const MIN_FILL_PERCENT: f64 = 0.1;
pub const MAX_FILL_PERCENT: f64 = 1.0;
/// Largest key and value bbolt accepts.
pub const MAX_KEY_SIZE: usize = 32768;
pub const MAX_VALUE_SIZE: usize = (1 << 31) - 2;

pub(crate) fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

pub(crate) fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

pub(crate) fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// A little-endian u64 at `at`, or 0 where the bytes run out (for display).
pub fn u64_le(bytes: &[u8], at: usize) -> u64 {
    u64_at(bytes, at).unwrap_or(0)
}

/// bbolt's meta checksum: FNV-1a, 64 bit, over the meta fields before the checksum.
pub fn fnv64a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn fnv64a_matches_the_reference_vectors() {
        assert_eq!(fnv64a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv64a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv64a(b"foobar"), 0x85944171f73967e8);
    }
}

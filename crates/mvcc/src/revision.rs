//! A revision: the main revision (one per write transaction) and the sub revision (one per
//! change inside it). In the `key` bucket a revision is the key: 8 bytes main, `_`, 8 bytes
//! sub, big-endian, and a trailing `t` marks a tombstone (the key's deletion).

/// Bytes of an encoded revision, and with the tombstone mark.
pub const REVISION_BYTES: usize = 17;
pub const MARKED_REVISION_BYTES: usize = 18;
pub const TOMBSTONE_MARK: u8 = b't';

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Revision {
    pub main: i64,
    pub sub: i64,
}

impl Revision {
    pub fn new(main: i64, sub: i64) -> Self {
        Revision { main, sub }
    }

    /// The `key` bucket key for this revision, tombstone-marked if asked.
    pub fn to_bytes(self, tombstone: bool) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(MARKED_REVISION_BYTES);
        bytes.extend_from_slice(&self.main.to_be_bytes());
        bytes.push(b'_');
        bytes.extend_from_slice(&self.sub.to_be_bytes());
        if tombstone {
            bytes.push(TOMBSTONE_MARK);
        }
        bytes
    }

    /// Decodes a `key` bucket key; `None` for anything that is not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<(Revision, bool)> {
        let tombstone = match bytes.len() {
            REVISION_BYTES => false,
            MARKED_REVISION_BYTES if bytes[REVISION_BYTES] == TOMBSTONE_MARK => true,
            _ => return None,
        };
        let main = i64::from_be_bytes(bytes[0..8].try_into().ok()?);
        let sub = i64::from_be_bytes(bytes[9..17].try_into().ok()?);
        Some((Revision { main, sub }, tombstone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn round_trip_and_order() {
        let rev = Revision::new(14, 0);
        assert_eq!(Revision::from_bytes(&rev.to_bytes(false)), Some((rev, false)));
        assert_eq!(Revision::from_bytes(&rev.to_bytes(true)), Some((rev, true)));
        assert!(Revision::new(2, 1).to_bytes(false) < Revision::new(3, 0).to_bytes(false));
        assert_eq!(Revision::from_bytes(b"short"), None);
    }
}

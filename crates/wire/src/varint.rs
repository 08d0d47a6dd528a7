//! Base-128 varints, least significant group first, as protobuf writes every integer field,
//! tag and length.

/// The longest varint: 64 bits in groups of 7.
pub const MAX_LEN: usize = 10;

/// Appends `value` as a varint.
pub fn put(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// How many bytes [`put`] writes for `value`.
pub fn len(value: u64) -> usize {
    (64 - (value | 1).leading_zeros() as usize).div_ceil(7)
}

/// Reads the varint at `*at` and moves `*at` past it. `None` if the bytes end inside it or it
/// runs past ten bytes; `*at` is then unspecified. Bits beyond 64 in the tenth byte are
/// dropped, as gogo-proto's generated decoders (etcd's) drop them.
pub fn get(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(value);
        }
    }
    None
}

/// Reads the varint at the front of `bytes` and moves `bytes` past it.
pub fn take(bytes: &mut &[u8]) -> Option<u64> {
    let mut at = 0;
    let value = get(bytes, &mut at)?;
    *bytes = &bytes[at..];
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn known_encodings() {
        for (value, bytes) in [
            (0u64, &[0x00][..]),
            (1, &[0x01]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (300, &[0xac, 0x02]),
            (16_383, &[0xff, 0x7f]),
            (16_384, &[0x80, 0x80, 0x01]),
            (u64::MAX, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        ] {
            let mut out = Vec::new();
            put(&mut out, value);
            assert_eq!(out, bytes, "{value}");
            assert_eq!(len(value), bytes.len(), "{value}");
            let mut at = 0;
            assert_eq!(get(bytes, &mut at), Some(value));
            assert_eq!(at, bytes.len());
        }
        // -1 as an int64 field: ten bytes.
        let mut out = Vec::new();
        put(&mut out, -1i64 as u64);
        assert_eq!(out.len(), MAX_LEN);
    }

    #[test]
    fn truncated_or_over_long_is_none() {
        assert_eq!(get(&[], &mut 0), None);
        assert_eq!(get(&[0x80], &mut 0), None);
        assert_eq!(get(&[0xff; 9], &mut 0), None);
        assert_eq!(get(&[0xff; 11], &mut 0), None);
        assert_eq!(get(&[0x80; 10], &mut 0), None);
        assert_eq!(get(&[0x01], &mut 1), None);
        let mut past_the_end = usize::MAX;
        assert_eq!(get(&[0x01], &mut past_the_end), None);
        // The tenth byte's bits beyond 64 are dropped, as gogo-proto drops them.
        let mut bytes = [0xffu8; 10];
        bytes[9] = 0x7f;
        assert_eq!(get(&bytes, &mut 0), Some(u64::MAX));
    }

    #[test]
    fn take_moves_past() {
        let mut bytes = &[0xac, 0x02, 0x07][..];
        assert_eq!(take(&mut bytes), Some(300));
        assert_eq!(bytes, [0x07]);
        let mut bytes = &[0x80][..];
        assert_eq!(take(&mut bytes), None);
    }
}

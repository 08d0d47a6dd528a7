//! CRC-32C with Go's `crc32.Update` semantics, which the WAL chains from record to record and
//! snap files use: `update(previous, bytes)` continues a checksum.

/// Go's `crc32.Update(previous, castagnoliTable, bytes)`. The `crc32c` crate computes it with
/// the CPU's CRC-32C instruction where there is one (SSE 4.2, ARMv8) and in software elsewhere
/// (wasm); the WAL checksums a megabyte value on every member, so this is hot.
pub fn update(previous: u32, bytes: &[u8]) -> u32 {
    crc32c::crc32c_append(previous, bytes)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn castagnoli_check_value_and_chaining() {
        assert_eq!(super::update(0, b"123456789"), 0xE306_9283);
        assert_eq!(super::update(super::update(0, b"1234"), b"56789"), 0xE306_9283);
        let long: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        let bytewise = long.iter().fold(0, |crc, &b| super::update(crc, &[b]));
        assert_eq!(super::update(0, &long), bytewise, "whole and byte at a time agree");
    }
}

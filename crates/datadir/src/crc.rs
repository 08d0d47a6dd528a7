//! CRC-32C with Go's `crc32.Update` semantics, which the WAL chains from record to record and
//! snap files use: `update(previous, bytes)` continues a checksum.

const POLY: u32 = 0x82F6_3B78;

const TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ POLY } else { crc >> 1 };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

pub fn update(previous: u32, bytes: &[u8]) -> u32 {
    let mut crc = !previous;
    for &b in bytes {
        crc = TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn castagnoli_check_value_and_chaining() {
        assert_eq!(super::update(0, b"123456789"), 0xE306_9283);
        assert_eq!(super::update(super::update(0, b"1234"), b"56789"), 0xE306_9283);
    }
}

//! CRC-32C with Go's `crc32.Update` semantics, which the WAL chains from record to record and
//! snap files use: `update(previous, bytes)` continues a checksum.

const POLY: u32 = 0x82F6_3B78;

/// Slice-by-8 tables: `TABLES[0]` is the byte-at-a-time table, `TABLES[k]` advances a byte
/// through k more zero bytes, so eight bytes fold in per step.
const TABLES: [[u32; 256]; 8] = {
    let mut tables = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ POLY } else { crc >> 1 };
            bit += 1;
        }
        tables[0][i] = crc;
        i += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let previous = tables[k - 1][i];
            tables[k][i] = (previous >> 8) ^ tables[0][(previous & 0xff) as usize];
            i += 1;
        }
        k += 1;
    }
    tables
};

pub fn update(previous: u32, bytes: &[u8]) -> u32 {
    let t = &TABLES;
    let mut crc = !previous;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let a = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) ^ crc;
        let b = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
        crc = t[7][(a & 0xff) as usize]
            ^ t[6][((a >> 8) & 0xff) as usize]
            ^ t[5][((a >> 16) & 0xff) as usize]
            ^ t[4][(a >> 24) as usize]
            ^ t[3][(b & 0xff) as usize]
            ^ t[2][((b >> 8) & 0xff) as usize]
            ^ t[1][((b >> 16) & 0xff) as usize]
            ^ t[0][(b >> 24) as usize];
    }
    for &b in chunks.remainder() {
        crc = t[0][((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
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
        let long: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        let bytewise = long.iter().fold(0, |crc, &b| super::update(crc, &[b]));
        assert_eq!(super::update(0, &long), bytewise, "slice-by-8 agrees with byte at a time");
    }
}

//! Bytes that are not UTF-8 inside the shell's strings: `$(...)` and variables hold text, yet
//! bash keeps every byte. Each byte of an invalid sequence becomes one character of a private
//! range (U+10FE80 + the byte's low 7 bits), and every write turns those characters back
//! into the byte, so `x=$(cat raw); printf %s "$x"` gives back `raw` exactly.

use std::borrow::Cow;

/// The first of the 128 characters that stand for the bytes 0x80..=0xFF.
const BASE: u32 = 0x10FE80;

/// Text for `bytes`: valid UTF-8 as it is, each other byte as its stand-in character.
pub(crate) fn decode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for &b in chunk.invalid() {
            // Invalid bytes of UTF-8 are never ASCII.
            text.push(char::from_u32(BASE + u32::from(b & 0x7f)).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
    }
    text
}

/// The bytes `text` stands for: [`decode`] undone.
pub(crate) fn encode(bytes: &[u8]) -> Cow<'_, [u8]> {
    // Stand-ins live only in valid UTF-8, encoded F4 8F BA xx or F4 8F BB xx; most writes have
    // none. Raw bytes (dd's 1 MiB blocks) fail the UTF-8 check within a few bytes, and text
    // is searched for 0xF4 with memchr: no byte-pair scan over every write.
    let Ok(text) = std::str::from_utf8(bytes) else { return Cow::Borrowed(bytes) };
    if !bytes.contains(&0xF4) {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut buffer = [0u8; 4];
    for c in text.chars() {
        match u32::from(c).checked_sub(BASE) {
            Some(low) if low < 0x80 => out.push(0x80 | low as u8),
            _ => out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes()),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_byte_survives() {
        let all: Vec<u8> = (0..=255u8).chain([0xe2, 0x82, b'a', 0xff, 0xc3, 0xa9]).collect();
        assert_eq!(encode(decode(&all).as_bytes()).as_ref(), all.as_slice());
        assert_eq!(decode("é€".as_bytes()), "é€");
    }
}

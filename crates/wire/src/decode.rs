//! Reading a message field by field. Every length is checked against the bytes there are, so
//! hostile bytes give an error, never a panic or a read past the end.

use std::fmt;

use crate::varint;

/// A field read back: its number and value. Unknown fields are the caller's to skip (match
/// them with `_`); their values have been stepped over already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field<'a> {
    Varint(u64, u64),
    Fixed64(u64, u64),
    Bytes(u64, &'a [u8]),
    Fixed32(u64, u32),
}

impl Field<'_> {
    pub fn number(&self) -> u64 {
        match *self {
            Field::Varint(n, _) | Field::Fixed64(n, _) | Field::Bytes(n, _) | Field::Fixed32(n, _) => n,
        }
    }
}

/// Why bytes are not a message, in gogo-proto's words (etcd's generated decoders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes end inside a field.
    UnexpectedEof,
    /// A varint longer than ten bytes.
    IntegerOverflow,
    /// A length that does not fit in memory.
    InvalidLength,
    /// Field number 0.
    IllegalTag(u64),
    /// Wire types 3 and 4 (groups, unused by etcd), 6 and 7 (undefined).
    IllegalWireType(u64),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::UnexpectedEof => f.write_str("unexpected EOF"),
            DecodeError::IntegerOverflow => f.write_str("proto: integer overflow"),
            DecodeError::InvalidLength => f.write_str("proto: negative length found during unmarshaling"),
            DecodeError::IllegalTag(wire) => write!(f, "proto: illegal tag 0 (wire type {wire})"),
            DecodeError::IllegalWireType(wire) => write!(f, "proto: illegal wireType {wire}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// The fields of a message, in the order they were written; after an error it ends.
#[derive(Debug, Clone)]
pub struct Decoder<'a> {
    bytes: &'a [u8],
    failed: bool,
}

impl<'a> Decoder<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Decoder { bytes, failed: false }
    }

    /// The bytes not read yet.
    pub fn remaining(&self) -> &'a [u8] {
        self.bytes
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut at = 0;
        match varint::get(self.bytes, &mut at) {
            Some(value) => {
                self.bytes = &self.bytes[at..];
                Ok(value)
            }
            None if self.bytes.len() >= varint::MAX_LEN => Err(DecodeError::IntegerOverflow),
            None => Err(DecodeError::UnexpectedEof),
        }
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        if len > self.bytes.len() {
            return Err(DecodeError::UnexpectedEof);
        }
        let (data, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(data)
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn field(&mut self) -> Result<Field<'a>, DecodeError> {
        let tag = self.varint()?;
        let (number, wire) = (tag >> 3, tag & 7);
        if number == 0 {
            return Err(DecodeError::IllegalTag(wire));
        }
        Ok(match wire {
            0 => Field::Varint(number, self.varint()?),
            1 => Field::Fixed64(number, u64::from_le_bytes(self.fixed()?)),
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| DecodeError::InvalidLength)?;
                Field::Bytes(number, self.take(len)?)
            }
            5 => Field::Fixed32(number, u32::from_le_bytes(self.fixed()?)),
            _ => return Err(DecodeError::IllegalWireType(wire)),
        })
    }
}

impl<'a> Iterator for Decoder<'a> {
    type Item = Result<Field<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.bytes.is_empty() {
            return None;
        }
        let field = self.field();
        self.failed = field.is_err();
        Some(field)
    }
}

/// Every field of a message, or `None` if it does not parse.
pub fn fields(bytes: &[u8]) -> Option<Vec<Field<'_>>> {
    Decoder::new(bytes).collect::<Result<_, _>>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Encoder;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn walks_every_wire_type() {
        let mut e = Encoder::new();
        e.varint(1, 150).bytes(2, b"testing").fixed64(3, 7).raw(b"\x25\x01\x02\x03\x04");
        let bytes = e.into_bytes();
        assert_eq!(
            fields(&bytes),
            Some(vec![
                Field::Varint(1, 150),
                Field::Bytes(2, b"testing"),
                Field::Fixed64(3, 7),
                Field::Fixed32(4, 0x0403_0201),
            ])
        );
        assert_eq!(fields(b""), Some(vec![]));
        assert_eq!(Field::Bytes(9, b"").number(), 9);
    }

    #[test]
    fn malformed_messages_say_why() {
        let first_error = |bytes: &[u8]| Decoder::new(bytes).find_map(Result::err);
        assert_eq!(first_error(b"\x08"), Some(DecodeError::UnexpectedEof));
        assert_eq!(first_error(b"\x08\x80"), Some(DecodeError::UnexpectedEof));
        assert_eq!(first_error(b"\x12\x05abc"), Some(DecodeError::UnexpectedEof));
        assert_eq!(first_error(b"\x19\x01\x02"), Some(DecodeError::UnexpectedEof));
        assert_eq!(first_error(b"\x0d\x01"), Some(DecodeError::UnexpectedEof));
        assert_eq!(
            first_error(&[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
            Some(DecodeError::IntegerOverflow)
        );
        assert_eq!(first_error(b"\x02\x00"), Some(DecodeError::IllegalTag(2)));
        assert_eq!(first_error(b"\x0b"), Some(DecodeError::IllegalWireType(3)));
        assert_eq!(first_error(b"\x0f"), Some(DecodeError::IllegalWireType(7)));
        assert_eq!(fields(b"\x08\x01\x0b"), None);
        assert_eq!(DecodeError::IllegalWireType(3).to_string(), "proto: illegal wireType 3");
    }

    #[test]
    fn stops_after_an_error() {
        let mut decoder = Decoder::new(b"\x08\x01\x0b\x08\x02");
        assert_eq!(decoder.next(), Some(Ok(Field::Varint(1, 1))));
        assert_eq!(decoder.next(), Some(Err(DecodeError::IllegalWireType(3))));
        assert_eq!(decoder.next(), None);
    }
}

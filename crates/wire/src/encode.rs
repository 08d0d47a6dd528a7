//! Writing a message field by field, in the order the caller appends them (etcd's generated
//! code writes fields in number order).

use crate::varint;
use crate::{tag, WireType};

/// A message being written.
///
/// Two flavours of field, as etcd's messages have both: [`varint`](Encoder::varint) and
/// [`bytes`](Encoder::bytes) always write the field (proto2 fields gogo-proto marks
/// non-nullable: raftpb, walpb, snappb), while [`varint_nonzero`](Encoder::varint_nonzero) and
/// [`bytes_nonempty`](Encoder::bytes_nonempty) leave out zero values as proto3 does
/// (mvccpb, leasepb).
#[derive(Debug, Default, Clone)]
pub struct Encoder {
    bytes: Vec<u8>,
}

impl Encoder {
    pub fn new() -> Self {
        Encoder::default()
    }

    /// An encoder with room for `capacity` bytes (a message around a large payload).
    pub fn with_capacity(capacity: usize) -> Self {
        Encoder { bytes: Vec::with_capacity(capacity) }
    }

    pub fn varint(&mut self, field: u64, value: u64) -> &mut Self {
        varint::put(&mut self.bytes, tag(field, WireType::Varint));
        varint::put(&mut self.bytes, value);
        self
    }

    /// A proto3 integer: nothing when it is zero. Signed fields are passed as `value as u64`
    /// (protobuf's int64: a negative value takes ten bytes).
    pub fn varint_nonzero(&mut self, field: u64, value: u64) -> &mut Self {
        if value != 0 {
            self.varint(field, value);
        }
        self
    }

    pub fn fixed64(&mut self, field: u64, value: u64) -> &mut Self {
        varint::put(&mut self.bytes, tag(field, WireType::Fixed64));
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    pub fn bytes(&mut self, field: u64, data: &[u8]) -> &mut Self {
        self.length_prefix(field, data.len());
        self.bytes.extend_from_slice(data);
        self
    }

    /// A proto3 bytes or string field: nothing when it is empty.
    pub fn bytes_nonempty(&mut self, field: u64, data: &[u8]) -> &mut Self {
        if !data.is_empty() {
            self.bytes(field, data);
        }
        self
    }

    /// The tag and length of a length-delimited field whose `len` bytes the caller appends
    /// next with [`raw`](Encoder::raw) (a payload written in parts, or a nested message).
    pub fn length_prefix(&mut self, field: u64, len: usize) -> &mut Self {
        varint::put(&mut self.bytes, tag(field, WireType::LengthDelimited));
        varint::put(&mut self.bytes, len as u64);
        self
    }

    /// Bytes appended as they are.
    pub fn raw(&mut self, data: &[u8]) -> &mut Self {
        self.bytes.extend_from_slice(data);
        self
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    /// The message written so far, leaving the encoder empty.
    pub fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn fields_as_protobuf_writes_them() {
        let mut e = Encoder::new();
        e.varint(1, 150).bytes(2, b"testing").varint(3, 0).fixed64(4, 1);
        assert_eq!(
            e.finish(),
            b"\x08\x96\x01\x12\x07testing\x18\x00\x21\x01\x00\x00\x00\x00\x00\x00\x00".to_vec()
        );
        assert!(e.is_empty(), "finish leaves the encoder empty");
        e.varint_nonzero(1, 0).bytes_nonempty(2, b"").varint_nonzero(3, -1i64 as u64);
        assert_eq!(e.as_slice(), b"\x18\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
        let mut streamed = Encoder::new();
        streamed.length_prefix(2, 7).raw(b"test").raw(b"ing");
        assert_eq!(streamed.into_bytes(), b"\x12\x07testing");
    }
}

//! `mvccpb.KeyValue`, the value stored under each revision in the `key` bucket, in protobuf
//! wire format (fields in number order, zero values omitted, as etcd's generated code writes).

use bytes::Bytes;
use playground_bolt::Pieces;
use playground_wire::{Decoder, Encoder, Field};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyValue {
    pub key: Vec<u8>,
    pub create_revision: i64,
    pub mod_revision: i64,
    pub version: i64,
    pub value: Vec<u8>,
    pub lease: i64,
}

const KEY: u64 = 1;
const CREATE_REVISION: u64 = 2;
const MOD_REVISION: u64 = 3;
const VERSION: u64 = 4;
const VALUE: u64 = 5;
const LEASE: u64 = 6;

/// A KeyValue over borrowed key and value: what a put encodes without copying its value
/// into a [`KeyValue`] first.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyValueRef<'a> {
    pub key: &'a [u8],
    pub create_revision: i64,
    pub mod_revision: i64,
    pub version: i64,
    pub value: &'a [u8],
    pub lease: i64,
}

impl KeyValueRef<'_> {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Encoder::with_capacity(self.key.len() + self.value.len() + 32);
        out.bytes_nonempty(KEY, self.key)
            .varint_nonzero(CREATE_REVISION, self.create_revision as u64)
            .varint_nonzero(MOD_REVISION, self.mod_revision as u64)
            .varint_nonzero(VERSION, self.version as u64)
            .bytes_nonempty(VALUE, self.value)
            .varint_nonzero(LEASE, self.lease as u64);
        out.into_bytes()
    }

    /// [`KeyValueRef::encode`] with the value by reference: `value` holds the bytes of
    /// `self.value` (a large one stays shared with whoever else holds it).
    pub fn encode_pieces(&self, value: &Bytes) -> Pieces {
        debug_assert!(value[..] == *self.value, "the shared value is the value encoded");
        if value.is_empty() {
            return Pieces::from(self.encode());
        }
        let mut head = Encoder::with_capacity(self.key.len() + 32);
        head.bytes_nonempty(KEY, self.key)
            .varint_nonzero(CREATE_REVISION, self.create_revision as u64)
            .varint_nonzero(MOD_REVISION, self.mod_revision as u64)
            .varint_nonzero(VERSION, self.version as u64)
            .length_prefix(VALUE, value.len());
        let mut pieces = Pieces::from(head.into_bytes());
        pieces.push_shared(value);
        let mut tail = Encoder::with_capacity(12);
        tail.varint_nonzero(LEASE, self.lease as u64);
        pieces.push_copied(&tail.into_bytes());
        pieces
    }
}

impl KeyValue {
    pub fn encode(&self) -> Vec<u8> {
        KeyValueRef {
            key: &self.key,
            create_revision: self.create_revision,
            mod_revision: self.mod_revision,
            version: self.version,
            value: &self.value,
            lease: self.lease,
        }
        .encode()
    }

    /// Decodes a stored KeyValue; `None` for bytes that are not one.
    pub fn decode(bytes: &[u8]) -> Option<KeyValue> {
        let mut kv = KeyValue::default();
        for field in Decoder::new(bytes) {
            match field.ok()? {
                Field::Bytes(KEY, data) => kv.key = data.to_vec(),
                Field::Varint(CREATE_REVISION, value) => kv.create_revision = value as i64,
                Field::Varint(MOD_REVISION, value) => kv.mod_revision = value as i64,
                Field::Varint(VERSION, value) => kv.version = value as i64,
                Field::Bytes(VALUE, data) => kv.value = data.to_vec(),
                Field::Varint(LEASE, value) => kv.lease = value as i64,
                _ => {}
            }
        }
        Some(kv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_value_by_reference_encodes_the_bytes_of_one_copied() {
        for len in [0, 5, 20_000] {
            let value = Bytes::from(vec![9u8; len]);
            for lease in [0, 7] {
                let kv = KeyValueRef {
                    key: b"k",
                    create_revision: 2,
                    mod_revision: 3,
                    version: 1,
                    value: &value,
                    lease,
                };
                let pieces = kv.encode_pieces(&value);
                assert_eq!(pieces.to_vec(), kv.encode());
                assert_eq!(pieces.shared_len(), if len >= playground_bolt::SHARE_FROM { len } else { 0 });
            }
        }
    }

    #[test]
    fn round_trip_and_wire_format() {
        let kv = KeyValue {
            key: b"foo".to_vec(),
            create_revision: 2,
            mod_revision: 5,
            version: 4,
            value: b"bar3".to_vec(),
            lease: 0,
        };
        let bytes = kv.encode();
        assert_eq!(bytes, b"\x0a\x03foo\x10\x02\x18\x05\x20\x04\x2a\x04bar3");
        assert_eq!(KeyValue::decode(&bytes), Some(kv));
        assert_eq!(
            KeyValue::decode(&KeyValue { key: b"k".to_vec(), ..Default::default() }.encode()).unwrap().key,
            b"k"
        );
        assert_eq!(KeyValue::decode(b"\x0a\xff"), None);
    }
}

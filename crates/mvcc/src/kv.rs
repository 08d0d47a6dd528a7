//! `mvccpb.KeyValue`, the value stored under each revision in the `key` bucket, in protobuf
//! wire format (fields in number order, zero values omitted, as etcd's generated code writes).

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

//! `mvccpb.KeyValue`, the value stored under each revision in the `key` bucket, in protobuf
//! wire format (fields in number order, zero values omitted, as etcd's generated code writes).

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
const VARINT: u64 = 0;
const LENGTH_DELIMITED: u64 = 2;

pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub(crate) fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
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
        let mut out = Vec::with_capacity(self.key.len() + self.value.len() + 32);
        let bytes = |out: &mut Vec<u8>, field: u64, data: &[u8]| {
            if !data.is_empty() {
                put_varint(out, field << 3 | LENGTH_DELIMITED);
                put_varint(out, data.len() as u64);
                out.extend_from_slice(data);
            }
        };
        let int = |out: &mut Vec<u8>, field: u64, value: i64| {
            if value != 0 {
                put_varint(out, field << 3 | VARINT);
                put_varint(out, value as u64);
            }
        };
        bytes(&mut out, KEY, self.key);
        int(&mut out, CREATE_REVISION, self.create_revision);
        int(&mut out, MOD_REVISION, self.mod_revision);
        int(&mut out, VERSION, self.version);
        bytes(&mut out, VALUE, self.value);
        int(&mut out, LEASE, self.lease);
        out
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
        let mut at = 0;
        while at < bytes.len() {
            let tag = get_varint(bytes, &mut at)?;
            let (field, wire) = (tag >> 3, tag & 7);
            match wire {
                VARINT => {
                    let value = get_varint(bytes, &mut at)? as i64;
                    match field {
                        CREATE_REVISION => kv.create_revision = value,
                        MOD_REVISION => kv.mod_revision = value,
                        VERSION => kv.version = value,
                        LEASE => kv.lease = value,
                        _ => {}
                    }
                }
                LENGTH_DELIMITED => {
                    let len = usize::try_from(get_varint(bytes, &mut at)?).ok()?;
                    let data = bytes.get(at..at.checked_add(len)?)?;
                    at += len;
                    match field {
                        KEY => kv.key = data.to_vec(),
                        VALUE => kv.value = data.to_vec(),
                        _ => {}
                    }
                }
                _ => return None,
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

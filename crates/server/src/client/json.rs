//! How the API's messages serialize: as Go's `encoding/json` writes the gogo-protobuf structs
//! etcdctl marshals (`json:"name,omitempty"` tags): zero values left out, `[]byte` fields in
//! standard base64, enums as their numbers.

use playground_mvcc::KeyValue;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

/// `omitempty` for numbers.
pub(crate) fn is_zero<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// `omitempty` for booleans.
pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}

/// Bytes as Go writes a `[]byte`: standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `mvccpb.KeyValue`.
struct KeyValueJson<'a>(&'a KeyValue);

impl Serialize for KeyValueJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let kv = self.0;
        let mut fields = serializer.serialize_struct("KeyValue", 6)?;
        if !kv.key.is_empty() {
            fields.serialize_field("key", &base64(&kv.key))?;
        }
        for (name, value) in [
            ("create_revision", kv.create_revision),
            ("mod_revision", kv.mod_revision),
            ("version", kv.version),
        ] {
            if value != 0 {
                fields.serialize_field(name, &value)?;
            }
        }
        if !kv.value.is_empty() {
            fields.serialize_field("value", &base64(&kv.value))?;
        }
        if kv.lease != 0 {
            fields.serialize_field("lease", &kv.lease)?;
        }
        fields.end()
    }
}

pub(crate) fn key_value<S: Serializer>(kv: &KeyValue, serializer: S) -> Result<S::Ok, S::Error> {
    KeyValueJson(kv).serialize(serializer)
}

pub(crate) fn key_values<S: Serializer>(kvs: &[KeyValue], serializer: S) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(Some(kvs.len()))?;
    for kv in kvs {
        seq.serialize_element(&KeyValueJson(kv))?;
    }
    seq.end()
}

pub(crate) fn some_key_value<S: Serializer>(kv: &Option<KeyValue>, serializer: S) -> Result<S::Ok, S::Error> {
    match kv {
        Some(kv) => key_value(kv, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_go_encodes() {
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"bar3"), "YmFyMw==");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"ab"), "YWI=");
    }
}

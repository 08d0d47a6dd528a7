//! Properties of the wire format: what the encoder writes decodes to the same fields, and no
//! bytes at all make the decoder panic. Native only: proptest does not build for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use playground_wire::{fields, varint, Decoder, Encoder, Field};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Written {
    Varint(u64, u64),
    Fixed64(u64, u64),
    Bytes(u64, Vec<u8>),
}

fn written() -> impl Strategy<Value = Written> {
    let number = 1u64..(1 << 29);
    prop_oneof![
        (number.clone(), any::<u64>()).prop_map(|(n, v)| Written::Varint(n, v)),
        (number.clone(), any::<u64>()).prop_map(|(n, v)| Written::Fixed64(n, v)),
        (number, proptest::collection::vec(any::<u8>(), 0..300)).prop_map(|(n, b)| Written::Bytes(n, b)),
    ]
}

proptest! {
    #[test]
    fn varints_round_trip(value in any::<u64>(), tail in proptest::collection::vec(any::<u8>(), 0..4)) {
        let mut out = Vec::new();
        varint::put(&mut out, value);
        prop_assert_eq!(out.len(), varint::len(value));
        out.extend_from_slice(&tail);
        let mut at = 0;
        prop_assert_eq!(varint::get(&out, &mut at), Some(value));
        prop_assert_eq!(&out[at..], &tail[..]);
    }

    #[test]
    fn messages_round_trip(message in proptest::collection::vec(written(), 0..20)) {
        let mut encoder = Encoder::new();
        for field in &message {
            match field {
                Written::Varint(n, v) => encoder.varint(*n, *v),
                Written::Fixed64(n, v) => encoder.fixed64(*n, *v),
                Written::Bytes(n, b) => encoder.bytes(*n, b),
            };
        }
        let bytes = encoder.into_bytes();
        let read = fields(&bytes).expect("what the encoder writes decodes");
        prop_assert_eq!(read.len(), message.len());
        for (read, written) in read.iter().zip(&message) {
            let same = match (read, written) {
                (Field::Varint(a, x), Written::Varint(b, y)) => a == b && x == y,
                (Field::Fixed64(a, x), Written::Fixed64(b, y)) => a == b && x == y,
                (Field::Bytes(a, x), Written::Bytes(b, y)) => a == b && *x == &y[..],
                _ => false,
            };
            prop_assert!(same, "{:?} read back as {:?}", written, read);
        }
    }

    /// Any bytes: the decoder answers fields or an error, never panics, and never reads a
    /// length past the end.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut consumed = 0;
        for field in Decoder::new(&bytes) {
            match field {
                Ok(Field::Bytes(_, data)) => consumed += data.len(),
                Ok(_) => {}
                Err(error) => { let _ = error.to_string(); }
            }
        }
        prop_assert!(consumed <= bytes.len());
        let mut at = 0;
        while at < bytes.len() && varint::get(&bytes, &mut at).is_some() {}
        let mut rest = &bytes[..];
        while varint::take(&mut rest).is_some() {}
    }

    /// Every prefix of a valid message either parses or fails cleanly.
    #[test]
    fn truncations_never_panic(message in proptest::collection::vec(written(), 1..8)) {
        let mut encoder = Encoder::new();
        for field in &message {
            match field {
                Written::Varint(n, v) => encoder.varint(*n, *v),
                Written::Fixed64(n, v) => encoder.fixed64(*n, *v),
                Written::Bytes(n, b) => encoder.bytes(*n, b),
            };
        }
        let bytes = encoder.into_bytes();
        for end in 0..bytes.len() {
            let _ = fields(&bytes[..end]);
        }
    }
}

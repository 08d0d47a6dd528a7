//! Any bytes as a protobuf message or a snap file: the wire decoder and every message decoder
//! over it must answer with fields or an error, never a panic or a read past the end; what
//! decodes (entries, hard states, key-values, conf changes, snap files) re-encodes to bytes
//! that decode the same. (WAL segments: `wal_file`.)
//! `cargo fuzz run wire_decode` (nightly) from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playground_datadir::{raftlog, snap};
use playground_mvcc::KeyValue;
use playground_raft::ConfChange;
use playground_wire::{varint, Decoder, Field};

fuzz_target!(|data: &[u8]| {
    let mut consumed = 0;
    for field in Decoder::new(data) {
        if let Ok(Field::Bytes(_, bytes)) = field {
            consumed += bytes.len();
        }
    }
    assert!(consumed <= data.len());
    let mut rest = data;
    while varint::take(&mut rest).is_some() {}
    if let Some(kv) = KeyValue::decode(data) {
        assert_eq!(KeyValue::decode(&kv.encode()), Some(kv), "key-values re-encode");
    }
    if let Some(change) = ConfChange::decode(data) {
        assert_eq!(ConfChange::decode(&change.encode()), Some(change), "conf changes re-encode");
    }
    if let Some(entry) = raftlog::decode_entry(data) {
        assert_eq!(raftlog::decode_entry(&raftlog::encode_entry(&entry)), Some(entry), "entries re-encode");
    }
    if let Some(state) = raftlog::decode_hard_state(data) {
        assert_eq!(raftlog::decode_hard_state(&raftlog::encode_hard_state(&state)), Some(state));
    }
    // A snap file as a restart loads it: crc-checked, then the raft snapshot inside.
    if let Some(raw) = snap::decode(data) {
        assert_eq!(
            snap::decode(&snap::encode(&raw)).as_deref(),
            Some(raw.as_slice()),
            "snap files re-encode"
        );
        if let Some((inner, voters, index, term)) = snap::parse_raft_snapshot(&raw) {
            let written = snap::raft_snapshot(&inner, &voters, index, term);
            assert_eq!(snap::parse_raft_snapshot(&written), Some((inner, voters, index, term)));
        }
    }
    let _ = snap::parse_raft_snapshot(data);
});

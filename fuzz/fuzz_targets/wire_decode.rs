//! Any bytes as a protobuf message, a WAL segment or a snap file: the wire decoder and every
//! message decoder over it must answer with fields or an error, never a panic or a read past
//! the end. `cargo fuzz run wire_decode` (nightly) from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playground_datadir::{raftlog, snap, wal};
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
    let _ = KeyValue::decode(data);
    let _ = ConfChange::decode(data);
    let _ = raftlog::decode_entry(data);
    let _ = raftlog::decode_hard_state(data);
    let _ = raftlog::recover(data, 0);
    let _ = raftlog::valid_snapshots(data);
    let _ = wal::decode(data);
    let _ = snap::decode(data);
    let _ = snap::parse_raft_snapshot(data);
});

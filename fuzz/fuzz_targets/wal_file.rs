//! Any bytes as a member's WAL segment, read back as a restart reads it: the snapshot marks
//! (`valid_snapshots`), the replay from each (`recover`), and raft restarted over what it
//! gives. Nothing may panic; a replay is a log without holes; what the engine writes back from
//! a replay (as a restart rewrites its WAL) replays to the same state; and the records decoded
//! re-encode to records that decode the same. `cargo fuzz run wal_file` (nightly).
#![no_main]

use libfuzzer_sys::fuzz_target;
use playground_datadir::raftlog::{self, Recovered};
use playground_datadir::wal::{self, Encoder, Record};
use playground_raft::{Config, Raft, Snapshot};

fuzz_target!(|data: &[u8]| {
    if let Ok(mut records) = wal::decode(data) {
        // A crc record's data is not part of the chain; the encoder writes none.
        for record in records.iter_mut().filter(|r| r.kind == wal::CRC_TYPE) {
            record.data.clear();
        }
        assert_eq!(wal::decode(&reencode(&records)), Ok(records), "records re-encode");
    }
    let marks = raftlog::valid_snapshots(data).unwrap_or_default();
    for start in std::iter::once(0).chain(marks.iter().map(|&(index, _)| index)) {
        let Ok(recovered) = raftlog::recover(data, start) else { continue };
        for (position, entry) in recovered.entries.iter().enumerate() {
            assert_eq!(entry.index, start + 1 + position as u64, "a replay from {start} has no holes");
        }
        let mut rewritten = Encoder::new(0);
        raftlog::append(&mut rewritten, &recovered.entries, Some(&recovered.hard_state));
        let again = raftlog::recover(&rewritten.bytes, start);
        assert_eq!(
            again,
            Ok(Recovered { torn: false, ..recovered.clone() }),
            "a rewritten WAL replays the same"
        );
        restart(start, &marks, recovered);
    }
});

/// The records as a segment: each crc record opens an encoder at its crc (as a new segment
/// starts), the others continue the chain.
fn reencode(records: &[Record]) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = Encoder::continuing(0);
    for record in records {
        if record.kind == wal::CRC_TYPE {
            bytes.append(&mut encoder.bytes);
            encoder = Encoder::new(record.crc);
        } else {
            encoder.record(record.kind, &record.data);
        }
    }
    bytes.append(&mut encoder.bytes);
    bytes
}

/// One voter restarted over the replay: its log is the replay's, and ticking it through an
/// election with a proposal stays inside raft's own checks.
fn restart(start: u64, marks: &[(u64, u64)], recovered: Recovered) {
    let snapshot = marks.iter().find(|&&(index, _)| index == start).map(|&(index, term)| Snapshot {
        index,
        term,
        voters: vec![1],
        learners: Vec::new(),
        data: Vec::new(),
    });
    let entries = recovered.entries.len() as u64;
    let mut raft =
        Raft::restart_from(Config::new(1, vec![1]), snapshot, recovered.hard_state, recovered.entries);
    let status = raft.status();
    assert_eq!(status.last_index, start + entries);
    assert!(status.commit <= status.last_index);
    for tick in 0..30 {
        raft.tick();
        if tick == 25 {
            raft.propose(b"after restart".to_vec());
        }
        let ready = raft.ready();
        raft.advance(&ready);
    }
}

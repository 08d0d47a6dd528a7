//! A member's raft state in its WAL: entries and hard states as raftpb messages in WAL records,
//! appended as raft hands them out, and read back after a crash. A record torn by the crash
//! ends the log, as etcd repairs a WAL.

use playground_bolt::SHARE_FROM;
use playground_raft::{Entry, EntryType, HardState};
use playground_wire::{self as proto, fields, Field};

use crate::snap;
use crate::wal::{self, DecodeError, Encoder, Record};

pub fn encode_entry(entry: &Entry) -> Vec<u8> {
    let mut bytes = entry_header(entry);
    bytes.extend_from_slice(&entry.data);
    bytes
}

/// A `raftpb.Entry` up to its data: type, term, index and the data field's key and length.
fn entry_header(entry: &Entry) -> Vec<u8> {
    let kind = match entry.kind {
        EntryType::Normal => 0,
        EntryType::ConfChange => 1,
    };
    let mut writer = proto::Encoder::with_capacity(32);
    writer.varint(1, kind).varint(2, entry.term).varint(3, entry.index);
    if !entry.data.is_empty() {
        writer.length_prefix(4, entry.data.len());
    }
    writer.finish()
}

pub fn decode_entry(bytes: &[u8]) -> Option<Entry> {
    let mut entry = Entry::default();
    for field in fields(bytes)? {
        match field {
            Field::Varint(1, 1) => entry.kind = EntryType::ConfChange,
            Field::Varint(2, term) => entry.term = term,
            Field::Varint(3, index) => entry.index = index,
            Field::Bytes(4, data) => entry.data = data.to_vec().into(),
            _ => {}
        }
    }
    Some(entry)
}

pub fn encode_hard_state(state: &HardState) -> Vec<u8> {
    proto::Encoder::new().varint(1, state.term).varint(2, state.vote).varint(3, state.commit).finish()
}

pub fn decode_hard_state(bytes: &[u8]) -> Option<HardState> {
    let mut state = HardState::default();
    for field in fields(bytes)? {
        match field {
            Field::Varint(1, term) => state.term = term,
            Field::Varint(2, vote) => state.vote = vote,
            Field::Varint(3, commit) => state.commit = commit,
            _ => {}
        }
    }
    Some(state)
}

/// Appends what a `Ready` asks to persist; the caller syncs before sending messages.
pub fn append(encoder: &mut Encoder, entries: &[Entry], hard_state: Option<&HardState>) {
    // Each record: its data (unless shared) and about 40 bytes of framing and entry fields.
    let copied = |e: &Entry| if e.data.len() >= SHARE_FROM { 0 } else { e.data.len() };
    encoder.bytes.reserve(entries.iter().map(|e| copied(e) + 48).sum::<usize>() + 64);
    for entry in entries {
        if entry.data.len() >= SHARE_FROM {
            encoder.record_shared(wal::ENTRY_TYPE, &entry_header(entry), &entry.data);
        } else {
            encoder.record_parts(wal::ENTRY_TYPE, &[&entry_header(entry), &entry.data]);
        }
    }
    if let Some(state) = hard_state {
        encoder.record(wal::STATE_TYPE, &encode_hard_state(state));
    }
}

/// A `walpb.Snapshot` record (index, term, conf state): the WAL's mark that the log up to
/// `index` is in the snap file of that name. etcd writes one for every snapshot it saves, a
/// received one before the entries that follow it (etcd's `storage.SaveSnap`).
pub fn append_snapshot(encoder: &mut Encoder, index: u64, term: u64, voters: &[u64]) {
    let mark =
        proto::Encoder::new().varint(1, index).varint(2, term).bytes(3, &snap::conf_state(voters)).finish();
    encoder.record(wal::SNAPSHOT_TYPE, &mark);
}

/// What a WAL holds after a restart: the last hard state and the entries after the snapshot it
/// was opened at, later entries replacing earlier ones from the same index on (a new leader's
/// log overwrote them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    pub hard_state: HardState,
    pub entries: Vec<Entry>,
    /// The log ended in a torn record (a crash mid-write), now dropped.
    pub torn: bool,
}

/// The records up to a torn last one (etcd repairs a WAL by cutting it there).
fn records(bytes: &[u8]) -> Result<(Vec<Record>, bool), DecodeError> {
    match wal::decode(bytes) {
        Ok(records) => Ok((records, false)),
        Err(DecodeError::Torn { offset }) => Ok((wal::decode(&bytes[..offset])?, true)),
        Err(other) => Err(other),
    }
}

/// The snapshot marks (index, term) a restart may start from, oldest first: those at or below
/// the last hard state's commit (etcd's `wal.ValidSnapshotEntries`).
pub fn valid_snapshots(bytes: &[u8]) -> Result<Vec<(u64, u64)>, DecodeError> {
    let (records, _) = records(bytes)?;
    let (mut marks, mut commit) = (Vec::new(), 0);
    for Record { kind, data, .. } in records {
        match kind {
            wal::SNAPSHOT_TYPE => {
                let (mut index, mut term) = (0, 0);
                for field in fields(&data).unwrap_or_default() {
                    match field {
                        Field::Varint(1, value) => index = value,
                        Field::Varint(2, value) => term = value,
                        _ => {}
                    }
                }
                marks.push((index, term));
            }
            wal::STATE_TYPE => {
                if let Some(state) = decode_hard_state(&data) {
                    commit = state.commit;
                }
            }
            _ => {}
        }
    }
    marks.retain(|&(index, _)| index <= commit);
    Ok(marks)
}

/// Replays the WAL opened at the snapshot at index `start` (0: none), as etcd's `wal.ReadAll`:
/// entries at or below it are skipped, each later one goes at its index counted from `start`
/// (replacing what the log held from there on). An entry beyond the end would leave a hole in
/// the log: an error, never a log whose positions and indexes disagree.
pub fn recover(bytes: &[u8], start: u64) -> Result<Recovered, DecodeError> {
    let (records, torn) = records(bytes)?;
    let mut recovered = Recovered { torn, ..Recovered::default() };
    for Record { kind, data, .. } in records {
        match kind {
            wal::ENTRY_TYPE => {
                let Some(entry) = decode_entry(&data) else { continue };
                if entry.index <= start {
                    continue;
                }
                // Compared as u64: on wasm32 an index 2^32 past the start must not wrap to a
                // position inside the log.
                let offset = entry.index - start - 1;
                if offset > recovered.entries.len() as u64 {
                    return Err(DecodeError::SliceOutOfRange { index: entry.index });
                }
                recovered.entries.truncate(offset as usize);
                recovered.entries.push(entry);
            }
            wal::STATE_TYPE => {
                if let Some(state) = decode_hard_state(&data) {
                    recovered.hard_state = state;
                }
            }
            _ => {}
        }
    }
    Ok(recovered)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn entry(term: u64, index: u64, data: &str) -> Entry {
        Entry { term, index, kind: EntryType::Normal, data: data.as_bytes().to_vec().into() }
    }

    #[test]
    fn a_wal_replays_to_the_last_state_with_overwritten_entries_replaced() {
        let mut encoder = Encoder::new(0);
        append(
            &mut encoder,
            &[entry(1, 1, "a"), entry(1, 2, "b"), entry(1, 3, "c")],
            Some(&HardState { term: 1, vote: 1, commit: 1 }),
        );
        append(
            &mut encoder,
            &[entry(2, 3, "c2"), entry(2, 4, "d")],
            Some(&HardState { term: 2, vote: 2, commit: 3 }),
        );
        let recovered = recover(&encoder.bytes, 0).unwrap();
        assert_eq!(recovered.hard_state, HardState { term: 2, vote: 2, commit: 3 });
        let data: Vec<_> =
            recovered.entries.iter().map(|e| String::from_utf8_lossy(&e.data).into_owned()).collect();
        assert_eq!(data, ["a", "b", "c2", "d"]);
        assert!(!recovered.torn);
        let torn = recover(&encoder.bytes[..encoder.bytes.len() - 5], 0).unwrap();
        assert!(torn.torn);
        assert_eq!(
            torn.hard_state,
            HardState { term: 1, vote: 1, commit: 1 },
            "the last, torn record is dropped"
        );
    }

    #[test]
    fn after_a_received_snapshot_the_wal_replays_from_its_mark() {
        // Entries 1..=2, then a snapshot at 4 from the leader, then 5 and 6, and a new leader
        // overwriting 6: read from the mark, 6 is replaced, not kept beside its successor.
        let mut encoder = Encoder::new(0);
        append(
            &mut encoder,
            &[entry(1, 1, "a"), entry(1, 2, "b")],
            Some(&HardState { term: 1, vote: 1, commit: 2 }),
        );
        append_snapshot(&mut encoder, 4, 2, &[1, 2, 3]);
        append(
            &mut encoder,
            &[entry(2, 5, "e"), entry(2, 6, "f")],
            Some(&HardState { term: 2, vote: 0, commit: 4 }),
        );
        append(&mut encoder, &[entry(3, 6, "f2")], Some(&HardState { term: 3, vote: 0, commit: 6 }));
        assert_eq!(valid_snapshots(&encoder.bytes).unwrap(), [(4, 2)]);
        let recovered = recover(&encoder.bytes, 4).unwrap();
        let indexes: Vec<_> = recovered.entries.iter().map(|e| (e.index, e.term)).collect();
        assert_eq!(indexes, [(5, 2), (6, 3)]);
        assert_eq!(
            recover(&encoder.bytes, 0),
            Err(DecodeError::SliceOutOfRange { index: 5 }),
            "read from before the mark, the log has a hole at the snapshot"
        );
    }

    #[test]
    fn an_entry_2_pow_32_past_the_log_is_a_hole_not_a_position_in_it() {
        // On wasm32 the position once wrapped to 0 and replaced the first entry.
        let mut encoder = Encoder::new(0);
        append(&mut encoder, &[entry(1, 1, "a"), entry(1, (1 << 32) + 1, "far")], None);
        assert_eq!(recover(&encoder.bytes, 0), Err(DecodeError::SliceOutOfRange { index: (1 << 32) + 1 }));
    }

    #[test]
    fn a_snapshot_mark_beyond_the_durable_commit_is_not_valid() {
        let mut encoder = Encoder::new(0);
        append(&mut encoder, &[entry(1, 1, "a")], Some(&HardState { term: 1, vote: 1, commit: 1 }));
        append_snapshot(&mut encoder, 3, 1, &[1]);
        assert!(valid_snapshots(&encoder.bytes).unwrap().is_empty());
    }
}

//! A member's raft state in its WAL: entries and hard states as raftpb messages in WAL records,
//! appended as raft hands them out, and read back after a crash. A record torn by the crash
//! ends the log, as etcd repairs a WAL.

use playground_raft::{Entry, EntryType, HardState};
use playground_wire::{self as proto, fields, Field};

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
    // Each record: its data and about 40 bytes of framing and entry fields.
    encoder.bytes.reserve(entries.iter().map(|e| e.data.len() + 48).sum::<usize>() + 64);
    for entry in entries {
        encoder.record_parts(wal::ENTRY_TYPE, &[&entry_header(entry), &entry.data]);
    }
    if let Some(state) = hard_state {
        encoder.record(wal::STATE_TYPE, &encode_hard_state(state));
    }
}

/// What a WAL holds after a restart: the last hard state and the entries, later entries
/// replacing earlier ones from the same index on (a new leader's log overwrote them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    pub hard_state: HardState,
    pub entries: Vec<Entry>,
    /// The log ended in a torn record (a crash mid-write), now dropped.
    pub torn: bool,
}

pub fn recover(bytes: &[u8]) -> Result<Recovered, DecodeError> {
    let (records, torn) = match wal::decode(bytes) {
        Ok(records) => (records, false),
        Err(DecodeError::Torn { offset }) => (wal::decode(&bytes[..offset])?, true),
        Err(other) => return Err(other),
    };
    let mut recovered = Recovered { torn, ..Recovered::default() };
    for Record { kind, data, .. } in records {
        match kind {
            wal::ENTRY_TYPE => {
                let Some(entry) = decode_entry(&data) else { continue };
                let first = recovered.entries.first().map_or(entry.index, |e| e.index);
                if entry.index >= first {
                    recovered.entries.truncate((entry.index - first) as usize);
                }
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
        let recovered = recover(&encoder.bytes).unwrap();
        assert_eq!(recovered.hard_state, HardState { term: 2, vote: 2, commit: 3 });
        let data: Vec<_> =
            recovered.entries.iter().map(|e| String::from_utf8_lossy(&e.data).into_owned()).collect();
        assert_eq!(data, ["a", "b", "c2", "d"]);
        assert!(!recovered.torn);
        let torn = recover(&encoder.bytes[..encoder.bytes.len() - 5]).unwrap();
        assert!(torn.torn);
        assert_eq!(
            torn.hard_state,
            HardState { term: 1, vote: 1, commit: 1 },
            "the last, torn record is dropped"
        );
    }
}

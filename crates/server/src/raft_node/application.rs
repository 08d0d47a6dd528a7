//! The state machine a raftNode applies committed entries to. The raftNode owns the plumbing
//! (apply only after the WAL write is durable, skip what the db already holds, snapshot every
//! `--snapshot-count` entries, restore from a received snapshot); what an entry means belongs
//! to the application: etcd's apply loop ([`EtcdMember`](crate::EtcdMember)), or the plain
//! [`EntryLog`] the raftNode's own tests and benchmarks use.

use std::rc::Rc;

use playground_bolt::SharedDisk;
use playground_mvcc::{RangeOptions, Store};
use playground_raft::{Entry, EntryType, NodeId};

pub trait Application {
    /// Applies committed entries in order (the raftNode hands out only those above the
    /// consistent index) and makes them durable together with the new consistent index.
    fn apply(&mut self, entries: &[Entry], now_micros: u64);
    /// The last entry index the db holds.
    fn consistent_index(&self) -> u64;
    /// The db file's bytes, as a raft snapshot carries them (pending writes committed first).
    fn snapshot_data(&mut self) -> Vec<u8>;
    fn db_size(&self) -> u64;
    /// bbolt's consistency check of the db (empty: consistent).
    fn check(&self) -> Vec<String>;
    /// Requests the application wants proposed through raft (etcd proposes an alarm from its
    /// apply loop, for one).
    fn take_proposals(&mut self) -> Vec<Vec<u8>> {
        Vec::new()
    }
}

/// Opens member `id`'s state machine on its db disk: created empty when `fresh`, else from what
/// the disk holds (after a restart or a received snapshot). None if the db does not open.
pub type OpenApplication<A> = Rc<dyn Fn(NodeId, SharedDisk, bool) -> Option<A>>;

/// The plainest state machine: each entry's data stored under `entry/INDEX` in an mvcc store.
pub struct EntryLog {
    store: Store,
    /// The applied data, in order, as read back from the db.
    pub applied: Vec<Vec<u8>>,
}

fn entry_key(index: u64) -> Vec<u8> {
    format!("entry/{index:020}").into_bytes()
}

impl EntryLog {
    pub fn open(disk: SharedDisk, fresh: bool) -> Option<EntryLog> {
        let store = if fresh { Store::create(Box::new(disk)) } else { Store::open(Box::new(disk)) }.ok()?;
        let applied = store
            .range(b"entry/", b"entry0", RangeOptions::default())
            .map(|r| r.kvs.into_iter().map(|kv| kv.value).collect())
            .unwrap_or_default();
        Some(EntryLog { store, applied })
    }

    pub fn opener() -> OpenApplication<EntryLog> {
        Rc::new(|_, disk, fresh| EntryLog::open(disk, fresh))
    }
}

impl Application for EntryLog {
    fn apply(&mut self, entries: &[Entry], _now: u64) {
        for entry in entries {
            if entry.kind == EntryType::Normal && !entry.data.is_empty() {
                let _ = self.store.put(&entry_key(entry.index), &entry.data, 0);
                self.applied.push(entry.data.to_vec());
            }
        }
        if let Some(last) = entries.last() {
            let _ = self.store.set_consistent_index(last.index, last.term);
            let _ = self.store.backend_mut().commit();
        }
    }

    fn consistent_index(&self) -> u64 {
        self.store.consistent_index().map_or(0, |(index, _)| index)
    }

    fn snapshot_data(&mut self) -> Vec<u8> {
        let _ = self.store.backend_mut().commit();
        self.store.backend().db().snapshot_bytes().unwrap_or_default()
    }

    fn db_size(&self) -> u64 {
        self.store.backend().size()
    }

    fn check(&self) -> Vec<String> {
        self.store.backend().db().view().check()
    }
}

//! A member's raft storage on its host's disk, as etcd's `storage` wraps the WAL and the
//! snapshotter: `save` appends a Ready's entries and hard state to the WAL (durable once the
//! disk's sync completes), `save_snap` writes a snapshot file, and a restart reads both back.

use std::collections::BTreeMap;

use playground_bolt::{Disk, SharedDisk};
use playground_datadir::{raftlog, snap, wal};
use playground_raft::{Entry, HardState, Snapshot};
use playground_sim::{Context, Host};

/// Snapshot files a member keeps (etcd's `--max-snapshots` default).
const MAX_SNAPSHOTS: usize = 5;

/// The member's WAL segment (`member/wal/0000000000000000-0000000000000000.wal`).
pub(crate) struct Wal {
    pub(crate) disk: SharedDisk,
    /// Where the next record goes, and the CRC chain so far.
    len: u64,
    crc: u32,
    /// The length known durable.
    pub(crate) synced_len: u64,
}

impl Wal {
    /// A new WAL in `disk` (an empty file) holding its header, synced.
    pub(crate) fn create(disk: SharedDisk) -> Wal {
        let mut wal = Wal { disk, len: 0, crc: 0, synced_len: 0 };
        wal.rewrite(&wal::Encoder::new(0));
        wal
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Writes a new segment beside, syncs it and renames it over the old one (as etcd creates
    /// its WAL in a temporary directory renamed into place): a crash leaves one or the other,
    /// never a segment half rewritten.
    fn rewrite(&mut self, encoder: &wal::Encoder) {
        let mut segment = self.disk.sibling();
        let _ = segment.write_chunks(0, &encoder.chunks());
        let _ = segment.sync();
        self.disk.rename_from(&segment);
        self.len = encoder.len() as u64;
        self.synced_len = self.len;
        self.crc = encoder.crc();
    }

    /// Appends a received snapshot's mark, entries and the hard state on the host's disk:
    /// [`Host::synced`] hears of it under the new length once the write and its fsync complete.
    pub(crate) fn save<H: Host>(
        &mut self,
        cx: &mut Context<'_, H>,
        snapshot: Option<&Snapshot>,
        entries: &[Entry],
        hard_state: Option<&HardState>,
    ) {
        let mut encoder = wal::Encoder::continuing(self.crc);
        if let Some(received) = snapshot {
            raftlog::append_snapshot(&mut encoder, received.index, received.term, &received.voters);
        }
        raftlog::append(&mut encoder, entries, hard_state);
        let len = self.len + encoder.len() as u64;
        cx.write_and_sync(&mut self.disk, self.len, &encoder.chunks(), len);
        self.len = len;
        self.crc = encoder.crc();
    }

    /// Appends and syncs a snapshot mark for a snapshot saved from the apply loop, as etcd's
    /// `WAL.SaveSnapshot` does. The mark must be durable before the snapshotter purges older
    /// snap files: a restart reads the WAL from the newest snap file it marks, and with only
    /// unsynced marks for the files kept, none would be found.
    pub(crate) fn mark_snapshot(&mut self, snapshot: &Snapshot) {
        let mut encoder = wal::Encoder::continuing(self.crc);
        raftlog::append_snapshot(&mut encoder, snapshot.index, snapshot.term, &snapshot.voters);
        let _ = self.disk.write_at(self.len, &encoder.bytes);
        let _ = self.disk.sync();
        self.len += encoder.bytes.len() as u64;
        self.synced_len = self.len;
        self.crc = encoder.crc();
    }

    /// The disk synced the WAL up to `len`.
    pub(crate) fn synced(&mut self, len: u64) {
        if self.disk.len() >= len {
            let _ = self.disk.sync();
            self.synced_len = self.synced_len.max(len);
        }
    }

    /// A crash: the file keeps what was synced.
    pub(crate) fn crash(&mut self) {
        self.disk.crash();
        self.len = self.disk.len();
    }

    /// Rewrites the WAL from what survived a crash (the snapshot it was read from, then the
    /// entries and hard state), so appends continue a clean chain.
    pub(crate) fn rewrite_from(&mut self, snapshot: Option<&Snapshot>, recovered: &raftlog::Recovered) {
        let mut encoder = wal::Encoder::new(0);
        if let Some(s) = snapshot {
            raftlog::append_snapshot(&mut encoder, s.index, s.term, &s.voters);
        }
        raftlog::append(&mut encoder, &recovered.entries, Some(&recovered.hard_state));
        self.rewrite(&encoder);
    }

    /// Damages the last `bytes` on disk (a write torn by a crash).
    pub(crate) fn tear(&mut self, bytes: u64) {
        let len = self.disk.len();
        let _ = self.disk.truncate(len.saturating_sub(bytes));
        let _ = self.disk.sync();
    }
}

/// Snapshot files (`member/snap/TERM-INDEX.snap`), each synced when written.
#[derive(Default)]
pub(crate) struct Snapshotter {
    pub(crate) files: BTreeMap<String, SharedDisk>,
}

impl Snapshotter {
    /// Writes a snapshot file and syncs it (etcd's snapshotter fsyncs before the WAL records
    /// it). As in etcd 3.5 the file holds the snapshot's metadata, not the db: the db file is
    /// the state, and a follower that needs a snapshot is sent the db as it is then.
    /// `disk` is the new, empty file.
    pub(crate) fn save_snap(&mut self, mut disk: SharedDisk, snapshot: &Snapshot) {
        let raw = snap::raft_snapshot(&[], &snapshot.voters, snapshot.index, snapshot.term);
        let _ = disk.write_at(0, &snap::encode(&raw));
        let _ = disk.sync();
        self.files.insert(snap::file_name(snapshot.term, snapshot.index), disk.clone());
        // A member whose disk failed is dying: it purges nothing.
        while self.files.len() > MAX_SNAPSHOTS && !disk.failed() {
            self.files.pop_first();
        }
    }

    /// The newest snapshot file whose checksum holds and that the WAL marks as `(index,
    /// term)` (etcd's `LoadNewestAvailable` over `wal.ValidSnapshotEntries`).
    pub(crate) fn load_newest_available(&self, marks: &[(u64, u64)]) -> Option<Snapshot> {
        self.files.values().rev().find_map(|disk| {
            let raw = snap::decode(&disk.bytes())?;
            let (data, voters, index, term) = snap::parse_raft_snapshot(&raw)?;
            marks.contains(&(index, term)).then_some(Snapshot {
                index,
                term,
                voters,
                learners: Vec::new(),
                data,
            })
        })
    }

    pub(crate) fn crash(&self) {
        for disk in self.files.values() {
            disk.crash();
        }
    }
}

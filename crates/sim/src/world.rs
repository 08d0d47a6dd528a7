//! The world: virtual time, the event queue, and the members on their hosts.

use std::collections::{BTreeMap, VecDeque};

use playground_bolt::{Disk, DiskCosts, SharedDisk};
use playground_datadir::{raftlog, snap, wal};
use playground_raft::{
    ConfChange, Config, Entry, EntryType, Message, MessageType, NodeId, Raft, Role, Snapshot, Status,
};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use crate::app::{Application, EntryLog, OpenApplication};
use crate::network::Network;

/// One raft tick: etcd's default heartbeat interval, 100 ms.
pub const TICK_MICROS: u64 = 100_000;

#[derive(Debug, Clone)]
enum Event {
    Tick(NodeId),
    /// Boxed: messages are large, and the queue moves events around. The time is when the
    /// message left its host (after the sync it waited for).
    Deliver(Box<Message>, u64),
    /// A member's disk finished syncing the WAL up to this length.
    Synced(NodeId, u64),
    /// The member's disk is free again: hand raft's accumulated Ready to it.
    Process(NodeId),
}

struct Member {
    config: Config,
    /// None while the host is down.
    raft: Option<Raft>,
    /// The member's WAL file on its host's disk.
    wal: SharedDisk,
    /// Where the next record goes, and the CRC chain so far.
    wal_len: u64,
    wal_crc: u32,
    /// When the disk finishes the writes queued on it: nothing this member sends leaves
    /// before what it persisted is synced.
    disk_busy_until: u64,
    /// A Process event is queued for when the disk frees up.
    process_pending: bool,
    /// The WAL length known durable.
    synced_len: u64,
    /// The backend db (`member/snap/db`) and the state machine on it.
    db_disk: SharedDisk,
    app: Option<Box<dyn Application>>,
    /// Committed entries (and a received snapshot) waiting for the WAL write of their Ready
    /// to be synced, with the WAL length that must be durable first.
    pending_apply: VecDeque<(u64, Option<Snapshot>, Vec<Entry>)>,
    /// The db's consistent index: entries at or below it are already in the db.
    applied_index: u64,
    /// Applying waits until then (a defrag holds the backend).
    apply_stalled_until: u64,
    /// Snapshot files (`member/snap/TERM-INDEX.snap`), each synced when written.
    snaps: BTreeMap<String, SharedDisk>,
    last_snapshot_index: u64,
    /// A received snapshot's db (`member/snap/INDEX.snap.db`), synced on arrival, until it
    /// replaces the db: a restart whose db is behind the WAL's snapshot opens it instead.
    snap_db: Option<(u64, SharedDisk)>,
}

/// Appends a snapshot mark to a WAL (at `len`, continuing the chain `crc`) for a snapshot saved
/// from the apply loop; durable with the next sync (a crash before then restarts from the
/// previous mark, whose later entries the WAL still holds).
fn mark_snapshot(wal: &mut SharedDisk, len: &mut u64, crc: &mut u32, snapshot: &Snapshot) {
    let mut encoder = wal::Encoder::continuing(*crc);
    raftlog::append_snapshot(&mut encoder, snapshot.index, snapshot.term, &snapshot.voters);
    let _ = wal.write_at(*len, &encoder.bytes);
    *len += encoder.bytes.len() as u64;
    *crc = encoder.crc();
}

/// Snapshot files a member keeps (etcd's `--max-snapshots` default).
const MAX_SNAPSHOTS: usize = 5;

/// Writes a snapshot file and syncs it (etcd's snapshotter fsyncs before the WAL records it).
/// As in etcd 3.5 the file holds the snapshot's metadata, not the db: the db file is the state,
/// and a follower that needs a snapshot is sent the db as it is then.
fn save_snapshot(snaps: &mut BTreeMap<String, SharedDisk>, snapshot: &Snapshot) {
    let raw = snap::raft_snapshot(&[], &snapshot.voters, snapshot.index, snapshot.term);
    let mut disk = SharedDisk::new();
    let _ = disk.write_at(0, &snap::encode(&raw));
    let _ = disk.sync();
    snaps.insert(snap::file_name(snapshot.term, snapshot.index), disk);
    while snaps.len() > MAX_SNAPSHOTS {
        snaps.pop_first();
    }
}

/// What happened on a member that etcd logs: the server turns these into its log lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldEvent {
    /// `--snapshot-count` entries applied since the last snapshot: one is taken.
    SnapshotSaved { applied: u64, previous: u64, count: u64 },
    /// The raft log was compacted up to this index, after a snapshot.
    LogCompacted { index: u64 },
    /// The leader sent its db to a follower behind its first index.
    SnapshotSent { to: NodeId, index: u64, bytes: u64 },
    /// A follower received and applied the leader's db.
    SnapshotApplied { from: NodeId, index: u64, bytes: u64 },
    /// A member became leader.
    BecameLeader { term: u64 },
}

/// A member as the UI and tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub id: NodeId,
    pub up: bool,
    pub status: Option<Status>,
    pub applied: Vec<Vec<u8>>,
    pub wal_bytes: u64,
    /// The db's consistent index (the last entry applied into it) and size.
    pub consistent_index: u64,
    pub db_size: u64,
}

pub struct World {
    now: u64,
    seq: u64,
    events: BTreeMap<(u64, u64), Event>,
    rng: ChaCha8Rng,
    pub network: Network,
    members: BTreeMap<NodeId, Member>,
    /// A running digest of everything that happened: equal seeds, equal digests.
    trace: u64,
    /// Applied entries between a member's snapshots (etcd's `--snapshot-count`; 0: never).
    pub snapshot_count: u64,
    /// Entries kept in the log behind a snapshot for slow followers (etcd keeps 5000).
    pub catch_up_entries: u64,
    open_app: OpenApplication,
    /// Virtual time between two raft ticks (etcd's `--heartbeat-interval`).
    tick_micros: u64,
    /// Events since the last [`World::take_events`], with when and where they happened.
    events_log: Vec<(u64, NodeId, WorldEvent)>,
    /// Each member's role as last seen, to notice a new leader.
    last_roles: BTreeMap<NodeId, (Role, u64)>,
}

impl World {
    /// A world of `ids.len()` members forming one cluster, all up, applying into [`EntryLog`]s.
    pub fn new(seed: u64, ids: &[NodeId]) -> World {
        World::with_application(seed, ids, EntryLog::opener())
    }

    /// A world whose members apply into the state machines `open_app` makes.
    pub fn with_application(seed: u64, ids: &[NodeId], open_app: OpenApplication) -> World {
        let mut world = World {
            now: 0,
            seq: 0,
            events: BTreeMap::new(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            network: Network::default(),
            members: BTreeMap::new(),
            trace: 0xcbf2_9ce4_8422_2325,
            snapshot_count: 0,
            catch_up_entries: 5000,
            open_app,
            tick_micros: TICK_MICROS,
            events_log: Vec::new(),
            last_roles: BTreeMap::new(),
        };
        for &id in ids {
            let mut config = Config::new(id, ids.to_vec());
            config.seed = world.rng.next_u64();
            let raft = Raft::bootstrap(config.clone());
            world.add_host(id, config, raft);
        }
        world
    }

    /// A host with an empty disk running `raft`, its first tick within a tick from now.
    fn add_host(&mut self, id: NodeId, config: Config, raft: Raft) {
        let mut member = Member {
            config,
            raft: Some(raft),
            wal: SharedDisk::new(),
            wal_len: 0,
            wal_crc: 0,
            disk_busy_until: self.now,
            process_pending: false,
            synced_len: 0,
            db_disk: SharedDisk::new(),
            app: None,
            pending_apply: VecDeque::new(),
            applied_index: 0,
            apply_stalled_until: 0,
            snaps: BTreeMap::new(),
            last_snapshot_index: 0,
            snap_db: None,
        };
        member.app = (self.open_app)(id, member.db_disk.clone(), true);
        let encoder = wal::Encoder::new(0);
        let _ = member.wal.write_at(0, &encoder.bytes);
        let _ = member.wal.sync();
        member.wal_len = encoder.bytes.len() as u64;
        member.synced_len = member.wal_len;
        member.wal_crc = encoder.crc();
        self.members.insert(id, member);
        let first_tick = self.rng.next_u64() % self.tick_micros;
        self.schedule(first_tick, Event::Tick(id));
    }

    /// A new, empty member joining a running cluster (etcd's `--initial-cluster-state
    /// existing`): it knows no voters and waits for the leader, which adds it through a conf
    /// change and sends it the log or a snapshot. False if the id is taken.
    pub fn add_member(&mut self, id: NodeId) -> bool {
        if self.members.contains_key(&id) {
            return false;
        }
        let mut config = Config::new(id, Vec::new());
        config.seed = self.rng.next_u64();
        let raft = Raft::new(config.clone());
        self.add_host(id, config, raft);
        true
    }

    /// Proposes a membership change on `id` (the leader); false if it cannot take one now.
    pub fn propose_conf_change(&mut self, id: NodeId, change: &ConfChange) -> bool {
        let Some(raft) = self.members.get_mut(&id).and_then(|m| m.raft.as_mut()) else { return false };
        let accepted = raft.propose_conf_change(change);
        self.process(id);
        accepted
    }

    pub fn now_micros(&self) -> u64 {
        self.now
    }

    pub fn trace(&self) -> u64 {
        self.trace
    }

    fn note(&mut self, values: &[u64]) {
        for &value in values {
            self.trace = (self.trace ^ value).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }

    fn schedule(&mut self, after: u64, event: Event) {
        self.seq += 1;
        self.events.insert((self.now + after, self.seq), event);
    }

    /// Runs the next event; false if there is none.
    pub fn step(&mut self) -> bool {
        let Some(((at, _), event)) = self.events.pop_first() else { return false };
        self.now = at;
        match event {
            Event::Tick(id) => {
                let Some(member) = self.members.get_mut(&id) else { return true };
                let Some(raft) = member.raft.as_mut() else { return true };
                raft.tick();
                self.note(&[at, id, 1]);
                self.schedule(self.tick_micros, Event::Tick(id));
                self.process(id);
            }
            Event::Synced(id, len) => {
                if let Some(member) = self.members.get_mut(&id) {
                    if member.raft.is_some() && member.wal.len() >= len {
                        let _ = member.wal.sync();
                        member.synced_len = member.synced_len.max(len);
                    }
                }
                self.apply_durable(id);
            }
            Event::Deliver(m, _) => {
                if let Some(held) = self.network.held_mut(m.from, m.to) {
                    held.push(*m);
                    return true;
                }
                let to = m.to;
                if self.members.get(&to).is_none_or(|member| member.raft.is_none()) {
                    return true;
                }
                self.note(&[at, m.from, to, m.term, m.index]);
                if let Some(raft) = self.members.get_mut(&to).and_then(|member| member.raft.as_mut()) {
                    raft.step(*m);
                }
                self.process(to);
            }
            Event::Process(id) => {
                if let Some(member) = self.members.get_mut(&id) {
                    member.process_pending = false;
                }
                self.process(id);
            }
        }
        true
    }

    /// Lets `micros` of virtual time pass, running what falls due.
    pub fn advance(&mut self, micros: u64) {
        let until = self.now + micros;
        while self.events.first_key_value().is_some_and(|((at, _), _)| *at <= until) {
            self.step();
        }
        self.now = until;
    }

    /// Advances until `done` holds (checked after each event) or `max_micros` pass.
    pub fn run_until(&mut self, max_micros: u64, mut done: impl FnMut(&World) -> bool) -> bool {
        let until = self.now + max_micros;
        while !done(self) {
            match self.events.first_key_value() {
                Some(((at, _), _)) if *at <= until => {
                    self.step();
                }
                _ => return false,
            }
        }
        true
    }

    /// Persist, then send, then apply: what raft handed out after an event. While the disk is
    /// still syncing earlier writes, raft's output waits and accumulates, so a busy disk groups
    /// many entries into one write and one fsync (etcd's group commit).
    fn process(&mut self, id: NodeId) {
        let Some(member) = self.members.get_mut(&id) else { return };
        if member.disk_busy_until > self.now {
            if !member.process_pending {
                member.process_pending = true;
                let at = member.disk_busy_until - self.now;
                self.schedule(at, Event::Process(id));
            }
            return;
        }
        let Some(raft) = member.raft.as_mut() else { return };
        if raft.role == Role::Leader && self.last_roles.get(&id) != Some(&(Role::Leader, raft.term)) {
            self.events_log.push((self.now, id, WorldEvent::BecameLeader { term: raft.term }));
        }
        self.last_roles.insert(id, (raft.role, raft.term));
        let ready = raft.ready();
        if let Some(received) = &ready.snapshot {
            // etcd's raftNode saves a received snapshot (snap file, then its WAL mark) before
            // the entries and hard state that follow it: the WAL replays from the mark, so the
            // entries after it land at their indexes (etcd's `wal.ReadAll`). Its db is kept
            // beside until applied.
            save_snapshot(&mut member.snaps, received);
            let mut db = SharedDisk::new();
            let _ = db.write_at(0, &received.data);
            let _ = db.sync();
            member.snap_db = Some((received.index, db));
        }
        if !ready.entries.is_empty() || ready.hard_state.is_some() || ready.snapshot.is_some() {
            let mut encoder = wal::Encoder::continuing(member.wal_crc);
            if let Some(received) = &ready.snapshot {
                raftlog::append_snapshot(&mut encoder, received.index, received.term, &received.voters);
            }
            raftlog::append(&mut encoder, &ready.entries, ready.hard_state.as_ref());
            let before = member.wal.0.borrow().stats().busy_micros;
            let _ = member.wal.write_at(member.wal_len, &encoder.bytes);
            // The write and the fsync take the disk's time; the data is durable only when the
            // sync completes, and a crash before then loses it (messages wait for it too).
            let costs = member.wal.0.borrow().costs;
            let cost = member.wal.0.borrow().stats().busy_micros - before + costs.sync_micros;
            member.disk_busy_until = member.disk_busy_until.max(self.now) + cost;
            member.wal_len += encoder.bytes.len() as u64;
            member.wal_crc = encoder.crc();
            let (until, len) = (member.disk_busy_until, member.wal_len);
            self.seq += 1;
            self.events.insert((until, self.seq), Event::Synced(id, len));
        }
        // Applied only once this Ready's WAL write is durable: a crash never leaves the db
        // ahead of the log.
        member.pending_apply.push_back((member.wal_len, ready.snapshot, ready.committed));
        let mut snapshot_reports = Vec::new();
        let wait = member.disk_busy_until.saturating_sub(self.now);
        for m in ready.messages {
            let lost = self.network.is_cut(m.from, m.to)
                || (self.network.loss_percent > 0 && self.rng.next_u64() % 100 < self.network.loss_percent);
            if m.kind == MessageType::Snap && !lost {
                let (index, bytes) = m.snapshot.as_ref().map_or((0, 0), |s| (s.index, s.data.len() as u64));
                self.events_log.push((self.now, m.from, WorldEvent::SnapshotSent { to: m.to, index, bytes }));
            }
            if m.kind == MessageType::Snap {
                // The transport tells raft whether the snapshot got through.
                snapshot_reports.push((m.to, !lost));
            }
            if lost {
                continue;
            }
            let jitter = self.rng.next_u64() % (self.network.jitter_micros + 1);
            let departs = self.now + wait;
            self.schedule(wait + self.network.latency_micros + jitter, Event::Deliver(Box::new(m), departs));
        }
        if let Some(raft) = self.members.get_mut(&id).and_then(|m| m.raft.as_mut()) {
            for (to, delivered) in snapshot_reports {
                raft.report_snapshot(to, delivered);
            }
        }
        self.apply_durable(id);
    }

    /// Applies, in order, what waits for WAL writes that are now durable: a snapshot from the
    /// leader replaces the db; entries go into it with the consistent index; every
    /// `snapshot_count` entries the db becomes a snapshot file and the log is compacted.
    fn apply_durable(&mut self, id: NodeId) {
        let (snapshot_count, catch_up, now) = (self.snapshot_count, self.catch_up_entries, self.now);
        let open_app = self.open_app.clone();
        let Some(member) = self.members.get_mut(&id) else { return };
        if member.apply_stalled_until > now {
            if !member.process_pending {
                member.process_pending = true;
                let at = member.apply_stalled_until - now;
                self.schedule(at, Event::Process(id));
            }
            return;
        }
        let mut proposals = Vec::new();
        while member.pending_apply.front().is_some_and(|(len, _, _)| *len <= member.synced_len) {
            let Some((_, received, entries)) = member.pending_apply.pop_front() else { break };
            let Some(raft) = member.raft.as_mut() else { return };
            if let Some(received) = received {
                let _ = member.db_disk.truncate(0);
                let _ = member.db_disk.write_at(0, &received.data);
                let _ = member.db_disk.sync();
                member.snap_db = None;
                member.app = open_app(id, member.db_disk.clone(), false);
                // The db sent may be newer than the snapshot's index: entries it holds are
                // skipped (etcd's consistent index).
                let held = member.app.as_ref().map_or(0, |app| app.consistent_index());
                member.applied_index = received.index.max(held);
                self.events_log.push((
                    now,
                    id,
                    WorldEvent::SnapshotApplied {
                        from: raft.leader,
                        index: received.index,
                        bytes: received.data.len() as u64,
                    },
                ));
                member.last_snapshot_index = received.index;
            }
            let Some(app) = member.app.as_mut() else { return };
            for entry in &entries {
                // Membership lives in raft's memory: a restarted member applies it again.
                if entry.kind == EntryType::ConfChange {
                    if let Some(change) = ConfChange::decode(&entry.data) {
                        raft.apply_conf_change(&change);
                    }
                }
            }
            // etcd skips entries at or below the consistent index: the db has them.
            let fresh: Vec<Entry> = entries.into_iter().filter(|e| e.index > member.applied_index).collect();
            let Some(last) = fresh.last().map(|e| (e.index, e.term)) else { continue };
            app.apply(&fresh, now);
            proposals.extend(app.take_proposals());
            member.applied_index = last.0;
            if snapshot_count > 0 && last.0 >= member.last_snapshot_index + snapshot_count {
                let data = app.snapshot_data();
                if raft.create_snapshot(last.0, data.clone()) {
                    let previous = member.last_snapshot_index;
                    self.events_log.push((
                        now,
                        id,
                        WorldEvent::SnapshotSaved { applied: last.0, previous, count: snapshot_count },
                    ));
                    // etcd keeps `catch_up` entries behind the snapshot (index 1 at least).
                    self.events_log.push((
                        now,
                        id,
                        WorldEvent::LogCompacted { index: last.0.saturating_sub(catch_up).max(1) },
                    ));
                    let snapshot = Snapshot {
                        index: last.0,
                        term: last.1,
                        voters: raft.status().voters,
                        learners: Vec::new(),
                        data,
                    };
                    // etcd commits the backend before saving the snapshot (the db's consistent
                    // index is never behind a snapshot the WAL marks), then writes the mark.
                    save_snapshot(&mut member.snaps, &snapshot);
                    mark_snapshot(&mut member.wal, &mut member.wal_len, &mut member.wal_crc, &snapshot);
                    member.last_snapshot_index = last.0;
                    raft.compact_log(last.0.saturating_sub(catch_up));
                }
            }
        }
        if !proposals.is_empty() {
            if let Some(raft) = member.raft.as_mut() {
                for data in proposals {
                    raft.propose(data);
                }
            }
            self.schedule(0, Event::Process(id));
        }
    }

    // ---- what the user (or a test) does ------------------------------------------------

    /// A member's data directory as etcd lays it out, with each file's size: the WAL segment,
    /// the snapshot files and the backend db.
    pub fn data_dir(&self, id: NodeId) -> Vec<(String, u64)> {
        let Some(member) = self.members.get(&id) else { return Vec::new() };
        let mut files = vec![(format!("member/wal/{}", wal::segment_name(0, 0)), member.wal.len())];
        files.extend(member.snaps.iter().map(|(name, disk)| (format!("member/snap/{name}"), disk.len())));
        if let Some((index, db)) = &member.snap_db {
            files.push((format!("member/snap/{index:016x}.snap.db"), db.len()));
        }
        files.push(("member/snap/db".to_string(), member.db_disk.len()));
        files
    }

    /// Snapshot files a member keeps (names as etcd gives them).
    pub fn snapshot_files(&self, id: NodeId) -> Vec<String> {
        self.members.get(&id).map(|m| m.snaps.keys().cloned().collect()).unwrap_or_default()
    }

    pub fn propose(&mut self, id: NodeId, data: &[u8]) -> bool {
        let Some(raft) = self.members.get_mut(&id).and_then(|m| m.raft.as_mut()) else { return false };
        let known = raft.propose(data.to_vec());
        self.process(id);
        known
    }

    /// The host goes down: its process state is gone, and its disk keeps only what was synced.
    pub fn crash(&mut self, id: NodeId) {
        // What had not yet left the host (waiting for a sync) never will.
        let now = self.now;
        self.events.retain(
            |_, event| !matches!(event, Event::Deliver(m, departs) if m.from == id && *departs > now),
        );
        if let Some(member) = self.members.get_mut(&id) {
            member.raft = None;
            member.app = None;
            member.pending_apply.clear();
            member.applied_index = 0;
            member.apply_stalled_until = 0;
            member.disk_busy_until = self.now;
            member.process_pending = false;
            member.wal.crash();
            for disk in member.snaps.values() {
                disk.crash();
            }
            member.db_disk.crash();
            member.wal_len = member.wal.len();
            self.note(&[self.now, id, 2]);
        }
    }

    /// The host comes back: the member replays its WAL (dropping a torn last record, as etcd
    /// repairs one) and rejoins.
    pub fn restart(&mut self, id: NodeId) -> bool {
        let Some(member) = self.members.get_mut(&id) else { return false };
        if member.raft.is_some() {
            return false;
        }
        let bytes = member.wal.bytes();
        let Ok(marks) = raftlog::valid_snapshots(&bytes) else { return false };
        // The newest snapshot file whose checksum holds and that the WAL marks (etcd's
        // `LoadNewestAvailable` over `wal.ValidSnapshotEntries`); the WAL is read from it.
        let snapshot = member.snaps.values().rev().find_map(|disk| {
            let raw = snap::decode(&disk.bytes())?;
            let (data, voters, index, term) = snap::parse_raft_snapshot(&raw)?;
            marks.contains(&(index, term)).then_some(Snapshot {
                index,
                term,
                voters,
                learners: Vec::new(),
                data,
            })
        });
        let start = snapshot.as_ref().map_or(0, |s| s.index);
        let Ok(recovered) = raftlog::recover(&bytes, start) else { return false };
        // A db behind the snapshot is replaced by the snapshot's db, if it arrived (etcd's
        // `RecoverSnapshotBackend`).
        if let Some((_, db)) = member.snap_db.take().filter(|(index, _)| *index == start) {
            let held =
                (self.open_app)(id, member.db_disk.clone(), false).map_or(0, |app| app.consistent_index());
            if held < start {
                let _ = member.db_disk.truncate(0);
                let _ = member.db_disk.write_at(0, &db.bytes());
                let _ = member.db_disk.sync();
            }
        }
        let Some(mut app) = (self.open_app)(id, member.db_disk.clone(), false) else { return false };
        let consistent_index = app.consistent_index();
        // Raft starts applied at the snapshot: a db behind it would never get what lies between
        // (etcd refuses: "database file ... does not match with snapshot").
        if consistent_index < start {
            return false;
        }
        // What a lagging follower would be sent: the db, which holds at least the snapshot.
        let snapshot = snapshot.map(|s| Snapshot { data: app.snapshot_data(), ..s });
        member.applied_index = consistent_index;
        member.app = Some(app);
        member.last_snapshot_index = snapshot.as_ref().map_or(0, |s| s.index);
        // Rewrite the WAL from what survived, so appends continue a clean chain.
        let mut encoder = wal::Encoder::new(0);
        if let Some(s) = &snapshot {
            raftlog::append_snapshot(&mut encoder, s.index, s.term, &s.voters);
        }
        raftlog::append(&mut encoder, &recovered.entries, Some(&recovered.hard_state));
        let _ = member.wal.truncate(0);
        let _ = member.wal.write_at(0, &encoder.bytes);
        let _ = member.wal.sync();
        member.wal_len = encoder.bytes.len() as u64;
        member.synced_len = member.wal_len;
        member.wal_crc = encoder.crc();
        let mut raft =
            Raft::restart_from(member.config.clone(), snapshot, recovered.hard_state, recovered.entries);
        // What the db already applied is not handed out again.
        if consistent_index > raft.log.applied && consistent_index <= raft.log.committed {
            raft.log.applied = consistent_index;
        }
        member.raft = Some(raft);
        self.note(&[self.now, id, 3]);
        self.schedule(self.tick_micros, Event::Tick(id));
        self.process(id);
        true
    }

    /// Cuts a host off from every other.
    /// Holds the messages on a link (from, to) until [`World::release`]: a stalled connection.
    pub fn hold(&mut self, from: NodeId, to: NodeId) {
        self.network.hold(from, to);
    }

    /// Lets a held link's messages go, in order, now.
    pub fn release(&mut self, from: NodeId, to: NodeId) {
        for m in self.network.release(from, to) {
            self.schedule(0, Event::Deliver(Box::new(m), self.now));
        }
    }

    pub fn isolate(&mut self, id: NodeId) {
        let others: Vec<NodeId> = self.members.keys().copied().filter(|&o| o != id).collect();
        for other in others {
            self.network.partition(id, other);
        }
    }

    /// Multiplies a host's disk latencies (a slow disk: fsync taking seconds).
    pub fn slow_disk(&mut self, id: NodeId, factor: u64) {
        if let Some(member) = self.members.get_mut(&id) {
            let base = DiskCosts::default();
            member.wal.0.borrow_mut().costs = DiskCosts {
                read_micros: base.read_micros * factor,
                write_micros: base.write_micros * factor,
                sync_micros: base.sync_micros * factor,
                bytes_per_milli: (base.bytes_per_milli / factor.max(1)).max(1),
            };
        }
    }

    /// Damages the last `bytes` of a member's WAL on disk (a write torn by a crash).
    pub fn tear_wal(&mut self, id: NodeId, bytes: u64) {
        if let Some(member) = self.members.get_mut(&id) {
            let len = member.wal.len();
            let _ = member.wal.truncate(len.saturating_sub(bytes));
            let _ = member.wal.sync();
        }
    }

    /// Holds a member's apply loop for `micros` (a defrag holding the backend): committed
    /// entries wait, raft goes on.
    pub fn stall_apply(&mut self, id: NodeId, micros: u64) {
        let now = self.now;
        if let Some(member) = self.members.get_mut(&id) {
            member.apply_stalled_until = member.apply_stalled_until.max(now + micros);
        }
        self.schedule(micros, Event::Process(id));
    }

    /// Proposes on a member and lets it act at once (persist, send); false if the member is
    /// down or knows no leader to forward to.
    pub fn propose_now(&mut self, id: NodeId, data: Vec<u8>) -> bool {
        let Some(raft) = self.members.get_mut(&id).and_then(|m| m.raft.as_mut()) else { return false };
        let known = raft.propose(data);
        self.process(id);
        known
    }

    /// Raft's timing from etcd's flags: a tick every `heartbeat_micros`, an election timeout of
    /// `election_ticks` ticks. Applies to running members at their next tick and to restarts.
    pub fn set_timing(&mut self, heartbeat_micros: u64, election_ticks: u64) {
        self.tick_micros = heartbeat_micros.max(1_000);
        for member in self.members.values_mut() {
            member.config.election_tick = election_ticks.max(1);
            if let Some(raft) = member.raft.as_mut() {
                raft.set_election_tick(election_ticks);
            }
        }
    }

    /// The time between two raft ticks.
    pub fn tick_micros(&self) -> u64 {
        self.tick_micros
    }

    /// A member campaigns now (its election timer fired first: the first etcd started).
    pub fn campaign(&mut self, id: NodeId) {
        if let Some(raft) = self.members.get_mut(&id).and_then(|m| m.raft.as_mut()) {
            raft.step(Message::new(MessageType::Hup, id, id));
        }
        self.process(id);
    }

    /// Asks the leader `leader` to hand leadership to `target` (etcd's `MoveLeader`).
    pub fn transfer_leader(&mut self, leader: NodeId, target: NodeId) {
        if let Some(raft) = self.members.get_mut(&leader).and_then(|m| m.raft.as_mut()) {
            raft.transfer_leader(target);
        }
        self.process(leader);
    }

    // ---- what the world looks like -----------------------------------------------------

    /// What happened since the last call (snapshots, log compactions, leaders), oldest first.
    pub fn take_events(&mut self) -> Vec<(u64, NodeId, WorldEvent)> {
        std::mem::take(&mut self.events_log)
    }

    /// When the next event is due, if any.
    pub fn next_event_at(&self) -> Option<u64> {
        self.events.first_key_value().map(|((at, _), _)| *at)
    }

    /// A member's state machine (None while it is down).
    pub fn app(&self, id: NodeId) -> Option<&dyn Application> {
        self.members.get(&id)?.app.as_deref()
    }

    pub fn app_mut(&mut self, id: NodeId) -> Option<&mut (dyn Application + 'static)> {
        self.members.get_mut(&id)?.app.as_deref_mut()
    }

    /// The leader a member knows, its term and its commit index, without building a full
    /// [`Status`] (None while the member is down).
    pub fn raft_brief(&self, id: NodeId) -> Option<(NodeId, u64, u64)> {
        let raft = self.members.get(&id)?.raft.as_ref()?;
        Some((raft.leader, raft.term, raft.log.committed))
    }

    /// Entries and bytes a member's raft log holds in memory (0 while it is down).
    pub fn log_memory(&self, id: NodeId) -> (u64, u64) {
        let Some(raft) = self.members.get(&id).and_then(|m| m.raft.as_ref()) else { return (0, 0) };
        (raft.log.len() as u64, raft.log.memory_bytes())
    }

    /// A member's raft status (None while it is down).
    pub fn status(&self, id: NodeId) -> Option<Status> {
        self.members.get(&id)?.raft.as_ref().map(Raft::status)
    }

    /// Whether a member's apply loop is held (a defrag running).
    pub fn apply_stalled(&self, id: NodeId) -> bool {
        self.members.get(&id).is_some_and(|m| m.apply_stalled_until > self.now)
    }

    pub fn ids(&self) -> Vec<NodeId> {
        self.members.keys().copied().collect()
    }

    pub fn member(&self, id: NodeId) -> Option<MemberView> {
        let member = self.members.get(&id)?;
        Some(MemberView {
            id,
            up: member.raft.is_some(),
            status: member.raft.as_ref().map(Raft::status),
            applied: member
                .app
                .as_ref()
                .and_then(|app| app.as_any().downcast_ref::<EntryLog>())
                .map(|log| log.applied.clone())
                .unwrap_or_default(),
            wal_bytes: member.wal.len(),
            consistent_index: member.app.as_ref().map_or(0, |app| app.consistent_index()),
            db_size: member.app.as_ref().map_or(0, |app| app.db_size()),
        })
    }

    pub fn leaders(&self) -> Vec<(NodeId, u64)> {
        self.members
            .values()
            .filter_map(|m| m.raft.as_ref())
            .filter(|r| r.role == Role::Leader)
            .map(|r| (r.id, r.term))
            .collect()
    }

    /// bbolt's check of a member's db (empty: consistent; `None`: the member is down).
    pub fn db_check(&self, id: NodeId) -> Option<Vec<String>> {
        Some(self.members.get(&id)?.app.as_ref()?.check())
    }

    /// The committed log of a member (for checks).
    pub fn log(&self, id: NodeId) -> Vec<Entry> {
        let Some(raft) = self.members.get(&id).and_then(|m| m.raft.as_ref()) else { return Vec::new() };
        (1..=raft.log.committed)
            .filter_map(|i| raft.log.entries_from(i, 1).and_then(|mut e| e.pop()))
            .collect()
    }
}

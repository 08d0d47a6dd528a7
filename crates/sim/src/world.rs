//! The world: virtual time, the event queue, and the members on their hosts.

use std::collections::BTreeMap;

use playground_bolt::{Disk, DiskCosts, SharedDisk};
use playground_datadir::{raftlog, snap, wal};
use playground_raft::{
    ConfChange, Config, Entry, EntryType, Message, MessageType, NodeId, Raft, Role, Snapshot, Status,
};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

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
    /// The state machine: data of applied entries, in order.
    applied: Vec<Vec<u8>>,
    /// Snapshot files (`member/snap/TERM-INDEX.snap`), each synced when written.
    snaps: BTreeMap<String, SharedDisk>,
    last_snapshot_index: u64,
}

/// Writes a snapshot file and syncs it (etcd's snapshotter fsyncs before the WAL records it).
fn save_snapshot(snaps: &mut BTreeMap<String, SharedDisk>, snapshot: &Snapshot) {
    let raw = snap::raft_snapshot(&snapshot.data, &snapshot.voters, snapshot.index, snapshot.term);
    let mut disk = SharedDisk::new();
    let _ = disk.write_at(0, &snap::encode(&raw));
    let _ = disk.sync();
    snaps.insert(snap::file_name(snapshot.term, snapshot.index), disk);
}

/// The applied data as a snapshot's payload: each entry's length (u32, big-endian) and bytes.
fn encode_state(applied: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for data in applied {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(data);
    }
    out
}

fn decode_state(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut applied = Vec::new();
    let mut at = 0;
    while at + 4 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let Some(data) = bytes.get(at + 4..at + 4 + len) else { break };
        applied.push(data.to_vec());
        at += 4 + len;
    }
    applied
}

/// A member as the UI and tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub id: NodeId,
    pub up: bool,
    pub status: Option<Status>,
    pub applied: Vec<Vec<u8>>,
    pub wal_bytes: u64,
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
}

impl World {
    /// A world of `ids.len()` members forming one cluster, all up.
    pub fn new(seed: u64, ids: &[NodeId]) -> World {
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
        };
        for &id in ids {
            let mut config = Config::new(id, ids.to_vec());
            config.seed = world.rng.next_u64();
            let mut member = Member {
                config: config.clone(),
                raft: Some(Raft::new(config)),
                wal: SharedDisk::new(),
                wal_len: 0,
                wal_crc: 0,
                disk_busy_until: 0,
                process_pending: false,
                applied: Vec::new(),
                snaps: BTreeMap::new(),
                last_snapshot_index: 0,
            };
            let encoder = wal::Encoder::new(0);
            let _ = member.wal.write_at(0, &encoder.bytes);
            let _ = member.wal.sync();
            member.wal_len = encoder.bytes.len() as u64;
            member.wal_crc = encoder.crc();
            world.members.insert(id, member);
            let first_tick = world.rng.next_u64() % TICK_MICROS;
            world.schedule(first_tick, Event::Tick(id));
        }
        world
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
                self.schedule(TICK_MICROS, Event::Tick(id));
                self.process(id);
            }
            Event::Synced(id, len) => {
                if let Some(member) = self.members.get_mut(&id) {
                    if member.raft.is_some() && member.wal.len() >= len {
                        let _ = member.wal.sync();
                    }
                }
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
        let ready = raft.ready();
        if !ready.entries.is_empty() || ready.hard_state.is_some() {
            let mut encoder = wal::Encoder::continuing(member.wal_crc);
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
        if let Some(received) = &ready.snapshot {
            // The leader's snapshot replaces the state machine; it is kept on disk like one of
            // our own.
            member.applied = decode_state(&received.data);
            member.last_snapshot_index = received.index;
            save_snapshot(&mut member.snaps, received);
        }
        for entry in &ready.committed {
            if entry.kind == EntryType::ConfChange {
                if let Some(change) = ConfChange::decode(&entry.data) {
                    raft.apply_conf_change(&change);
                }
            } else if !entry.data.is_empty() {
                member.applied.push(entry.data.clone());
            }
        }
        let applied_index = raft.log.applied;
        if self.snapshot_count > 0 && applied_index >= member.last_snapshot_index + self.snapshot_count {
            let data = encode_state(&member.applied);
            if raft.create_snapshot(applied_index, data.clone()) {
                let term = raft.log.term(applied_index).unwrap_or(0);
                let snapshot = Snapshot {
                    index: applied_index,
                    term,
                    voters: raft.status().voters,
                    learners: Vec::new(),
                    data,
                };
                save_snapshot(&mut member.snaps, &snapshot);
                member.last_snapshot_index = applied_index;
                raft.compact_log(applied_index.saturating_sub(self.catch_up_entries));
            }
        }
        let mut snapshot_reports = Vec::new();
        let wait = member.disk_busy_until.saturating_sub(self.now);
        for m in ready.messages {
            let lost = self.network.is_cut(m.from, m.to)
                || (self.network.loss_percent > 0 && self.rng.next_u64() % 100 < self.network.loss_percent);
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
    }

    // ---- what the user (or a test) does ------------------------------------------------

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
            member.applied.clear();
            member.disk_busy_until = self.now;
            member.process_pending = false;
            member.wal.crash();
            for disk in member.snaps.values() {
                disk.crash();
            }
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
        let Ok(recovered) = raftlog::recover(&bytes) else { return false };
        // The newest snapshot file whose checksum holds.
        let snapshot = member.snaps.values().rev().find_map(|disk| {
            let raw = snap::decode(&disk.bytes())?;
            let (data, voters, index, term) = snap::parse_raft_snapshot(&raw)?;
            Some(Snapshot { index, term, voters, learners: Vec::new(), data })
        });
        member.applied = snapshot.as_ref().map(|s| decode_state(&s.data)).unwrap_or_default();
        member.last_snapshot_index = snapshot.as_ref().map_or(0, |s| s.index);
        // Rewrite the WAL from what survived, so appends continue a clean chain.
        let mut encoder = wal::Encoder::new(0);
        raftlog::append(&mut encoder, &recovered.entries, Some(&recovered.hard_state));
        let _ = member.wal.truncate(0);
        let _ = member.wal.write_at(0, &encoder.bytes);
        let _ = member.wal.sync();
        member.wal_len = encoder.bytes.len() as u64;
        member.wal_crc = encoder.crc();
        member.raft = Some(Raft::restart_from(
            member.config.clone(),
            snapshot,
            recovered.hard_state,
            recovered.entries,
        ));
        self.note(&[self.now, id, 3]);
        self.schedule(TICK_MICROS, Event::Tick(id));
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

    // ---- what the world looks like -----------------------------------------------------

    pub fn ids(&self) -> Vec<NodeId> {
        self.members.keys().copied().collect()
    }

    pub fn member(&self, id: NodeId) -> Option<MemberView> {
        let member = self.members.get(&id)?;
        Some(MemberView {
            id,
            up: member.raft.is_some(),
            status: member.raft.as_ref().map(Raft::status),
            applied: member.applied.clone(),
            wal_bytes: member.wal.len(),
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

    /// The committed log of a member (for checks).
    pub fn log(&self, id: NodeId) -> Vec<Entry> {
        let Some(raft) = self.members.get(&id).and_then(|m| m.raft.as_ref()) else { return Vec::new() };
        (1..=raft.log.committed)
            .filter_map(|i| raft.log.entries_from(i, 1).and_then(|mut e| e.pop()))
            .collect()
    }
}

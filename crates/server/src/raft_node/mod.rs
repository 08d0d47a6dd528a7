//! etcd's raftNode: one member's raft on a host of the sim's world, and the loop around its
//! Ready (etcd's `raftNode.start` with `EtcdServer.applyAll`): save the hard state and entries
//! to the WAL and fsync, send the messages (they leave once the sync is done), advance raft,
//! then apply the committed entries once the WAL write of their Ready is durable, trigger a
//! snapshot every `--snapshot-count` entries and compact the raft log behind it. While the disk
//! is still syncing earlier writes, raft's output waits and accumulates, so a busy disk groups
//! many entries into one write and one fsync (etcd's group commit).

mod application;
mod members;
mod storage;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use playground_bolt::{Disk, SharedDisk};
use playground_datadir::{raftlog, wal};
use playground_raft::{
    ConfChange, Config, Entry, EntryType, Message, MessageType, NodeId, Raft, Role, Snapshot, Status,
};
use playground_sim::{Context, Host};

use crate::observe::{EventKind, Raw, Sink};
pub use application::{Application, EntryLog, OpenApplication};
pub use members::{MemberView, RaftWorld};
use storage::{Snapshotter, Wal};

/// One raft tick: etcd's default heartbeat interval, 100 ms.
pub const TICK_MICROS: u64 = 100_000;

/// What happened on a member that etcd logs: the server turns these into its log lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeEvent {
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

/// Events of every member in the order they happened, with when and where.
pub(crate) type EventLog = Rc<RefCell<Vec<(u64, NodeId, NodeEvent)>>>;

/// Settings every member reads when it acts (etcd's flags, applied cluster-wide).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// Applied entries between a member's snapshots (etcd's `--snapshot-count`; 0: never).
    pub(crate) snapshot_count: u64,
    /// Entries kept in the log behind a snapshot for slow followers (etcd keeps 5000).
    pub(crate) catch_up_entries: u64,
    /// Virtual time between two raft ticks (etcd's `--heartbeat-interval`).
    pub(crate) tick_micros: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { snapshot_count: 0, catch_up_entries: 5000, tick_micros: TICK_MICROS }
    }
}

/// A raftNode's timers on the world's event queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// etcd's ticker: one raft tick per heartbeat interval.
    Tick,
    /// The disk is free again (or the apply loop no longer held): hand raft's Ready on.
    Process,
}

/// Committed entries (and a received snapshot) waiting for the WAL write of their Ready to be
/// durable (etcd's `toApply`, its `notifyc` being the WAL length that must be synced first).
struct ToApply {
    wal_len: u64,
    snapshot: Option<Snapshot>,
    entries: Vec<Entry>,
}

pub struct RaftNode<A> {
    id: NodeId,
    config: Config,
    /// None while the host is down.
    raft: Option<Raft>,
    wal: Wal,
    snapshotter: Snapshotter,
    /// A Process timer is set for when the disk frees up.
    process_pending: bool,
    /// The backend db (`member/snap/db`) and the state machine on it.
    db: SharedDisk,
    app: Option<A>,
    open: OpenApplication<A>,
    to_apply: VecDeque<ToApply>,
    /// The db's consistent index: entries at or below it are already in the db (etcd's
    /// `appliedi`).
    applied_index: u64,
    /// The index of the last snapshot (etcd's `snapi`).
    snapshot_index: u64,
    /// A received snapshot's db (`member/snap/INDEX.snap.db`), synced on arrival, until it
    /// replaces the db: a restart whose db is behind the WAL's snapshot opens it instead.
    snap_db: Option<(u64, SharedDisk)>,
    /// Applying waits until then (a defrag holds the backend).
    apply_stalled_until: u64,
    settings: Rc<Cell<Settings>>,
    events: EventLog,
    /// The role and term as last seen, to notice a new leader.
    last_role: Option<(Role, u64)>,
    /// Where it reports what the page's timeline shows.
    sink: Sink,
}

impl<A: Application> RaftNode<A> {
    /// A member with an empty WAL running `raft`, its first tick within a tick from now.
    fn start(
        cx: &mut Context<'_, Self>,
        config: Config,
        raft: Raft,
        open: OpenApplication<A>,
        settings: Rc<Cell<Settings>>,
        events: EventLog,
        sink: Sink,
    ) -> RaftNode<A> {
        let id = cx.id();
        let db = cx.new_file();
        let app = open(id, db.clone(), true);
        let node = RaftNode {
            id,
            config,
            raft: Some(raft),
            wal: Wal::create(cx.new_file()),
            snapshotter: Snapshotter::default(),
            process_pending: false,
            db,
            app,
            open,
            to_apply: VecDeque::new(),
            applied_index: 0,
            snapshot_index: 0,
            snap_db: None,
            apply_stalled_until: 0,
            settings,
            events,
            last_role: None,
            sink,
        };
        let first_tick = cx.next_u64() % node.settings.get().tick_micros;
        cx.set_timer(first_tick, Timer::Tick);
        node
    }

    /// One turn of the loop: persist, then send, then advance, then apply what is durable.
    fn process(&mut self, cx: &mut Context<'_, Self>) {
        let now = cx.now_micros();
        let busy_until = cx.disk_busy_until();
        if busy_until > now {
            if !self.process_pending {
                self.process_pending = true;
                cx.set_timer(busy_until - now, Timer::Process);
            }
            return;
        }
        let Some(raft) = self.raft.as_mut() else { return };
        if raft.role == Role::Leader && self.last_role != Some((Role::Leader, raft.term)) {
            self.events.borrow_mut().push((now, self.id, NodeEvent::BecameLeader { term: raft.term }));
            self.sink.push(now, 0, Raw::Election { term: raft.term, leader: self.id });
        }
        self.last_role = Some((raft.role, raft.term));
        let mut ready = raft.ready();
        if let Some(received) = &ready.snapshot {
            // etcd's raftNode saves a received snapshot (snap file, then its WAL mark) before
            // the entries and hard state that follow it: the WAL replays from the mark, so the
            // entries after it land at their indexes (etcd's `wal.ReadAll`). Its db is kept
            // beside until applied.
            self.snapshotter.save_snap(cx.new_file(), received);
            self.sink.push(now, self.id, Raw::SnapshotReceived { from: raft.leader, index: received.index });
            let mut db = cx.new_file();
            let _ = db.write_at(0, &received.data);
            let _ = db.sync();
            self.snap_db = Some((received.index, db));
        }
        if !ready.entries.is_empty() || ready.hard_state.is_some() || ready.snapshot.is_some() {
            self.wal.save(cx, ready.snapshot.as_ref(), &ready.entries, ready.hard_state.as_ref());
        }
        raft.advance(&ready);
        // Applied only once this Ready's WAL write is durable: a crash never leaves the db
        // ahead of the log.
        self.to_apply.push_back(ToApply {
            wal_len: self.wal.len(),
            snapshot: ready.snapshot.take(),
            entries: std::mem::take(&mut ready.committed),
        });
        // Nothing this member sends leaves before what it persisted is synced.
        let wait = cx.disk_busy_until().saturating_sub(now);
        for m in ready.messages {
            let snapshot = (m.kind == MessageType::Snap).then(|| {
                (m.from, m.to, m.snapshot.as_ref().map_or((0, 0), |s| (s.index, s.data.len() as u64)))
            });
            let delivered = cx.send(m, wait);
            if let Some((from, to, (index, bytes))) = snapshot {
                if delivered {
                    self.events.borrow_mut().push((now, from, NodeEvent::SnapshotSent { to, index, bytes }));
                    self.sink.push(now, from, Raw::SnapshotSent { to, index });
                }
                // The transport tells raft whether the snapshot got through.
                raft.report_snapshot(to, delivered);
            }
        }
        self.apply_all(cx);
    }

    /// Applies, in order, what waits for WAL writes that are now durable: a snapshot from the
    /// leader replaces the db; entries go into it with the consistent index; every
    /// `--snapshot-count` entries the db becomes a snapshot file and the log is compacted.
    fn apply_all(&mut self, cx: &mut Context<'_, Self>) {
        let now = cx.now_micros();
        let settings = self.settings.get();
        if self.apply_stalled_until > now {
            if !self.process_pending {
                self.process_pending = true;
                cx.set_timer(self.apply_stalled_until - now, Timer::Process);
            }
            return;
        }
        let mut proposals = Vec::new();
        while self.to_apply.front().is_some_and(|next| next.wal_len <= self.wal.synced_len) {
            let Some(ToApply { snapshot, entries, .. }) = self.to_apply.pop_front() else { break };
            let Some(raft) = self.raft.as_mut() else { return };
            if let Some(received) = snapshot {
                // etcd's applySnapshot: the received db, synced on arrival, is renamed over
                // the backend's (in place, a torn rewrite would leave neither db).
                match self.snap_db.take() {
                    Some((index, db)) if index == received.index => self.db.rename_from(&db),
                    _ => {
                        let mut db = self.db.sibling();
                        let _ = db.write_at(0, &received.data);
                        let _ = db.sync();
                        self.db.rename_from(&db);
                    }
                }
                self.app = (self.open)(self.id, self.db.clone(), false);
                // The db sent may be newer than the snapshot's index: entries it holds are
                // skipped (etcd's consistent index).
                let held = self.app.as_ref().map_or(0, |app| app.consistent_index());
                self.applied_index = received.index.max(held);
                self.events.borrow_mut().push((
                    now,
                    self.id,
                    NodeEvent::SnapshotApplied {
                        from: raft.leader,
                        index: received.index,
                        bytes: received.data.len() as u64,
                    },
                ));
                self.sink.kind(now, self.id, EventKind::SnapshotApplied { index: received.index });
                self.snapshot_index = received.index;
            }
            let Some(app) = self.app.as_mut() else { return };
            for entry in &entries {
                // Membership lives in raft's memory: a restarted member applies it again.
                if entry.kind == EntryType::ConfChange {
                    if let Some(change) = ConfChange::decode(&entry.data) {
                        raft.apply_conf_change(&change);
                    }
                }
            }
            // etcd skips entries at or below the consistent index: the db has them.
            let applied_index = self.applied_index;
            let fresh: Vec<Entry> = entries.into_iter().filter(|e| e.index > applied_index).collect();
            let Some((index, term)) = fresh.last().map(|e| (e.index, e.term)) else { continue };
            app.apply(&fresh, now);
            proposals.extend(app.take_proposals());
            self.applied_index = index;
            // etcd's triggerSnapshot.
            if settings.snapshot_count > 0 && index >= self.snapshot_index + settings.snapshot_count {
                let data = app.snapshot_data();
                if raft.create_snapshot(index, data.clone()) {
                    let previous = self.snapshot_index;
                    let count = settings.snapshot_count;
                    let events = &mut self.events.borrow_mut();
                    events.push((now, self.id, NodeEvent::SnapshotSaved { applied: index, previous, count }));
                    self.sink.kind(now, self.id, EventKind::SnapshotTaken { index });
                    // etcd keeps `catch_up` entries behind the snapshot (index 1 at least).
                    let compact = index.saturating_sub(settings.catch_up_entries);
                    events.push((now, self.id, NodeEvent::LogCompacted { index: compact.max(1) }));
                    let voters = raft.status().voters;
                    let snapshot = Snapshot { index, term, voters, learners: Vec::new(), data };
                    // etcd commits the backend before saving the snapshot (the db's consistent
                    // index is never behind a snapshot the WAL marks), then writes the mark.
                    self.snapshotter.save_snap(cx.new_file(), &snapshot);
                    self.wal.mark_snapshot(&snapshot);
                    self.snapshot_index = index;
                    raft.compact_log(compact);
                }
            }
        }
        if !proposals.is_empty() {
            if let Some(raft) = self.raft.as_mut() {
                for data in proposals {
                    raft.propose(data);
                }
            }
            cx.set_timer(0, Timer::Process);
        }
    }

    // ---- what a client or an operator does to the member ---------------------------------

    /// Proposes data and lets the member act at once (persist, send); false if the member is
    /// down or knows no leader to forward to.
    fn propose(&mut self, cx: &mut Context<'_, Self>, data: Vec<u8>) -> bool {
        let Some(raft) = self.raft.as_mut() else { return false };
        let known = raft.propose(data);
        self.process(cx);
        known
    }

    /// Proposes a membership change (on the leader); false if it cannot take one now.
    fn propose_conf_change(&mut self, cx: &mut Context<'_, Self>, change: &ConfChange) -> bool {
        let Some(raft) = self.raft.as_mut() else { return false };
        let accepted = raft.propose_conf_change(change);
        self.process(cx);
        accepted
    }

    /// Steps a message of the member's own (a campaign, a leader transfer) and acts on it.
    fn act(&mut self, cx: &mut Context<'_, Self>, f: impl FnOnce(&mut Raft)) {
        if let Some(raft) = self.raft.as_mut() {
            f(raft);
        }
        self.process(cx);
    }

    /// Holds the apply loop for `micros` (a defrag holding the backend): committed entries
    /// wait, raft goes on.
    fn stall_apply(&mut self, cx: &mut Context<'_, Self>, micros: u64) {
        self.apply_stalled_until = self.apply_stalled_until.max(cx.now_micros() + micros);
        cx.set_timer(micros, Timer::Process);
    }

    fn set_election_tick(&mut self, ticks: u64) {
        self.config.election_tick = ticks.max(1);
        if let Some(raft) = self.raft.as_mut() {
            raft.set_election_tick(ticks);
        }
    }

    // ---- what the member looks like ------------------------------------------------------

    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn is_up(&self) -> bool {
        self.raft.is_some()
    }

    /// The state machine (None while the member is down).
    pub fn app(&self) -> Option<&A> {
        self.app.as_ref()
    }

    pub fn app_mut(&mut self) -> Option<&mut A> {
        self.app.as_mut()
    }

    /// The raft state machine (None while the member is down).
    pub fn raft(&self) -> Option<&Raft> {
        self.raft.as_ref()
    }

    pub fn status(&self) -> Option<Status> {
        self.raft.as_ref().map(Raft::status)
    }

    /// The leader the member knows, its term and its commit index, without building a full
    /// [`Status`] (None while the member is down).
    pub fn raft_brief(&self) -> Option<(NodeId, u64, u64)> {
        let raft = self.raft.as_ref()?;
        Some((raft.leader, raft.term, raft.log.committed))
    }

    /// Whether the member's commit index covers an entry of its current term: a new leader's
    /// commit may lag what its predecessor acknowledged until then, so raft serves no
    /// ReadIndex before it (etcd-raft's `committedEntryInCurrentTerm`).
    pub fn committed_in_current_term(&self) -> bool {
        self.raft.as_ref().is_some_and(|raft| raft.log.term(raft.log.committed) == Some(raft.term))
    }

    /// Entries and bytes the raft log holds in memory (0 while the member is down).
    pub fn log_memory(&self) -> (u64, u64) {
        self.raft.as_ref().map_or((0, 0), |raft| (raft.log.len() as u64, raft.log.memory_bytes()))
    }

    /// Whether the apply loop is held (a defrag running) at `now`.
    pub fn apply_stalled(&self, now_micros: u64) -> bool {
        self.apply_stalled_until > now_micros
    }

    /// The index of the last snapshot, taken or received (0: none).
    pub fn snapshot_index(&self) -> u64 {
        self.snapshot_index
    }

    pub fn wal_bytes(&self) -> u64 {
        self.wal.disk.len()
    }

    /// Snapshot files the member keeps (names as etcd gives them).
    pub fn snapshot_files(&self) -> Vec<String> {
        self.snapshotter.files.keys().cloned().collect()
    }

    /// The data directory as etcd lays it out, with each file's size: the WAL segment, the
    /// snapshot files and the backend db.
    pub fn data_dir(&self) -> Vec<(String, u64)> {
        let mut files = vec![(format!("member/wal/{}", wal::segment_name(0, 0)), self.wal.disk.len())];
        files.extend(
            self.snapshotter.files.iter().map(|(name, disk)| (format!("member/snap/{name}"), disk.len())),
        );
        if let Some((index, db)) = &self.snap_db {
            files.push((format!("member/snap/{index:016x}.snap.db"), db.len()));
        }
        files.push(("member/snap/db".to_string(), self.db.len()));
        files
    }

    /// The committed log (for checks).
    pub fn log(&self) -> Vec<Entry> {
        let Some(raft) = self.raft.as_ref() else { return Vec::new() };
        (1..=raft.log.committed)
            .filter_map(|i| raft.log.entries_from(i, 1).and_then(|mut e| e.pop()))
            .collect()
    }
}

impl<A: Application> Host for RaftNode<A> {
    type Message = Message;
    type Timer = Timer;

    fn timer(&mut self, cx: &mut Context<'_, Self>, timer: Timer) {
        match timer {
            Timer::Tick => {
                let Some(raft) = self.raft.as_mut() else { return };
                raft.tick();
                cx.note(&[cx.now_micros(), self.id, 1]);
                cx.set_timer(self.settings.get().tick_micros, Timer::Tick);
                self.process(cx);
            }
            Timer::Process => {
                self.process_pending = false;
                self.process(cx);
            }
        }
    }

    fn receive(&mut self, cx: &mut Context<'_, Self>, message: Message) {
        if let Some(raft) = self.raft.as_mut() {
            raft.step(message);
        }
        self.process(cx);
    }

    fn synced(&mut self, cx: &mut Context<'_, Self>, wal_len: u64) {
        if self.raft.is_some() {
            self.wal.synced(wal_len);
        }
        self.apply_all(cx);
    }

    fn crash(&mut self) {
        self.raft = None;
        self.app = None;
        self.to_apply.clear();
        self.applied_index = 0;
        self.apply_stalled_until = 0;
        self.process_pending = false;
        self.wal.crash();
        self.snapshotter.crash();
        self.db.crash();
        if let Some((_, db)) = &self.snap_db {
            db.crash();
        }
    }

    /// The member replays its WAL over the newest snapshot and its db, and rejoins.
    fn restart(&mut self, cx: &mut Context<'_, Self>) -> bool {
        if self.raft.is_some() {
            return false;
        }
        let bytes = self.wal.disk.bytes();
        let Ok(marks) = raftlog::valid_snapshots(&bytes) else { return false };
        // The WAL is read from the newest snapshot it marks.
        let snapshot = self.snapshotter.load_newest_available(&marks);
        let start = snapshot.as_ref().map_or(0, |s| s.index);
        let Ok(recovered) = raftlog::recover(&bytes, start) else { return false };
        // A db behind the snapshot is replaced by the snapshot's db, if it arrived (etcd's
        // `RecoverSnapshotBackend`).
        if let Some((_, db)) = self.snap_db.take().filter(|(index, _)| *index == start) {
            let held = (self.open)(self.id, self.db.clone(), false).map_or(0, |app| app.consistent_index());
            if held < start {
                self.db.rename_from(&db);
            }
        }
        let Some(mut app) = (self.open)(self.id, self.db.clone(), false) else { return false };
        let consistent_index = app.consistent_index();
        // Raft starts applied at the snapshot: a db behind it would never get what lies between
        // (etcd refuses: "database file ... does not match with snapshot").
        if consistent_index < start {
            return false;
        }
        // What a lagging follower would be sent: the db, which holds at least the snapshot.
        let snapshot = snapshot.map(|s| Snapshot { data: app.snapshot_data(), ..s });
        self.applied_index = consistent_index;
        self.app = Some(app);
        self.snapshot_index = snapshot.as_ref().map_or(0, |s| s.index);
        self.wal.rewrite_from(snapshot.as_ref(), &recovered);
        let mut raft =
            Raft::restart_from(self.config.clone(), snapshot, recovered.hard_state, recovered.entries);
        // What the db already applied is not handed out again.
        if consistent_index > raft.log.applied && consistent_index <= raft.log.committed {
            raft.log.applied = consistent_index;
        }
        self.raft = Some(raft);
        cx.set_timer(self.settings.get().tick_micros, Timer::Tick);
        self.process(cx);
        true
    }
}

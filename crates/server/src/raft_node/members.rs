//! Raft members on the sim's world, each a [`RaftNode`] on its own host: bootstrapping a
//! cluster, adding a member, and what clients, operators and tests do to members and see of
//! them. Dereferences to the world for time, faults and the network.

use std::cell::{Cell, RefCell};
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use playground_raft::{ConfChange, Config, Entry, Message, MessageType, NodeId, Raft, Role, Status};
use playground_sim::World;

use super::{Application, EntryLog, EventLog, NodeEvent, OpenApplication, RaftNode, Settings};
use crate::observe::Sink;

/// A member as tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub id: NodeId,
    pub up: bool,
    pub status: Option<Status>,
    pub wal_bytes: u64,
    /// The db's consistent index (the last entry applied into it) and size.
    pub consistent_index: u64,
    pub db_size: u64,
}

pub struct RaftWorld<A: Application> {
    world: World<RaftNode<A>>,
    open: OpenApplication<A>,
    settings: Rc<Cell<Settings>>,
    events: EventLog,
    /// Where the members report what the page's timeline shows.
    sink: Sink,
}

impl<A: Application> Deref for RaftWorld<A> {
    type Target = World<RaftNode<A>>;
    fn deref(&self) -> &Self::Target {
        &self.world
    }
}

impl<A: Application> DerefMut for RaftWorld<A> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.world
    }
}

impl RaftWorld<EntryLog> {
    /// A world of `ids.len()` members forming one cluster, all up, applying into [`EntryLog`]s.
    pub fn new(seed: u64, ids: &[NodeId]) -> RaftWorld<EntryLog> {
        RaftWorld::with_application(seed, ids, EntryLog::opener())
    }
}

impl<A: Application> RaftWorld<A> {
    /// A world whose members apply into the state machines `open` makes.
    pub fn with_application(seed: u64, ids: &[NodeId], open: OpenApplication<A>) -> RaftWorld<A> {
        RaftWorld::observed(seed, ids, open, Sink::default())
    }

    /// As [`RaftWorld::with_application`], the members reporting events into `sink`.
    pub(crate) fn observed(seed: u64, ids: &[NodeId], open: OpenApplication<A>, sink: Sink) -> RaftWorld<A> {
        let mut members = RaftWorld {
            world: World::new(seed),
            open,
            settings: Rc::new(Cell::new(Settings::default())),
            events: Rc::new(RefCell::new(Vec::new())),
            sink,
        };
        for &id in ids {
            members.start(id, Config::new(id, ids.to_vec()), Raft::bootstrap);
        }
        members
    }

    /// Starts a member on a new host; its raft's seed comes from the world's RNG.
    fn start(&mut self, id: NodeId, mut config: Config, raft: fn(Config) -> Raft) -> bool {
        let (open, settings, events) = (self.open.clone(), self.settings.clone(), self.events.clone());
        let sink = self.sink.clone();
        self.world.add_host(id, |cx| {
            config.seed = cx.next_u64();
            let raft = raft(config.clone());
            RaftNode::start(cx, config, raft, open, settings, events, sink)
        })
    }

    /// A new, empty member joining a running cluster (etcd's `--initial-cluster-state
    /// existing`): it knows no voters and waits for the leader, which adds it through a conf
    /// change and sends it the log or a snapshot. False if the id is taken.
    pub fn add_member(&mut self, id: NodeId) -> bool {
        if self.world.host(id).is_some() {
            return false;
        }
        self.start(id, Config::new(id, Vec::new()), Raft::new)
    }

    // ---- settings ----------------------------------------------------------------------

    fn update(&self, f: impl FnOnce(&mut Settings)) {
        let mut settings = self.settings.get();
        f(&mut settings);
        self.settings.set(settings);
    }

    /// Applied entries between a member's snapshots (etcd's `--snapshot-count`; 0: never).
    pub fn set_snapshot_count(&mut self, count: u64) {
        self.update(|s| s.snapshot_count = count);
    }

    /// Entries kept in the log behind a snapshot for slow followers (etcd's
    /// `--experimental-snapshot-catchup-entries`).
    pub fn set_catch_up_entries(&mut self, entries: u64) {
        self.update(|s| s.catch_up_entries = entries);
    }

    /// Raft's timing from etcd's flags: a tick every `heartbeat_micros`, an election timeout of
    /// `election_ticks` ticks. Applies to running members at their next tick and to restarts.
    pub fn set_timing(&mut self, heartbeat_micros: u64, election_ticks: u64) {
        self.update(|s| s.tick_micros = heartbeat_micros.max(1_000));
        for id in self.world.ids() {
            if let Some(node) = self.world.host_mut(id) {
                node.set_election_tick(election_ticks);
            }
        }
    }

    /// The time between two raft ticks.
    pub fn tick_micros(&self) -> u64 {
        self.settings.get().tick_micros
    }

    // ---- what clients and operators do -------------------------------------------------

    pub fn propose(&mut self, id: NodeId, data: &[u8]) -> bool {
        self.propose_now(id, data.to_vec())
    }

    /// Proposes on a member and lets it act at once (persist, send); false if the member is
    /// down or knows no leader to forward to.
    pub fn propose_now(&mut self, id: NodeId, data: Vec<u8>) -> bool {
        self.world.with_host(id, |node, cx| node.propose(cx, data)).unwrap_or(false)
    }

    /// Proposes a membership change on `id` (the leader); false if it cannot take one now.
    pub fn propose_conf_change(&mut self, id: NodeId, change: &ConfChange) -> bool {
        self.world.with_host(id, |node, cx| node.propose_conf_change(cx, change)).unwrap_or(false)
    }

    /// A member campaigns now (its election timer fired first: the first etcd started).
    pub fn campaign(&mut self, id: NodeId) {
        self.world
            .with_host(id, |node, cx| node.act(cx, |raft| raft.step(Message::new(MessageType::Hup, id, id))));
    }

    /// Asks the leader `leader` to hand leadership to `target` (etcd's `MoveLeader`).
    pub fn transfer_leader(&mut self, leader: NodeId, target: NodeId) {
        self.world.with_host(leader, |node, cx| node.act(cx, |raft| raft.transfer_leader(target)));
    }

    /// Holds a member's apply loop for `micros` (a defrag holding the backend): committed
    /// entries wait, raft goes on.
    pub fn stall_apply(&mut self, id: NodeId, micros: u64) {
        self.world.with_host(id, |node, cx| node.stall_apply(cx, micros));
    }

    /// Damages the last `bytes` of a member's WAL on disk (a write torn by a crash).
    pub fn tear_wal(&mut self, id: NodeId, bytes: u64) {
        if let Some(node) = self.world.host_mut(id) {
            node.wal.tear(bytes);
        }
    }

    /// Advances until `done` holds (checked after each event) or `max_micros` pass.
    pub fn run_until(&mut self, max_micros: u64, mut done: impl FnMut(&RaftWorld<A>) -> bool) -> bool {
        let until = self.world.now_micros() + max_micros;
        while !done(self) {
            match self.world.next_event_at() {
                Some(at) if at <= until => {
                    self.world.step();
                }
                _ => return false,
            }
        }
        true
    }

    // ---- what the members look like ----------------------------------------------------

    /// What happened since the last call (snapshots, log compactions, leaders), oldest first.
    pub fn take_events(&mut self) -> Vec<(u64, NodeId, NodeEvent)> {
        std::mem::take(&mut self.events.borrow_mut())
    }

    pub fn node(&self, id: NodeId) -> Option<&RaftNode<A>> {
        self.world.host(id)
    }

    /// A member's state machine (None while it is down).
    pub fn app(&self, id: NodeId) -> Option<&A> {
        self.world.host(id)?.app()
    }

    pub fn app_mut(&mut self, id: NodeId) -> Option<&mut A> {
        self.world.host_mut(id)?.app_mut()
    }

    /// The leader a member knows, its term and its commit index (None while it is down).
    pub fn raft_brief(&self, id: NodeId) -> Option<(NodeId, u64, u64)> {
        self.world.host(id)?.raft_brief()
    }

    /// Whether a member has committed an entry of its current term (false while it is down).
    pub fn committed_in_current_term(&self, id: NodeId) -> bool {
        self.world.host(id).is_some_and(RaftNode::committed_in_current_term)
    }

    /// Entries and bytes a member's raft log holds in memory (0 while it is down).
    pub fn log_memory(&self, id: NodeId) -> (u64, u64) {
        self.world.host(id).map_or((0, 0), RaftNode::log_memory)
    }

    /// A member's raft status (None while it is down).
    pub fn status(&self, id: NodeId) -> Option<Status> {
        self.world.host(id)?.status()
    }

    /// Whether a member's apply loop is held (a defrag running).
    pub fn apply_stalled(&self, id: NodeId) -> bool {
        self.world.host(id).is_some_and(|node| node.apply_stalled(self.world.now_micros()))
    }

    pub fn member(&self, id: NodeId) -> Option<MemberView> {
        let node = self.world.host(id)?;
        Some(MemberView {
            id,
            up: node.is_up(),
            status: node.status(),
            wal_bytes: node.wal_bytes(),
            consistent_index: node.app().map_or(0, |app| app.consistent_index()),
            db_size: node.app().map_or(0, |app| app.db_size()),
        })
    }

    /// The leaders among the members up, with their terms.
    pub fn leaders(&self) -> Vec<(NodeId, u64)> {
        self.world
            .hosts()
            .filter_map(|(_, node)| node.raft())
            .filter(|raft| raft.role == Role::Leader)
            .map(|raft| (raft.id, raft.term))
            .collect()
    }

    /// The index of a member's last raft snapshot, taken or received (0: none).
    pub fn snapshot_index(&self, id: NodeId) -> u64 {
        self.world.host(id).map_or(0, RaftNode::snapshot_index)
    }

    /// Snapshot files a member keeps (names as etcd gives them).
    pub fn snapshot_files(&self, id: NodeId) -> Vec<String> {
        self.world.host(id).map(RaftNode::snapshot_files).unwrap_or_default()
    }

    /// A member's data directory as etcd lays it out, with each file's size.
    pub fn data_dir(&self, id: NodeId) -> Vec<(String, u64)> {
        self.world.host(id).map(RaftNode::data_dir).unwrap_or_default()
    }

    /// bbolt's check of a member's db (empty: consistent; `None`: the member is down).
    pub fn db_check(&self, id: NodeId) -> Option<Vec<String>> {
        Some(self.world.host(id)?.app()?.check())
    }

    /// The committed log of a member (for checks).
    pub fn log(&self, id: NodeId) -> Vec<Entry> {
        self.world.host(id).map(RaftNode::log).unwrap_or_default()
    }
}

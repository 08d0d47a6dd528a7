//! The raft state machine: roles, terms and votes (with pre-vote and check-quorum), log
//! replication with per-follower progress, commitment by quorum. It does no I/O and reads no
//! clock: `tick` is the clock, `step` takes messages, and what to persist, send and apply comes
//! out of [`Raft::ready`], acknowledged by [`Raft::advance`].

use std::collections::BTreeMap;

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use crate::log::RaftLog;
use crate::progress::{Progress, ProgressState};
use crate::types::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub id: NodeId,
    pub voters: Vec<NodeId>,
    pub learners: Vec<NodeId>,
    /// Ticks without hearing from a leader before campaigning (etcd: 10 ticks of 100 ms).
    pub election_tick: u64,
    pub heartbeat_tick: u64,
    pub pre_vote: bool,
    pub check_quorum: bool,
    /// Appends in flight to one follower while replicating.
    pub max_inflight: usize,
    /// Entries in one append.
    pub max_entries_per_msg: usize,
    /// Seeds the randomized election timeout.
    pub seed: u64,
}

impl Config {
    pub fn new(id: NodeId, voters: Vec<NodeId>) -> Config {
        Config {
            id,
            voters,
            learners: Vec::new(),
            election_tick: 10,
            heartbeat_tick: 1,
            pre_vote: true,
            check_quorum: true,
            max_inflight: 256,
            max_entries_per_msg: 1024,
            seed: id,
        }
    }
}

/// What the application must do next: persist `entries` and `hard_state`, then send
/// `messages`, then apply `committed`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ready {
    /// Reads confirmed by a quorum: serve each once the applied index reaches its index.
    pub read_states: Vec<ReadState>,
    /// A snapshot received from the leader: the state machine must be replaced by it first.
    pub snapshot: Option<Snapshot>,
    pub hard_state: Option<HardState>,
    pub entries: Vec<Entry>,
    pub messages: Vec<Message>,
    pub committed: Vec<Entry>,
}

impl Ready {
    pub fn is_empty(&self) -> bool {
        self.hard_state.is_none()
            && self.entries.is_empty()
            && self.messages.is_empty()
            && self.committed.is_empty()
    }
}

/// A view for the UI and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub id: NodeId,
    pub role: Role,
    pub term: u64,
    pub vote: NodeId,
    pub leader: NodeId,
    pub commit: u64,
    pub applied: u64,
    pub last_index: u64,
    pub first_index: u64,
    pub voters: Vec<NodeId>,
    pub learners: Vec<NodeId>,
    /// Leader only: each follower's match and next index and state.
    pub progress: BTreeMap<NodeId, (u64, u64, ProgressState)>,
}

#[derive(Debug, Clone)]
struct PendingRead {
    index: u64,
    context: Vec<u8>,
    /// Who asked: this node, or a follower to answer with ReadIndexResp.
    from: NodeId,
    acks: std::collections::BTreeSet<NodeId>,
}

pub struct Raft {
    pub id: NodeId,
    pub term: u64,
    pub vote: NodeId,
    pub leader: NodeId,
    pub role: Role,
    pub log: RaftLog,
    voters: Vec<NodeId>,
    learners: Vec<NodeId>,
    progress: BTreeMap<NodeId, Progress>,
    /// The latest snapshot the application made: what a lagging follower is sent.
    snapshot: Option<Snapshot>,
    /// A snapshot from the leader not yet handed to the application.
    received_snapshot: Option<Snapshot>,
    /// Index of the last conf change proposed: no other until it is applied.
    pending_conf_index: u64,
    /// Leader: the node leadership is being handed to.
    lead_transferee: NodeId,
    /// Leader: reads waiting for a quorum of heartbeat acknowledgements, oldest first.
    pending_reads: Vec<PendingRead>,
    read_states: Vec<ReadState>,
    votes: BTreeMap<NodeId, bool>,
    messages: Vec<Message>,
    election_elapsed: u64,
    heartbeat_elapsed: u64,
    randomized_election_timeout: u64,
    config: Config,
    rng: ChaCha8Rng,
    last_hard_state: HardState,
}

impl Raft {
    pub fn new(config: Config) -> Raft {
        let mut raft = Raft {
            id: config.id,
            term: 0,
            vote: NONE,
            leader: NONE,
            role: Role::Follower,
            log: RaftLog::default(),
            voters: config.voters.clone(),
            learners: config.learners.clone(),
            progress: BTreeMap::new(),
            snapshot: None,
            received_snapshot: None,
            pending_conf_index: 0,
            lead_transferee: NONE,
            pending_reads: Vec::new(),
            read_states: Vec::new(),
            votes: BTreeMap::new(),
            messages: Vec::new(),
            election_elapsed: 0,
            heartbeat_elapsed: 0,
            randomized_election_timeout: config.election_tick,
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            config,
            last_hard_state: HardState::default(),
        };
        raft.become_follower(0, NONE);
        raft
    }

    /// A member of a new cluster, as etcd bootstraps one (etcd-raft's `StartNode`): term 1, and
    /// a log holding one committed `AddNode` conf change per voter at indexes 1..=n, for the
    /// application to persist and apply. The first election is then for term 2.
    pub fn bootstrap(config: Config) -> Raft {
        let mut raft = Raft::new(config);
        raft.become_follower(1, NONE);
        let mut voters = raft.voters.clone();
        voters.sort_unstable();
        let entries: Vec<Entry> = voters
            .iter()
            .enumerate()
            .map(|(i, &id)| Entry {
                term: 1,
                index: i as u64 + 1,
                kind: EntryType::ConfChange,
                data: ConfChange { kind: ConfChangeType::AddNode, node_id: id, context: Vec::new() }
                    .encode()
                    .into(),
            })
            .collect();
        raft.log.append(&entries);
        raft.log.committed = entries.len() as u64;
        raft
    }

    /// A node restarting from what it persisted (its WAL replayed): term, vote and commit, and
    /// its log from index 1. Committed entries are handed out again for the application to
    /// rebuild its state.
    pub fn restart(config: Config, hard_state: HardState, entries: Vec<Entry>) -> Raft {
        Self::restart_from(config, None, hard_state, entries)
    }

    /// A node restarting from its newest snapshot and the WAL entries after it: the log starts
    /// after the snapshot, membership is the snapshot's, and the application restores its state
    /// from the snapshot's data before the later committed entries come out again.
    pub fn restart_from(
        config: Config,
        snapshot: Option<Snapshot>,
        hard_state: HardState,
        entries: Vec<Entry>,
    ) -> Raft {
        let mut raft = Raft::new(config);
        let after = snapshot.as_ref().map_or(0, |s| s.index);
        if let Some(snapshot) = snapshot {
            raft.log.restore(snapshot.index, snapshot.term);
            raft.voters = snapshot.voters.clone();
            raft.learners = snapshot.learners.clone();
            raft.snapshot = Some(snapshot);
        }
        let entries: Vec<Entry> = entries.into_iter().filter(|e| e.index > after).collect();
        if entries.first().is_some_and(|e| e.index == after + 1) {
            raft.log.append(&entries);
        }
        raft.log.stabled = raft.log.last_index();
        raft.become_follower(hard_state.term, NONE);
        raft.vote = hard_state.vote;
        raft.log.commit_to(hard_state.commit);
        raft.last_hard_state = raft.hard_state();
        raft
    }

    fn quorum(&self) -> usize {
        self.voters.len() / 2 + 1
    }

    pub fn hard_state(&self) -> HardState {
        HardState { term: self.term, vote: self.vote, commit: self.log.committed }
    }

    pub fn status(&self) -> Status {
        let progress = if self.role == Role::Leader {
            self.progress.iter().map(|(&id, p)| (id, (p.matched, p.next, p.state))).collect()
        } else {
            BTreeMap::new()
        };
        Status {
            id: self.id,
            role: self.role,
            term: self.term,
            vote: self.vote,
            leader: self.leader,
            commit: self.log.committed,
            applied: self.log.applied,
            last_index: self.log.last_index(),
            first_index: self.log.first_index(),
            voters: self.voters.clone(),
            learners: self.learners.clone(),
            progress,
        }
    }

    // ---- roles -------------------------------------------------------------------------

    fn reset(&mut self, term: u64) {
        if self.term != term {
            self.term = term;
            self.vote = NONE;
        }
        self.leader = NONE;
        self.election_elapsed = 0;
        self.heartbeat_elapsed = 0;
        // Randomized in [election, 2 * election) so split votes resolve.
        self.randomized_election_timeout =
            self.config.election_tick + self.rng.next_u64() % self.config.election_tick.max(1);
        self.votes.clear();
        self.lead_transferee = NONE;
        self.pending_reads.clear();
        let next = self.log.last_index() + 1;
        self.progress = self.voters.iter().map(|&id| (id, Progress::new(next))).collect();
        for &id in &self.learners {
            let mut progress = Progress::new(next);
            progress.is_learner = true;
            self.progress.insert(id, progress);
        }
        if let Some(own) = self.progress.get_mut(&self.id) {
            own.matched = self.log.last_index();
        }
    }

    fn become_follower(&mut self, term: u64, leader: NodeId) {
        self.reset(term);
        self.leader = leader;
        self.role = Role::Follower;
    }

    fn become_pre_candidate(&mut self) {
        // A pre-candidate keeps its term and vote: nothing changes unless it could win.
        self.votes.clear();
        self.leader = NONE;
        self.role = Role::PreCandidate;
    }

    fn become_candidate(&mut self) {
        self.reset(self.term + 1);
        self.vote = self.id;
        self.role = Role::Candidate;
    }

    fn become_leader(&mut self) {
        self.reset(self.term);
        self.leader = self.id;
        self.role = Role::Leader;
        // Entries not yet applied may hold a conf change: no new one until they are.
        self.pending_conf_index = self.log.last_index();
        // An empty entry of the new term lets earlier entries commit.
        let entry = Entry { term: self.term, index: self.log.last_index() + 1, ..Entry::default() };
        self.append_entries(vec![entry]);
    }

    // ---- time --------------------------------------------------------------------------

    pub fn tick(&mut self) {
        self.election_elapsed += 1;
        if self.role == Role::Leader {
            self.heartbeat_elapsed += 1;
            if self.election_elapsed >= self.config.election_tick {
                self.election_elapsed = 0;
                // A transfer that did not happen within an election timeout is abandoned.
                self.lead_transferee = NONE;
                if self.config.check_quorum {
                    self.step(Message::new(MessageType::CheckQuorum, self.id, self.id));
                }
            }
            if self.role == Role::Leader && self.heartbeat_elapsed >= self.config.heartbeat_tick {
                self.heartbeat_elapsed = 0;
                self.broadcast_heartbeat();
            }
        } else if self.voters.contains(&self.id) && self.election_elapsed >= self.randomized_election_timeout
        {
            self.election_elapsed = 0;
            self.step(Message::new(MessageType::Hup, self.id, self.id));
        }
    }

    fn campaign(&mut self, pre_vote: bool) {
        self.campaign_with(pre_vote, false);
    }

    fn campaign_with(&mut self, pre_vote: bool, transfer: bool) {
        let (kind, term) = if pre_vote {
            self.become_pre_candidate();
            (MessageType::PreVote, self.term + 1)
        } else {
            self.become_candidate();
            (MessageType::Vote, self.term)
        };
        if self.poll(self.id, true) {
            // A single voter wins at once.
            if pre_vote {
                self.campaign(false);
            } else {
                self.become_leader();
            }
            return;
        }
        for &peer in &self.voters.clone() {
            if peer == self.id {
                continue;
            }
            let mut m = Message::new(kind, self.id, peer);
            m.term = term;
            m.index = self.log.last_index();
            m.log_term = self.log.last_term();
            m.transfer = transfer;
            self.messages.push(m);
        }
    }

    /// Records a vote; true once a quorum granted.
    fn poll(&mut self, from: NodeId, granted: bool) -> bool {
        self.votes.entry(from).or_insert(granted);
        self.votes.values().filter(|&&g| g).count() >= self.quorum()
    }

    fn rejected_by_quorum(&self) -> bool {
        self.votes.values().filter(|&&g| !g).count() >= self.quorum()
    }

    // ---- messages ----------------------------------------------------------------------

    fn send(&mut self, mut m: Message) {
        if m.term == 0 && !matches!(m.kind, MessageType::Prop) {
            m.term = self.term;
        }
        self.messages.push(m);
    }

    pub fn step(&mut self, m: Message) {
        if m.term > self.term
            && !matches!(m.kind, MessageType::Hup | MessageType::CheckQuorum | MessageType::Prop)
        {
            if matches!(m.kind, MessageType::Vote | MessageType::PreVote) {
                let in_lease = self.config.check_quorum
                    && !m.transfer
                    && self.leader != NONE
                    && self.election_elapsed < self.config.election_tick;
                if in_lease {
                    // A leader we heard from recently stands: ignore a disruptive candidate.
                    return;
                }
            }
            match m.kind {
                MessageType::PreVote => {}
                MessageType::PreVoteResp if !m.reject => {}
                MessageType::App | MessageType::Heartbeat | MessageType::Snap => {
                    self.become_follower(m.term, m.from)
                }
                _ => self.become_follower(m.term, NONE),
            }
        } else if m.term != 0 && m.term < self.term {
            if (self.config.check_quorum || self.config.pre_vote)
                && matches!(m.kind, MessageType::App | MessageType::Heartbeat | MessageType::Snap)
            {
                // A stale leader learns our term and steps down.
                self.send(Message::new(MessageType::AppResp, self.id, m.from));
            } else if m.kind == MessageType::PreVote {
                let mut resp = Message::new(MessageType::PreVoteResp, self.id, m.from);
                resp.reject = true;
                self.send(resp);
            }
            return;
        }
        match m.kind {
            MessageType::Hup => {
                if self.role != Role::Leader && self.voters.contains(&self.id) {
                    self.campaign(self.config.pre_vote);
                }
            }
            MessageType::Vote | MessageType::PreVote => {
                let can_vote = self.vote == m.from
                    || (self.vote == NONE && self.leader == NONE)
                    || (m.kind == MessageType::PreVote && m.term > self.term);
                let resp_kind = if m.kind == MessageType::Vote {
                    MessageType::VoteResp
                } else {
                    MessageType::PreVoteResp
                };
                let mut resp = Message::new(resp_kind, self.id, m.from);
                if can_vote && self.log.is_up_to_date(m.index, m.log_term) {
                    resp.term = m.term;
                    if m.kind == MessageType::Vote {
                        self.election_elapsed = 0;
                        self.vote = m.from;
                    }
                } else {
                    resp.term = self.term;
                    resp.reject = true;
                }
                self.messages.push(resp);
            }
            _ => match self.role {
                Role::Leader => self.step_leader(m),
                Role::Candidate | Role::PreCandidate => self.step_candidate(m),
                Role::Follower => self.step_follower(m),
            },
        }
    }

    fn step_leader(&mut self, m: Message) {
        match m.kind {
            MessageType::CheckQuorum => {
                let active = self
                    .progress
                    .iter()
                    .filter(|(&id, p)| !p.is_learner && (id == self.id || p.recent_active))
                    .count();
                if active < self.quorum() {
                    self.become_follower(self.term, NONE);
                    return;
                }
                for (&id, p) in self.progress.iter_mut() {
                    if id != self.id {
                        p.recent_active = false;
                    }
                }
            }
            MessageType::Prop if self.lead_transferee != NONE => {}
            MessageType::Prop => {
                let mut index = self.log.last_index();
                let entries = m
                    .entries
                    .into_iter()
                    .map(|mut e| {
                        index += 1;
                        e.term = self.term;
                        e.index = index;
                        e
                    })
                    .collect();
                self.append_entries(entries);
            }
            MessageType::AppResp => {
                let Some(p) = self.progress.get_mut(&m.from) else { return };
                p.recent_active = true;
                if m.reject {
                    if p.maybe_decrease_to(m.index, m.reject_hint) {
                        if p.state == ProgressState::Replicate {
                            p.become_probe();
                        }
                        self.send_append(m.from);
                    }
                    return;
                }
                let was_paused = p.is_paused(self.config.max_inflight);
                if p.maybe_update(m.index) {
                    match p.state {
                        ProgressState::Probe => p.become_replicate(),
                        ProgressState::Snapshot if p.matched >= p.pending_snapshot => {
                            p.become_probe();
                            p.become_replicate();
                        }
                        ProgressState::Snapshot => {}
                        ProgressState::Replicate => p.free_inflights_to(m.index),
                    }
                    if m.from == self.lead_transferee
                        && self.progress[&m.from].matched == self.log.last_index()
                    {
                        self.send(Message::new(MessageType::TimeoutNow, self.id, m.from));
                    }
                    if self.maybe_commit() {
                        self.broadcast_append();
                    } else if was_paused {
                        self.send_append(m.from);
                    }
                    // Keep streaming while there is more to send.
                    while self.progress.get(&m.from).is_some_and(|p| {
                        p.next <= self.log.last_index() && !p.is_paused(self.config.max_inflight)
                    }) {
                        if !self.send_append(m.from) {
                            break;
                        }
                    }
                }
            }
            MessageType::ReadIndex => {
                // A new leader knows its commit index only once an entry of its term commits.
                if self.log.term(self.log.committed) != Some(self.term) {
                    return;
                }
                let index = self.log.committed;
                if self.quorum() == 1 {
                    self.release_read(m.from, index, m.context);
                    return;
                }
                let mut acks = std::collections::BTreeSet::new();
                acks.insert(self.id);
                self.pending_reads.push(PendingRead {
                    index,
                    context: m.context.clone(),
                    from: m.from,
                    acks,
                });
                self.broadcast_heartbeat_with(m.context);
            }
            MessageType::TransferLeader => {
                let to = m.from;
                if to == self.id || !self.voters.contains(&to) || self.lead_transferee == to {
                    return;
                }
                self.lead_transferee = to;
                self.election_elapsed = 0;
                if self.progress.get(&to).is_some_and(|p| p.matched == self.log.last_index()) {
                    self.send(Message::new(MessageType::TimeoutNow, self.id, to));
                } else {
                    self.send_append(to);
                }
            }
            MessageType::HeartbeatResp => {
                let Some(p) = self.progress.get_mut(&m.from) else { return };
                p.recent_active = true;
                p.probe_sent = false;
                // A full window whose appends were lost would never drain: free one slot so
                // replication resumes (etcd-raft does the same).
                if p.state == ProgressState::Replicate && p.inflights.len() >= self.config.max_inflight {
                    p.inflights.remove(0);
                }
                if p.matched < self.log.last_index() {
                    self.send_append(m.from);
                }
                if !m.context.is_empty() {
                    self.acknowledge_read(m.from, &m.context);
                }
            }
            _ => {}
        }
    }

    fn step_candidate(&mut self, m: Message) {
        let my_resp =
            if self.role == Role::PreCandidate { MessageType::PreVoteResp } else { MessageType::VoteResp };
        match m.kind {
            MessageType::Prop => {}
            MessageType::App | MessageType::Heartbeat | MessageType::Snap => {
                self.become_follower(m.term, m.from);
                self.step_follower(m);
            }
            kind if kind == my_resp => {
                if self.poll(m.from, !m.reject) {
                    if self.role == Role::PreCandidate {
                        self.campaign(false);
                    } else {
                        self.become_leader();
                    }
                } else if self.rejected_by_quorum() {
                    self.become_follower(self.term, NONE);
                }
            }
            _ => {}
        }
    }

    fn step_follower(&mut self, m: Message) {
        match m.kind {
            MessageType::Prop if self.leader != NONE => {
                let mut forward = m;
                forward.to = self.leader;
                forward.from = self.id;
                self.messages.push(forward);
            }
            MessageType::App => {
                self.election_elapsed = 0;
                self.leader = m.from;
                self.handle_append(m);
            }
            MessageType::Heartbeat => {
                self.election_elapsed = 0;
                self.leader = m.from;
                self.log.commit_to(m.commit);
                let mut resp = Message::new(MessageType::HeartbeatResp, self.id, m.from);
                resp.context = m.context;
                self.send(resp);
            }
            MessageType::Snap => {
                self.election_elapsed = 0;
                self.leader = m.from;
                self.handle_snapshot(m);
            }
            MessageType::TimeoutNow if self.voters.contains(&self.id) => self.campaign_with(false, true),
            MessageType::ReadIndex if self.leader != NONE => {
                let mut forward = m;
                forward.to = self.leader;
                self.messages.push(forward);
            }
            MessageType::ReadIndexResp => {
                self.read_states.push(ReadState { index: m.index, context: m.context });
            }
            MessageType::TransferLeader if self.leader != NONE => {
                let mut forward = m;
                forward.to = self.leader;
                self.messages.push(forward);
            }
            _ => {}
        }
    }

    fn handle_append(&mut self, m: Message) {
        let mut resp = Message::new(MessageType::AppResp, self.id, m.from);
        if m.index < self.log.committed {
            resp.index = self.log.committed;
        } else if let Some(last) = self.log.maybe_append(m.index, m.log_term, m.commit, &m.entries) {
            resp.index = last;
        } else {
            let (hint, hint_term) =
                self.log.find_conflict_by_term(m.index.min(self.log.last_index()), m.log_term);
            resp.index = m.index;
            resp.reject = true;
            resp.reject_hint = hint;
            resp.log_term = hint_term;
        }
        self.send(resp);
    }

    fn handle_snapshot(&mut self, m: Message) {
        let Some(snapshot) = m.snapshot else { return };
        let mut resp = Message::new(MessageType::AppResp, self.id, m.from);
        if snapshot.index <= self.log.committed {
            resp.index = self.log.committed;
        } else if self.log.match_term(snapshot.index, snapshot.term) {
            // The log already has it: only the commit moves.
            self.log.commit_to(snapshot.index);
            resp.index = snapshot.index;
        } else {
            self.log.restore(snapshot.index, snapshot.term);
            self.voters = snapshot.voters.clone();
            self.learners = snapshot.learners.clone();
            resp.index = snapshot.index;
            // Kept to send on, should this node lead and find a follower behind it.
            self.snapshot = Some(snapshot.clone());
            self.received_snapshot = Some(snapshot);
        }
        self.send(resp);
    }

    // ---- application -------------------------------------------------------------------

    /// Records the application's snapshot at `index` (applied): what followers behind the
    /// log's first index will be sent.
    pub fn create_snapshot(&mut self, index: u64, data: Vec<u8>) -> bool {
        if index > self.log.applied {
            return false;
        }
        let Some(term) = self.log.term(index) else { return false };
        self.snapshot = Some(Snapshot {
            index,
            term,
            voters: self.voters.clone(),
            learners: self.learners.clone(),
            data,
        });
        true
    }

    /// Drops log entries up to `index` (they must be in a snapshot).
    pub fn compact_log(&mut self, index: u64) -> bool {
        self.snapshot.as_ref().is_some_and(|s| s.index >= index) && self.log.compact(index)
    }

    /// Proposes a membership change; false if not the leader or one is still pending.
    pub fn propose_conf_change(&mut self, change: &ConfChange) -> bool {
        if self.role != Role::Leader
            || self.pending_conf_index > self.log.applied
            || self.lead_transferee != NONE
        {
            return false;
        }
        let index = self.log.last_index() + 1;
        let entry =
            Entry { term: self.term, index, kind: EntryType::ConfChange, data: change.encode().into() };
        self.pending_conf_index = index;
        self.append_entries(vec![entry]);
        true
    }

    /// Applies a committed membership change (the application calls this when it applies the
    /// entry).
    pub fn apply_conf_change(&mut self, change: &ConfChange) {
        let id = change.node_id;
        let next = self.log.last_index() + 1;
        match change.kind {
            ConfChangeType::AddNode => {
                self.learners.retain(|&l| l != id);
                if !self.voters.contains(&id) {
                    self.voters.push(id);
                    self.voters.sort_unstable();
                }
                let progress = self.progress.entry(id).or_insert_with(|| Progress::new(next));
                progress.is_learner = false;
            }
            ConfChangeType::AddLearnerNode => {
                if self.voters.contains(&id) {
                    return;
                }
                if !self.learners.contains(&id) {
                    self.learners.push(id);
                    self.learners.sort_unstable();
                }
                self.progress.entry(id).or_insert_with(|| Progress::new(next)).is_learner = true;
            }
            ConfChangeType::RemoveNode => {
                self.voters.retain(|&v| v != id);
                self.learners.retain(|&l| l != id);
                self.progress.remove(&id);
                if self.lead_transferee == id {
                    self.lead_transferee = NONE;
                }
                if self.role == Role::Leader && !self.voters.is_empty() && self.maybe_commit() {
                    self.broadcast_append();
                }
            }
        }
    }

    /// The transport's word on a snapshot sent to `to` (etcd's `ReportSnapshot`): after success
    /// wait for the follower's answer; after failure probe again from its match, at the next
    /// heartbeat.
    pub fn report_snapshot(&mut self, to: NodeId, success: bool) {
        let Some(p) = self.progress.get_mut(&to) else { return };
        if p.state != ProgressState::Snapshot {
            return;
        }
        if !success {
            p.pending_snapshot = 0;
        }
        p.become_probe();
        p.probe_sent = true;
    }

    /// Asks the leader to hand leadership to `to` (etcd's `move-leader`).
    /// Sets the election timeout in ticks (etcd's `--election-timeout` over
    /// `--heartbeat-interval`); the randomized timeout is drawn again within the new range.
    pub fn set_election_tick(&mut self, ticks: u64) {
        let ticks = ticks.max(1);
        if ticks == self.config.election_tick {
            return;
        }
        self.config.election_tick = ticks;
        self.randomized_election_timeout = ticks + self.rng.next_u64() % ticks;
    }

    pub fn transfer_leader(&mut self, to: NodeId) {
        let mut m = Message::new(MessageType::TransferLeader, to, self.id);
        m.term = 0;
        self.step(m);
    }

    // ---- replication -------------------------------------------------------------------

    fn append_entries(&mut self, entries: Vec<Entry>) {
        let last = self.log.append(&entries);
        if let Some(own) = self.progress.get_mut(&self.id) {
            own.maybe_update(last);
        }
        self.maybe_commit();
        self.broadcast_append();
    }

    /// Commits the highest index a quorum holds, if it is of the current term.
    fn maybe_commit(&mut self) -> bool {
        let mut matched: Vec<u64> =
            self.progress.values().filter(|p| !p.is_learner).map(|p| p.matched).collect();
        matched.sort_unstable_by(|a, b| b.cmp(a));
        let Some(&index) = matched.get(self.quorum() - 1) else { return false };
        if index > self.log.committed && self.log.term(index) == Some(self.term) {
            self.log.commit_to(index);
            return true;
        }
        false
    }

    fn broadcast_append(&mut self) {
        let peers: Vec<NodeId> = self.progress.keys().copied().filter(|&id| id != self.id).collect();
        for peer in peers {
            self.send_append(peer);
        }
    }

    /// Sends the next append to `to` if its progress allows; true if one was sent.
    fn send_append(&mut self, to: NodeId) -> bool {
        let max_inflight = self.config.max_inflight;
        let Some(p) = self.progress.get(&to) else { return false };
        if p.is_paused(max_inflight) {
            return false;
        }
        let prev = p.next - 1;
        let (Some(log_term), Some(entries)) =
            (self.log.term(prev), self.log.entries_from(p.next, self.config.max_entries_per_msg))
        else {
            // The follower is behind the first index: only the snapshot can catch it up.
            let Some(snapshot) = self.snapshot.clone() else { return false };
            let index = snapshot.index;
            let mut m = Message::new(MessageType::Snap, self.id, to);
            m.snapshot = Some(snapshot);
            if let Some(p) = self.progress.get_mut(&to) {
                p.become_snapshot(index);
            }
            self.send(m);
            return true;
        };
        let mut m = Message::new(MessageType::App, self.id, to);
        m.index = prev;
        m.log_term = log_term;
        m.commit = self.log.committed;
        let last = entries.last().map(|e| e.index);
        m.entries = entries;
        let p = self.progress.get_mut(&to).expect("checked above");
        match (p.state, last) {
            (ProgressState::Replicate, Some(last)) => {
                p.next = last + 1;
                p.inflights.push(last);
            }
            (ProgressState::Probe, _) => p.probe_sent = true,
            _ => {}
        }
        self.send(m);
        true
    }

    fn broadcast_heartbeat(&mut self) {
        // Heartbeats carry the newest pending read, so their answers confirm it.
        let context = self.pending_reads.last().map(|r| r.context.clone()).unwrap_or_default();
        self.broadcast_heartbeat_with(context);
    }

    fn broadcast_heartbeat_with(&mut self, context: Vec<u8>) {
        let peers: Vec<(NodeId, u64)> =
            self.progress.iter().filter(|(&id, _)| id != self.id).map(|(&id, p)| (id, p.matched)).collect();
        for (peer, matched) in peers {
            let mut m = Message::new(MessageType::Heartbeat, self.id, peer);
            m.commit = matched.min(self.log.committed);
            m.context = context.clone();
            self.send(m);
        }
    }

    /// A heartbeat answer for `context` confirms that read and every one before it.
    fn acknowledge_read(&mut self, from: NodeId, context: &[u8]) {
        let Some(position) = self.pending_reads.iter().position(|r| r.context == context) else { return };
        let voter = self.voters.contains(&from);
        for read in &mut self.pending_reads[..=position] {
            if voter {
                read.acks.insert(from);
            }
        }
        let quorum = self.quorum();
        if self.pending_reads[position].acks.len() < quorum {
            return;
        }
        let confirmed: Vec<PendingRead> = self.pending_reads.drain(..=position).collect();
        for read in confirmed {
            self.release_read(read.from, read.index, read.context);
        }
    }

    fn release_read(&mut self, from: NodeId, index: u64, context: Vec<u8>) {
        if from == self.id || from == NONE {
            self.read_states.push(ReadState { index, context });
        } else {
            let mut resp = Message::new(MessageType::ReadIndexResp, self.id, from);
            resp.index = index;
            resp.context = context;
            self.send(resp);
        }
    }

    /// Asks for a linearizable read; its [`ReadState`] comes out of a later `ready()`.
    pub fn read_index(&mut self, context: Vec<u8>) {
        let mut m = Message::new(MessageType::ReadIndex, self.id, self.id);
        m.context = context;
        self.step(m);
    }

    /// Proposes data; false if this node is not the leader and knows none to forward to.
    pub fn propose(&mut self, data: Vec<u8>) -> bool {
        let known = self.role == Role::Leader || self.leader != NONE;
        let mut m = Message::new(MessageType::Prop, self.id, self.id);
        m.entries = vec![Entry { data: data.into(), ..Entry::default() }];
        self.step(m);
        known
    }

    // ---- ready -------------------------------------------------------------------------

    /// Takes what to persist, send and apply since the last [`Raft::advance`]. Until that
    /// advance, a second call hands the same entries out again (etcd-raft's contract).
    pub fn ready(&mut self) -> Ready {
        let hard_state = self.hard_state();
        let changed = hard_state != self.last_hard_state;
        Ready {
            read_states: std::mem::take(&mut self.read_states),
            snapshot: self.received_snapshot.take(),
            hard_state: changed.then_some(hard_state),
            entries: self.log.unstable_entries(),
            messages: std::mem::take(&mut self.messages),
            committed: self.log.next_committed(),
        }
    }

    /// etcd-raft's Advance: the application persisted `ready`'s entries and hard state and
    /// took its committed entries to apply, so the next Ready starts after them.
    pub fn advance(&mut self, ready: &Ready) {
        if let Some(hard_state) = ready.hard_state {
            self.last_hard_state = hard_state;
        }
        if let Some(last) = ready.entries.last() {
            self.log.stabled = last.index;
        }
        if let Some(last) = ready.committed.last() {
            self.log.applied = last.index;
        }
    }
}

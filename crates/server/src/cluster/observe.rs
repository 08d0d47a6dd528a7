//! The cluster feeding its [`History`]: samples of every member at each sample instant of the
//! virtual clock (taken between the world's events, from the state the last event left, so a
//! ten-hour jump is sampled throughout at the cost of reading the members), the events its
//! layers reported (named, and stamped with the command line running), and the alert rules
//! at their evaluation instants. Only reads the members: a run is the same with it on or off.

use std::collections::BTreeMap;

use playground_bolt::DiskCosts;
use playground_raft::NodeId;

use super::{Cluster, COMMAND_TIMEOUT_MICROS};
use crate::client::Code;
use crate::error::Error;
use crate::observe::{
    handling_bucket, EventKind, History, MemberSample, Raw, Sample, Sink, Target, EVAL_INTERVAL_MICROS,
    HANDLING_BUCKETS,
};
use crate::quota;
use crate::raft_node::Application;

/// A member's counters the history reads (etcd's are per process; these run across restarts).
#[derive(Debug, Clone, Copy, Default)]
struct Counters {
    requests: u64,
    failed: u64,
    proposals_failed: u64,
    leader_changes: u64,
    /// `requests` at the last sample, for the rate.
    requests_sampled: u64,
    /// The disk's slow-down factor (1: normal).
    slow_disk: u64,
    /// Unary calls by handling time (the buckets of the alerts' histogram).
    handling: [u64; HANDLING_BUCKETS],
}

/// What the cluster keeps for its history besides it.
#[derive(Debug, Default)]
pub(crate) struct Observer {
    pub(crate) history: History,
    pub(crate) sink: Sink,
    command: Option<String>,
    counters: BTreeMap<NodeId, Counters>,
    /// Client proposals awaiting their answer: (member, request id, proposed at).
    in_flight: Vec<(NodeId, u64, u64)>,
    last_sample_at: Option<u64>,
}

impl Observer {
    pub(crate) fn new() -> Observer {
        Observer { sink: Sink::new(true), ..Observer::default() }
    }

    /// The instant the next sample or evaluation is due (u64::MAX: recording is off).
    #[inline]
    pub(crate) fn next_due(&self) -> u64 {
        if self.history.enabled {
            self.history.next_sample_at.min(self.history.next_eval_at)
        } else {
            u64::MAX
        }
    }
}

/// gRPC codes the mixin's etcdHighNumberOfFailedGRPCRequests counts as failed.
fn failed_code(code: Code) -> bool {
    matches!(
        code,
        Code::Unknown
            | Code::FailedPrecondition
            | Code::ResourceExhausted
            | Code::Unavailable
            | Code::DeadlineExceeded
    )
}

impl Cluster {
    /// The sampled history, events and alerts.
    pub fn history(&self) -> &History {
        &self.observer.history
    }

    /// The command line the events from now on are stamped with (None: no command runs).
    pub fn set_command(&mut self, command: Option<String>) {
        self.drain_reports();
        self.observer.command = command;
    }

    /// The time between two samples (at least 1 ms of virtual time); alerts are evaluated every
    /// [`EVAL_INTERVAL_MICROS`] regardless.
    pub fn set_sample_interval(&mut self, micros: u64) {
        let micros = micros.max(1_000);
        let history = &mut self.observer.history;
        history.interval_micros = micros;
        let now = self.world.now_micros();
        history.next_sample_at = now.div_ceil(micros) * micros;
    }

    /// Turns recording (samples, events, alerts) on or off; what it holds is kept.
    pub fn set_history_enabled(&mut self, enabled: bool) {
        self.drain_reports();
        self.observer.history.enabled = enabled;
        self.observer.sink.set_enabled(enabled);
        if enabled {
            let now = self.world.now_micros();
            let interval = self.observer.history.interval_micros;
            self.observer.history.next_sample_at = now.div_ceil(interval) * interval;
            self.observer.history.next_eval_at = now.div_ceil(EVAL_INTERVAL_MICROS) * EVAL_INTERVAL_MICROS;
        }
    }

    /// `etcdctl snapshot save` wrote `size` bytes to `path` from the member behind `endpoint`.
    pub fn note_snapshot_saved(&mut self, endpoint: &str, path: &str, size: u64) {
        let member = self.member_for_endpoint(endpoint).unwrap_or(0);
        self.emit(member, EventKind::SnapshotSaved { path: path.into(), size });
    }

    /// A client's call on `member` was handled (grpc_server_handled_total), in `took` virtual
    /// time if it is one the handling-time histogram counts.
    pub(crate) fn note_handled(&mut self, member: NodeId, error: Option<&Error>, took: Option<u64>) {
        let counters = self.observer.counters.entry(member).or_default();
        counters.requests += 1;
        if let Some(micros) = took {
            counters.handling[handling_bucket(micros)] += 1;
        }
        if error.is_some_and(|e| failed_code(crate::client::Status::from(e.clone()).code)) {
            counters.failed += 1;
        }
    }

    /// A proposal on `member` did not apply before the client's deadline.
    pub(crate) fn note_proposal_failed(&mut self, member: NodeId) {
        self.observer.counters.entry(member).or_default().proposals_failed += 1;
    }

    /// A client's proposal `id` on `member` went to raft; its answer is awaited.
    pub(crate) fn note_proposed(&mut self, member: NodeId, id: u64) {
        let now = self.world.now_micros();
        self.observer.in_flight.push((member, id, now));
    }

    /// The client stopped waiting for proposal `id` on `member` (answered, or given up).
    pub(crate) fn note_answered(&mut self, member: NodeId, id: u64) {
        self.observer.in_flight.retain(|&(on, request, _)| (on, request) != (member, id));
    }

    /// `member` went down: its process' proposals died with it.
    pub(crate) fn note_proposals_lost(&mut self, member: NodeId) {
        self.observer.in_flight.retain(|&(on, _, _)| on != member);
    }

    /// etcd_server_proposals_pending: proposals awaited on `member`, not applied yet, whose
    /// client's deadline has not passed (etcd's request returns then, and the gauge drops).
    fn proposals_pending(&self, member: NodeId) -> u64 {
        let Some(state) = self.world.app(member) else { return 0 };
        let now = self.world.now_micros();
        let waiting = self.observer.in_flight.iter().filter(|&&(on, id, at)| {
            on == member && at + COMMAND_TIMEOUT_MICROS > now && !state.has_result(id)
        });
        waiting.count() as u64
    }

    /// Reports an event of the cluster's own (member 0: the cluster lane), stamped now.
    pub(crate) fn emit(&mut self, member: NodeId, kind: EventKind) {
        let now = self.world.now_micros();
        self.observer.sink.kind(now, member, kind);
        self.drain_reports();
    }

    /// As [`Cluster::emit`], for what a timer did rather than the command running.
    pub(crate) fn emit_background(&mut self, member: NodeId, kind: EventKind) {
        self.drain_reports();
        let command = self.observer.command.take();
        self.emit(member, kind);
        self.observer.command = command;
    }

    /// Moves what the layers reported into the history, in the order it happened.
    pub(crate) fn drain_reports(&mut self) {
        if !self.observer.sink.has_pending() {
            return;
        }
        for (at, member, raw) in self.observer.sink.take() {
            let (member, kind) = match raw {
                Raw::Kind(kind) => (member, kind),
                Raw::SnapshotSent { to, index } => {
                    (member, EventKind::SnapshotSent { to: self.member_name(to), index })
                }
                Raw::SnapshotReceived { from, index } => {
                    (member, EventKind::SnapshotReceived { from: self.member_name(from), index })
                }
                Raw::Election { term, leader } => {
                    for config in &self.members {
                        if self.world.app(config.id).is_some() {
                            self.observer.counters.entry(config.id).or_default().leader_changes += 1;
                        }
                    }
                    (0, EventKind::Election { term, leader: self.member_name(leader) })
                }
            };
            let name = (member != 0).then(|| self.member_name(member));
            let command = self.observer.command.clone();
            self.observer.history.events.push(at, name, command, kind);
        }
    }

    /// Takes the samples and evaluations due before `bound` from the members' state now (the
    /// state since the last event, which holds until the next one).
    pub(crate) fn observe_before(&mut self, bound: u64) {
        if self.observer.next_due() >= bound {
            return;
        }
        self.drain_reports();
        // Proposals past their deadline are no longer awaited (a submitted write never collected).
        let now = self.world.now_micros();
        self.observer.in_flight.retain(|&(_, _, at)| at + COMMAND_TIMEOUT_MICROS > now);
        let figures = self.read_members();
        loop {
            let due = self.observer.next_due();
            if due >= bound {
                break;
            }
            let history = &mut self.observer.history;
            if history.next_sample_at == due {
                history.next_sample_at = due + history.interval_micros;
                let seconds = self.observer.last_sample_at.map_or(0.0, |last| (due - last) as f64 / 1e6);
                self.observer.last_sample_at = Some(due);
                let members = figures
                    .iter()
                    .map(|(id, sample, _)| {
                        let counters = self.observer.counters.entry(*id).or_default();
                        let served = counters.requests - counters.requests_sampled;
                        counters.requests_sampled = counters.requests;
                        let rate = if seconds > 0.0 { served as f64 / seconds } else { 0.0 };
                        MemberSample { requests_per_second: rate, ..sample.clone() }
                    })
                    .collect();
                history.ring.push(Sample { at_micros: due, span_micros: 0, members });
            }
            let history = &mut self.observer.history;
            if history.next_eval_at == due {
                history.next_eval_at = due + EVAL_INTERVAL_MICROS;
                let targets: Vec<Target> = figures.iter().map(|(_, _, t)| t.clone()).collect();
                for (member, kind) in history.alerts.evaluate(due, &targets) {
                    history.events.push(due, member, None, kind);
                }
            }
        }
    }

    /// Every member's figures now: as sampled, and as the alert rules scrape them.
    fn read_members(&self) -> Vec<(NodeId, MemberSample, Target)> {
        let quota = quota::quota_bytes(self.flags.borrow().quota_backend_bytes).unwrap_or(0);
        let base_fsync = DiskCosts::default().sync_micros;
        let up: Vec<NodeId> =
            self.members.iter().map(|m| m.id).filter(|&id| self.world.app(id).is_some()).collect();
        self.members
            .iter()
            .map(|config| {
                let id = config.id;
                let counters = self.observer.counters.get(&id).copied().unwrap_or_default();
                let fsync = base_fsync.saturating_mul(counters.slow_disk.max(1));
                let brief = self.world.raft_brief(id);
                let (entries, bytes) = self.world.log_memory(id);
                let mut sample = MemberSample {
                    name: config.name.clone(),
                    leader_changes: counters.leader_changes,
                    proposals_failed: counters.proposals_failed,
                    proposals_pending: self.proposals_pending(id),
                    fsync_p99_micros: fsync,
                    quota,
                    ..MemberSample::default()
                };
                if let (Some(state), Some((leader, _, commit))) = (self.world.app(id), brief) {
                    sample.up = true;
                    sample.leader = leader == id;
                    sample.db_size = state.db_size();
                    sample.db_size_in_use = state.db_size_in_use();
                    sample.revision = state.store.current_revision();
                    sample.compact_revision = state.store.compact_revision().max(0);
                    sample.raft_index = commit;
                    sample.applied_index = state.consistent_index();
                    sample.snapshot_index = self.world.snapshot_index(id);
                    sample.raft_entries = entries;
                    sample.raft_bytes = bytes;
                    sample.keys = state.store.key_index_len() as u64;
                    for (member, alarm) in &state.alarms {
                        let name = alarm.name().to_string();
                        if *member == id && !sample.alarms.contains(&name) {
                            sample.alarms.push(name);
                        }
                    }
                }
                let target = Target {
                    name: config.name.clone(),
                    up: sample.up,
                    has_leader: brief.is_some_and(|(leader, _, _)| leader != 0),
                    db_size: sample.db_size,
                    db_size_in_use: sample.db_size_in_use,
                    quota,
                    raft_index: sample.raft_index,
                    leader_changes: counters.leader_changes,
                    proposals_failed: counters.proposals_failed,
                    fsync_p99_micros: fsync,
                    grpc_total: counters.requests,
                    grpc_failed: counters.failed,
                    handling: counters.handling,
                    unreachable: sample.up
                        && up.iter().any(|&other| other != id && self.world.network.is_cut(other, id)),
                };
                (id, sample, target)
            })
            .collect()
    }

    /// Records a disk's slow-down for the fsync figure.
    pub(crate) fn note_slow_disk(&mut self, member: NodeId, factor: u64) {
        self.observer.counters.entry(member).or_default().slow_disk = factor;
    }
}

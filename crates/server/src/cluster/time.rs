//! Virtual time for the cluster: advancing it through the world's one event queue, where the
//! cluster's alarm rings for its timers (backend batch commits, lease expiry, the
//! auto-compactor), and etcd's log lines for what the members report.

use super::Cluster;
use crate::error::Error;
use crate::raft_node::NodeEvent;
use crate::request::{Envelope, Request};

impl Cluster {
    /// Lets virtual time pass; the cluster's timers ring on the way.
    pub fn advance(&mut self, micros: u64) {
        let until = self.world.now_micros().saturating_add(micros);
        self.set_alarm();
        while self.world.next_event_at().is_some_and(|at| at <= until) {
            // Set for the next timer as it stood when the last one rang: what falls due
            // meanwhile waits for that alarm.
            self.step();
        }
        let now = self.world.now_micros();
        self.world.advance(until.saturating_sub(now));
        self.log.set_now(self.world.now_micros());
        self.collect_events();
        self.observe_before(until.saturating_add(1));
    }

    /// Runs the next event of the world's queue; if it was the cluster's alarm, the timers due
    /// fire and the alarm is set for the next one.
    fn step(&mut self) {
        // Samples due before the next event see the state the last one left.
        if let Some(at) = self.world.next_event_at() {
            if self.observer.next_due() < at {
                self.observe_before(at);
            }
        }
        self.world.step();
        self.drain_reports();
        if let Some(token) = self.world.take_alarm() {
            // An alarm set for a time since replaced rings for nothing.
            if self.alarm.is_some_and(|(_, set)| set == token) {
                self.alarm = None;
                self.fire_timers();
                self.set_alarm();
            }
        }
    }

    /// Sets the cluster's alarm on the world's queue for its next timer (the backends' batch
    /// commits, the leader's first lease to expire, the compactor's wake-up), replacing one set
    /// for another time.
    fn set_alarm(&mut self) {
        let next = self.next_timer();
        if self.alarm.map(|(at, _)| at) == next {
            return;
        }
        self.alarm = next.map(|at| {
            self.alarm_token += 1;
            self.world.set_alarm(at, self.alarm_token);
            (at, self.alarm_token)
        });
    }

    /// Turns what the world reports (snapshots, compactions, leaders) into etcd's log lines.
    fn collect_events(&mut self) {
        for (at, member, event) in self.world.take_events() {
            let log = &self.log;
            match event {
                NodeEvent::BecameLeader { term } => {
                    log.push_at(at, member, &format!("{member:x} became leader at term {term}"), &[])
                }
                NodeEvent::SnapshotSaved { applied, previous, count } => {
                    log.push_at(
                        at,
                        member,
                        "triggering snapshot",
                        &[
                            ("local-member-applied-index", applied.to_string()),
                            ("local-member-snapshot-index", previous.to_string()),
                            ("local-member-snapshot-count", count.to_string()),
                        ],
                    );
                    log.push_at(at, member, "saved snapshot", &[("snapshot-index", applied.to_string())]);
                }
                NodeEvent::LogCompacted { index } => {
                    log.push_at(at, member, "compacted Raft logs", &[("compact-index", index.to_string())])
                }
                NodeEvent::SnapshotSent { to, index, bytes } => {
                    let fields = [
                        ("snapshot-index", index.to_string()),
                        ("remote-peer-id", format!("{to:x}")),
                        ("bytes", bytes.to_string()),
                    ];
                    log.push_at(at, member, "sending database snapshot", &fields);
                    log.push_at(at, member, "sent database snapshot", &fields);
                }
                NodeEvent::SnapshotApplied { from, index, bytes } => {
                    log.push_at(
                        at,
                        member,
                        "receiving database snapshot",
                        &[
                            ("remote-snapshot-sender-id", format!("{from:x}")),
                            ("incoming-snapshot-index", index.to_string()),
                            ("bytes", bytes.to_string()),
                        ],
                    );
                    log.push_at(
                        at,
                        member,
                        "applied incoming Raft snapshot",
                        &[("snapshot-index", index.to_string())],
                    );
                    log.push_at(
                        at,
                        member,
                        "restored mvcc store",
                        &[("consistent-index", index.to_string())],
                    );
                }
            }
        }
    }

    fn next_timer(&self) -> Option<u64> {
        let compactor = self.compactor.as_ref().map(|c| c.next_micros);
        let commits = self.members.iter().filter_map(|m| self.member(m.id)?.commit_due_at()).min();
        [compactor, self.next_lease_expiry(), commits].into_iter().flatten().min()
    }

    fn next_lease_expiry(&self) -> Option<u64> {
        // Asked on every event a request waits on: finding the leader is the dear part, and
        // with no lease anywhere the leader has none either.
        let members = self.members.iter().filter_map(|m| self.member(m.id));
        if members.into_iter().all(|m| m.lessor.leases().next().is_none()) {
            return None;
        }
        let leader = self.leader()?;
        self.member(leader)?.lessor.leases().map(|l| l.expiry_ms * 1000).min()
    }

    fn fire_timers(&mut self) {
        self.collect_events();
        let now = self.world.now_micros();
        self.log.set_now(now);
        for id in self.members.iter().map(|m| m.id).collect::<Vec<_>>() {
            if let Some(member) =
                self.member_mut(id).filter(|m| m.commit_due_at().is_some_and(|at| at <= now))
            {
                member.commit(now);
            }
        }
        if let Some(leader) = self.leader() {
            let expired = self.member(leader).map(|m| m.lessor.expired(now / 1000)).unwrap_or_default();
            for id in expired {
                let request_id = self.request_id();
                self.propose(
                    leader,
                    Envelope { id: request_id, origin: 0, request: Request::LeaseRevoke { id } },
                );
            }
        }
        let Some(mut compactor) = self.compactor.take() else { return };
        if compactor.next_micros <= now {
            let leader = self.leader();
            // Every member's compactor samples its own store; the leader's acts.
            let sampler = leader.or_else(|| self.members.iter().map(|m| m.id).find(|&id| self.is_up(id)));
            let current = sampler.and_then(|id| self.member(id)).map_or(1, |m| m.store.current_revision());
            if let (Some(rev), Some(leader)) = (compactor.wake(now, current, leader.is_some()), leader) {
                let (kind, extra) = match compactor.mode {
                    crate::flags::CompactionMode::Periodic => {
                        ("periodic", ("compact-period", compactor.period_text()))
                    }
                    crate::flags::CompactionMode::Revision => {
                        ("revision", ("revision-compaction-retention", compactor.retention.to_string()))
                    }
                };
                self.log.info(
                    leader,
                    &format!("starting auto {kind} compaction"),
                    &[("revision", rev.to_string()), extra.clone()],
                );
                if self.compaction_schedulable(leader, rev) {
                    let mode = kind.to_string();
                    self.emit_background(
                        0,
                        crate::observe::EventKind::CompactionScheduled { revision: rev, mode },
                    );
                }
                let result = self.compact_request(leader, rev, false);
                if matches!(result, Ok(_) | Err(Error::Compacted)) {
                    compactor.succeeded(self.world.now_micros(), rev);
                    self.log.info(
                        leader,
                        &format!("completed auto {kind} compaction"),
                        &[("revision", rev.to_string()), extra],
                    );
                }
            }
        }
        self.compactor = Some(compactor);
    }

    /// Runs the world until `done` or `max_micros` pass; timers fire on the way.
    pub fn run_until(&mut self, max_micros: u64, mut done: impl FnMut(&Cluster) -> bool) -> bool {
        let until = self.world.now_micros().saturating_add(max_micros);
        while !done(self) {
            let now = self.world.now_micros();
            if now >= until {
                self.collect_events();
                return false;
            }
            // A request waits on every event: its alarm follows what each one changed.
            self.set_alarm();
            if self.alarm.is_some_and(|(at, _)| at <= now) {
                // Overdue (a commit the last event made due at once): before anything else.
                self.alarm = None;
                self.fire_timers();
                continue;
            }
            match self.world.next_event_at() {
                Some(at) if at <= until => self.step(),
                _ => {
                    self.world.advance(until - now);
                    self.collect_events();
                    self.observe_before(until.saturating_add(1));
                    return done(self);
                }
            }
        }
        self.log.set_now(self.world.now_micros());
        self.collect_events();
        true
    }
}

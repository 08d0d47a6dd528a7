//! The typed event stream the page's timeline draws: what happened, when (virtual time), on
//! which member (or the cluster as a whole), and the command line running when it did. Layers
//! below the cluster (the raftNode loop, the apply loop) report into a shared [`Sink`] as they
//! act; the cluster drains it into the bounded [`Events`] list in the order things happened.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use playground_raft::NodeId;
use serde::Serialize;

/// Events kept: older ones are dropped first.
pub const EVENT_LIMIT: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// 1, 2, ... in the order the events happened (never reused, even after old ones drop).
    pub seq: u64,
    pub at_micros: u64,
    /// The member it happened on; None for the cluster's lane.
    pub member: Option<String>,
    /// The command line running when it happened (None for timers: the auto-compactor, and
    /// for what happens between commands).
    pub command: Option<String>,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum EventKind {
    /// A compaction requested: by `etcdctl compaction` ("manual") or the auto-compactor
    /// ("periodic" / "revision"). Cluster lane.
    CompactionScheduled {
        revision: i64,
        mode: String,
    },
    /// A member applied a compaction; `keys_removed` counts keys whose whole history went
    /// (the key index shrank by that many).
    Compacted {
        revision: i64,
        keys_removed: u64,
    },
    DefragStarted {
        size_before: u64,
    },
    /// `blocked_micros`: how long the member's apply loop (its reads and writes) was held.
    DefragFinished {
        size_before: u64,
        size_after: u64,
        blocked_micros: u64,
    },
    /// `--snapshot-count` entries applied: the member took a raft snapshot at `index`.
    SnapshotTaken {
        index: u64,
    },
    /// The leader sent its db to a follower behind its log.
    SnapshotSent {
        to: String,
        index: u64,
    },
    SnapshotReceived {
        from: String,
        index: u64,
    },
    SnapshotApplied {
        index: u64,
    },
    /// `etcdctl snapshot save` wrote a file.
    SnapshotSaved {
        path: String,
        size: u64,
    },
    /// A member became leader (cluster lane).
    Election {
        term: u64,
        leader: String,
    },
    /// On the lane of the member the alarm is for; once per raft entry, not once per member
    /// applying it.
    AlarmRaised {
        alarm: String,
    },
    AlarmDisarmed {
        alarm: String,
    },
    MemberKilled,
    MemberRestarted,
    Isolated,
    /// The link between two members cut both ways (cluster lane).
    Partitioned {
        a: String,
        b: String,
    },
    /// Every cut link mended (cluster lane).
    Healed,
    /// The member's disk latencies multiplied by `factor` (1: a normal disk again).
    SlowDisk {
        factor: u64,
    },
    /// A request over the quota: refused before raft ("api") or while applied ("apply", which
    /// raises the NOSPACE alarm).
    QuotaExceeded {
        layer: String,
    },
    AlertFiring {
        name: String,
        severity: String,
        summary: String,
    },
    AlertResolved {
        name: String,
    },
}

impl EventKind {
    /// The timeline's kind (`data-kind`).
    pub fn category(&self) -> &'static str {
        use EventKind::*;
        match self {
            CompactionScheduled { .. } | Compacted { .. } => "compaction",
            DefragStarted { .. } | DefragFinished { .. } => "defrag",
            SnapshotTaken { .. }
            | SnapshotSent { .. }
            | SnapshotReceived { .. }
            | SnapshotApplied { .. }
            | SnapshotSaved { .. } => "snapshot",
            Election { .. } => "election",
            AlarmRaised { .. } | AlarmDisarmed { .. } => "alarm",
            MemberKilled | MemberRestarted | Isolated | Partitioned { .. } | Healed | SlowDisk { .. } => {
                "fault"
            }
            QuotaExceeded { .. } => "quota",
            AlertFiring { .. } | AlertResolved { .. } => "alert",
        }
    }

    /// Heap bytes its strings hold.
    fn heap_bytes(&self) -> usize {
        use EventKind::*;
        match self {
            CompactionScheduled { mode: s, .. }
            | SnapshotSent { to: s, .. }
            | SnapshotReceived { from: s, .. }
            | SnapshotSaved { path: s, .. }
            | Election { leader: s, .. }
            | AlarmRaised { alarm: s }
            | AlarmDisarmed { alarm: s }
            | QuotaExceeded { layer: s }
            | AlertResolved { name: s } => s.capacity(),
            Partitioned { a, b } => a.capacity() + b.capacity(),
            AlertFiring { name, severity, summary } => {
                name.capacity() + severity.capacity() + summary.capacity()
            }
            _ => 0,
        }
    }
}

impl Event {
    pub(crate) fn heap_bytes(&self) -> usize {
        self.member.as_ref().map_or(0, String::capacity)
            + self.command.as_ref().map_or(0, String::capacity)
            + self.kind.heap_bytes()
    }
}

/// What a layer below the cluster reports: members by id, named when the cluster drains it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Raw {
    Kind(EventKind),
    SnapshotSent { to: NodeId, index: u64 },
    SnapshotReceived { from: NodeId, index: u64 },
    Election { term: u64, leader: NodeId },
}

/// One report: when, the member (0: the cluster), what.
pub(crate) type Pending = (u64, NodeId, Raw);

#[derive(Debug, Default)]
struct SinkState {
    enabled: bool,
    pending: Vec<Pending>,
    /// The highest raft index a cluster-wide report was taken for: the first member to apply
    /// an entry reports it, the others (applying the same entry later) do not.
    reported_index: u64,
}

/// Where the members' layers report events, shared with the cluster that drains them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sink(Rc<RefCell<SinkState>>);

impl Sink {
    pub(crate) fn new(enabled: bool) -> Sink {
        Sink(Rc::new(RefCell::new(SinkState { enabled, ..SinkState::default() })))
    }

    pub(crate) fn set_enabled(&self, enabled: bool) {
        let mut state = self.0.borrow_mut();
        state.enabled = enabled;
        if !enabled {
            state.pending.clear();
        }
    }

    pub(crate) fn push(&self, at: u64, member: NodeId, raw: Raw) {
        let mut state = self.0.borrow_mut();
        if state.enabled {
            state.pending.push((at, member, raw));
        }
    }

    pub(crate) fn kind(&self, at: u64, member: NodeId, kind: EventKind) {
        self.push(at, member, Raw::Kind(kind));
    }

    /// Reports what applying raft entry `index` did, unless a member applying it before did.
    pub(crate) fn once_for_entry(&self, index: u64, at: u64, member: NodeId, kind: EventKind) {
        let mut state = self.0.borrow_mut();
        if state.enabled && index > state.reported_index {
            state.reported_index = index;
            state.pending.push((at, member, Raw::Kind(kind)));
        }
    }

    pub(crate) fn has_pending(&self) -> bool {
        !self.0.borrow().pending.is_empty()
    }

    pub(crate) fn take(&self) -> Vec<Pending> {
        std::mem::take(&mut self.0.borrow_mut().pending)
    }
}

/// The newest [`EVENT_LIMIT`] events, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Events {
    list: VecDeque<Event>,
    next_seq: u64,
}

impl Events {
    pub(crate) fn push(
        &mut self,
        at_micros: u64,
        member: Option<String>,
        command: Option<String>,
        kind: EventKind,
    ) {
        self.next_seq += 1;
        // Time order is seq order: a report stamped before the newest one kept (an evaluation
        // instant the clock had jumped past) is shown at the newest one's time.
        let at_micros = self.list.back().map_or(at_micros, |last| at_micros.max(last.at_micros));
        if self.list.len() >= EVENT_LIMIT {
            self.list.pop_front();
        }
        self.list.push_back(Event { seq: self.next_seq, at_micros, member, command, kind });
    }

    pub fn list(&self) -> &VecDeque<Event> {
        &self.list
    }

    /// Events after `seq`, oldest first (`0`: every event kept).
    pub fn since(&self, seq: u64) -> Vec<Event> {
        let start = self.list.partition_point(|e| e.seq <= seq);
        self.list.range(start..).cloned().collect()
    }

    pub(crate) fn memory_bytes(&self) -> usize {
        self.list.capacity() * std::mem::size_of::<Event>()
            + self.list.iter().map(Event::heap_bytes).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_stay_bounded_and_numbered() {
        let mut events = Events::default();
        for i in 0..(EVENT_LIMIT as u64 + 5) {
            events.push(i, None, None, EventKind::Healed);
        }
        assert_eq!(events.list().len(), EVENT_LIMIT);
        assert_eq!(events.list().front().map(|e| e.seq), Some(6));
        let last = events.since(EVENT_LIMIT as u64 + 3);
        assert_eq!(
            last.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![EVENT_LIMIT as u64 + 4, EVENT_LIMIT as u64 + 5]
        );
    }

    #[test]
    fn kinds_serialize_tagged_camel_case() {
        let kind = EventKind::DefragFinished { size_before: 3, size_after: 2, blocked_micros: 1 };
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, r#"{"type":"defragFinished","sizeBefore":3,"sizeAfter":2,"blockedMicros":1}"#);
        assert_eq!(kind.category(), "defrag");
    }
}

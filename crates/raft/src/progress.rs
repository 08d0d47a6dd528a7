//! A leader's view of one follower, as etcd-raft's `Progress`: how far its log matches, what to
//! send next, and whether to probe one message at a time or stream optimistically.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressState {
    /// Unknown match: one append at a time until one is accepted.
    Probe,
    /// Known match: appends stream, up to the inflight limit.
    Replicate,
    /// Behind the leader's first index: a snapshot is on its way; nothing else is sent.
    Snapshot,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub matched: u64,
    pub next: u64,
    pub state: ProgressState,
    /// Probe: an append is out and unanswered.
    pub probe_sent: bool,
    /// Replicate: last indexes of the appends in flight, oldest first.
    pub inflights: Vec<u64>,
    /// Heard from since the last check-quorum round.
    pub recent_active: bool,
    /// Snapshot: the index of the snapshot sent.
    pub pending_snapshot: u64,
    pub is_learner: bool,
}

impl Progress {
    pub fn new(next: u64) -> Progress {
        Progress {
            matched: 0,
            next,
            state: ProgressState::Probe,
            probe_sent: false,
            inflights: Vec::new(),
            recent_active: false,
            pending_snapshot: 0,
            is_learner: false,
        }
    }

    pub fn is_paused(&self, max_inflight: usize) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => self.inflights.len() >= max_inflight,
            ProgressState::Snapshot => true,
        }
    }

    pub fn become_snapshot(&mut self, index: u64) {
        self.state = ProgressState::Snapshot;
        self.pending_snapshot = index;
        self.probe_sent = false;
        self.inflights.clear();
    }

    pub fn become_probe(&mut self) {
        // After a snapshot, continue from it.
        let from = if self.state == ProgressState::Snapshot {
            self.matched.max(self.pending_snapshot)
        } else {
            self.matched
        };
        self.state = ProgressState::Probe;
        self.next = from + 1;
        self.pending_snapshot = 0;
        self.probe_sent = false;
        self.inflights.clear();
    }

    pub fn become_replicate(&mut self) {
        self.state = ProgressState::Replicate;
        self.next = self.matched + 1;
        self.probe_sent = false;
        self.inflights.clear();
    }

    /// An append up to `index` was accepted. False if it tells nothing new.
    pub fn maybe_update(&mut self, index: u64) -> bool {
        let updated = self.matched < index;
        if updated {
            self.matched = index;
            self.probe_sent = false;
        }
        self.next = self.next.max(index + 1);
        updated
    }

    /// An append at `rejected` was refused; the follower hints its log may match at `hint`.
    /// False if the rejection is stale.
    pub fn maybe_decrease_to(&mut self, rejected: u64, hint: u64) -> bool {
        if self.state == ProgressState::Replicate {
            if rejected <= self.matched {
                return false;
            }
            self.next = self.matched + 1;
            return true;
        }
        if self.next - 1 != rejected {
            return false;
        }
        self.next = rejected.min(hint + 1).max(1);
        self.probe_sent = false;
        true
    }

    /// Appends up to `index` are acknowledged: they leave the window.
    pub fn free_inflights_to(&mut self, index: u64) {
        self.inflights.retain(|&last| last > index);
    }
}

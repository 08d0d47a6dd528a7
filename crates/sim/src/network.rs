//! Links between hosts: a base latency with jitter, a loss rate, and cuts (one-way or both).

use std::collections::BTreeSet;

use playground_raft::NodeId;

#[derive(Debug, Clone)]
pub struct Network {
    /// One-way delay of a message, in microseconds, before jitter.
    pub latency_micros: u64,
    /// Up to this much more, drawn per message.
    pub jitter_micros: u64,
    /// Messages lost, in percent.
    pub loss_percent: u64,
    /// Links that drop everything, as (from, to).
    cut: BTreeSet<(NodeId, NodeId)>,
}

impl Default for Network {
    fn default() -> Self {
        // A LAN: about a millisecond each way.
        Network { latency_micros: 1_000, jitter_micros: 500, loss_percent: 0, cut: BTreeSet::new() }
    }
}

impl Network {
    pub fn cut_one_way(&mut self, from: NodeId, to: NodeId) {
        self.cut.insert((from, to));
    }

    pub fn partition(&mut self, a: NodeId, b: NodeId) {
        self.cut.insert((a, b));
        self.cut.insert((b, a));
    }

    pub fn heal(&mut self) {
        self.cut.clear();
    }

    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut.contains(&(from, to))
    }
}

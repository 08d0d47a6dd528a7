//! Links between hosts: a base latency with jitter, a loss rate, and cuts (one-way or both).

use std::collections::{BTreeMap, BTreeSet};

use playground_raft::NodeId;

#[derive(Debug, Clone)]
pub struct Network<M> {
    /// One-way delay of a message, in microseconds, before jitter.
    pub latency_micros: u64,
    /// Up to this much more, drawn per message.
    pub jitter_micros: u64,
    /// Messages lost, in percent.
    pub loss_percent: u64,
    /// Links that drop everything, as (from, to).
    cut: BTreeSet<(NodeId, NodeId)>,
    /// Links that hold their messages until released.
    held: BTreeMap<(NodeId, NodeId), Vec<M>>,
}

impl<M> Default for Network<M> {
    fn default() -> Self {
        // A LAN: about a millisecond each way.
        Network {
            latency_micros: 1_000,
            jitter_micros: 500,
            loss_percent: 0,
            cut: BTreeSet::new(),
            held: BTreeMap::new(),
        }
    }
}

impl<M> Network<M> {
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

    pub fn hold(&mut self, from: NodeId, to: NodeId) {
        self.held.entry((from, to)).or_default();
    }

    /// The held messages of a link, which stops holding.
    pub fn release(&mut self, from: NodeId, to: NodeId) -> Vec<M> {
        self.held.remove(&(from, to)).unwrap_or_default()
    }

    pub(crate) fn held_mut(&mut self, from: NodeId, to: NodeId) -> Option<&mut Vec<M>> {
        if self.held.is_empty() {
            return None;
        }
        self.held.get_mut(&(from, to))
    }

    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut.contains(&(from, to))
    }
}

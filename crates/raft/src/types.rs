//! Raft's data: entries, hard state, messages, in etcd-raft's vocabulary.

use bytes::Bytes;
use playground_wire::{Decoder, Encoder, Field};

pub type NodeId = u64;

/// "No node": no leader known, no vote cast.
pub const NONE: NodeId = 0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntryType {
    #[default]
    Normal,
    ConfChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    pub term: u64,
    pub index: u64,
    pub kind: EntryType,
    /// Shared, not copied, between the log, the messages to each follower and the apply
    /// queue: a 1 MiB put is one buffer however many members hold it.
    pub data: Bytes,
}

/// What must be on disk before a message is sent: term, vote, commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HardState {
    pub term: u64,
    pub vote: NodeId,
    pub commit: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageType {
    /// Local: start an election.
    Hup,
    /// Local: the leader checks it still hears from a quorum.
    CheckQuorum,
    /// A proposal (local to the leader, or forwarded by a follower).
    Prop,
    App,
    AppResp,
    Vote,
    VoteResp,
    PreVote,
    PreVoteResp,
    Heartbeat,
    HeartbeatResp,
    /// The leader sends its snapshot to a follower behind its first log index.
    Snap,
    /// To the leader: hand leadership to `from`.
    TransferLeader,
    /// Leader to transferee: campaign now, ignoring the election timeout and leases.
    TimeoutNow,
    /// A linearizable read: the leader answers with its commit index once a quorum confirms
    /// it still leads.
    ReadIndex,
    ReadIndexResp,
}

/// A read that may be served once the applied index reaches `index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadState {
    pub index: u64,
    /// The request's own id, as the caller gave it.
    pub context: Vec<u8>,
}

/// A raft snapshot: the state machine at `index` (`data`, opaque to raft) and the membership
/// then.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub index: u64,
    pub term: u64,
    pub voters: Vec<NodeId>,
    pub learners: Vec<NodeId>,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfChangeType {
    AddNode,
    RemoveNode,
    AddLearnerNode,
}

/// A single-step membership change, carried in a `ConfChange` entry (raftpb's field numbers:
/// type 2, node id 3, context 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfChange {
    pub kind: ConfChangeType,
    pub node_id: NodeId,
    pub context: Vec<u8>,
}

impl ConfChange {
    pub fn encode(&self) -> Vec<u8> {
        let kind = match self.kind {
            ConfChangeType::AddNode => 0,
            ConfChangeType::RemoveNode => 1,
            ConfChangeType::AddLearnerNode => 3,
        };
        let mut out = Encoder::new();
        out.varint(1, 0).varint(2, kind).varint(3, self.node_id).bytes_nonempty(4, &self.context);
        out.into_bytes()
    }

    pub fn decode(bytes: &[u8]) -> Option<ConfChange> {
        let (mut kind, mut node_id, mut context) = (0, 0, Vec::new());
        for field in Decoder::new(bytes) {
            match field.ok()? {
                Field::Varint(2, value) => kind = value,
                Field::Varint(3, value) => node_id = value,
                Field::Bytes(4, data) => context = data.to_vec(),
                _ => {}
            }
        }
        let kind = match kind {
            0 => ConfChangeType::AddNode,
            1 => ConfChangeType::RemoveNode,
            3 => ConfChangeType::AddLearnerNode,
            _ => return None,
        };
        Some(ConfChange { kind, node_id, context })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: MessageType,
    pub from: NodeId,
    pub to: NodeId,
    pub term: u64,
    /// App: the index before `entries`; AppResp: the last index accepted (or rejected).
    pub index: u64,
    /// App: the term at `index`; votes: the candidate's last log term.
    pub log_term: u64,
    pub commit: u64,
    pub entries: Vec<Entry>,
    pub reject: bool,
    /// AppResp rejections: where the follower's log might match.
    pub reject_hint: u64,
    pub snapshot: Option<Snapshot>,
    /// A vote asked for by a leadership transfer: voters in a leader's lease still answer.
    pub transfer: bool,
    /// ReadIndex requests and the heartbeats that confirm them: the request id.
    pub context: Vec<u8>,
}

impl Message {
    pub fn new(kind: MessageType, from: NodeId, to: NodeId) -> Message {
        Message {
            kind,
            from,
            to,
            term: 0,
            index: 0,
            log_term: 0,
            commit: 0,
            entries: Vec::new(),
            reject: false,
            reject_hint: 0,
            snapshot: None,
            transfer: false,
            context: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// raftpb.ConfChange as etcd writes it: ID, Type and NodeID always, Context when set.
    #[test]
    fn conf_change_wire_format() {
        let change =
            ConfChange { kind: ConfChangeType::AddLearnerNode, node_id: 0x1234, context: b"ctx".to_vec() };
        let bytes = change.encode();
        assert_eq!(bytes, b"\x08\x00\x10\x03\x18\xb4\x24\x22\x03ctx");
        assert_eq!(ConfChange::decode(&bytes), Some(change));
        let bare = ConfChange { kind: ConfChangeType::RemoveNode, node_id: 7, context: Vec::new() };
        assert_eq!(bare.encode(), b"\x08\x00\x10\x01\x18\x07");
        assert_eq!(ConfChange::decode(&bare.encode()), Some(bare));
        assert_eq!(ConfChange::decode(b"\x10\x02"), None, "ConfChangeUpdateNode is not one we apply");
        assert_eq!(ConfChange::decode(b"\x22\x05ab"), None);
    }
}

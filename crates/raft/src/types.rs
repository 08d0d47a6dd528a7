//! Raft's data: entries, hard state, messages, in etcd-raft's vocabulary.

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
    pub data: Vec<u8>,
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
        }
    }
}

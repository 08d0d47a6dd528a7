//! The cluster as the UI shows it: one state per member.

use playground_raft::{NodeId, Role};
use serde::{Serialize, Serializer};

use super::Cluster;
use crate::quota;
use crate::raft_node::Application;

/// One member as the UI shows it; serialized (camelCase, the id in hex as etcdctl prints it)
/// for the JavaScript API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberState {
    pub name: String,
    #[serde(serialize_with = "hex_id")]
    pub id: u64,
    #[serde(rename = "clientURL")]
    pub client_url: String,
    pub up: bool,
    pub role: &'static str,
    pub term: u64,
    pub raft_index: u64,
    pub applied_index: u64,
    pub revision: i64,
    pub compact_revision: i64,
    pub db_size: u64,
    pub db_size_in_use: u64,
    pub quota: u64,
    pub alarms: Vec<String>,
    pub snapshot_index: u64,
    pub wal_bytes: u64,
    /// Raft entries held in memory, and their bytes (what `--snapshot-count` bounds).
    pub log_entries: u64,
    pub log_bytes: u64,
}

fn hex_id<S: Serializer>(id: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("{id:x}"))
}

impl Cluster {
    /// Whether a member's host is up.
    pub fn is_up(&self, member: NodeId) -> bool {
        self.member(member).is_some()
    }

    /// Every member as the UI shows it.
    pub fn member_states(&self) -> Vec<MemberState> {
        let quota = quota::quota_bytes(self.flags.borrow().quota_backend_bytes).unwrap_or(0);
        self.members
            .iter()
            .map(|config| {
                let state = self.member(config.id);
                let raft = self.world.status(config.id);
                let view = self.world.member(config.id);
                MemberState {
                    name: config.name.clone(),
                    id: config.id,
                    client_url: config.client_url.clone(),
                    up: state.is_some(),
                    role: match raft.as_ref().map(|r| r.role) {
                        Some(Role::Leader) => "leader",
                        Some(Role::Candidate) | Some(Role::PreCandidate) => "candidate",
                        Some(_) if raft.as_ref().is_some_and(|r| r.learners.contains(&config.id)) => {
                            "learner"
                        }
                        Some(_) => "follower",
                        // Added with `member add` and not started yet by its operator.
                        None if !config.started => "unstarted",
                        None => "down",
                    },
                    term: raft.as_ref().map_or(0, |r| r.term),
                    raft_index: raft.as_ref().map_or(0, |r| r.last_index),
                    applied_index: state.map_or(0, |s| s.consistent_index()),
                    revision: state.map_or(0, |s| s.store.current_revision()),
                    compact_revision: state.map_or(0, |s| s.store.compact_revision().max(0)),
                    db_size: state.map_or(0, |s| s.db_size()),
                    db_size_in_use: state.map_or(0, |s| s.db_size_in_use()),
                    quota,
                    alarms: state
                        .map(|s| s.alarms.iter().map(|(id, a)| format!("{}:{id:x}", a.name())).collect())
                        .unwrap_or_default(),
                    snapshot_index: self.world.snapshot_files(config.id).last().map_or(0, |name| {
                        name.trim_end_matches(".snap")
                            .rsplit('-')
                            .next()
                            .and_then(|i| u64::from_str_radix(i, 16).ok())
                            .unwrap_or(0)
                    }),
                    wal_bytes: view.map_or(0, |v| v.wal_bytes),
                    log_entries: self.world.log_memory(config.id).0,
                    log_bytes: self.world.log_memory(config.id).1,
                }
            })
            .collect()
    }
}

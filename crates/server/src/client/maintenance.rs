//! clientv3's Maintenance: alarms, status, hash, defragment, snapshot, leader moves. The
//! per-member calls (status, hashkv, defragment) go to the client's one endpoint, as
//! etcdctl makes one client per endpoint for them.

use playground_raft::NodeId;
use serde::Serialize;

use super::json::is_zero;
use super::{Client, Status};
use crate::cluster::{Header, StatusResponse};
use crate::error::Error;
use crate::request::{AlarmAction, AlarmType};

/// `AlarmMember`: the alarm type serializes as its protobuf number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AlarmMember {
    #[serde(rename = "memberID")]
    pub member_id: u64,
    #[serde(serialize_with = "alarm_number")]
    pub alarm: AlarmType,
}

fn alarm_number<S: serde::Serializer>(alarm: &AlarmType, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(alarm.number())
}

/// `AlarmResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlarmResponse {
    pub header: Header,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<AlarmMember>,
}

/// `HashKVResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashKvResponse {
    pub header: Header,
    #[serde(skip_serializing_if = "is_zero")]
    pub hash: u32,
    #[serde(skip_serializing_if = "is_zero")]
    pub compact_revision: i64,
    /// 3.6 on: the revision the hash covers.
    #[serde(skip_serializing_if = "is_zero")]
    pub hash_revision: i64,
}

/// `DefragmentResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefragmentResponse {
    pub header: Header,
}

/// `MoveLeaderResponse`, with the leader the transfer started from (etcdctl reads it from
/// the status it asks for first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoveLeaderResponse {
    pub header: Header,
    #[serde(skip)]
    pub from: NodeId,
}

/// The snapshot stream, whole: the db and its SHA-256 trailer, and the endpoint it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotResponse {
    pub endpoint: String,
    pub file: Vec<u8>,
}

impl Client<'_> {
    pub fn alarm_list(&mut self) -> Result<AlarmResponse, Status> {
        self.alarm(AlarmAction::Get)
    }

    /// Deactivates every alarm the list shows, answering with them.
    pub fn alarm_disarm(&mut self) -> Result<AlarmResponse, Status> {
        self.alarm(AlarmAction::Deactivate)
    }

    fn alarm(&mut self, action: AlarmAction) -> Result<AlarmResponse, Status> {
        self.call("/etcdserverpb.Maintenance/Alarm", |cluster, member| {
            let (alarms, header) = cluster.alarm(member, action)?;
            let alarms =
                alarms.into_iter().map(|(member_id, alarm)| AlarmMember { member_id, alarm }).collect();
            Ok(AlarmResponse { header, alarms })
        })
    }

    pub fn status(&mut self) -> Result<StatusResponse, Status> {
        self.call("/etcdserverpb.Maintenance/Status", |cluster, member| cluster.status(member))
    }

    /// The hash of the keyspace up to `revision` (0: the current one).
    pub fn hash_kv(&mut self, revision: i64) -> Result<HashKvResponse, Status> {
        self.call("/etcdserverpb.Maintenance/HashKV", |cluster, member| {
            let (hash, header) = cluster.hash_kv(member, revision)?;
            let hashed = if revision > 0 { revision } else { header.revision };
            let hash_revision = if cluster.version().api_3_6_fields() { hashed } else { 0 };
            Ok(HashKvResponse {
                header,
                hash: hash.hash,
                compact_revision: hash.compact_revision,
                hash_revision,
            })
        })
    }

    pub fn defragment(&mut self) -> Result<DefragmentResponse, Status> {
        self.call_untimed("/etcdserverpb.Maintenance/Defragment", |cluster, member| {
            cluster.defrag(member).map(|header| DefragmentResponse { header })
        })
    }

    pub fn snapshot(&mut self) -> Result<SnapshotResponse, Status> {
        let endpoint = self.select().map(|s| s.endpoint).unwrap_or_default();
        self.call_untimed("/etcdserverpb.Maintenance/Snapshot", |cluster, member| cluster.snapshot(member))
            .map(|file| SnapshotResponse { endpoint, file })
    }

    /// Hands leadership to `target`, which must be a member.
    pub fn move_leader(&mut self, target: NodeId) -> Result<MoveLeaderResponse, Status> {
        self.call("/etcdserverpb.Maintenance/MoveLeader", |cluster, member| {
            let from = cluster.leader().unwrap_or(0);
            if !cluster.members().iter().any(|m| m.id == target) {
                return Err(Error::BadLeaderTransferee);
            }
            cluster.move_leader(member, target).map(|header| MoveLeaderResponse { header, from })
        })
    }
}

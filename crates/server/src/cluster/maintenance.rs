//! The maintenance API: alarms, defragment, status, metrics, hashkv, snapshot, move-leader, and
//! `check perf`'s workload.

use playground_mvcc::request::RequestOp;
use playground_mvcc::{snapshot, KvHash};
use playground_raft::NodeId;

use super::{Cluster, Header, COMMAND_TIMEOUT_MICROS};
use crate::apply::Response;
use crate::client::json::{is_false, is_zero};
use crate::error::Error;
use crate::raft_node::Application;
use crate::request::{AlarmAction, AlarmType, Request};

/// `StatusResponse`, as `endpoint status` asks each member for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusResponse {
    pub header: Header,
    pub version: String,
    #[serde(rename = "dbSize", skip_serializing_if = "is_zero")]
    pub db_size: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub leader: u64,
    #[serde(rename = "raftIndex", skip_serializing_if = "is_zero")]
    pub raft_index: u64,
    #[serde(rename = "raftTerm", skip_serializing_if = "is_zero")]
    pub raft_term: u64,
    #[serde(rename = "raftAppliedIndex", skip_serializing_if = "is_zero")]
    pub raft_applied_index: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    #[serde(rename = "dbSizeInUse", skip_serializing_if = "is_zero")]
    pub db_size_in_use: u64,
    #[serde(rename = "isLearner", skip_serializing_if = "is_false")]
    pub is_learner: bool,
    /// 3.6 on: the backend's schema version, the quota and the downgrade in progress (none).
    #[serde(rename = "storageVersion", skip_serializing_if = "String::is_empty")]
    pub storage_version: String,
    #[serde(rename = "dbSizeQuota", skip_serializing_if = "is_zero")]
    pub db_size_quota: u64,
    #[serde(rename = "downgradeInfo", skip_serializing_if = "Option::is_none")]
    pub downgrade_info: Option<DowngradeInfo>,
}

/// `DowngradeInfo`: no downgrade is ever under way in the playground, so both fields are
/// their zero values and the message prints as `{}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DowngradeInfo {
    #[serde(rename = "targetVersion", skip_serializing_if = "String::is_empty")]
    pub target_version: String,
    #[serde(skip_serializing_if = "is_false")]
    pub enabled: bool,
}

impl Cluster {
    /// `alarm list` / `alarm disarm`: through raft, as etcd's Alarm API. Disarm deactivates
    /// every alarm the list shows and answers with them.
    pub fn alarm(
        &mut self,
        member: NodeId,
        action: AlarmAction,
    ) -> Result<(Vec<(u64, AlarmType)>, Header), Error> {
        let get = Request::Alarm { action: AlarmAction::Get, member: 0, alarm: None };
        let (Response::Alarm(alarms), header) = self.request(member, get)? else {
            return Err(Error::Internal("unexpected response".into()));
        };
        if action != AlarmAction::Deactivate {
            return Ok((alarms, header));
        }
        let mut disarmed = Vec::new();
        let mut last = header;
        for (from, alarm) in alarms {
            let request =
                Request::Alarm { action: AlarmAction::Deactivate, member: from, alarm: Some(alarm) };
            if let (Response::Alarm(done), header) = self.request(member, request)? {
                disarmed.extend(done);
                last = header;
            }
        }
        Ok((disarmed, last))
    }

    /// Defragments one member: not replicated; its apply loop (and so its reads and writes)
    /// waits while the copy runs, for a time that grows with the db.
    pub fn defrag(&mut self, member: NodeId) -> Result<Header, Error> {
        self.check_up(member)?;
        let size = self.member(member).map_or(0, |m| m.db_size());
        self.log.info(member, "starting defragment", &[]);
        self.emit(member, crate::observe::EventKind::DefragStarted { size_before: size });
        self.member_mut(member).ok_or(Error::Unavailable)?.defrag()?;
        // About 100 MB/s plus a fixed cost: a 16 MiB db takes a fraction of a second.
        let took = 5_000 + size / 100;
        self.world.stall_apply(member, took);
        self.advance(took);
        self.log.info(member, "finished defragment", &[]);
        let size_after = self.member(member).map_or(0, |m| m.db_size());
        self.emit(
            member,
            crate::observe::EventKind::DefragFinished { size_before: size, size_after, blocked_micros: took },
        );
        let revision = self.member(member).map_or(0, |m| m.store.current_revision());
        Ok(self.header(member, revision))
    }

    pub fn status(&mut self, member: NodeId) -> Result<StatusResponse, Error> {
        let state = self.member(member).ok_or(Error::Unavailable)?;
        let raft = self.world.status(member).ok_or(Error::Unavailable)?;
        let no_leader = (raft.leader == 0).then(|| Error::NoLeader.to_string());
        let alarms = state.alarms.iter().map(|(id, alarm)| format!("memberID:{id} alarm:{} ", alarm.name()));
        let errors = no_leader.into_iter().chain(alarms).collect();
        let version = self.version();
        Ok(StatusResponse {
            header: self.header(member, state.store.current_revision()),
            version: version.server().into(),
            db_size: state.db_size(),
            db_size_in_use: state.db_size_in_use(),
            leader: raft.leader,
            raft_index: raft.commit,
            raft_term: raft.term,
            raft_applied_index: state.consistent_index(),
            errors,
            is_learner: raft.learners.contains(&member),
            storage_version: version.storage().unwrap_or_default().into(),
            db_size_quota: if version.api_3_6_fields() { state.quota().unwrap_or(0) } else { 0 },
            downgrade_info: version
                .api_3_6_fields()
                .then(|| DowngradeInfo { target_version: String::new(), enabled: false }),
        })
    }

    /// `GET /metrics` on a member's client URL.
    pub fn metrics(&self, member: NodeId) -> Result<String, Error> {
        let state = self.member(member).ok_or(Error::Unavailable)?;
        let (leader, term, commit) = self.world.raft_brief(member).ok_or(Error::Unavailable)?;
        let leader_changes =
            self.log.since(0).iter().filter(|l| l.msg.contains(" became leader at term ")).count() as u64;
        let keys = state
            .store
            .range(&[0], &[0], playground_mvcc::RangeOptions { count: true, ..Default::default() })
            .map_or(0, |r| r.count as u64);
        Ok(crate::metrics::render(&crate::metrics::MemberMetrics {
            db_size: state.db_size(),
            db_size_in_use: state.db_size_in_use(),
            quota: state.quota().unwrap_or(0),
            has_leader: leader != 0,
            is_leader: leader == member,
            leader_changes,
            revision: state.store.current_revision(),
            compact_revision: state.store.compact_revision().max(0),
            keys,
            committed_index: commit,
            applied_index: state.consistent_index(),
            term,
            alarms: state.alarms.len() as u64,
        }))
    }

    /// `hashkv`: the hash of the keyspace up to `revision` (0: the current one).
    pub fn hash_kv(&mut self, member: NodeId, revision: i64) -> Result<(KvHash, Header), Error> {
        let state = self.member(member).ok_or(Error::Unavailable)?;
        let hash = state.store.hash_kv(revision)?;
        Ok((hash, self.header(member, hash.revision)))
    }

    /// `snapshot save`: the member's db as a snapshot file (the db and its SHA-256).
    pub fn snapshot(&mut self, member: NodeId) -> Result<Vec<u8>, Error> {
        let state = self.member_mut(member).ok_or(Error::Unavailable)?;
        let _ = state.store.backend_mut().commit();
        let db = state.store.backend().db().snapshot_bytes().map_err(|e| Error::Internal(e.to_string()))?;
        Ok(snapshot::with_trailer(&db))
    }

    /// `move-leader`: the leader hands leadership to `target`.
    pub fn move_leader(&mut self, member: NodeId, target: NodeId) -> Result<Header, Error> {
        self.check_up(member)?;
        let leader = self.leader().ok_or(Error::NoLeader)?;
        self.world.transfer_leader(leader, target);
        self.run_until(COMMAND_TIMEOUT_MICROS, |c| c.leader() == Some(target));
        if self.leader() != Some(target) {
            return Err(Error::LeaderTransferTimeout);
        }
        let revision = self.member(member).map_or(0, |m| m.store.current_revision());
        Ok(self.header(member, revision))
    }

    /// `check perf`'s workload on virtual time: `rate` puts a second of 256-byte values under
    /// `/etcdctl-check-perf/` for `seconds`, from many clients; then the prefix is deleted.
    /// Returns the puts done each second, the slowest request and the latencies' standard
    /// deviation (seconds).
    pub fn check_perf(
        &mut self,
        member: NodeId,
        rate: u64,
        seconds: u64,
    ) -> Result<(Vec<u64>, f64, f64), Error> {
        self.check_up(member)?;
        const SLICE_MICROS: u64 = 100_000;
        let per_slice = (rate * SLICE_MICROS / 1_000_000).max(1);
        let mut per_second = vec![0u64; seconds as usize];
        let mut latencies = Vec::new();
        let start = self.world.now_micros();
        let mut next_key = 0u64;
        for slice in 0..seconds * 1_000_000 / SLICE_MICROS {
            let due = start + slice * SLICE_MICROS;
            let now = self.world.now_micros();
            if due > now {
                self.advance(due - now);
            }
            let sent_at = self.world.now_micros();
            let ops = (0..per_slice)
                .map(|_| {
                    next_key += 1;
                    RequestOp::Put(playground_mvcc::request::PutRequest {
                        key: format!("/etcdctl-check-perf/{next_key:08}").into_bytes(),
                        value: vec![b'x'; 256].into(),
                        ..Default::default()
                    })
                })
                .collect();
            let done = self.kv_concurrent(member, ops).iter().filter(|r| r.is_ok()).count() as u64;
            let took = (self.world.now_micros() - sent_at) as f64 / 1e6;
            let second = ((sent_at - start) / 1_000_000).min(seconds - 1) as usize;
            per_second[second] += done;
            latencies.extend(std::iter::repeat_n(took, done as usize));
        }
        let delete = RequestOp::DeleteRange(playground_mvcc::request::DeleteRangeRequest {
            key: b"/etcdctl-check-perf/".to_vec(),
            range_end: b"/etcdctl-check-perf0".to_vec(),
            prev_kv: false,
        });
        self.kv(member, delete, false)?;
        let slowest = latencies.iter().copied().fold(0.0, f64::max);
        let mean = latencies.iter().sum::<f64>() / latencies.len().max(1) as f64;
        let variance =
            latencies.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / latencies.len().max(1) as f64;
        Ok((per_second, slowest, variance.sqrt()))
    }
}

//! The KV API: range, put, delete and txn, the request checks before raft, and compaction.

use playground_mvcc::request::{RangeRequest, RequestOp, ResponseOp};
use playground_raft::NodeId;

use super::{Cluster, Header, COMMAND_TIMEOUT_MICROS};
use crate::apply::Response;
use crate::error::Error;
use crate::raft_node::Application;
use crate::request::{Envelope, Request};

/// About what a request marshals to: its keys and values and a few bytes for each field.
fn request_size(op: &RequestOp) -> u64 {
    match op {
        RequestOp::Put(put) => 16 + put.key.len() as u64 + put.value.len() as u64,
        RequestOp::DeleteRange(delete) => 8 + delete.key.len() as u64 + delete.range_end.len() as u64,
        RequestOp::Range(range) => 32 + range.key.len() as u64 + range.range_end.len() as u64,
        RequestOp::Txn(txn) => {
            let compares: u64 = txn
                .compare
                .iter()
                .map(|c| {
                    let value = match &c.target {
                        playground_mvcc::request::CompareTarget::Value(v) => v.len() as u64,
                        _ => 8,
                    };
                    8 + c.key.len() as u64 + c.range_end.len() as u64 + value
                })
                .sum();
            compares + txn.success.iter().chain(&txn.failure).map(request_size).sum::<u64>()
        }
    }
}

/// etcd's gRPC checks: every range, put and delete (in a txn too) names a key.
fn check_keys(op: &RequestOp) -> Result<(), Error> {
    let key = match op {
        RequestOp::Range(range) => &range.key,
        RequestOp::Put(put) => &put.key,
        RequestOp::DeleteRange(delete) => &delete.key,
        RequestOp::Txn(txn) => return txn.success.iter().chain(&txn.failure).try_for_each(check_keys),
    };
    if key.is_empty() {
        return Err(Error::EmptyKey);
    }
    Ok(())
}

impl Cluster {
    fn check_size(&self, op: &RequestOp) -> Result<(), Error> {
        let flags = self.flags.borrow();
        let size = request_size(op);
        // etcd compares the marshalled request with `--max-request-bytes`.
        if size > flags.max_request_bytes {
            return Err(Error::RequestTooLarge);
        }
        if let RequestOp::Txn(txn) = op {
            if txn.success.len().max(txn.failure.len()) as u64 > flags.max_txn_ops {
                return Err(Error::TooManyOps);
            }
        }
        check_keys(op)
    }

    /// A KV request: reads are served by the member (linearizable ones after it caught up with
    /// the leader's commit, as a ReadIndex does), writes go through raft.
    pub fn kv(
        &mut self,
        member: NodeId,
        op: RequestOp,
        serializable: bool,
    ) -> Result<(ResponseOp, Header), Error> {
        self.check_up(member)?;
        if let RequestOp::Range(range) = &op {
            check_keys(&op)?;
            return self.range(member, range, serializable);
        }
        self.check_size(&op)?;
        let request = Request::Kv(op);
        if matches!(request, Request::Kv(RequestOp::Put(_) | RequestOp::Txn(_))) {
            self.check_quota(member, &request)?;
        }
        match self.request(member, request)? {
            (Response::Kv(response), header) => Ok((response, header)),
            _ => Err(Error::Internal("unexpected response".into())),
        }
    }

    /// Many write requests in flight at once on one member, as many clients would send them
    /// (raft batches them into few WAL writes); answers in request order.
    pub fn kv_concurrent(
        &mut self,
        member: NodeId,
        ops: Vec<RequestOp>,
    ) -> Vec<Result<(ResponseOp, Header), Error>> {
        let mut pending = Vec::with_capacity(ops.len());
        for op in ops {
            let checked = match &op {
                RequestOp::Range(_) => Err(Error::Internal("kv_concurrent takes writes".into())),
                op => self.check_size(op),
            };
            let request = Request::Kv(op);
            match checked.and_then(|()| self.check_quota(member, &request)) {
                Ok(()) => {
                    let id = self.request_id();
                    self.propose(member, Envelope { id, origin: member, request });
                    self.note_proposed(member, id);
                    pending.push(Ok(id));
                }
                Err(error) => pending.push(Err(error)),
            }
        }
        // Entries apply in log order, so the last one answered means all were (a proposal lost
        // to a leader change times out, as its client would).
        if let Some(last) = pending.iter().rev().find_map(|p| p.as_ref().ok().copied()) {
            self.run_until(COMMAND_TIMEOUT_MICROS, |c| c.member(member).is_none_or(|m| m.has_result(last)));
        }
        pending
            .into_iter()
            .map(|p| {
                let id = p?;
                self.note_answered(member, id);
                let Some((result, revision)) = self.member_mut(member).and_then(|m| m.take_result(id)) else {
                    self.note_proposal_failed(member);
                    return Err(Error::DeadlineExceeded);
                };
                let header = self.header(member, revision);
                match result? {
                    Response::Kv(response) => Ok((response, header)),
                    _ => Err(Error::Internal("unexpected response".into())),
                }
            })
            .collect()
    }

    /// Sends a write to `member` without waiting for it, as one of many clients would: the
    /// answer is collected later with [`Cluster::kv_collect`] while virtual time runs on, so
    /// requests on several members can be in flight at once (the linearizability tests).
    pub fn kv_submit(&mut self, member: NodeId, op: RequestOp) -> Result<u64, Error> {
        self.check_up(member)?;
        if matches!(op, RequestOp::Range(_)) {
            return Err(Error::Internal("kv_submit takes writes".into()));
        }
        self.check_size(&op)?;
        let request = Request::Kv(op);
        self.check_quota(member, &request)?;
        let id = self.request_id();
        self.propose(member, Envelope { id, origin: member, request });
        self.note_proposed(member, id);
        Ok(id)
    }

    /// The answer to a write [`Cluster::kv_submit`] sent, once `member` applied it; `None`
    /// while it has not (or never will: the member went down, the proposal was lost).
    pub fn kv_collect(&mut self, member: NodeId, id: u64) -> Option<Result<(ResponseOp, Header), Error>> {
        let (result, revision) = self.member_mut(member)?.take_result(id)?;
        self.note_answered(member, id);
        let header = self.header(member, revision);
        Some(match result {
            Ok(Response::Kv(response)) => Ok((response, header)),
            Ok(_) => Err(Error::Internal("unexpected response".into())),
            Err(error) => Err(error),
        })
    }

    /// etcd's `linearizableReadNotify`: waits until `member` applied the leader's commit index
    /// (the read index), or fails as the client's deadline does.
    pub(crate) fn linearizable_read_wait(&mut self, member: NodeId) -> Result<(), Error> {
        let caught_up = self.run_until(COMMAND_TIMEOUT_MICROS, |c| {
            let Some(leader) = c.leader() else { return false };
            // The leader's commit is the read index only once it covers its own term.
            if !c.world.committed_in_current_term(leader) {
                return false;
            }
            let commit = c.world.raft_brief(leader).map_or(u64::MAX, |(_, _, commit)| commit);
            c.world.raft_brief(member).is_some_and(|(leader, _, _)| leader != 0)
                && c.world.app(member).is_some_and(|app| app.consistent_index() >= commit)
                && !c.world.apply_stalled(member)
        });
        match (caught_up, self.member(member).is_some()) {
            (true, _) => Ok(()),
            (false, true) => Err(Error::DeadlineExceeded),
            (false, false) => Err(Error::Unavailable),
        }
    }

    fn range(
        &mut self,
        member: NodeId,
        range: &RangeRequest,
        serializable: bool,
    ) -> Result<(ResponseOp, Header), Error> {
        if !serializable {
            self.linearizable_read_wait(member)?;
        }
        let state = self.member(member).ok_or(Error::Unavailable)?;
        let response = state.store.range_request(range)?;
        let header = self.header(member, response.revision);
        Ok((ResponseOp::Range(response), header))
    }

    /// `etcdctl compaction`: history up to `revision` goes on every member.
    pub fn compact(&mut self, member: NodeId, revision: i64, physical: bool) -> Result<Header, Error> {
        if self.compaction_schedulable(member, revision) {
            let mode = "manual".to_string();
            self.emit(0, crate::observe::EventKind::CompactionScheduled { revision, mode });
        }
        self.compact_request(member, revision, physical)
    }

    pub(crate) fn compact_request(
        &mut self,
        member: NodeId,
        revision: i64,
        physical: bool,
    ) -> Result<Header, Error> {
        self.request(member, Request::Compaction { revision, physical }).map(|(_, header)| header)
    }

    /// Whether a compaction to `revision` would be scheduled (neither compacted already nor
    /// in the future, as `member` sees the store).
    pub(crate) fn compaction_schedulable(&self, member: NodeId, revision: i64) -> bool {
        self.member(member)
            .is_some_and(|m| revision > m.store.compact_revision() && revision <= m.store.current_revision())
    }
}

//! The virtual cluster: etcd members on the sim's world, and the client-facing API every entry
//! point (terminal, UI, JS, tests) goes through. A request is proposed on the member its
//! endpoint names and answered once that member applied it, as etcd's `raftRequest` waits;
//! virtual time runs meanwhile.

use std::cell::RefCell;
use std::rc::Rc;

use playground_datadir::membership;
use playground_mvcc::request::{RangeRequest, RequestOp, ResponseOp};
use playground_mvcc::snapshot;
use playground_raft::{ConfChange, ConfChangeType, NodeId, Role, Status};

use crate::apply::{EtcdMember, Response};
use crate::compactor::Compactor;
use crate::error::Error;
use crate::flags::Flags;
use crate::log::Log;
use crate::quota;
use crate::raft_node::{Application, NodeEvent, OpenApplication, RaftWorld};
use crate::request::{AlarmAction, AlarmType, Envelope, Request};

/// The version the playground reports (the reference transcripts' etcd).
pub const VERSION: &str = "3.5.1";
pub const API_VERSION: &str = "3.5";

/// etcdctl's default `--command-timeout`.
pub const COMMAND_TIMEOUT_MICROS: u64 = 5_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberConfig {
    pub name: String,
    pub id: NodeId,
    pub peer_url: String,
    pub client_url: String,
}

impl MemberConfig {
    pub fn new(name: &str, peer_url: &str, client_url: &str, token: &str) -> MemberConfig {
        MemberConfig {
            name: name.into(),
            id: membership::member_id(&[peer_url.to_string()], token),
            peer_url: peer_url.into(),
            client_url: client_url.into(),
        }
    }

    /// `host:port` of the client URL.
    pub fn client_host(&self) -> &str {
        self.client_url.split("://").nth(1).unwrap_or(&self.client_url)
    }
}

/// The playground's default cluster: etcd's Procfile members.
pub fn default_members() -> Vec<MemberConfig> {
    [("infra1", 2379), ("infra2", 22379), ("infra3", 32379)]
        .iter()
        .map(|(name, port)| {
            MemberConfig::new(
                name,
                &format!("http://127.0.0.1:{}", port + 1),
                &format!("http://127.0.0.1:{port}"),
                "etcd-cluster-1",
            )
        })
        .collect()
}

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

/// The response header etcd attaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header {
    pub cluster_id: u64,
    pub member_id: u64,
    pub revision: i64,
    pub raft_term: u64,
}

/// `endpoint status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusResponse {
    pub header: Header,
    pub version: String,
    pub db_size: u64,
    pub db_size_in_use: u64,
    pub leader: u64,
    pub raft_index: u64,
    pub raft_term: u64,
    pub raft_applied_index: u64,
    pub errors: Vec<String>,
    pub is_learner: bool,
}

/// One member as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberState {
    pub name: String,
    pub id: u64,
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

pub struct Cluster {
    world: RaftWorld<EtcdMember>,
    members: Vec<MemberConfig>,
    cluster_id: u64,
    flags: Rc<RefCell<Flags>>,
    log: Log,
    next_request: u64,
    compactor: Option<Compactor>,
}

impl Cluster {
    /// A new cluster of `members`, started and settled (a leader elected, members published).
    pub fn new(seed: u64, members: Vec<MemberConfig>, flags: Flags) -> Cluster {
        Cluster::from_db(seed, members, flags, None)
    }

    /// A new cluster whose members start from `db` (a restored snapshot's `member/snap/db`),
    /// or empty. The restored db's consistent index covers the bootstrap entries, as
    /// `etcdutl snapshot restore` writes it.
    pub fn from_db(seed: u64, members: Vec<MemberConfig>, flags: Flags, db: Option<Vec<u8>>) -> Cluster {
        let flags = Rc::new(RefCell::new(flags));
        let log = Log::default();
        let ids: Vec<NodeId> = members.iter().map(|m| m.id).collect();
        let open: OpenApplication<EtcdMember> = {
            let (flags, log) = (flags.clone(), log.clone());
            Rc::new(move |id, mut disk: playground_bolt::SharedDisk, fresh| {
                let fresh = match (&db, fresh) {
                    (Some(bytes), true) => {
                        use playground_bolt::Disk;
                        disk.write_at(0, bytes).ok()?;
                        disk.sync().ok()?;
                        false
                    }
                    _ => fresh,
                };
                EtcdMember::open(id, disk, fresh, flags.clone(), log.clone(), 0)
            })
        };
        let world = RaftWorld::with_application(seed, &ids, open);
        let mut cluster = Cluster {
            world,
            cluster_id: membership::cluster_id(&ids),
            members,
            flags,
            log,
            next_request: 1,
            compactor: None,
        };
        cluster.configure();
        cluster.settle();
        cluster
    }

    /// The default playground: three members on 127.0.0.1:2379/22379/32379.
    pub fn playground(seed: u64) -> Cluster {
        Cluster::new(seed, default_members(), Flags::default())
    }

    fn configure(&mut self) {
        let flags = self.flags.borrow().clone();
        self.world.set_snapshot_count(flags.snapshot_count);
        // etcd: the election timeout in heartbeats (10 with the defaults, 100 ms and 1000 ms).
        let heartbeat = flags.heartbeat_interval_ms.max(1);
        self.world.set_timing(heartbeat * 1000, (flags.election_timeout_ms / heartbeat).max(1));
        self.world.set_catch_up_entries(flags.snapshot_catchup_entries);
        let now = self.world.now_micros();
        self.compactor = flags
            .auto_compaction()
            .ok()
            .flatten()
            .map(|(mode, retention)| Compactor::new(mode, retention, now));
    }

    /// Waits for a leader, then lets each member publish itself and the leader set the cluster
    /// version, as a starting etcd does.
    fn settle(&mut self) {
        // The first member listed starts first, so its election timer fires first.
        if let Some(first) = self.members.first().map(|m| m.id) {
            let ticks = self.world.tick_micros() * 3;
            self.world.advance(ticks);
            self.world.campaign(first);
        }
        self.run_until(30_000_000, |c| c.leader().is_some());
        let Some(leader) = self.leader() else { return };
        for member in self.members.clone() {
            // A member publishes itself once it knows the leader (etcd retries until it can).
            self.run_until(5_000_000, |c| {
                c.world.raft_brief(member.id).is_some_and(|(leader, _, _)| leader != 0)
            });
            let id = self.request_id();
            self.propose(
                member.id,
                Envelope { id, origin: 0, request: Request::Publish { member: member.id } },
            );
        }
        for version in ["3.0", API_VERSION] {
            let id = self.request_id();
            let request = Request::ClusterVersionSet { version: version.into() };
            self.propose(leader, Envelope { id, origin: 0, request });
        }
        self.advance(200_000);
    }

    /// Restarts every member with new flags (`etcd --flag ...` on a running playground): data
    /// directories are kept, as a restarted etcd keeps them.
    pub fn restart_with(&mut self, flags: Flags) {
        *self.flags.borrow_mut() = flags;
        for member in self.members.clone() {
            self.world.crash(member.id);
            self.world.restart(member.id);
        }
        self.configure();
        self.run_until(30_000_000, |c| c.leader().is_some());
        self.advance(200_000);
    }

    pub fn flags(&self) -> Flags {
        self.flags.borrow().clone()
    }

    pub fn world(&self) -> &RaftWorld<EtcdMember> {
        &self.world
    }

    pub fn world_mut(&mut self) -> &mut RaftWorld<EtcdMember> {
        &mut self.world
    }

    pub fn log(&self) -> &Log {
        &self.log
    }

    pub fn members(&self) -> &[MemberConfig] {
        &self.members
    }

    pub fn cluster_id(&self) -> u64 {
        self.cluster_id
    }

    pub fn now_micros(&self) -> u64 {
        self.world.now_micros()
    }

    fn request_id(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    fn member(&self, id: NodeId) -> Option<&EtcdMember> {
        self.world.app(id)
    }

    fn member_mut(&mut self, id: NodeId) -> Option<&mut EtcdMember> {
        self.world.app_mut(id)
    }

    /// The leader as the members see it (one that is up and leads).
    pub fn leader(&self) -> Option<NodeId> {
        self.world.leaders().iter().max_by_key(|(_, term)| *term).map(|(id, _)| *id)
    }

    /// The member an endpoint names: `127.0.0.1:2379`, `localhost:2379`, `:2379`, with or
    /// without `http://`.
    pub fn member_for_endpoint(&self, endpoint: &str) -> Option<NodeId> {
        let bare =
            endpoint.trim_start_matches("http://").trim_start_matches("https://").trim_end_matches('/');
        let (host, port) = bare.rsplit_once(':')?;
        if !matches!(host, "" | "127.0.0.1" | "localhost" | "0.0.0.0") {
            return None;
        }
        self.members
            .iter()
            .find(|m| m.client_host().rsplit_once(':').is_some_and(|(_, p)| p == port))
            .map(|m| m.id)
    }

    // ---- time ---------------------------------------------------------------------------

    /// Lets virtual time pass, waking the auto-compactor and expiring leases when due.
    pub fn advance(&mut self, micros: u64) {
        let until = self.world.now_micros().saturating_add(micros);
        loop {
            let timer = self.next_timer().filter(|&at| at <= until);
            match timer {
                Some(at) => {
                    let now = self.world.now_micros();
                    self.world.advance(at.saturating_sub(now));
                    self.fire_timers();
                }
                None => {
                    let now = self.world.now_micros();
                    self.world.advance(until.saturating_sub(now));
                    self.log.set_now(self.world.now_micros());
                    self.collect_events();
                    return;
                }
            }
        }
    }

    /// Turns what the world reports (snapshots, compactions, leaders) into etcd's log lines.
    fn collect_events(&mut self) {
        for (at, member, event) in self.world.take_events() {
            let log = &self.log;
            match event {
                NodeEvent::BecameLeader { term } => {
                    log.push_at(at, member, &format!("{member:x} became leader at term {term}"), &[])
                }
                NodeEvent::SnapshotSaved { applied, previous, count } => {
                    log.push_at(
                        at,
                        member,
                        "triggering snapshot",
                        &[
                            ("local-member-applied-index", applied.to_string()),
                            ("local-member-snapshot-index", previous.to_string()),
                            ("local-member-snapshot-count", count.to_string()),
                        ],
                    );
                    log.push_at(at, member, "saved snapshot", &[("snapshot-index", applied.to_string())]);
                }
                NodeEvent::LogCompacted { index } => {
                    log.push_at(at, member, "compacted Raft logs", &[("compact-index", index.to_string())])
                }
                NodeEvent::SnapshotSent { to, index, bytes } => {
                    let fields = [
                        ("snapshot-index", index.to_string()),
                        ("remote-peer-id", format!("{to:x}")),
                        ("bytes", bytes.to_string()),
                    ];
                    log.push_at(at, member, "sending database snapshot", &fields);
                    log.push_at(at, member, "sent database snapshot", &fields);
                }
                NodeEvent::SnapshotApplied { from, index, bytes } => {
                    log.push_at(
                        at,
                        member,
                        "receiving database snapshot",
                        &[
                            ("remote-snapshot-sender-id", format!("{from:x}")),
                            ("incoming-snapshot-index", index.to_string()),
                            ("bytes", bytes.to_string()),
                        ],
                    );
                    log.push_at(
                        at,
                        member,
                        "applied incoming Raft snapshot",
                        &[("snapshot-index", index.to_string())],
                    );
                    log.push_at(
                        at,
                        member,
                        "restored mvcc store",
                        &[("consistent-index", index.to_string())],
                    );
                }
            }
        }
    }

    fn next_timer(&self) -> Option<u64> {
        let compactor = self.compactor.as_ref().map(|c| c.next_micros);
        let commits = self.members.iter().filter_map(|m| self.member(m.id)?.commit_due_at()).min();
        [compactor, self.next_lease_expiry(), commits].into_iter().flatten().min()
    }

    fn next_lease_expiry(&self) -> Option<u64> {
        let leader = self.leader()?;
        self.member(leader)?.lessor.leases().map(|l| l.expiry_ms * 1000).min()
    }

    fn fire_timers(&mut self) {
        self.collect_events();
        let now = self.world.now_micros();
        self.log.set_now(now);
        for id in self.members.iter().map(|m| m.id).collect::<Vec<_>>() {
            if let Some(member) =
                self.member_mut(id).filter(|m| m.commit_due_at().is_some_and(|at| at <= now))
            {
                member.commit(now);
            }
        }
        if let Some(leader) = self.leader() {
            let expired = self.member(leader).map(|m| m.lessor.expired(now / 1000)).unwrap_or_default();
            for id in expired {
                let request_id = self.request_id();
                self.propose(
                    leader,
                    Envelope { id: request_id, origin: 0, request: Request::LeaseRevoke { id } },
                );
            }
        }
        let Some(mut compactor) = self.compactor.take() else { return };
        if compactor.next_micros <= now {
            let leader = self.leader();
            // Every member's compactor samples its own store; the leader's acts.
            let sampler = leader.or_else(|| self.members.iter().map(|m| m.id).find(|&id| self.is_up(id)));
            let current = sampler.and_then(|id| self.member(id)).map_or(1, |m| m.store.current_revision());
            if let (Some(rev), Some(leader)) = (compactor.wake(now, current, leader.is_some()), leader) {
                let (kind, extra) = match compactor.mode {
                    crate::flags::CompactionMode::Periodic => {
                        ("periodic", ("compact-period", compactor.period_text()))
                    }
                    crate::flags::CompactionMode::Revision => {
                        ("revision", ("revision-compaction-retention", compactor.retention.to_string()))
                    }
                };
                self.log.info(
                    leader,
                    &format!("starting auto {kind} compaction"),
                    &[("revision", rev.to_string()), extra.clone()],
                );
                let result = self.compact(leader, rev, false);
                if matches!(result, Ok(_) | Err(Error::Compacted)) {
                    compactor.succeeded(self.world.now_micros(), rev);
                    self.log.info(
                        leader,
                        &format!("completed auto {kind} compaction"),
                        &[("revision", rev.to_string()), extra],
                    );
                }
            }
        }
        self.compactor = Some(compactor);
    }

    /// Runs the world until `done` or `max_micros` pass; timers fire on the way.
    pub fn run_until(&mut self, max_micros: u64, mut done: impl FnMut(&Cluster) -> bool) -> bool {
        let until = self.world.now_micros().saturating_add(max_micros);
        while !done(self) {
            let now = self.world.now_micros();
            if now >= until {
                self.collect_events();
                return false;
            }
            let timer = self.next_timer().filter(|&at| at <= until);
            match (self.world.next_event_at(), timer) {
                (_, Some(at)) if at <= now => self.fire_timers(),
                (Some(event), timer) if event <= until && timer.is_none_or(|t| event <= t) => {
                    self.world.step();
                }
                (_, Some(at)) => {
                    self.world.advance(at - now);
                    self.fire_timers();
                }
                _ => {
                    self.world.advance(until - now);
                    self.collect_events();
                    return done(self);
                }
            }
        }
        self.log.set_now(self.world.now_micros());
        self.collect_events();
        true
    }

    // ---- requests through raft ---------------------------------------------------------

    fn propose(&mut self, member: NodeId, envelope: Envelope) -> bool {
        self.world.propose_now(member, envelope.encode())
    }

    fn header(&self, member: NodeId, revision: i64) -> Header {
        let raft_term = self.world.raft_brief(member).map_or(0, |(_, term, _)| term);
        Header { cluster_id: self.cluster_id, member_id: member, revision, raft_term }
    }

    fn check_up(&self, member: NodeId) -> Result<(), Error> {
        if self.member(member).is_some() {
            Ok(())
        } else {
            Err(Error::Unavailable)
        }
    }

    /// Proposes on `member` and waits until it applied the request.
    fn request(&mut self, member: NodeId, request: Request) -> Result<(Response, Header), Error> {
        self.check_up(member)?;
        if !self.run_until(COMMAND_TIMEOUT_MICROS, |c| {
            c.world.raft_brief(member).is_some_and(|(leader, _, _)| leader != 0)
        }) {
            return Err(if self.member(member).is_some() { Error::NoLeader } else { Error::Unavailable });
        }
        let id = self.request_id();
        self.propose(member, Envelope { id, origin: member, request });
        let done =
            self.run_until(COMMAND_TIMEOUT_MICROS, |c| c.member(member).is_none_or(|m| m.has_result(id)));
        let Some(applied) = self.member_mut(member).and_then(|m| m.take_result(id)) else {
            return Err(if done { Error::Unavailable } else { Error::Timeout });
        };
        let (result, revision) = applied;
        let header = self.header(member, revision);
        result.map(|response| (response, header))
    }

    /// The API layer's quota check (etcd's `quotaKVServer`): over the quota, the member raises
    /// the NOSPACE alarm and the request fails before it reaches raft.
    fn check_quota(&mut self, member: NodeId, request: &Request) -> Result<(), Error> {
        let Some(state) = self.member(member) else { return Err(Error::Unavailable) };
        if quota::available(state.db_size(), state.quota(), request) {
            return Ok(());
        }
        // etcd's quotaAlarmer waits for the alarm to go through raft, then answers.
        let alarm = Request::Alarm { action: AlarmAction::Activate, member, alarm: Some(AlarmType::NoSpace) };
        let _ = self.request(member, alarm);
        Err(Error::NoSpace)
    }

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
        if let RequestOp::Put(put) = op {
            if put.key.is_empty() {
                return Err(Error::EmptyKey);
            }
        }
        Ok(())
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
                let (result, revision) =
                    self.member_mut(member).and_then(|m| m.take_result(id)).ok_or(Error::Timeout)?;
                let header = self.header(member, revision);
                match result? {
                    Response::Kv(response) => Ok((response, header)),
                    _ => Err(Error::Internal("unexpected response".into())),
                }
            })
            .collect()
    }

    fn range(
        &mut self,
        member: NodeId,
        range: &RangeRequest,
        serializable: bool,
    ) -> Result<(ResponseOp, Header), Error> {
        if !serializable {
            let caught_up = self.run_until(COMMAND_TIMEOUT_MICROS, |c| {
                let Some(leader) = c.leader() else { return false };
                let commit = c.world.raft_brief(leader).map_or(u64::MAX, |(_, _, commit)| commit);
                c.world.raft_brief(member).is_some_and(|(leader, _, _)| leader != 0)
                    && c.world.app(member).is_some_and(|app| app.consistent_index() >= commit)
                    && !c.world.apply_stalled(member)
            });
            if !caught_up {
                return Err(if self.member(member).is_some() { Error::Timeout } else { Error::Unavailable });
            }
        }
        let state = self.member(member).ok_or(Error::Unavailable)?;
        let response = state.store.range_request(range)?;
        let header = self.header(member, response.revision);
        Ok((ResponseOp::Range(response), header))
    }

    pub fn compact(&mut self, member: NodeId, revision: i64, physical: bool) -> Result<Header, Error> {
        self.request(member, Request::Compaction { revision, physical }).map(|(_, header)| header)
    }

    pub fn lease_grant(&mut self, member: NodeId, ttl: i64, id: i64) -> Result<(i64, i64, Header), Error> {
        let id = if id != 0 {
            id
        } else {
            // etcd's id generator: the member id's low bits, then a counter.
            ((member & 0xffff) << 47
                | ((self.world.now_micros() / 1000) & 0xff_ffff) << 8
                | (self.next_request & 0xff)) as i64
                & i64::MAX
        };
        let request = Request::LeaseGrant { id, ttl };
        self.check_quota(member, &request)?;
        match self.request(member, request)? {
            (Response::LeaseGrant { id, ttl }, header) => Ok((id, ttl, header)),
            _ => Err(Error::Internal("unexpected response".into())),
        }
    }

    pub fn lease_revoke(&mut self, member: NodeId, id: i64) -> Result<Header, Error> {
        self.request(member, Request::LeaseRevoke { id }).map(|(_, header)| header)
    }

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
        self.member_mut(member).ok_or(Error::Unavailable)?.defrag()?;
        // About 100 MB/s plus a fixed cost: a 16 MiB db takes a fraction of a second.
        let took = 5_000 + size / 100;
        self.world.stall_apply(member, took);
        self.advance(took);
        self.log.info(member, "finished defragment", &[]);
        let revision = self.member(member).map_or(0, |m| m.store.current_revision());
        Ok(self.header(member, revision))
    }

    pub fn status(&mut self, member: NodeId) -> Result<StatusResponse, Error> {
        let state = self.member(member).ok_or(Error::Unavailable)?;
        let raft = self.world.status(member).ok_or(Error::Unavailable)?;
        let errors =
            state.alarms.iter().map(|(id, alarm)| format!("memberID:{id} alarm:{} ", alarm.name())).collect();
        Ok(StatusResponse {
            header: self.header(member, state.store.current_revision()),
            version: VERSION.into(),
            db_size: state.db_size(),
            db_size_in_use: state.db_size_in_use(),
            leader: raft.leader,
            raft_index: raft.commit,
            raft_term: raft.term,
            raft_applied_index: state.consistent_index(),
            errors,
            is_learner: raft.learners.contains(&member),
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
    pub fn hash_kv(&mut self, member: NodeId, revision: i64) -> Result<(u32, i64, Header), Error> {
        let state = self.member(member).ok_or(Error::Unavailable)?;
        let (hash, compact_revision, current) = state.store.hash_kv(revision)?;
        Ok((hash, compact_revision, self.header(member, current)))
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
            return Err(Error::Timeout);
        }
        let revision = self.member(member).map_or(0, |m| m.store.current_revision());
        Ok(self.header(member, revision))
    }

    /// The learners, as the leader (or any member up) knows them.
    pub fn learners(&self) -> Vec<NodeId> {
        let source = self.leader().or_else(|| self.members.iter().map(|m| m.id).find(|&id| self.is_up(id)));
        source.and_then(|id| self.world.status(id)).map(|s| s.learners).unwrap_or_default()
    }

    /// Proposes a membership change on the leader and waits until the leader applied it.
    fn change_membership(
        &mut self,
        change: ConfChange,
        applied: impl Fn(&Status) -> bool,
    ) -> Result<(), Error> {
        let accepted = self.run_until(COMMAND_TIMEOUT_MICROS, |c| {
            c.leader().is_some_and(|leader| c.world.status(leader).is_some_and(|s| s.applied >= s.commit))
        });
        let leader = self.leader().filter(|_| accepted).ok_or(Error::NoLeader)?;
        if !self.world.propose_conf_change(leader, &change) {
            return Err(Error::Internal("etcdserver: unhealthy cluster".into()));
        }
        if !self.run_until(COMMAND_TIMEOUT_MICROS, |c| {
            c.leader().and_then(|l| c.world.status(l)).is_some_and(|s| applied(&s))
        }) {
            return Err(Error::Timeout);
        }
        Ok(())
    }

    /// `member add`: the new member joins through a conf change, and the playground starts it
    /// at once (with etcd one would now run `etcd --initial-cluster-state existing`).
    pub fn member_add(
        &mut self,
        via: NodeId,
        name: &str,
        peer_url: &str,
        learner: bool,
    ) -> Result<(MemberConfig, Header), Error> {
        self.check_up(via)?;
        if self.members.iter().any(|m| m.peer_url == peer_url) {
            return Err(Error::PeerUrlExists);
        }
        let (host, port) = peer_url.rsplit_once(':').unwrap_or((peer_url, "2380"));
        let client = format!("{host}:{}", port.parse::<u32>().map_or(2379, |p| p.saturating_sub(1)));
        // etcd derives a new member's id from its peer URLs and the time of the request.
        let id = membership::member_id(&[peer_url.to_string()], &self.world.now_micros().to_string());
        let member =
            MemberConfig { name: name.to_string(), id, peer_url: peer_url.to_string(), client_url: client };
        let kind = if learner { ConfChangeType::AddLearnerNode } else { ConfChangeType::AddNode };
        let change = ConfChange { kind, node_id: id, context: Vec::new() };
        self.change_membership(change, |s| s.voters.contains(&id) || s.learners.contains(&id))?;
        self.world.add_member(id);
        self.members.push(member.clone());
        self.log.info(
            via,
            "added member",
            &[("added-peer-id", format!("{id:x}")), ("added-peer-peer-urls", peer_url.to_string())],
        );
        let revision = self.member(via).map_or(0, |m| m.store.current_revision());
        Ok((member, self.header(via, revision)))
    }

    /// `member remove`: the member leaves through a conf change and stops (a leader hands its
    /// leadership over first).
    pub fn member_remove(&mut self, via: NodeId, id: NodeId) -> Result<Header, Error> {
        self.check_up(via)?;
        if !self.members.iter().any(|m| m.id == id) {
            return Err(Error::MemberNotFound);
        }
        if self.leader() == Some(id) {
            let next = self
                .members
                .iter()
                .map(|m| m.id)
                .find(|&m| m != id && self.is_up(m) && !self.learners().contains(&m));
            if let Some(next) = next {
                self.move_leader(via, next)?;
            }
        }
        self.change_membership(
            ConfChange { kind: ConfChangeType::RemoveNode, node_id: id, context: Vec::new() },
            |s| !s.voters.contains(&id) && !s.learners.contains(&id),
        )?;
        self.world.crash(id);
        self.members.retain(|m| m.id != id);
        self.log.info(via, "removed member", &[("removed-remote-peer-id", format!("{id:x}"))]);
        let via = if via == id { self.leader().unwrap_or(via) } else { via };
        let revision = self.member(via).map_or(0, |m| m.store.current_revision());
        Ok(self.header(via, revision))
    }

    /// `member promote`: a learner in step with the leader becomes a voter.
    pub fn member_promote(&mut self, via: NodeId, id: NodeId) -> Result<Header, Error> {
        self.check_up(via)?;
        if !self.members.iter().any(|m| m.id == id) {
            return Err(Error::MemberNotFound);
        }
        if !self.learners().contains(&id) {
            return Err(Error::MemberNotLearner);
        }
        let leader = self.leader().ok_or(Error::NoLeader)?;
        let status = self.world.status(leader).ok_or(Error::NoLeader)?;
        let matched = status.progress.get(&id).map_or(0, |p| p.0);
        // etcd's readiness check: the learner's log within 10 % of the leader's.
        if (matched as f64) < status.last_index as f64 * 0.9 {
            return Err(Error::LearnerNotReady);
        }
        self.change_membership(
            ConfChange { kind: ConfChangeType::AddNode, node_id: id, context: Vec::new() },
            |s| s.voters.contains(&id),
        )?;
        let revision = self.member(via).map_or(0, |m| m.store.current_revision());
        Ok(self.header(via, revision))
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
                        value: vec![b'x'; 256],
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

    /// Whether a member's host is up.
    pub fn is_up(&self, member: NodeId) -> bool {
        self.member(member).is_some()
    }

    pub fn kill(&mut self, member: NodeId) {
        self.world.crash(member);
        self.log.set_now(self.world.now_micros());
    }

    pub fn restart(&mut self, member: NodeId) -> bool {
        let restarted = self.world.restart(member);
        self.advance(100_000);
        restarted
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

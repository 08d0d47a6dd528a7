//! The virtual cluster: etcd members on the sim's world, and the client-facing API every entry
//! point (terminal, UI, JS, tests) goes through. A request is proposed on the member its
//! endpoint names and answered once that member applied it, as etcd's `raftRequest` waits;
//! virtual time runs meanwhile. One file per API: kv, lease, maintenance, membership; time
//! (advancing the clock, timers) and view (the members as the UI shows them) beside them.

use std::cell::RefCell;
use std::rc::Rc;

use playground_raft::NodeId;

use crate::apply::{EtcdMember, Response};
use crate::compactor::Compactor;
use crate::error::Error;
use crate::flags::Flags;
use crate::log::Log;
use crate::observe::EventKind;
use crate::quota;
use crate::raft_node::{OpenApplication, RaftWorld};
use crate::request::{AlarmAction, AlarmType, Envelope, Request};
use crate::version::EtcdVersion;

mod keyspace;
mod kv;
mod lease;
pub use lease::LeaseGrant;
mod maintenance;
mod membership;
mod observe;
mod page_map;
mod time;
mod view;

pub use keyspace::{KeyRevision, KeyRow, Keyspace};
pub use maintenance::StatusResponse;
pub use page_map::{PageCell, PageMap, PAGE_KINDS};
pub use view::MemberState;

/// etcdctl's default `--command-timeout`. A request the cluster cannot serve within it fails
/// as the client's deadline does (`context deadline exceeded`): etcd's own request timeout
/// (5 s and two election timeouts) is longer.
pub const COMMAND_TIMEOUT_MICROS: u64 = 5_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberConfig {
    pub name: String,
    pub id: NodeId,
    pub peer_url: String,
    pub client_url: String,
    /// Whether its process has started. A member added with `member add` counts in the quorum
    /// at once but is unstarted until its operator starts it; until then etcd knows neither
    /// its name nor its client URLs.
    pub started: bool,
}

impl MemberConfig {
    pub fn new(name: &str, peer_url: &str, client_url: &str, token: &str) -> MemberConfig {
        MemberConfig {
            name: name.into(),
            id: playground_datadir::membership::member_id(&[peer_url.to_string()], token),
            peer_url: peer_url.into(),
            client_url: client_url.into(),
            started: true,
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

/// The response header etcd attaches (`etcdserverpb.ResponseHeader`; serialized as Go's
/// `encoding/json` writes it, zero values left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Header {
    #[serde(skip_serializing_if = "crate::client::json::is_zero")]
    pub cluster_id: u64,
    #[serde(skip_serializing_if = "crate::client::json::is_zero")]
    pub member_id: u64,
    #[serde(skip_serializing_if = "crate::client::json::is_zero")]
    pub revision: i64,
    #[serde(skip_serializing_if = "crate::client::json::is_zero")]
    pub raft_term: u64,
}

pub struct Cluster {
    world: RaftWorld<EtcdMember>,
    members: Vec<MemberConfig>,
    cluster_id: u64,
    flags: Rc<RefCell<Flags>>,
    log: Log,
    next_request: u64,
    compactor: Option<Compactor>,
    /// The alarm set on the world's queue for the cluster's next timer: when, and its token.
    alarm: Option<(u64, u64)>,
    alarm_token: u64,
    /// The history the page draws, and what feeds it.
    observer: observe::Observer,
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
        let observer = observe::Observer::new();
        let ids: Vec<NodeId> = members.iter().map(|m| m.id).collect();
        let open: OpenApplication<EtcdMember> = {
            let (flags, log, sink) = (flags.clone(), log.clone(), observer.sink.clone());
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
                    .map(|m| m.observed(sink.clone()))
            })
        };
        let world = RaftWorld::observed(seed, &ids, open, observer.sink.clone());
        let mut cluster = Cluster {
            world,
            cluster_id: playground_datadir::membership::cluster_id(&ids),
            members,
            flags,
            log,
            next_request: 1,
            compactor: None,
            alarm: None,
            alarm_token: 0,
            observer,
        };
        cluster.configure();
        cluster.settle();
        cluster
    }

    /// The default playground: three members on 127.0.0.1:2379/22379/32379.
    pub fn playground(seed: u64) -> Cluster {
        Cluster::new(seed, default_members(), Flags::default())
    }

    /// The default playground of an etcd release.
    pub fn playground_of(seed: u64, version: EtcdVersion) -> Cluster {
        Cluster::new(seed, default_members(), Flags::for_version(version))
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
        // One entry: a fresh leader finds every member at its own version and sets it at once
        // (etcd 3.5.1 writes `/0/version` = "3.5.0"; there is no "3.0" step on a new cluster).
        let id = self.request_id();
        let request = Request::ClusterVersionSet { version: format!("{}.0", self.version().api()) };
        self.propose(leader, Envelope { id, origin: 0, request });
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

    /// The etcd release the members run.
    pub fn version(&self) -> EtcdVersion {
        self.flags.borrow().version
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

    /// A member's name (`infra1`), empty for an id the cluster does not know.
    pub fn member_name(&self, id: NodeId) -> String {
        self.members.iter().find(|m| m.id == id).map(|m| m.name.clone()).unwrap_or_default()
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
            return Err(if self.member(member).is_some() {
                Error::DeadlineExceeded
            } else {
                Error::Unavailable
            });
        }
        let id = self.request_id();
        self.propose(member, Envelope { id, origin: member, request });
        self.note_proposed(member, id);
        let done =
            self.run_until(COMMAND_TIMEOUT_MICROS, |c| c.member(member).is_none_or(|m| m.has_result(id)));
        self.note_answered(member, id);
        let Some(applied) = self.member_mut(member).and_then(|m| m.take_result(id)) else {
            if !done {
                self.note_proposal_failed(member);
            }
            return Err(if done { Error::Unavailable } else { Error::DeadlineExceeded });
        };
        let (result, revision) = applied;
        let header = self.header(member, revision);
        result.map(|response| (response, header))
    }

    /// The API layer's quota check (etcd's `quotaKVServer`): over the quota, the member raises
    /// the NOSPACE alarm and the request fails before it reaches raft.
    fn check_quota(&mut self, member: NodeId, request: &Request) -> Result<(), Error> {
        let Some(state) = self.member(member) else { return Err(Error::Unavailable) };
        if quota::available(state.db_size(), state.quota(), request, state.version()) {
            return Ok(());
        }
        self.emit(member, crate::observe::EventKind::QuotaExceeded { layer: "api".into() });
        // etcd's quotaAlarmer waits for the alarm to go through raft, then answers.
        let alarm = Request::Alarm { action: AlarmAction::Activate, member, alarm: Some(AlarmType::NoSpace) };
        let _ = self.request(member, alarm);
        Err(Error::NoSpace)
    }

    pub fn kill(&mut self, member: NodeId) {
        let was_up = self.is_up(member);
        self.world.crash(member);
        self.note_proposals_lost(member);
        self.log.set_now(self.world.now_micros());
        if was_up {
            self.emit(member, EventKind::MemberKilled);
        }
    }

    /// Starts the member again from its data directory, or for the first time if it was added
    /// and never started.
    pub fn restart(&mut self, member: NodeId) -> bool {
        let unstarted = self.members.iter().position(|m| m.id == member && !m.started);
        let restarted = match unstarted {
            Some(index) => {
                self.members[index].started = true;
                self.world.add_member(member)
            }
            None => self.world.restart(member),
        };
        if restarted {
            self.emit(member, EventKind::MemberRestarted);
        }
        self.advance(100_000);
        restarted
    }

    /// Cuts the links between two members both ways.
    pub fn partition(&mut self, a: NodeId, b: NodeId) {
        self.world.network.partition(a, b);
        let (a, b) = (self.member_name(a), self.member_name(b));
        self.emit(0, EventKind::Partitioned { a, b });
    }

    /// Cuts a member off from every other.
    pub fn isolate(&mut self, member: NodeId) {
        self.world.isolate(member);
        self.emit(member, EventKind::Isolated);
    }

    /// Mends every cut link.
    pub fn heal(&mut self) {
        self.world.network.heal();
        self.emit(0, EventKind::Healed);
    }

    /// Multiplies a member's disk latencies (1: a normal disk again).
    pub fn slow_disk(&mut self, member: NodeId, factor: u64) {
        self.world.slow_disk(member, factor);
        self.note_slow_disk(member, factor);
        self.emit(member, EventKind::SlowDisk { factor });
    }
}

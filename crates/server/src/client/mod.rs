//! The typed client between etcd's command-line tools and the cluster, in the role of etcd's
//! clientv3: the endpoints and timeouts a client is configured with, endpoint selection as the
//! client's balancer makes it here, one method per RPC with named request and response types
//! (`kv`, `lease`, `maintenance`, `cluster`, as clientv3's files are), errors carrying their
//! gRPC code, and the retry interceptor's warning for every failed call. [`Faults`] is its
//! counterpart for the world itself (hosts down and up, links cut, slow disks, time passing):
//! the playground's verbs, the page's buttons and tests act on the world through it rather
//! than through the simulator's internals.

mod cluster;
mod error;
mod faults;
pub mod json;
mod kv;
mod lease;
mod maintenance;

use playground_raft::NodeId;

use crate::cluster::{Cluster, COMMAND_TIMEOUT_MICROS};
use crate::error::Error;
use crate::version::EtcdVersion;
pub use cluster::{Member, MemberAddResponse, MemberListResponse, MemberRemoveResponse};
pub use error::{Code, Status};
pub use faults::{FaultError, Faults};
pub use kv::{CompactResponse, DeleteResponse, GetResponse, PerfResult, PutResponse, TxnResponse};
pub use lease::{LeaseGrantResponse, LeaseRevokeResponse};
pub use maintenance::{
    AlarmMember, AlarmResponse, DefragmentResponse, HashKvResponse, MoveLeaderResponse, SnapshotResponse,
};

/// The endpoint etcdctl dials when given none.
pub const DEFAULT_ENDPOINT: &str = "127.0.0.1:2379";

/// What a client is made with (clientv3's `Config`, the part the playground models).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub endpoints: Vec<String>,
    /// How long a request waits for an endpoint that does not answer (`--command-timeout`);
    /// see [`RetryWarning::timed_out`].
    pub command_timeout_micros: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            endpoints: vec![DEFAULT_ENDPOINT.to_string()],
            command_timeout_micros: COMMAND_TIMEOUT_MICROS,
        }
    }
}

/// The endpoint a request goes to and the member behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub endpoint: String,
    pub member: NodeId,
}

/// What grpc-go's retry interceptor logs when a call fails ("retrying of unary invoker
/// failed"): when, the endpoint the client targets, and the error as grpc-go prints it. The
/// caller decides which logger writes it and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryWarning {
    pub at_micros: u64,
    pub endpoint: String,
    pub error: String,
    /// No endpoint answered: the call waits out the command timeout before it fails, and the
    /// warning is logged after that wait. The caller lets the time pass (a shell does, within
    /// its input's budget of virtual time), so `at_micros` is when the call was made.
    pub timed_out: bool,
    /// The gRPC method called (`/etcdserverpb.KV/Range`).
    pub method: &'static str,
    /// The endpoint the call went to; None when none was up.
    pub peer: Option<String>,
}

/// A client of one cluster.
pub struct Client<'c> {
    cluster: &'c mut Cluster,
    config: Config,
    warnings: Vec<RetryWarning>,
}

impl<'c> Client<'c> {
    pub fn new(cluster: &'c mut Cluster, config: Config) -> Self {
        Client { cluster, config, warnings: Vec::new() }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The cluster's sampled history, events and alerts.
    pub fn history(&self) -> &crate::observe::History {
        self.cluster.history()
    }

    /// The cluster's virtual time, as the client's clock reads it.
    pub fn now_micros(&self) -> u64 {
        self.cluster.now_micros()
    }

    /// The retry warnings logged since the last call, oldest first.
    pub fn take_warnings(&mut self) -> Vec<RetryWarning> {
        std::mem::take(&mut self.warnings)
    }

    /// The first endpoint, in the order given, whose member is up: the one the balancer
    /// settles on. None when no endpoint answers (the request then waits out the timeout).
    pub fn select(&self) -> Option<Selected> {
        select(self.cluster, &self.config.endpoints)
    }

    /// One unary call on the selected member; a failure is logged as the retry interceptor
    /// logs it. With no endpoint up the call fails at once, its warning marked `timed_out`
    /// for the caller to let the command timeout pass.
    fn call<T>(
        &mut self,
        method: &'static str,
        rpc: impl FnOnce(&mut Cluster, NodeId) -> Result<T, Error>,
    ) -> Result<T, Status> {
        self.call_as(method, true, rpc)
    }

    /// As [`Client::call`], for what the handling-time histogram leaves out (the mixin's
    /// etcdGRPCRequestsSlow: Defragment, a snapshot stream, `check perf`'s whole workload).
    fn call_untimed<T>(
        &mut self,
        method: &'static str,
        rpc: impl FnOnce(&mut Cluster, NodeId) -> Result<T, Error>,
    ) -> Result<T, Status> {
        self.call_as(method, false, rpc)
    }

    fn call_as<T>(
        &mut self,
        method: &'static str,
        timed: bool,
        rpc: impl FnOnce(&mut Cluster, NodeId) -> Result<T, Error>,
    ) -> Result<T, Status> {
        let selected = self.select();
        let peer = selected.as_ref().map(|s| s.endpoint.clone());
        let (result, timed_out) = match selected {
            // A timeout of zero (or less) has passed before the call is made.
            Some(_) if self.config.command_timeout_micros == 0 => (Err(Error::DeadlineExceeded), false),
            Some(selected) => {
                let started = self.cluster.now_micros();
                let result = rpc(self.cluster, selected.member);
                let took = timed.then(|| self.cluster.now_micros() - started);
                self.cluster.note_handled(selected.member, result.as_ref().err(), took);
                (result, false)
            }
            None => (Err(Error::Unavailable), true),
        };
        result.map_err(|error| {
            self.warn(&error, timed_out, method, peer);
            Status::from(error)
        })
    }

    fn warn(&mut self, error: &Error, timed_out: bool, method: &'static str, peer: Option<String>) {
        let endpoint = self.config.endpoints.first().cloned().unwrap_or_default();
        let error = match error {
            // What grpc-go's balancer reports for an empty endpoint (`--endpoints=,`).
            Error::Unavailable if endpoint.is_empty() => "rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = \"transport: Error while dialing dial tcp: missing address\"".to_string(),
            // What grpc-go's balancer reports for an endpoint nothing listens on (the newer
            // grpc-go of 3.6 words it differently).
            Error::Unavailable => match self.cluster.version() {
                EtcdVersion::V3_5 => format!(
                    "rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = \"transport: Error while dialing dial tcp {}: connect: connection refused\"",
                    endpoint.trim_start_matches("http://")
                ),
                EtcdVersion::V3_6 => format!(
                    "rpc error: code = DeadlineExceeded desc = latest balancer error: connection error: desc = \"transport: Error while dialing: dial tcp {}: connect: connection refused\"",
                    endpoint.trim_start_matches("http://")
                ),
            },
            other => Status::from(other.clone()).to_string(),
        };
        let at_micros = self.cluster.now_micros();
        self.warnings.push(RetryWarning { at_micros, endpoint, error, timed_out, method, peer });
    }
}

/// Endpoint selection without a client (for commands that hold the cluster already).
pub fn select(cluster: &Cluster, endpoints: &[String]) -> Option<Selected> {
    endpoints.iter().find_map(|endpoint| {
        let member = cluster.member_for_endpoint(endpoint)?;
        cluster.is_up(member).then(|| Selected { endpoint: endpoint.clone(), member })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn selection_skips_endpoints_whose_member_is_down() {
        let mut cluster = Cluster::playground(1);
        let endpoints: Vec<String> = ["127.0.0.1:2379", "127.0.0.1:22379"].map(String::from).to_vec();
        let first = select(&cluster, &endpoints).expect("first endpoint answers");
        assert_eq!(first.endpoint, "127.0.0.1:2379");
        cluster.kill(first.member);
        let second = Client::new(&mut cluster, Config { endpoints, ..Config::default() }).select();
        assert_eq!(second.map(|s| s.endpoint).as_deref(), Some("127.0.0.1:22379"));
    }

    #[test]
    fn a_status_prints_as_grpc_go_does() {
        let status = Status::from(Error::NoSpace);
        assert_eq!(status.code, Code::ResourceExhausted);
        assert_eq!(
            status.to_string(),
            "rpc error: code = ResourceExhausted desc = etcdserver: mvcc: database space exceeded"
        );
    }

    #[test]
    fn faults_name_members_as_the_playground_verbs_do() {
        let mut cluster = Cluster::playground(1);
        let mut faults = Faults::new(&mut cluster);
        assert_eq!(faults.kill("nobody"), Err(FaultError::NoMember("nobody".into())));
        assert!(faults.kill("infra1").is_ok());
        assert!(faults.restart("infra1").is_ok());
        assert_eq!(faults.restart("infra1"), Err(FaultError::AlreadyRunning("infra1".into())));
    }
}

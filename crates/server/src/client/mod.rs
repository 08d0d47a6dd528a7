//! The typed client between etcd's command-line tools and the cluster, in the role of etcd's
//! clientv3: the endpoints and timeouts a client is configured with, endpoint selection as the
//! client's balancer makes it here, and errors carrying their gRPC code. [`Faults`] is its
//! counterpart for the world itself (hosts down and up, links cut, slow disks, time passing):
//! the playground's verbs, the page's buttons and tests act on the world through it rather
//! than through the simulator's internals.

mod error;
mod faults;

use playground_raft::NodeId;

use crate::cluster::{Cluster, COMMAND_TIMEOUT_MICROS};
pub use error::{Code, Status};
pub use faults::{FaultError, Faults};

/// The endpoint etcdctl dials when given none.
pub const DEFAULT_ENDPOINT: &str = "127.0.0.1:2379";

/// What a client is made with (clientv3's `Config`, the part the playground models).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub endpoints: Vec<String>,
    /// How long a request waits for an endpoint that does not answer (`--command-timeout`).
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

/// A client of one cluster.
pub struct Client<'c> {
    cluster: &'c mut Cluster,
    config: Config,
}

impl<'c> Client<'c> {
    pub fn new(cluster: &'c mut Cluster, config: Config) -> Self {
        Client { cluster, config }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn cluster(&mut self) -> &mut Cluster {
        self.cluster
    }

    /// The first endpoint, in the order given, whose member is up: the one the balancer
    /// settles on. None when no endpoint answers (the request then waits out the timeout).
    pub fn select(&self) -> Option<Selected> {
        select(self.cluster, &self.config.endpoints)
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

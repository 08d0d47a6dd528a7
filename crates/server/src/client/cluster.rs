//! clientv3's Cluster: the member list and membership changes.

use playground_raft::NodeId;
use serde::Serialize;

use super::json::is_false;
use super::{Client, Status};
use crate::cluster::{Header, MemberConfig};

/// `etcdserverpb.Member`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    #[serde(rename = "ID")]
    pub id: u64,
    pub name: String,
    #[serde(rename = "peerURLs")]
    pub peer_urls: Vec<String>,
    #[serde(rename = "clientURLs")]
    pub client_urls: Vec<String>,
    #[serde(rename = "isLearner", skip_serializing_if = "is_false")]
    pub is_learner: bool,
}

/// `MemberListResponse`, members in id order as etcd returns them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberListResponse {
    pub header: Header,
    pub members: Vec<Member>,
}

/// `MemberAddResponse`: the added member and the list after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberAddResponse {
    pub header: Header,
    pub member: Member,
    pub members: Vec<Member>,
}

/// `MemberRemoveResponse` and `MemberPromoteResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRemoveResponse {
    pub header: Header,
}

fn member(config: &MemberConfig, learners: &[NodeId]) -> Member {
    Member {
        id: config.id,
        name: if config.started { config.name.clone() } else { String::new() },
        peer_urls: vec![config.peer_url.clone()],
        client_urls: if config.started { vec![config.client_url.clone()] } else { Vec::new() },
        is_learner: learners.contains(&config.id),
    }
}

fn members(cluster: &crate::Cluster) -> Vec<Member> {
    let learners = cluster.learners();
    let mut members: Vec<Member> = cluster.members().iter().map(|m| member(m, &learners)).collect();
    members.sort_by_key(|m| m.id);
    members
}

impl Client<'_> {
    /// The member list; its header carries the answering member's raft term.
    pub fn member_list(&mut self) -> Result<MemberListResponse, Status> {
        self.call("/etcdserverpb.Cluster/MemberList", |cluster, via| {
            // etcdctl 3.5 asks for a linearizable member list.
            cluster.linearizable_read_wait(via)?;
            let raft_term = cluster.status(via).map_or(0, |s| s.raft_term);
            let header = Header { cluster_id: cluster.cluster_id(), member_id: via, revision: 0, raft_term };
            Ok(MemberListResponse { header, members: members(cluster) })
        })
    }

    pub fn member_add(
        &mut self,
        name: &str,
        peer_url: &str,
        learner: bool,
    ) -> Result<MemberAddResponse, Status> {
        self.call("/etcdserverpb.Cluster/MemberAdd", |cluster, via| {
            let (added, header) = cluster.member_add(via, name, peer_url, learner)?;
            let member = member(&added, &cluster.learners());
            Ok(MemberAddResponse { header, member, members: members(cluster) })
        })
    }

    pub fn member_remove(&mut self, id: NodeId) -> Result<MemberRemoveResponse, Status> {
        self.call("/etcdserverpb.Cluster/MemberRemove", |cluster, via| {
            cluster.member_remove(via, id).map(|header| MemberRemoveResponse { header })
        })
    }

    pub fn member_promote(&mut self, id: NodeId) -> Result<MemberRemoveResponse, Status> {
        self.call("/etcdserverpb.Cluster/MemberPromote", |cluster, via| {
            cluster.member_promote(via, id).map(|header| MemberRemoveResponse { header })
        })
    }
}

//! The cluster API: member add, remove and promote through conf changes, and the learners.

use playground_raft::{ConfChange, ConfChangeType, NodeId, Status};

use super::{Cluster, Header, MemberConfig, COMMAND_TIMEOUT_MICROS};
use crate::error::Error;

impl Cluster {
    /// Whether `member` and the voting members it reaches (up, no cut link either way) make a
    /// quorum of the voting members.
    fn connected_to_quorum(&self, member: NodeId) -> bool {
        let Some(status) = self.world.status(member) else { return false };
        let reached = status
            .voters
            .iter()
            .filter(|&&voter| {
                voter == member
                    || (self.is_up(voter)
                        && !self.world.network.is_cut(member, voter)
                        && !self.world.network.is_cut(voter, member))
            })
            .count();
        reached > status.voters.len() / 2
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
        let leader = self.leader().filter(|_| accepted).ok_or(Error::DeadlineExceeded)?;
        if !self.world.propose_conf_change(leader, &change) {
            return Err(Error::Unhealthy);
        }
        if !self.run_until(COMMAND_TIMEOUT_MICROS, |c| {
            c.leader().and_then(|l| c.world.status(l)).is_some_and(|s| applied(&s))
        }) {
            return Err(Error::DeadlineExceeded);
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
        // etcd's strict reconfiguration check: the member asked must reach a quorum of the
        // voting members, or the new member would count against a quorum that is not there.
        if !self.connected_to_quorum(via) {
            return Err(Error::Unhealthy);
        }
        if self.members.iter().any(|m| m.peer_url == peer_url) {
            return Err(Error::PeerUrlExists);
        }
        let (host, port) = peer_url.rsplit_once(':').unwrap_or((peer_url, "2380"));
        let client = format!("{host}:{}", port.parse::<u32>().map_or(2379, |p| p.saturating_sub(1)));
        // etcd derives a new member's id from its peer URLs and the time of the request.
        let id = playground_datadir::membership::member_id(
            &[peer_url.to_string()],
            &self.world.now_micros().to_string(),
        );
        let member = MemberConfig {
            name: name.to_string(),
            id,
            peer_url: peer_url.to_string(),
            client_url: client,
            started: false,
        };
        let kind = if learner { ConfChangeType::AddLearnerNode } else { ConfChangeType::AddNode };
        let change = ConfChange { kind, node_id: id, context: Vec::new() };
        self.change_membership(change, |s| s.voters.contains(&id) || s.learners.contains(&id))?;
        // Its process starts when the operator starts it (`playground start NAME`).
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
}

//! The lease API: grant and revoke through raft.

use playground_raft::NodeId;

use super::{Cluster, Header};
use crate::apply::Response;
use crate::error::Error;
use crate::request::Request;

/// A granted lease: its id and the TTL the server gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseGrant {
    pub id: i64,
    pub ttl: i64,
}

impl Cluster {
    pub fn lease_grant(&mut self, member: NodeId, ttl: i64, id: i64) -> Result<(LeaseGrant, Header), Error> {
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
            (Response::LeaseGrant { id, ttl }, header) => Ok((LeaseGrant { id, ttl }, header)),
            _ => Err(Error::Internal("unexpected response".into())),
        }
    }

    pub fn lease_revoke(&mut self, member: NodeId, id: i64) -> Result<Header, Error> {
        self.request(member, Request::LeaseRevoke { id }).map(|(_, header)| header)
    }
}

//! The lease API: grant and revoke through raft.

use playground_raft::NodeId;

use super::{Cluster, Header};
use crate::apply::Response;
use crate::error::Error;
use crate::request::Request;

impl Cluster {
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
}

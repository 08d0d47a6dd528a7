//! clientv3's Lease: grant and revoke.

use serde::Serialize;

use super::{Client, Status};
use crate::cluster::Header;

/// `LeaseGrantResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaseGrantResponse {
    pub header: Header,
    #[serde(rename = "ID")]
    pub id: i64,
    #[serde(rename = "TTL")]
    pub ttl: i64,
}

/// `LeaseRevokeResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaseRevokeResponse {
    pub header: Header,
}

impl Client<'_> {
    /// A lease of `ttl` seconds, its id chosen by the server.
    pub fn lease_grant(&mut self, ttl: i64) -> Result<LeaseGrantResponse, Status> {
        self.call("/etcdserverpb.Lease/LeaseGrant", |cluster, member| {
            cluster.lease_grant(member, ttl, 0).map(|(granted, header)| LeaseGrantResponse {
                header,
                id: granted.id,
                ttl: granted.ttl,
            })
        })
    }

    pub fn lease_revoke(&mut self, id: i64) -> Result<LeaseRevokeResponse, Status> {
        self.call("/etcdserverpb.Lease/LeaseRevoke", |cluster, member| {
            cluster.lease_revoke(member, id).map(|header| LeaseRevokeResponse { header })
        })
    }
}

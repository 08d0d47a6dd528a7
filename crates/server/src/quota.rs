//! The backend quota, as etcd's `backendQuota`: a request may go on while the db's size plus
//! the request's cost stays under the quota. Reads and deletes cost nothing; 3.5.1 still
//! refuses their txns once the db is over the quota, 3.6 lets a zero cost through
//! ([`EtcdVersion::nospace_passes_reads_and_deletes`]; shared/reference/02-quota.md).

use playground_mvcc::request::RequestOp;

use crate::request::Request;
use crate::version::EtcdVersion;

/// etcd's default quota when `--quota-backend-bytes` is 0: 2 GiB.
pub const DEFAULT_QUOTA_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// What etcd adds to each put's key and value size for the index and bbolt overhead.
const KV_OVERHEAD: u64 = 256;
/// What a lease grant costs.
const LEASE_OVERHEAD: u64 = 64;

/// The quota in force for a `--quota-backend-bytes` value: 0 means the default, a negative
/// value none at all.
pub fn quota_bytes(flag: i64) -> Option<u64> {
    match flag {
        0 => Some(DEFAULT_QUOTA_BYTES),
        n if n < 0 => None,
        n => Some(n as u64),
    }
}

fn op_cost(op: &RequestOp) -> u64 {
    match op {
        RequestOp::Put(put) => KV_OVERHEAD + put.key.len() as u64 + put.value.len() as u64,
        RequestOp::Txn(txn) => {
            let branch = |ops: &[RequestOp]| ops.iter().map(op_cost).sum::<u64>();
            branch(&txn.success).max(branch(&txn.failure))
        }
        RequestOp::Range(_) | RequestOp::DeleteRange(_) => 0,
    }
}

/// What a request adds to the db, as the quota counts it.
pub fn cost(request: &Request) -> u64 {
    match request {
        Request::Kv(op) => op_cost(op),
        Request::LeaseGrant { .. } => LEASE_OVERHEAD,
        _ => 0,
    }
}

/// Whether the requests the quota guards (puts, txns, lease grants) may go on.
pub fn available(db_size: u64, quota: Option<u64>, request: &Request, version: EtcdVersion) -> bool {
    let guarded =
        matches!(request, Request::Kv(RequestOp::Put(_) | RequestOp::Txn(_)) | Request::LeaseGrant { .. });
    let cost = cost(request);
    match quota {
        _ if cost == 0 && version.nospace_passes_reads_and_deletes() => true,
        Some(quota) if guarded => db_size + cost < quota,
        _ => true,
    }
}

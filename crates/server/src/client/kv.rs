//! clientv3's KV: range, put, delete range, txn and compaction, each answered with its
//! `etcdserverpb` response (header included).

use playground_mvcc::request::{
    DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, ResponseOp, TxnRequest,
};
use playground_mvcc::KeyValue;
use serde::Serialize;

use super::json::{is_false, is_zero, key_values, some_key_value};
use super::{Client, Status};
use crate::cluster::Header;
use crate::error::Error;

/// `RangeResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GetResponse {
    pub header: Header,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "key_values")]
    pub kvs: Vec<KeyValue>,
    #[serde(skip_serializing_if = "is_false")]
    pub more: bool,
    #[serde(skip_serializing_if = "is_zero")]
    pub count: i64,
}

/// `PutResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PutResponse {
    pub header: Header,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "some_key_value")]
    pub prev_kv: Option<KeyValue>,
}

/// `DeleteRangeResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeleteResponse {
    pub header: Header,
    #[serde(skip_serializing_if = "is_zero")]
    pub deleted: i64,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "key_values")]
    pub prev_kvs: Vec<KeyValue>,
}

/// `TxnResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TxnResponse {
    pub header: Header,
    #[serde(skip_serializing_if = "is_false")]
    pub succeeded: bool,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "response_ops")]
    pub responses: Vec<ResponseOp>,
}

/// `ResponseOp` as Go's `encoding/json` writes the oneof: `{"Response":{"response_put":{..}}}`,
/// each response under a header that carries only the revision.
#[derive(Serialize)]
struct ResponseOpJson {
    #[serde(rename = "Response")]
    response: OneOf,
}

#[derive(Serialize)]
enum OneOf {
    #[serde(rename = "response_range")]
    Range(GetResponse),
    #[serde(rename = "response_put")]
    Put(PutResponse),
    #[serde(rename = "response_delete_range")]
    DeleteRange(DeleteResponse),
    #[serde(rename = "response_txn")]
    Txn(TxnResponse),
}

fn one_of(op: &ResponseOp) -> OneOf {
    let header = |revision| Header { revision, ..Header::default() };
    match op {
        ResponseOp::Range(r) => OneOf::Range(GetResponse {
            header: header(r.revision),
            kvs: r.kvs.clone(),
            more: r.more,
            count: r.count,
        }),
        ResponseOp::Put(r) => {
            OneOf::Put(PutResponse { header: header(r.revision), prev_kv: r.prev_kv.clone() })
        }
        ResponseOp::DeleteRange(r) => OneOf::DeleteRange(DeleteResponse {
            header: header(r.revision),
            deleted: r.deleted,
            prev_kvs: r.prev_kvs.clone(),
        }),
        ResponseOp::Txn(r) => OneOf::Txn(TxnResponse {
            header: header(r.revision),
            succeeded: r.succeeded,
            responses: r.responses.clone(),
        }),
    }
}

fn response_ops<S: serde::Serializer>(ops: &[ResponseOp], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(ops.iter().map(|op| ResponseOpJson { response: one_of(op) }))
}

/// `CompactionResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompactResponse {
    pub header: Header,
}

fn unexpected() -> Error {
    Error::Internal("unexpected response".into())
}

impl Client<'_> {
    /// A range; `serializable` serves it from the member's own store without asking the
    /// leader (`--consistency=s`).
    pub fn get(&mut self, request: RangeRequest, serializable: bool) -> Result<GetResponse, Status> {
        self.call("/etcdserverpb.KV/Range", |cluster, member| {
            match cluster.kv(member, RequestOp::Range(request), serializable)? {
                (ResponseOp::Range(range), header) => {
                    Ok(GetResponse { header, kvs: range.kvs, more: range.more, count: range.count })
                }
                _ => Err(unexpected()),
            }
        })
    }

    pub fn put(&mut self, request: PutRequest) -> Result<PutResponse, Status> {
        self.call("/etcdserverpb.KV/Put", |cluster, member| {
            match cluster.kv(member, RequestOp::Put(request), false)? {
                (ResponseOp::Put(put), header) => Ok(PutResponse { header, prev_kv: put.prev_kv }),
                _ => Err(unexpected()),
            }
        })
    }

    pub fn delete(&mut self, request: DeleteRangeRequest) -> Result<DeleteResponse, Status> {
        self.call("/etcdserverpb.KV/DeleteRange", |cluster, member| {
            match cluster.kv(member, RequestOp::DeleteRange(request), false)? {
                (ResponseOp::DeleteRange(deleted), header) => {
                    Ok(DeleteResponse { header, deleted: deleted.deleted, prev_kvs: deleted.prev_kvs })
                }
                _ => Err(unexpected()),
            }
        })
    }

    pub fn txn(&mut self, request: TxnRequest) -> Result<TxnResponse, Status> {
        self.call("/etcdserverpb.KV/Txn", |cluster, member| {
            match cluster.kv(member, RequestOp::Txn(request), false)? {
                (ResponseOp::Txn(txn), header) => {
                    Ok(TxnResponse { header, succeeded: txn.succeeded, responses: txn.responses })
                }
                _ => Err(unexpected()),
            }
        })
    }

    /// Compacts the history up to `revision`; `physical` waits until the backend dropped it.
    pub fn compact(&mut self, revision: i64, physical: bool) -> Result<CompactResponse, Status> {
        self.call("/etcdserverpb.KV/Compact", |cluster, member| {
            cluster.compact(member, revision, physical).map(|header| CompactResponse { header })
        })
    }
}

/// What `check perf`'s workload measured.
#[derive(Debug, Clone, PartialEq)]
pub struct PerfResult {
    /// Puts acknowledged in each second of the run.
    pub puts_per_second: Vec<u64>,
    pub slowest_seconds: f64,
    pub stddev_seconds: f64,
}

impl Client<'_> {
    /// `check perf`'s load: `rate` puts a second from many clients for `seconds`, then the
    /// prefix it wrote is deleted.
    pub fn check_perf(&mut self, rate: u64, seconds: u64) -> Result<PerfResult, Status> {
        self.call_untimed("/etcdserverpb.KV/Put", |cluster, member| {
            let (puts_per_second, slowest_seconds, stddev_seconds) =
                cluster.check_perf(member, rate, seconds)?;
            Ok(PerfResult { puts_per_second, slowest_seconds, stddev_seconds })
        })
    }
}

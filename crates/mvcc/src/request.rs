//! The KV API's requests and their execution on a store, as etcd's server executes them
//! (`etcdserver/txn`): Range with sort, limit, revision filters, keys-only and count-only; Put
//! and DeleteRange with prev_kv; Txn with compares and success/failure branches, nested.
//! Every entry point (terminal, UI, tests) goes through [`Store::apply`].

use bytes::Bytes;

use crate::kv::KeyValue;
use crate::store::{Error, RangeOptions, Result, Store, WriteTxn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    None,
    Ascend,
    Descend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortTarget {
    #[default]
    Key,
    Version,
    Create,
    Mod,
    Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RangeRequest {
    pub key: Vec<u8>,
    /// Empty: the single key; `\0`: every key from `key` on.
    pub range_end: Vec<u8>,
    pub limit: i64,
    pub revision: i64,
    pub sort_order: SortOrder,
    pub sort_target: SortTarget,
    pub keys_only: bool,
    pub count_only: bool,
    pub min_mod_revision: i64,
    pub max_mod_revision: i64,
    pub min_create_revision: i64,
    pub max_create_revision: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RangeResponse {
    /// The header revision: the store's revision when the range was served.
    pub revision: i64,
    pub kvs: Vec<KeyValue>,
    pub more: bool,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PutRequest {
    pub key: Vec<u8>,
    /// Shared with the raft entry that carries the put, and with the db pages it lands in.
    pub value: Bytes,
    pub lease: i64,
    pub prev_kv: bool,
    /// Keep the current value (`--ignore-value`).
    pub ignore_value: bool,
    /// Keep the current lease (`--ignore-lease`).
    pub ignore_lease: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PutResponse {
    pub revision: i64,
    pub prev_kv: Option<KeyValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteRangeRequest {
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
    pub prev_kv: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteRangeResponse {
    pub revision: i64,
    pub deleted: i64,
    pub prev_kvs: Vec<KeyValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareResult {
    Equal,
    Greater,
    Less,
    NotEqual,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompareTarget {
    Version(i64),
    Create(i64),
    Mod(i64),
    Value(Vec<u8>),
    Lease(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compare {
    pub key: Vec<u8>,
    pub range_end: Vec<u8>,
    pub result: CompareResult,
    pub target: CompareTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestOp {
    Range(RangeRequest),
    Put(PutRequest),
    DeleteRange(DeleteRangeRequest),
    Txn(TxnRequest),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseOp {
    Range(RangeResponse),
    Put(PutResponse),
    DeleteRange(DeleteRangeResponse),
    Txn(TxnResponse),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TxnRequest {
    pub compare: Vec<Compare>,
    pub success: Vec<RequestOp>,
    pub failure: Vec<RequestOp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TxnResponse {
    pub revision: i64,
    pub succeeded: bool,
    pub responses: Vec<ResponseOp>,
}

impl Store {
    /// Executes one request as etcd's apply does: reads at the current revision, writes in one
    /// transaction that takes the next revision if anything changed.
    pub fn apply(&mut self, request: &RequestOp) -> Result<ResponseOp> {
        if let RequestOp::Range(range) = request {
            return self.range_request(range).map(ResponseOp::Range);
        }
        let mut txn = self.write();
        // As etcd: every compare (nested ones too) is decided on the state before the request,
        // and every op on the chosen path is checked, before anything is written, so a request
        // applies whole or not at all.
        let mut path = Vec::new();
        if let RequestOp::Txn(request) = request {
            check_intervals(&request.success)?;
            check_intervals(&request.failure)?;
            choose_path(&txn, request, &mut path)?;
        }
        check(&txn, request, &mut path.iter().copied())?;
        let response = execute(&mut txn, request, &mut path.into_iter());
        // The header revision: the one the write took, or the current one if nothing changed.
        let revision = txn.end();
        let mut response = response?;
        set_revision(&mut response, revision);
        Ok(response)
    }

    pub fn range_request(&self, request: &RangeRequest) -> Result<RangeResponse> {
        range(|key, end, options| self.range(key, end, options), request)
    }

    pub fn txn(&mut self, request: TxnRequest) -> Result<TxnResponse> {
        match self.apply(&RequestOp::Txn(request))? {
            ResponseOp::Txn(response) => Ok(response),
            _ => Err(Error::Corrupt("a txn request answered with another response".into())),
        }
    }
}

fn set_revision(response: &mut ResponseOp, revision: i64) {
    match response {
        ResponseOp::Range(r) => r.revision = revision,
        ResponseOp::Put(r) => r.revision = revision,
        ResponseOp::DeleteRange(r) => r.revision = revision,
        ResponseOp::Txn(r) => {
            r.revision = revision;
            for inner in &mut r.responses {
                set_revision(inner, revision);
            }
        }
    }
}

/// A key range as etcd's interval checks see it: `[key, end)`, a single key when `end` is
/// empty, everything from `key` on when `end` is `\0`.
#[derive(Debug, Clone)]
struct Interval {
    key: Vec<u8>,
    end: Vec<u8>,
}

impl Interval {
    fn contains(&self, point: &[u8]) -> bool {
        if self.end.is_empty() {
            point == self.key.as_slice()
        } else if self.end == [0] {
            point >= self.key.as_slice()
        } else {
            point >= self.key.as_slice() && point < self.end.as_slice()
        }
    }
}

/// etcd's `checkIntervals`: within one branch (nested txns included) no key is put twice and
/// no key is both put and deleted; overlapping deletes are allowed. Returns the branch's puts
/// and deletes.
fn check_intervals(ops: &[RequestOp]) -> Result<(Vec<Vec<u8>>, Vec<Interval>)> {
    let mut deletes: Vec<Interval> = ops
        .iter()
        .filter_map(|op| match op {
            RequestOp::DeleteRange(d) => Some(Interval { key: d.key.clone(), end: d.range_end.clone() }),
            _ => None,
        })
        .collect();
    let mut puts: Vec<Vec<u8>> = Vec::new();
    for op in ops {
        let RequestOp::Txn(inner) = op else { continue };
        let (puts_then, deletes_then) = check_intervals(&inner.success)?;
        let (puts_else, deletes_else) = check_intervals(&inner.failure)?;
        for key in &puts_then {
            if puts.contains(key) || deletes.iter().any(|d| d.contains(key)) {
                return Err(Error::DuplicateKey);
            }
            puts.push(key.clone());
        }
        for key in puts_else {
            // The two branches exclude each other: the same key in both is fine.
            let clash = puts.contains(&key) && !puts_then.contains(&key);
            if clash || deletes.iter().any(|d| d.contains(&key)) {
                return Err(Error::DuplicateKey);
            }
            puts.push(key);
        }
        deletes.extend(deletes_then);
        deletes.extend(deletes_else);
    }
    for op in ops {
        let RequestOp::Put(put) = op else { continue };
        if puts.contains(&put.key) || deletes.iter().any(|d| d.contains(&put.key)) {
            return Err(Error::DuplicateKey);
        }
        puts.push(put.key.clone());
    }
    Ok((puts, deletes))
}

/// The outcome of each compare on the way, in the order `execute` meets them.
fn choose_path(txn: &WriteTxn<'_>, request: &TxnRequest, path: &mut Vec<bool>) -> Result<()> {
    let mut succeeded = true;
    for compare in &request.compare {
        if !compare_holds(txn, compare)? {
            succeeded = false;
            break;
        }
    }
    path.push(succeeded);
    for op in if succeeded { &request.success } else { &request.failure } {
        if let RequestOp::Txn(inner) = op {
            choose_path(txn, inner, path)?;
        }
    }
    Ok(())
}

/// Fails as etcd's `checkRequests` would: a range at a compacted or future revision, a put
/// keeping the value or lease of a missing key.
fn check(txn: &WriteTxn<'_>, request: &RequestOp, path: &mut impl Iterator<Item = bool>) -> Result<()> {
    match request {
        RequestOp::Range(range) => {
            let options = RangeOptions { limit: 1, rev: range.revision, count: true };
            txn.range(&range.key, &range.range_end, options).map(|_| ())
        }
        RequestOp::Put(put) if put.ignore_value || put.ignore_lease => {
            match txn.range(&put.key, b"", RangeOptions { count: true, ..Default::default() })?.count {
                0 => Err(Error::KeyNotFound),
                _ => Ok(()),
            }
        }
        RequestOp::Put(_) | RequestOp::DeleteRange(_) => Ok(()),
        RequestOp::Txn(inner) => {
            let succeeded = path.next().unwrap_or(false);
            for op in if succeeded { &inner.success } else { &inner.failure } {
                check(txn, op, path)?;
            }
            Ok(())
        }
    }
}

fn execute(
    txn: &mut WriteTxn<'_>,
    request: &RequestOp,
    path: &mut impl Iterator<Item = bool>,
) -> Result<ResponseOp> {
    match request {
        RequestOp::Range(range) => {
            let response = self::range(|key, end, options| txn.range(key, end, options), range)?;
            Ok(ResponseOp::Range(response))
        }
        RequestOp::Put(put) => {
            // The previous value is read only when the request needs it (the key index alone
            // gives the new version and creation revision).
            let previous = if put.prev_kv || put.ignore_value || put.ignore_lease {
                txn.range(&put.key, b"", RangeOptions::default())?.kvs.into_iter().next()
            } else {
                None
            };
            let mut lease = put.lease;
            if put.ignore_value || put.ignore_lease {
                let Some(previous) = &previous else { return Err(Error::KeyNotFound) };
                if put.ignore_lease {
                    lease = previous.lease;
                }
            }
            match &previous {
                Some(previous) if put.ignore_value => txn.put(&put.key, &previous.value, lease)?,
                _ => txn.put_shared(&put.key, &put.value, lease)?,
            }
            Ok(ResponseOp::Put(PutResponse { revision: 0, prev_kv: previous.filter(|_| put.prev_kv) }))
        }
        RequestOp::DeleteRange(delete) => {
            let prev_kvs = if delete.prev_kv {
                txn.range(&delete.key, &delete.range_end, RangeOptions::default())?.kvs
            } else {
                Vec::new()
            };
            let deleted = txn.delete_range(&delete.key, &delete.range_end)?;
            Ok(ResponseOp::DeleteRange(DeleteRangeResponse { revision: 0, deleted, prev_kvs }))
        }
        RequestOp::Txn(request) => {
            let succeeded = path.next().unwrap_or(false);
            let branch = if succeeded { &request.success } else { &request.failure };
            let mut responses = Vec::with_capacity(branch.len());
            for op in branch {
                responses.push(execute(txn, op, path)?);
            }
            Ok(ResponseOp::Txn(TxnResponse { revision: 0, succeeded, responses }))
        }
    }
}

/// etcd's `applyCompare`: every key in the range must satisfy the comparison; a missing key
/// compares as an empty KeyValue, except that a value comparison on a missing key fails.
fn compare_holds(txn: &WriteTxn<'_>, compare: &Compare) -> Result<bool> {
    let kvs = match txn.range(&compare.key, &compare.range_end, RangeOptions::default()) {
        Ok(result) => result.kvs,
        Err(_) => return Ok(false),
    };
    if kvs.is_empty() {
        if matches!(compare.target, CompareTarget::Value(_)) {
            return Ok(false);
        }
        return Ok(compare_kv(compare, &KeyValue::default()));
    }
    Ok(kvs.iter().all(|kv| compare_kv(compare, kv)))
}

fn compare_kv(compare: &Compare, kv: &KeyValue) -> bool {
    let ordering = match &compare.target {
        CompareTarget::Value(value) => kv.value.as_slice().cmp(value.as_slice()),
        CompareTarget::Create(rev) => kv.create_revision.cmp(rev),
        CompareTarget::Mod(rev) => kv.mod_revision.cmp(rev),
        CompareTarget::Version(version) => kv.version.cmp(version),
        CompareTarget::Lease(lease) => kv.lease.cmp(lease),
    };
    match compare.result {
        CompareResult::Equal => ordering.is_eq(),
        CompareResult::NotEqual => ordering.is_ne(),
        CompareResult::Greater => ordering.is_gt(),
        CompareResult::Less => ordering.is_lt(),
    }
}

/// etcd's `executeRange` over any reader: fetch (one extra for `more`, or everything when
/// sorting or filtering), filter, sort, cut to the limit, drop values for keys-only.
fn range(
    read: impl Fn(&[u8], &[u8], RangeOptions) -> Result<crate::store::RangeResult>,
    request: &RangeRequest,
) -> Result<RangeResponse> {
    let filtering = request.sort_order != SortOrder::None
        || request.min_mod_revision != 0
        || request.max_mod_revision != 0
        || request.min_create_revision != 0
        || request.max_create_revision != 0;
    let mut limit = if filtering { 0 } else { request.limit.max(0) as usize };
    if limit > 0 {
        limit += 1;
    }
    let options = RangeOptions { limit, rev: request.revision, count: request.count_only };
    let result = read(&request.key, &request.range_end, options)?;
    let mut kvs = result.kvs;
    kvs.retain(|kv| {
        !(request.max_mod_revision != 0 && kv.mod_revision > request.max_mod_revision
            || request.min_mod_revision != 0 && kv.mod_revision < request.min_mod_revision
            || request.max_create_revision != 0 && kv.create_revision > request.max_create_revision
            || request.min_create_revision != 0 && kv.create_revision < request.min_create_revision)
    });
    let mut order = request.sort_order;
    if request.sort_target != SortTarget::Key && order == SortOrder::None {
        order = SortOrder::Ascend;
    } else if request.sort_target == SortTarget::Key && order == SortOrder::Ascend {
        order = SortOrder::None;
    }
    if order != SortOrder::None {
        // Stable, so equal entries stay in key order (Go's sort is not; ours is reproducible).
        kvs.sort_by(|a, b| {
            let ordering = match request.sort_target {
                SortTarget::Key => a.key.cmp(&b.key),
                SortTarget::Version => a.version.cmp(&b.version),
                SortTarget::Create => a.create_revision.cmp(&b.create_revision),
                SortTarget::Mod => a.mod_revision.cmp(&b.mod_revision),
                SortTarget::Value => a.value.cmp(&b.value),
            };
            if order == SortOrder::Descend {
                ordering.reverse()
            } else {
                ordering
            }
        });
    }
    let mut more = false;
    if request.limit > 0 && kvs.len() > request.limit as usize {
        kvs.truncate(request.limit as usize);
        more = true;
    }
    if request.keys_only {
        for kv in &mut kvs {
            kv.value.clear();
        }
    }
    Ok(RangeResponse { revision: result.rev, kvs, more, count: result.count as i64 })
}

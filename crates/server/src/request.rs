//! What goes through raft: etcd's `InternalRaftRequest` cases the playground applies, each with
//! the id of the request (the proposer waits on it) and the member that proposed it.
//!
//! The entry encoding is our own compact one, not etcd's protobuf: entries never leave the
//! playground's WAL (snapshots carry the db, which is the real format). Its integers are
//! protobuf varints (`playground-wire`), its byte strings length-prefixed.

use bytes::Bytes;
use playground_mvcc::request::{
    Compare, CompareResult, CompareTarget, DeleteRangeRequest, PutRequest, RangeRequest, RequestOp,
    SortOrder, SortTarget, TxnRequest,
};
use playground_wire::varint;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlarmType {
    NoSpace,
    Corrupt,
}

impl AlarmType {
    /// etcd's enum name, as `alarm list` prints it.
    pub fn name(self) -> &'static str {
        match self {
            AlarmType::NoSpace => "NOSPACE",
            AlarmType::Corrupt => "CORRUPT",
        }
    }

    /// The protobuf number, as `-w json` prints it.
    pub fn number(self) -> u64 {
        match self {
            AlarmType::NoSpace => 1,
            AlarmType::Corrupt => 2,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmAction {
    Get,
    Activate,
    Deactivate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Kv(RequestOp),
    Compaction {
        revision: i64,
        physical: bool,
    },
    LeaseGrant {
        id: i64,
        ttl: i64,
    },
    LeaseRevoke {
        id: i64,
    },
    Alarm {
        action: AlarmAction,
        member: u64,
        alarm: Option<AlarmType>,
    },
    /// A member publishing its name and client URLs once it joins (etcd's
    /// `ClusterMemberAttrSet`).
    Publish {
        member: u64,
    },
    /// The leader settling the cluster version (etcd's `ClusterVersionSet`).
    ClusterVersionSet {
        version: String,
    },
}

/// A request with its envelope, as stored in an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub id: u64,
    /// The member that proposed it, which answers the client.
    pub origin: u64,
    pub request: Request,
}

struct Writer(Vec<u8>);

impl Writer {
    fn u(&mut self, v: u64) {
        varint::put(&mut self.0, v);
    }
    fn i(&mut self, v: i64) {
        self.u(v as u64);
    }
    fn b(&mut self, bytes: &[u8]) {
        self.u(bytes.len() as u64);
        self.0.extend_from_slice(bytes);
    }
}

/// The bytes still to read, and the buffer they are part of when values may share it.
struct Reader<'a>(&'a [u8], Option<&'a Bytes>);

impl Reader<'_> {
    /// [`Reader::b`] as a slice of the buffer read (no copy), when there is one.
    fn shared(&mut self) -> Option<Bytes> {
        let len = usize::try_from(self.u()?).ok()?;
        if len > self.0.len() {
            return None;
        }
        let (bytes, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(match self.1 {
            Some(origin) => origin.slice_ref(bytes),
            None => Bytes::copy_from_slice(bytes),
        })
    }

    fn u(&mut self) -> Option<u64> {
        varint::take(&mut self.0)
    }
    fn i(&mut self) -> Option<i64> {
        self.u().map(|v| v as i64)
    }
    fn flag(&mut self) -> Option<bool> {
        self.u().map(|v| v != 0)
    }
    fn b(&mut self) -> Option<Vec<u8>> {
        let len = usize::try_from(self.u()?).ok()?;
        if len > self.0.len() {
            return None;
        }
        let (bytes, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(bytes.to_vec())
    }
}

/// Nesting deeper than this does not decode (etcd bounds txn nesting through request size).
const MAX_DEPTH: usize = 64;

fn write_op(w: &mut Writer, op: &RequestOp) {
    match op {
        RequestOp::Range(r) => {
            w.u(0);
            w.b(&r.key);
            w.b(&r.range_end);
            for v in [
                r.limit,
                r.revision,
                r.min_mod_revision,
                r.max_mod_revision,
                r.min_create_revision,
                r.max_create_revision,
            ] {
                w.i(v);
            }
            w.u(r.sort_order as u64);
            w.u(r.sort_target as u64);
            w.u(u64::from(r.keys_only) | u64::from(r.count_only) << 1);
        }
        RequestOp::Put(p) => {
            w.u(1);
            w.b(&p.key);
            w.b(&p.value);
            w.i(p.lease);
            w.u(u64::from(p.prev_kv) | u64::from(p.ignore_value) << 1 | u64::from(p.ignore_lease) << 2);
        }
        RequestOp::DeleteRange(d) => {
            w.u(2);
            w.b(&d.key);
            w.b(&d.range_end);
            w.u(u64::from(d.prev_kv));
        }
        RequestOp::Txn(t) => {
            w.u(3);
            w.u(t.compare.len() as u64);
            for c in &t.compare {
                w.b(&c.key);
                w.b(&c.range_end);
                w.u(c.result as u64);
                match &c.target {
                    CompareTarget::Version(v) => (w.u(0), w.i(*v)).1,
                    CompareTarget::Create(v) => (w.u(1), w.i(*v)).1,
                    CompareTarget::Mod(v) => (w.u(2), w.i(*v)).1,
                    CompareTarget::Value(v) => (w.u(3), w.b(v)).1,
                    CompareTarget::Lease(v) => (w.u(4), w.i(*v)).1,
                }
            }
            for branch in [&t.success, &t.failure] {
                w.u(branch.len() as u64);
                for op in branch {
                    write_op(w, op);
                }
            }
        }
    }
}

fn read_op(r: &mut Reader, depth: usize) -> Option<RequestOp> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match r.u()? {
        0 => {
            let (key, range_end) = (r.b()?, r.b()?);
            let (limit, revision) = (r.i()?, r.i()?);
            let (min_mod_revision, max_mod_revision, min_create_revision, max_create_revision) =
                (r.i()?, r.i()?, r.i()?, r.i()?);
            let sort_order = match r.u()? {
                0 => SortOrder::None,
                1 => SortOrder::Ascend,
                2 => SortOrder::Descend,
                _ => return None,
            };
            let sort_target = match r.u()? {
                0 => SortTarget::Key,
                1 => SortTarget::Version,
                2 => SortTarget::Create,
                3 => SortTarget::Mod,
                4 => SortTarget::Value,
                _ => return None,
            };
            let flags = r.u()?;
            RequestOp::Range(RangeRequest {
                key,
                range_end,
                limit,
                revision,
                sort_order,
                sort_target,
                keys_only: flags & 1 != 0,
                count_only: flags & 2 != 0,
                min_mod_revision,
                max_mod_revision,
                min_create_revision,
                max_create_revision,
            })
        }
        1 => {
            let (key, value, lease, flags) = (r.b()?, r.shared()?, r.i()?, r.u()?);
            RequestOp::Put(PutRequest {
                key,
                value,
                lease,
                prev_kv: flags & 1 != 0,
                ignore_value: flags & 2 != 0,
                ignore_lease: flags & 4 != 0,
            })
        }
        2 => {
            RequestOp::DeleteRange(DeleteRangeRequest { key: r.b()?, range_end: r.b()?, prev_kv: r.flag()? })
        }
        3 => {
            let mut txn = TxnRequest::default();
            for _ in 0..r.u()? {
                let (key, range_end) = (r.b()?, r.b()?);
                let result = match r.u()? {
                    0 => CompareResult::Equal,
                    1 => CompareResult::Greater,
                    2 => CompareResult::Less,
                    3 => CompareResult::NotEqual,
                    _ => return None,
                };
                let target = match r.u()? {
                    0 => CompareTarget::Version(r.i()?),
                    1 => CompareTarget::Create(r.i()?),
                    2 => CompareTarget::Mod(r.i()?),
                    3 => CompareTarget::Value(r.b()?),
                    4 => CompareTarget::Lease(r.i()?),
                    _ => return None,
                };
                txn.compare.push(Compare { key, range_end, result, target });
            }
            for branch in [&mut txn.success, &mut txn.failure] {
                for _ in 0..r.u()? {
                    branch.push(read_op(r, depth + 1)?);
                }
            }
            RequestOp::Txn(txn)
        }
        _ => return None,
    })
}

fn alarm_number(alarm: Option<AlarmType>) -> u64 {
    alarm.map_or(0, AlarmType::number)
}

impl Envelope {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer(Vec::new());
        w.u(self.id);
        w.u(self.origin);
        match &self.request {
            Request::Kv(op) => {
                w.u(0);
                write_op(&mut w, op);
            }
            Request::Compaction { revision, physical } => {
                w.u(1);
                w.i(*revision);
                w.u(u64::from(*physical));
            }
            Request::LeaseGrant { id, ttl } => {
                w.u(2);
                w.i(*id);
                w.i(*ttl);
            }
            Request::LeaseRevoke { id } => {
                w.u(3);
                w.i(*id);
            }
            Request::Alarm { action, member, alarm } => {
                w.u(4);
                w.u(*action as u64);
                w.u(*member);
                w.u(alarm_number(*alarm));
            }
            Request::Publish { member } => {
                w.u(5);
                w.u(*member);
            }
            Request::ClusterVersionSet { version } => {
                w.u(6);
                w.b(version.as_bytes());
            }
        }
        // The buffer becomes the raft entry's data, shared by every member's log, WAL and db
        // pages: a 1 MiB put must not keep the 2 MiB its doubling growth reserved.
        w.0.shrink_to_fit();
        w.0
    }

    /// None for bytes that are not an envelope (the entry is skipped, as etcd skips what it
    /// cannot unmarshal only after logging; here nothing else writes entries).
    pub fn decode(bytes: &[u8]) -> Option<Envelope> {
        Self::read(Reader(bytes, None))
    }

    /// [`Envelope::decode`] of a raft entry's data, put values kept as slices of it: one
    /// buffer from the proposal through the WAL to the db pages of every member.
    pub fn decode_entry(data: &Bytes) -> Option<Envelope> {
        Self::read(Reader(data, Some(data)))
    }

    fn read(mut r: Reader<'_>) -> Option<Envelope> {
        let (id, origin) = (r.u()?, r.u()?);
        let request = match r.u()? {
            0 => Request::Kv(read_op(&mut r, 0)?),
            1 => Request::Compaction { revision: r.i()?, physical: r.flag()? },
            2 => Request::LeaseGrant { id: r.i()?, ttl: r.i()? },
            3 => Request::LeaseRevoke { id: r.i()? },
            4 => {
                let action = match r.u()? {
                    0 => AlarmAction::Get,
                    1 => AlarmAction::Activate,
                    2 => AlarmAction::Deactivate,
                    _ => return None,
                };
                let member = r.u()?;
                let alarm = match r.u()? {
                    0 => None,
                    1 => Some(AlarmType::NoSpace),
                    2 => Some(AlarmType::Corrupt),
                    _ => return None,
                };
                Request::Alarm { action, member, alarm }
            }
            5 => Request::Publish { member: r.u()? },
            6 => Request::ClusterVersionSet { version: String::from_utf8(r.b()?).ok()? },
            _ => return None,
        };
        r.0.is_empty().then_some(Envelope { id, origin, request })
    }
}

//! `-w protobuf` (etcdctl's `pbPrinter`): the response message's wire bytes on stdout, with
//! nothing after them. Field numbers are etcdserverpb's and mvccpb's; proto3 leaves out zero
//! values, and every response carries its header (gogo-proto keeps the pointer set). The
//! endpoint commands print no message: etcdctl refuses the format for them.

use playground_mvcc::request::ResponseOp;
use playground_mvcc::KeyValue;
use playground_server::client::{
    AlarmResponse, DeleteResponse, GetResponse, LeaseGrantResponse, LeaseRevokeResponse, Member,
    MemberListResponse, PutResponse, TxnResponse,
};
use playground_server::Header;
use playground_wire::Encoder;

use super::{EndpointHashKv, EndpointHealth, EndpointStatus, KvDisplay, Printed, Printer};

pub(super) struct Protobuf;

fn header(h: &Header) -> Vec<u8> {
    let mut out = Encoder::new();
    out.varint_nonzero(1, h.cluster_id)
        .varint_nonzero(2, h.member_id)
        .varint_nonzero(3, h.revision as u64)
        .varint_nonzero(4, h.raft_term);
    out.into_bytes()
}

/// A header that carries only the revision, as a txn's inner responses do.
fn revision_header(revision: i64) -> Vec<u8> {
    header(&Header { revision, ..Header::default() })
}

fn range(header: Vec<u8>, kvs: &[KeyValue], more: bool, count: i64) -> Vec<u8> {
    let mut out = Encoder::new();
    out.bytes(1, &header);
    for kv in kvs {
        out.bytes(2, &kv.encode());
    }
    out.varint_nonzero(3, u64::from(more)).varint_nonzero(4, count as u64);
    out.into_bytes()
}

fn put(header: Vec<u8>, prev_kv: Option<&KeyValue>) -> Vec<u8> {
    let mut out = Encoder::new();
    out.bytes(1, &header);
    if let Some(kv) = prev_kv {
        out.bytes(2, &kv.encode());
    }
    out.into_bytes()
}

fn delete(header: Vec<u8>, deleted: i64, prev_kvs: &[KeyValue]) -> Vec<u8> {
    let mut out = Encoder::new();
    out.bytes(1, &header).varint_nonzero(2, deleted as u64);
    for kv in prev_kvs {
        out.bytes(3, &kv.encode());
    }
    out.into_bytes()
}

fn txn(header: Vec<u8>, succeeded: bool, responses: &[ResponseOp]) -> Vec<u8> {
    let mut out = Encoder::new();
    out.bytes(1, &header).varint_nonzero(2, u64::from(succeeded));
    for op in responses {
        // ResponseOp's oneof: response_range 1, response_put 2, response_delete_range 3,
        // response_txn 4.
        let (field, message) = match op {
            ResponseOp::Range(r) => (1, range(revision_header(r.revision), &r.kvs, r.more, r.count)),
            ResponseOp::Put(r) => (2, put(revision_header(r.revision), r.prev_kv.as_ref())),
            ResponseOp::DeleteRange(r) => (3, delete(revision_header(r.revision), r.deleted, &r.prev_kvs)),
            ResponseOp::Txn(r) => (4, txn(revision_header(r.revision), r.succeeded, &r.responses)),
        };
        let mut wrapped = Encoder::new();
        wrapped.bytes(field, &message);
        out.bytes(3, &wrapped.into_bytes());
    }
    out.into_bytes()
}

fn member(m: &Member) -> Vec<u8> {
    let mut out = Encoder::new();
    out.varint_nonzero(1, m.id).bytes_nonempty(2, m.name.as_bytes());
    for url in &m.peer_urls {
        out.bytes(3, url.as_bytes());
    }
    for url in &m.client_urls {
        out.bytes(4, url.as_bytes());
    }
    out.varint_nonzero(5, u64::from(m.is_learner));
    out.into_bytes()
}

impl Printer for Protobuf {
    fn get(&self, p: &mut Printed, r: &GetResponse, _: KvDisplay) {
        p.out.extend(range(header(&r.header), &r.kvs, r.more, r.count));
    }
    fn put(&self, p: &mut Printed, r: &PutResponse) {
        p.out.extend(put(header(&r.header), r.prev_kv.as_ref()));
    }
    fn del(&self, p: &mut Printed, r: &DeleteResponse) {
        p.out.extend(delete(header(&r.header), r.deleted, &r.prev_kvs));
    }
    fn txn(&self, p: &mut Printed, r: &TxnResponse) {
        p.out.extend(txn(header(&r.header), r.succeeded, &r.responses));
    }
    /// clientv3's LeaseGrantResponse embeds `*ResponseHeader`, whose `Marshal` it inherits:
    /// etcdctl writes the header alone, without the lease's ID and TTL.
    fn grant(&self, p: &mut Printed, r: &LeaseGrantResponse) {
        p.out.extend(header(&r.header));
    }
    /// clientv3's LeaseRevokeResponse is a defined type over the message, without its methods:
    /// etcdctl cannot marshal it and prints the value with `%v`.
    fn revoke(&self, p: &mut Printed, _: i64, r: &LeaseRevokeResponse) {
        let h = &r.header;
        let mut text = String::new();
        for (name, value) in [
            ("cluster_id", h.cluster_id),
            ("member_id", h.member_id),
            ("revision", h.revision as u64),
            ("raft_term", h.raft_term),
        ] {
            if value != 0 {
                text.push_str(&format!("{name}:{value} "));
            }
        }
        p.err.extend_from_slice(
            format!(
                "Error: marshal unsupported for type clientv3.LeaseRevokeResponse ({{{text} {{}} [] 0}})\n"
            )
            .as_bytes(),
        );
        p.exit = super::super::EXIT_BAD_FEATURE;
    }
    fn alarm(&self, p: &mut Printed, r: &AlarmResponse) {
        let mut out = Encoder::new();
        out.bytes(1, &header(&r.header));
        for alarm in &r.alarms {
            let mut member = Encoder::new();
            member.varint_nonzero(1, alarm.member_id).varint_nonzero(2, alarm.alarm.number());
            out.bytes(2, &member.into_bytes());
        }
        p.out.extend(out.into_bytes());
    }
    fn member_list(&self, p: &mut Printed, r: &MemberListResponse) {
        let mut out = Encoder::new();
        out.bytes(1, &header(&r.header));
        for m in &r.members {
            out.bytes(2, &member(m));
        }
        p.out.extend(out.into_bytes());
    }
    fn endpoint_status(&self, p: &mut Printed, _: &[EndpointStatus]) {
        p.unsupported("protobuf");
    }
    fn endpoint_health(&self, p: &mut Printed, _: &[EndpointHealth]) {
        p.unsupported("protobuf");
    }
    fn endpoint_hashkv(&self, p: &mut Printed, _: &[EndpointHashKv]) {
        p.unsupported("protobuf");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `etcdctl get foo -w protobuf` on real etcd 3.5.1 (01-compaction, single member, od -c).
    #[test]
    fn range_response_as_etcdctl_writes_it() {
        let r = GetResponse {
            header: Header {
                cluster_id: 3031208779177326660,
                member_id: 2895582614653634453,
                revision: 9,
                raft_term: 2,
            },
            kvs: vec![KeyValue {
                key: b"foo".to_vec(),
                create_revision: 2,
                mod_revision: 5,
                version: 4,
                value: b"bar3".to_vec(),
                lease: 0,
            }],
            more: false,
            count: 1,
        };
        let mut p = Printed::default();
        Protobuf.get(&mut p, &r, KvDisplay::default());
        assert_eq!(p.out.len(), 0o57);
        assert_eq!(&p.out[..2], b"\n\x18");
        assert_eq!(&p.out[26..30], b"\x12\x11\n\x03");
        assert_eq!(&p.out[p.out.len() - 2..], b" \x01");
    }

    /// `etcdctl lease revoke ID -w protobuf` on real etcd 3.5.1 (stdout empty, exit 4).
    #[test]
    fn lease_revoke_is_not_marshalled() {
        let header = Header {
            cluster_id: 2740188575099224210,
            member_id: 16911515803459508101,
            revision: 1,
            raft_term: 2,
        };
        let mut p = Printed::default();
        Protobuf.revoke(&mut p, 1, &LeaseRevokeResponse { header });
        assert_eq!(
            String::from_utf8(p.err).unwrap(),
            "Error: marshal unsupported for type clientv3.LeaseRevokeResponse ({cluster_id:2740188575099224210 \
             member_id:16911515803459508101 revision:1 raft_term:2  {} [] 0})\n"
        );
        assert_eq!((p.out.len(), p.exit), (0, 4));
    }
}

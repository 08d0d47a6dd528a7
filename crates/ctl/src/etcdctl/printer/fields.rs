//! The fields format (`printer_fields.go`): `"Name" : value` lines, strings quoted as Go's
//! `%q` quotes them, one blank line after each listed item.

use playground_mvcc::request::ResponseOp;
use playground_mvcc::KeyValue;
use playground_server::client::{
    AlarmResponse, DeleteResponse, GetResponse, LeaseGrantResponse, LeaseRevokeResponse, MemberListResponse,
    PutResponse, TxnResponse,
};
use playground_server::Header;

use crate::etcdctl::go::quote;

use super::{layout, EndpointHashKv, EndpointHealth, EndpointStatus, KvDisplay, Printed, Printer};

pub(super) struct Fields;

/// Go's `fmt.Println` of a `[]string`.
pub(super) fn go_strings(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

fn header(p: &mut Printed, h: &Header) {
    p.line(format!("\"ClusterID\" : {}", h.cluster_id));
    p.line(format!("\"MemberID\" : {}", h.member_id));
    p.line(format!("\"Revision\" : {}", h.revision));
    p.line(format!("\"RaftTerm\" : {}", h.raft_term));
}

/// A key-value, its names prefixed (`Prev` for the previous values of a put or delete).
fn kv(p: &mut Printed, prefix: &str, kv: &KeyValue) {
    p.line(format!("\"{prefix}Key\" : {}", quote(&kv.key)));
    p.line(format!("\"{prefix}CreateRevision\" : {}", kv.create_revision));
    p.line(format!("\"{prefix}ModRevision\" : {}", kv.mod_revision));
    p.line(format!("\"{prefix}Version\" : {}", kv.version));
    p.line(format!("\"{prefix}Value\" : {}", quote(&kv.value)));
    p.line(format!("\"{prefix}Lease\" : {}", kv.lease));
}

fn get_fields(p: &mut Printed, h: &Header, kvs: &[KeyValue], more: bool, count: i64) {
    header(p, h);
    for item in kvs {
        kv(p, "", item);
    }
    p.line(format!("\"More\" : {more}"));
    p.line(format!("\"Count\" : {count}"));
}

fn del_fields(p: &mut Printed, h: &Header, deleted: i64, prev_kvs: &[KeyValue]) {
    header(p, h);
    p.line(format!("\"Deleted\" : {deleted}"));
    for item in prev_kvs {
        kv(p, "Prev", item);
    }
}

impl Printer for Fields {
    fn get(&self, p: &mut Printed, r: &GetResponse, _: KvDisplay) {
        get_fields(p, &r.header, &r.kvs, r.more, r.count);
    }

    fn put(&self, p: &mut Printed, r: &PutResponse) {
        header(p, &r.header);
        if let Some(prev) = &r.prev_kv {
            kv(p, "Prev", prev);
        }
    }

    fn del(&self, p: &mut Printed, r: &DeleteResponse) {
        del_fields(p, &r.header, r.deleted, &r.prev_kvs);
    }

    /// The txn's header and outcome, then each response as its own command prints it, under a
    /// header that carries only the revision.
    fn txn(&self, p: &mut Printed, r: &TxnResponse) {
        header(p, &r.header);
        p.line(format!("\"Succeeded\" : {}", r.succeeded));
        for response in &r.responses {
            let revision = |revision| Header { revision, ..Header::default() };
            match response {
                ResponseOp::Put(put) => {
                    header(p, &revision(put.revision));
                    if let Some(prev) = &put.prev_kv {
                        kv(p, "Prev", prev);
                    }
                }
                ResponseOp::Range(range) => {
                    get_fields(p, &revision(range.revision), &range.kvs, range.more, range.count)
                }
                ResponseOp::DeleteRange(deleted) => {
                    del_fields(p, &revision(deleted.revision), deleted.deleted, &deleted.prev_kvs)
                }
                ResponseOp::Txn(_) => {}
            }
        }
    }

    fn revoke(&self, p: &mut Printed, _: i64, r: &LeaseRevokeResponse) {
        header(p, &r.header);
    }

    fn grant(&self, p: &mut Printed, r: &LeaseGrantResponse) {
        header(p, &r.header);
        p.line(format!("\"ID\" : {}", r.id));
        p.line(format!("\"TTL\" : {}", r.ttl));
    }

    fn alarm(&self, p: &mut Printed, r: &AlarmResponse) {
        header(p, &r.header);
        for alarm in &r.alarms {
            p.line(format!("\"MemberID\" : {}", alarm.member_id));
            p.line(format!("\"AlarmType\" : {}", alarm.alarm.name()));
            p.line("");
        }
    }

    fn member_list(&self, p: &mut Printed, r: &MemberListResponse) {
        header(p, &r.header);
        for m in &r.members {
            p.line(format!("\"ID\" : {}", m.id));
            p.line(format!("\"Name\" : {}", quote(m.name.as_bytes())));
            for url in &m.peer_urls {
                p.line(format!("\"PeerURL\" : {}", quote(url.as_bytes())));
            }
            for url in &m.client_urls {
                p.line(format!("\"ClientURL\" : {}", quote(url.as_bytes())));
            }
            p.line(format!("\"IsLearner\" : {}", m.is_learner));
            p.line("");
        }
    }

    /// The header, then the release's status lines ([`layout::status_fields`]).
    fn endpoint_status(&self, p: &mut Printed, rows: &[EndpointStatus]) {
        for row in rows {
            header(p, &row.status.header);
            for (name, value) in layout::status_fields(row, p.version) {
                p.line(format!("\"{name}\" : {value}"));
            }
            p.line("");
        }
    }

    fn endpoint_health(&self, p: &mut Printed, rows: &[EndpointHealth]) {
        for row in rows {
            p.line(format!("\"Endpoint\" : {}", quote(row.endpoint.as_bytes())));
            p.line(format!("\"Health\" : {}", row.health));
            p.line(format!("\"Took\" : {}", row.took));
            p.line(format!("\"Error\" : {}", row.error));
            p.line("");
        }
    }

    fn endpoint_hashkv(&self, p: &mut Printed, rows: &[EndpointHashKv]) {
        for row in rows {
            header(p, &row.hash_kv.header);
            p.line(format!("\"Endpoint\" : {}", quote(row.endpoint.as_bytes())));
            p.line(format!("\"Hash\" : {}", row.hash_kv.hash));
            p.line("");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_lists_as_go_prints_them() {
        assert_eq!(go_strings(&[]), "[]");
        assert_eq!(go_strings(&["a".into(), "b c".into()]), "[a b c]");
    }
}

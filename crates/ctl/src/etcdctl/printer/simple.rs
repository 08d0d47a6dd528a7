//! The simple format (`printer_simple.go`): raw keys and values, `OK`, counts, and
//! comma-separated endpoint lines.

use playground_mvcc::request::ResponseOp;
use playground_mvcc::KeyValue;
use playground_server::client::{
    AlarmResponse, DeleteResponse, GetResponse, LeaseGrantResponse, LeaseRevokeResponse, MemberListResponse,
    PutResponse, TxnResponse,
};

use super::{layout, EndpointHashKv, EndpointHealth, EndpointStatus, KvDisplay, Printed, Printer};

pub(super) struct Simple;

impl Printer for Simple {}

/// Bytes as the simple format writes them: raw, or with `--hex` each byte as `\xNN`.
fn bytes(p: &mut Printed, bytes: &[u8]) {
    if p.hex {
        for b in bytes {
            p.out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
        }
    } else {
        p.out.extend_from_slice(bytes);
    }
}

/// A key and its value as etcdctl prints them, a line each.
fn kv(p: &mut Printed, kv: &KeyValue, display: KvDisplay) {
    if !display.value_only {
        bytes(p, &kv.key);
        p.out.push(b'\n');
    }
    if !display.keys_only {
        bytes(p, &kv.value);
    }
    p.out.push(b'\n');
}

pub(super) fn get(p: &mut Printed, r: &GetResponse, display: KvDisplay) {
    for item in &r.kvs {
        kv(p, item, display);
    }
}

pub(super) fn put(p: &mut Printed, r: &PutResponse) {
    p.line("OK");
    if let Some(prev) = &r.prev_kv {
        kv(p, prev, KvDisplay::default());
    }
}

pub(super) fn del(p: &mut Printed, r: &DeleteResponse) {
    p.line(r.deleted.to_string());
    for prev in &r.prev_kvs {
        kv(p, prev, KvDisplay::default());
    }
}

pub(super) fn txn(p: &mut Printed, r: &TxnResponse) {
    p.line(if r.succeeded { "SUCCESS" } else { "FAILURE" });
    for response in &r.responses {
        p.line("");
        match response {
            ResponseOp::Put(_) => p.line("OK"),
            ResponseOp::DeleteRange(deleted) => p.line(deleted.deleted.to_string()),
            ResponseOp::Range(range) => {
                for item in &range.kvs {
                    kv(p, item, KvDisplay::default());
                }
            }
            ResponseOp::Txn(_) => {}
        }
    }
}

pub(super) fn grant(p: &mut Printed, r: &LeaseGrantResponse) {
    p.line(format!("lease {:016x} granted with TTL({}s)", r.id, r.ttl));
}

pub(super) fn revoke(p: &mut Printed, id: i64, _: &LeaseRevokeResponse) {
    p.line(format!("lease {id:016x} revoked"));
}

pub(super) fn alarm(p: &mut Printed, r: &AlarmResponse) {
    for alarm in &r.alarms {
        p.line(format!("memberID:{} alarm:{} ", alarm.member_id, alarm.alarm.name()));
    }
}

/// The member list's cells, shared with the table printer.
pub(super) fn member_rows(r: &MemberListResponse) -> Vec<Vec<String>> {
    r.members
        .iter()
        .map(|m| {
            vec![
                format!("{:x}", m.id),
                // etcdctl's rule: a member that never published a name is unstarted.
                if m.name.is_empty() { "unstarted" } else { "started" }.into(),
                m.name.clone(),
                m.peer_urls.join(","),
                m.client_urls.join(","),
                m.is_learner.to_string(),
            ]
        })
        .collect()
}

pub(super) fn member_list(p: &mut Printed, r: &MemberListResponse) {
    for row in member_rows(r) {
        p.line(row.join(", "));
    }
}

pub(super) fn endpoint_status(p: &mut Printed, rows: &[EndpointStatus]) {
    for row in layout::status_rows(rows, p.version) {
        p.line(row.join(", "));
    }
}

/// Healthy endpoints on stdout, unhealthy ones on stderr.
pub(super) fn endpoint_health(p: &mut Printed, rows: &[EndpointHealth]) {
    for row in rows {
        if row.health {
            p.line(format!(
                "{} is healthy: successfully committed proposal: took = {}",
                row.endpoint, row.took
            ));
        } else {
            p.err.extend_from_slice(format!("{} is unhealthy: {}\n", row.endpoint, row.error).as_bytes());
        }
    }
}

pub(super) fn endpoint_hashkv(p: &mut Printed, rows: &[EndpointHashKv]) {
    for row in layout::hashkv_rows(rows, p.version) {
        p.line(row.join(", "));
    }
}

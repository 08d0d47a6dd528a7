//! The table format (`printer_table.go`): the member list and the endpoint listings as
//! tables; the other responses etcdctl prints through its printer fail ("table not supported as
//! output format", exit 4) after the request was made.

use playground_server::client::{
    AlarmResponse, DeleteResponse, GetResponse, LeaseGrantResponse, LeaseRevokeResponse, MemberListResponse,
    PutResponse, TxnResponse,
};

use super::layout;
use super::simple::member_rows;
use super::{EndpointHashKv, EndpointHealth, EndpointStatus, KvDisplay, Printed, Printer};
use crate::table::render;

pub(super) struct Table;

impl Printer for Table {
    fn get(&self, p: &mut Printed, _: &GetResponse, _: KvDisplay) {
        p.unsupported("table")
    }
    fn put(&self, p: &mut Printed, _: &PutResponse) {
        p.unsupported("table")
    }
    fn del(&self, p: &mut Printed, _: &DeleteResponse) {
        p.unsupported("table")
    }
    fn txn(&self, p: &mut Printed, _: &TxnResponse) {
        p.unsupported("table")
    }
    fn grant(&self, p: &mut Printed, _: &LeaseGrantResponse) {
        p.unsupported("table")
    }
    fn revoke(&self, p: &mut Printed, _: i64, _: &LeaseRevokeResponse) {
        p.unsupported("table")
    }
    fn alarm(&self, p: &mut Printed, _: &AlarmResponse) {
        p.unsupported("table")
    }

    fn member_list(&self, p: &mut Printed, r: &MemberListResponse) {
        let headers = ["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"];
        p.out.extend_from_slice(render(&headers, &member_rows(r)).as_bytes());
    }

    fn endpoint_status(&self, p: &mut Printed, rows: &[EndpointStatus]) {
        if rows.is_empty() {
            return;
        }
        let (headers, cells) = (layout::status_headers(p.version), layout::status_rows(rows, p.version));
        p.out.extend_from_slice(render(headers, &cells).as_bytes());
    }

    fn endpoint_health(&self, p: &mut Printed, rows: &[EndpointHealth]) {
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                vec![row.endpoint.clone(), row.health.to_string(), row.took.clone(), row.error.clone()]
            })
            .collect();
        p.out.extend_from_slice(render(&["ENDPOINT", "HEALTH", "TOOK", "ERROR"], &cells).as_bytes());
    }

    fn endpoint_hashkv(&self, p: &mut Printed, rows: &[EndpointHashKv]) {
        let (headers, cells) = (layout::hashkv_headers(p.version), layout::hashkv_rows(rows, p.version));
        p.out.extend_from_slice(render(headers, &cells).as_bytes());
    }
}

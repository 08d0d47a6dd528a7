//! The table format (`printer_table.go`): the member list and the endpoint listings as
//! tables; everything else as the simple format prints it.

use playground_server::client::MemberListResponse;

use super::simple::{member_rows, status_rows};
use super::{EndpointHashKv, EndpointHealth, EndpointStatus, Printed, Printer};
use crate::table::render;

pub(super) struct Table;

impl Printer for Table {
    fn member_list(&self, p: &mut Printed, r: &MemberListResponse) {
        let headers = ["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"];
        p.out.extend_from_slice(render(&headers, &member_rows(r)).as_bytes());
    }

    fn endpoint_status(&self, p: &mut Printed, rows: &[EndpointStatus]) {
        if rows.is_empty() {
            return;
        }
        let headers = [
            "ENDPOINT",
            "ID",
            "VERSION",
            "DB SIZE",
            "IS LEADER",
            "IS LEARNER",
            "RAFT TERM",
            "RAFT INDEX",
            "RAFT APPLIED INDEX",
            "ERRORS",
        ];
        p.out.extend_from_slice(render(&headers, &status_rows(rows)).as_bytes());
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
        let cells: Vec<Vec<String>> =
            rows.iter().map(|row| vec![row.endpoint.clone(), row.hash_kv.hash.to_string()]).collect();
        p.out.extend_from_slice(render(&["ENDPOINT", "HASH"], &cells).as_bytes());
    }
}

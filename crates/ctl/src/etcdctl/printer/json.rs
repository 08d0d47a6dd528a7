//! The json format (`printer_json.go`): each response as Go's `json.Marshal` writes it, one
//! line; the endpoint listings as one array.

use playground_datadir::json::marshal;
use playground_server::client::{
    AlarmResponse, DeleteResponse, GetResponse, LeaseGrantResponse, LeaseRevokeResponse, MemberListResponse,
    PutResponse, TxnResponse,
};
use serde::Serialize;

use super::{EndpointHashKv, EndpointHealth, EndpointStatus, KvDisplay, Printed, Printer};

pub(super) struct Json;

fn print<T: Serialize + ?Sized>(p: &mut Printed, value: &T) {
    p.line(marshal(value));
}

impl Printer for Json {
    fn get(&self, p: &mut Printed, r: &GetResponse, _: KvDisplay) {
        print(p, r)
    }
    fn put(&self, p: &mut Printed, r: &PutResponse) {
        print(p, r)
    }
    fn del(&self, p: &mut Printed, r: &DeleteResponse) {
        print(p, r)
    }
    fn txn(&self, p: &mut Printed, r: &TxnResponse) {
        print(p, r)
    }
    fn grant(&self, p: &mut Printed, r: &LeaseGrantResponse) {
        print(p, r)
    }
    fn revoke(&self, p: &mut Printed, _: i64, r: &LeaseRevokeResponse) {
        print(p, r)
    }
    fn alarm(&self, p: &mut Printed, r: &AlarmResponse) {
        print(p, r)
    }
    fn member_list(&self, p: &mut Printed, r: &MemberListResponse) {
        print(p, r)
    }
    fn endpoint_status(&self, p: &mut Printed, rows: &[EndpointStatus]) {
        if !rows.is_empty() {
            print(p, rows)
        }
    }
    fn endpoint_health(&self, p: &mut Printed, rows: &[EndpointHealth]) {
        print(p, rows)
    }
    fn endpoint_hashkv(&self, p: &mut Printed, rows: &[EndpointHashKv]) {
        print(p, rows)
    }
}

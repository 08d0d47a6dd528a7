//! etcdctl's printers (`printer.go`): one per output format, each turning a command's typed
//! response into text. [`Printer`]'s provided methods are the simple format, the base the
//! others build on: the table printer overrides only the listings etcdctl tabulates, the
//! json printer marshals the responses, the fields printer writes `"Name" : value` lines.
//! What a format does not define falls back to simple, as etcdctl's embedded printer does.

mod fields;
mod json;
mod layout;
mod protobuf;
mod simple;
mod table;

use playground_server::client::{
    AlarmResponse, DeleteResponse, GetResponse, HashKvResponse, LeaseGrantResponse, LeaseRevokeResponse,
    MemberListResponse, PutResponse, TxnResponse,
};
use playground_server::{EtcdVersion, StatusResponse};
use serde::Serialize;

use super::Format;

/// What a printer writes: etcdctl's stdout and stderr, and the exit status.
#[derive(Debug, Default)]
pub(crate) struct Printed {
    pub out: Vec<u8>,
    pub err: Vec<u8>,
    pub exit: i32,
    /// `--hex`: the simple format writes keys and values as `\xNN` escapes.
    pub hex: bool,
    /// The etcdctl release printing: 3.6 adds columns and fields (see [`layout`]).
    pub version: EtcdVersion,
}

impl Printed {
    /// A response the format has no layout for: etcdctl fails after the request was made.
    pub fn unsupported(&mut self, format: &str) {
        self.err.extend_from_slice(format!("Error: {format} not supported as output format\n").as_bytes());
        self.exit = super::EXIT_BAD_FEATURE;
    }

    pub fn line(&mut self, text: impl AsRef<str>) {
        self.out.extend_from_slice(text.as_ref().as_bytes());
        self.out.push(b'\n');
    }
}

/// How `get` shows each key (`--print-value-only`, `--keys-only`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct KvDisplay {
    pub value_only: bool,
    pub keys_only: bool,
}

/// etcdctl's `epStatus`: one endpoint's status.
#[derive(Debug, Serialize)]
pub(crate) struct EndpointStatus {
    #[serde(rename = "Endpoint")]
    pub endpoint: String,
    #[serde(rename = "Status")]
    pub status: StatusResponse,
}

/// etcdctl's `epHealth`.
#[derive(Debug, Serialize)]
pub(crate) struct EndpointHealth {
    pub endpoint: String,
    pub health: bool,
    pub took: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub error: String,
}

/// etcdctl's `epHashKV`.
#[derive(Debug, Serialize)]
pub(crate) struct EndpointHashKv {
    #[serde(rename = "Endpoint")]
    pub endpoint: String,
    #[serde(rename = "HashKV")]
    pub hash_kv: HashKvResponse,
}

/// One method per response etcdctl prints; provided methods print the simple format.
pub(crate) trait Printer {
    fn get(&self, p: &mut Printed, r: &GetResponse, display: KvDisplay) {
        simple::get(p, r, display)
    }
    fn put(&self, p: &mut Printed, r: &PutResponse) {
        simple::put(p, r)
    }
    fn del(&self, p: &mut Printed, r: &DeleteResponse) {
        simple::del(p, r)
    }
    fn txn(&self, p: &mut Printed, r: &TxnResponse) {
        simple::txn(p, r)
    }
    fn grant(&self, p: &mut Printed, r: &LeaseGrantResponse) {
        simple::grant(p, r)
    }
    fn revoke(&self, p: &mut Printed, id: i64, r: &LeaseRevokeResponse) {
        simple::revoke(p, id, r)
    }
    fn alarm(&self, p: &mut Printed, r: &AlarmResponse) {
        simple::alarm(p, r)
    }
    fn member_list(&self, p: &mut Printed, r: &MemberListResponse) {
        simple::member_list(p, r)
    }
    fn endpoint_status(&self, p: &mut Printed, rows: &[EndpointStatus]) {
        simple::endpoint_status(p, rows)
    }
    fn endpoint_health(&self, p: &mut Printed, rows: &[EndpointHealth]) {
        simple::endpoint_health(p, rows)
    }
    fn endpoint_hashkv(&self, p: &mut Printed, rows: &[EndpointHashKv]) {
        simple::endpoint_hashkv(p, rows)
    }
}

/// The printer for `--write-out`.
pub(crate) fn printer(format: Format) -> &'static dyn Printer {
    match format {
        Format::Simple => &simple::Simple,
        Format::Json => &json::Json,
        Format::Table => &table::Table,
        Format::Fields => &fields::Fields,
        Format::Protobuf => &protobuf::Protobuf,
    }
}

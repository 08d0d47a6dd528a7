//! `etcdctl put`.

use playground_mvcc::request::{PutRequest, RequestOp, ResponseOp};

use super::super::*;
use super::*;
use crate::{CommandResult, Context};

pub fn put(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    let ignore_value = client.args.flag("ignore-value");
    let (key, value) = match args {
        [key] if ignore_value => (key.to_string(), Vec::new()),
        [_, _, ..] if ignore_value => {
            return bad_args(cx, "put command needs only 1 argument when 'ignore-value' is set")
        }
        [key, value, ..] => (key.to_string(), value.as_bytes().to_vec()),
        [key] if !cx.stdin().is_empty() => (key.to_string(), cx.stdin().to_vec()),
        _ => return bad_args(cx, "put command needs 1 argument and input from stdin or 2 arguments"),
    };
    let lease = match client.args.get("lease") {
        None => 0,
        // An id that does not parse names no lease: the server answers "lease not found".
        Some(text) => i64::from_str_radix(text, 16).unwrap_or(0x7fff_ffff_ffff_ffff),
    };
    let prev_kv = client.args.flag("prev-kv");
    let op = RequestOp::Put(PutRequest {
        key: key.into_bytes(),
        value,
        lease,
        prev_kv,
        ignore_value,
        ignore_lease: client.args.flag("ignore-lease"),
    });
    let (response, header) = match request(cx, client, op) {
        Ok(answer) => answer,
        Err(status) => return status,
    };
    let ResponseOp::Put(put) = response else { return Ok(EXIT_ERROR) };
    let text = match client.format {
        Format::Json => {
            let prev =
                put.prev_kv.as_ref().map(|kv| format!(",\"prev_kv\":{}", kv_json(kv))).unwrap_or_default();
            format!("{{\"header\":{}{prev}}}\n", header_json(&header)).into_bytes()
        }
        Format::Fields => {
            let mut text = header_fields(&header);
            if let Some(kv) = &put.prev_kv {
                text.push_str(&kv_fields(kv));
            }
            text.into_bytes()
        }
        _ => {
            let mut text = b"OK\n".to_vec();
            if let Some(kv) = put.prev_kv.as_ref().filter(|_| prev_kv) {
                print_kv(&mut text, kv, false, false);
            }
            text
        }
    };
    cx.out(text)?;
    Ok(0)
}

//! `etcdctl put`.

use playground_mvcc::request::PutRequest;

use super::super::*;
use crate::{CommandResult, Context};

pub fn put(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let ignore_value = invocation.args.flag("ignore-value");
    let (key, value) = match args {
        [key] if ignore_value => (key.to_string(), Vec::new()),
        [_, _, ..] if ignore_value => {
            return bad_args(cx, "put command needs only 1 argument when 'ignore-value' is set")
        }
        [key, value, ..] => (key.to_string(), value.as_bytes().to_vec()),
        [key] if !cx.stdin().is_empty() => (key.to_string(), cx.stdin().to_vec()),
        _ => return bad_args(cx, "put command needs 1 argument and input from stdin or 2 arguments"),
    };
    let lease = match invocation.args.get("lease").map(|text| go::parse_int(text, 16)).transpose() {
        Ok(lease) => lease.unwrap_or(0),
        Err(error) => return bad_args(cx, &format!("bad lease ID ({error}), expecting ID in Hex")),
    };
    let request = PutRequest {
        key: key.into_bytes(),
        value: value.into(),
        lease,
        prev_kv: invocation.args.flag("prev-kv"),
        ignore_value,
        ignore_lease: invocation.args.flag("ignore-lease"),
    };
    let response = match call(cx, invocation, |client| client.put(request)) {
        Ok(response) => response,
        Err(status) => return status,
    };
    let mut printed = invocation.printed();
    invocation.printer().put(&mut printed, &response);
    show(cx, printed)
}

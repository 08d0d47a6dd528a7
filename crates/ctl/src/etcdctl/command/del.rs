//! `etcdctl del`.

use playground_mvcc::request::DeleteRangeRequest;

use super::super::*;
use super::*;
use crate::{CommandResult, Context};

pub fn del(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let (key, end) = match range_args(cx, invocation, args, "del", 2) {
        Ok(words) => words,
        Err(status) => return status,
    };
    let (key, range_end) = key_range(&invocation.args, key, end);
    let request = DeleteRangeRequest { key, range_end, prev_kv: invocation.args.flag("prev-kv") };
    let response = match call(cx, invocation, |client| client.delete(request)) {
        Ok(response) => response,
        Err(status) => return status,
    };
    let mut printed = invocation.printed();
    invocation.printer().del(&mut printed, &response);
    show(cx, printed)
}

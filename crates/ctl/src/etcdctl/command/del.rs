//! `etcdctl del`.

use playground_mvcc::request::DeleteRangeRequest;

use super::super::*;
use super::*;
use crate::etcdctl::printer::Printed;
use crate::{CommandResult, Context};

pub fn del(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let (key, end) = match args {
        [key] => (*key, None),
        [key, end] => (*key, Some(*end)),
        _ => {
            return bad_args(
                cx,
                "del command needs one argument as key and an optional argument as range_end",
            )
        }
    };
    let (key, range_end) = key_range(invocation, key, end);
    let request = DeleteRangeRequest { key, range_end, prev_kv: invocation.args.flag("prev-kv") };
    let response = match call(cx, invocation, |client| client.delete(request)) {
        Ok(response) => response,
        Err(status) => return status,
    };
    let mut printed = Printed::default();
    invocation.printer().del(&mut printed, &response);
    show(cx, printed)?;
    Ok(0)
}

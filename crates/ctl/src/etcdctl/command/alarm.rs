//! `etcdctl alarm list | disarm`.

use super::super::*;
use crate::{CommandResult, Context};

pub fn alarm(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str], disarm: bool) -> CommandResult {
    if !args.is_empty() {
        let command = if disarm { "disarm" } else { "list" };
        return bad_args(cx, &format!("alarm {command} command accepts no arguments"));
    }
    let rpc =
        |client: &mut client::Client<'_>| if disarm { client.alarm_disarm() } else { client.alarm_list() };
    let response = match call(cx, invocation, rpc) {
        Ok(response) => response,
        Err(status) => return status,
    };
    let mut printed = invocation.printed();
    invocation.printer().alarm(&mut printed, &response);
    show(cx, printed)
}

//! `etcdctl move-leader`: transfers leadership to another member.

use super::super::*;
use crate::{CommandResult, Context};

pub fn move_leader(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let [target] = args else { return bad_args(cx, "move-leader command needs 1 argument") };
    let Ok(target) = u64::from_str_radix(target, 16) else {
        return bad_args(cx, &format!("strconv.ParseUint: parsing {target:?}: invalid syntax"));
    };
    // As etcdctl does: the status of each endpoint in turn, and the move through the first
    // that leads; none leading (a follower's endpoint, or no leader at all) is a usage error.
    let mut leader_endpoint = None;
    for endpoint in &invocation.endpoints {
        let status = match call_on(cx, invocation, vec![endpoint.clone()], |client| client.status()) {
            Ok(status) => status,
            Err(exit) => return exit,
        };
        if status.leader != 0 && status.header.member_id == status.leader {
            leader_endpoint = Some(endpoint.clone());
            break;
        }
    }
    let Some(endpoint) = leader_endpoint else {
        let given = invocation.endpoints.join(" ");
        return bad_args(cx, &format!("no leader endpoint given at [{given}]"));
    };
    match call_on(cx, invocation, vec![endpoint], |client| client.move_leader(target)) {
        Ok(moved) => {
            cx.out(format!("Leadership transferred from {:x} to {target:x}\n", moved.from))?;
            Ok(0)
        }
        Err(status) => status,
    }
}

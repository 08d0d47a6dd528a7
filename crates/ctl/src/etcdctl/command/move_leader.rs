//! `etcdctl move-leader`: transfers leadership to another member.

use super::super::*;
use crate::{CommandResult, Context};

pub fn move_leader(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let [target] = args else { return bad_args(cx, "move-leader command needs 1 argument") };
    let Ok(target) = u64::from_str_radix(target, 16) else {
        return bad_args(cx, &format!("strconv.ParseUint: parsing {target:?}: invalid syntax"));
    };
    match call(cx, invocation, |client| client.move_leader(target)) {
        Ok(moved) => {
            cx.out(format!("Leadership transferred from {:x} to {target:x}\n", moved.from))?;
            Ok(0)
        }
        Err(status) => status,
    }
}

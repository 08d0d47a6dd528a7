//! `etcdctl move-leader`: transfers leadership to another member.

use playground_server::Error;

use super::super::*;
use crate::{CommandResult, Context};

pub fn move_leader(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    let [target] = args else { return bad_args(cx, "move-leader command needs 1 argument") };
    let Ok(target) = u64::from_str_radix(target, 16) else {
        return bad_args(cx, &format!("strconv.ParseUint: parsing {target:?}: invalid syntax"));
    };
    let result = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        let from = cluster.leader().unwrap_or(0);
        if !cluster.members().iter().any(|m| m.id == target) {
            Err(Error::BadLeaderTransferee)
        } else {
            cluster.move_leader(member, target).map(|_| from)
        }
    };
    match result {
        Ok(from) => {
            cx.out(format!("Leadership transferred from {from:x} to {target:x}\n"))?;
            Ok(0)
        }
        Err(error) => request_error(cx, client, &error),
    }
}

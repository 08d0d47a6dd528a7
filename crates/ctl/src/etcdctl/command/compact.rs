//! `etcdctl compaction` (alias `compact`).

use super::super::*;
use crate::{CommandResult, Context};

pub fn compact(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    let [revision] = args else { return bad_args(cx, "compaction command needs 1 argument") };
    let revision: i64 = match revision.parse() {
        Ok(revision) => revision,
        Err(_) => {
            cx.err(format!("Error: strconv.ParseInt: parsing {revision:?}: invalid syntax\n"))?;
            return Ok(EXIT_ERROR);
        }
    };
    let physical = client.args.flag("physical");
    let result = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        cluster.compact(member, revision, physical)
    };
    match result {
        Ok(_) => {
            cx.out(format!("compacted revision {revision}\n"))?;
            Ok(0)
        }
        Err(error) => request_error(cx, client, &error),
    }
}

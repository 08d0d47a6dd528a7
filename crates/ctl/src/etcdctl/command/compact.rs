//! `etcdctl compaction` (alias `compact`).

use super::super::*;
use crate::{CommandResult, Context};

pub fn compact(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let [revision] = args else { return bad_args(cx, "compaction command needs 1 argument") };
    let revision: i64 = match revision.parse() {
        Ok(revision) => revision,
        Err(_) => {
            cx.err(format!("Error: strconv.ParseInt: parsing {revision:?}: invalid syntax\n"))?;
            return Ok(EXIT_ERROR);
        }
    };
    let physical = invocation.args.flag("physical");
    if let Err(status) = call(cx, invocation, |client| client.compact(revision, physical)) {
        return status;
    }
    // etcdctl prints this line itself, in every output format.
    cx.out(format!("compacted revision {revision}\n"))?;
    Ok(0)
}

//! `etcdctl get`.

use playground_mvcc::request::{RangeRequest, SortOrder, SortTarget};

use super::super::*;
use super::*;
use crate::etcdctl::printer::{KvDisplay, Printed};
use crate::{CommandResult, Context};

pub fn get(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let (key, end) = match args {
        [key] => (*key, None),
        [key, end] => (*key, Some(*end)),
        _ => {
            return bad_args(
                cx,
                "get command needs one argument as key and an optional argument as range_end",
            )
        }
    };
    if invocation.args.flag("count-only") && invocation.format != Format::Fields {
        return bad_args(cx, "--count-only is only for `--write-out=fields`");
    }
    let parse_int = |name: &str| invocation.args.get(name).map(str::parse::<i64>).transpose();
    let (Ok(limit), Ok(revision)) = (parse_int("limit"), parse_int("rev")) else {
        return bad_args(cx, "invalid argument: a number expected");
    };
    let sort_order = match invocation.args.get("order").map(str::to_ascii_uppercase).as_deref() {
        None | Some("") => SortOrder::None,
        Some("ASCEND") => SortOrder::Ascend,
        Some("DESCEND") => SortOrder::Descend,
        Some(other) => {
            cx.err(format!("Error: bad sort order {other}\n"))?;
            return Ok(EXIT_BAD_FEATURE);
        }
    };
    let sort_target = match invocation.args.get("sort-by").map(str::to_ascii_uppercase).as_deref() {
        None | Some("") | Some("KEY") => SortTarget::Key,
        Some("CREATE") => SortTarget::Create,
        Some("MODIFY") => SortTarget::Mod,
        Some("VALUE") => SortTarget::Value,
        Some("VERSION") => SortTarget::Version,
        Some(other) => {
            cx.err(format!("Error: bad sort target {other}\n"))?;
            return Ok(EXIT_BAD_FEATURE);
        }
    };
    // clientv3: a sort target without an order sorts ascending.
    let sort_order = if sort_order == SortOrder::None && invocation.args.get("sort-by").is_some() {
        SortOrder::Ascend
    } else {
        sort_order
    };
    let (key, range_end) = key_range(invocation, key, end);
    let keys_only = invocation.args.flag("keys-only");
    let request = RangeRequest {
        key,
        range_end,
        limit: limit.unwrap_or(0),
        revision: revision.unwrap_or(0).max(0),
        sort_order,
        sort_target,
        keys_only,
        count_only: invocation.args.flag("count-only"),
        ..Default::default()
    };
    let serializable = invocation.args.get("consistency") == Some("s");
    let response = match call(cx, invocation, |client| client.get(request, serializable)) {
        Ok(response) => response,
        Err(status) => return status,
    };
    let display = KvDisplay { value_only: invocation.args.flag("print-value-only"), keys_only };
    let mut printed = Printed::default();
    invocation.printer().get(&mut printed, &response, display);
    show(cx, printed)?;
    Ok(0)
}

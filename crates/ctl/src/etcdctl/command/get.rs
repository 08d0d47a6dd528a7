//! `etcdctl get`.

use playground_mvcc::request::{RangeRequest, SortOrder, SortTarget};

use super::super::*;
use super::*;
use crate::etcdctl::printer::KvDisplay;
use crate::{CommandResult, Context};

/// `--consistency`, `--order` and `--sort-by`, as etcdctl checks them in that order; `Err` is
/// its message (exit 4).
pub(super) fn read_options(flags: &Args) -> Result<(bool, SortOrder, SortTarget), String> {
    let serializable = match flags.get("consistency").unwrap_or("l") {
        "l" => false,
        "s" => true,
        other => return Err(format!("unknown consistency flag {}", go::quote(other.as_bytes()))),
    };
    let order = flags.get("order").unwrap_or("");
    let sort_order = match order.to_ascii_uppercase().as_str() {
        "" => SortOrder::None,
        "ASCEND" => SortOrder::Ascend,
        "DESCEND" => SortOrder::Descend,
        _ => return Err(format!("bad sort order {order}")),
    };
    let sort_by = flags.get("sort-by").unwrap_or("");
    let sort_target = match sort_by.to_ascii_uppercase().as_str() {
        "" | "KEY" => SortTarget::Key,
        "CREATE" => SortTarget::Create,
        "MODIFY" => SortTarget::Mod,
        "VALUE" => SortTarget::Value,
        "VERSION" => SortTarget::Version,
        _ => return Err(format!("bad sort target {sort_by}")),
    };
    // clientv3: a sort target without an order sorts ascending.
    let sort_order = if sort_order == SortOrder::None && flags.get("sort-by").is_some() {
        SortOrder::Ascend
    } else {
        sort_order
    };
    Ok((serializable, sort_order, sort_target))
}

pub fn get(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let (key, end) = match range_args(cx, invocation, args, "get", usize::MAX) {
        Ok(words) => words,
        Err(status) => return status,
    };
    // The flag parser has read the numbers.
    let int = |name: &str| invocation.args.get(name).and_then(|v| v.parse::<i64>().ok());
    let (limit, revision) = (int("limit"), int("rev"));
    let (serializable, sort_order, sort_target) = match read_options(&invocation.args) {
        Ok(options) => options,
        Err(message) => {
            cx.err(format!("Error: {message}\n"))?;
            return Ok(EXIT_BAD_FEATURE);
        }
    };
    if invocation.args.flag("count-only") && invocation.format != Format::Fields {
        return bad_args(cx, "--count-only is only for `--write-out=fields`");
    }
    if invocation.args.flag("print-value-only") && invocation.format != Format::Simple {
        return bad_args(cx, "print-value-only is only for `--write-out=simple`");
    }
    let (key, range_end) = key_range(&invocation.args, key, end);
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
    let response = match call(cx, invocation, |client| client.get(request, serializable)) {
        Ok(response) => response,
        Err(status) => return status,
    };
    let display = KvDisplay { value_only: invocation.args.flag("print-value-only"), keys_only };
    let mut printed = invocation.printed();
    invocation.printer().get(&mut printed, &response, display);
    show(cx, printed)
}

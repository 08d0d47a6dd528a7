//! `etcdctl get`.

use playground_mvcc::request::{RangeRequest, RequestOp, ResponseOp, SortOrder, SortTarget};

use super::super::*;
use super::*;
use crate::{CommandResult, Context};

pub fn get(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
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
    if client.args.flag("count-only") && client.format != Format::Fields {
        return bad_args(cx, "--count-only is only for `--write-out=fields`");
    }
    let parse_int = |name: &str| client.args.get(name).map(str::parse::<i64>).transpose();
    let (Ok(limit), Ok(revision)) = (parse_int("limit"), parse_int("rev")) else {
        return bad_args(cx, "invalid argument: a number expected");
    };
    let sort_order = match client.args.get("order").map(str::to_ascii_uppercase).as_deref() {
        None | Some("") => SortOrder::None,
        Some("ASCEND") => SortOrder::Ascend,
        Some("DESCEND") => SortOrder::Descend,
        Some(other) => {
            cx.err(format!("Error: bad sort order {other}\n"))?;
            return Ok(EXIT_BAD_FEATURE);
        }
    };
    let sort_target = match client.args.get("sort-by").map(str::to_ascii_uppercase).as_deref() {
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
    let sort_order = if sort_order == SortOrder::None && client.args.get("sort-by").is_some() {
        SortOrder::Ascend
    } else {
        sort_order
    };
    let (key, range_end) = key_range(client, key, end);
    let keys_only = client.args.flag("keys-only");
    let op = RequestOp::Range(RangeRequest {
        key,
        range_end,
        limit: limit.unwrap_or(0),
        revision: revision.unwrap_or(0).max(0),
        sort_order,
        sort_target,
        keys_only,
        count_only: client.args.flag("count-only"),
        ..Default::default()
    });
    let (response, header) = match request(cx, client, op) {
        Ok(answer) => answer,
        Err(status) => return status,
    };
    let ResponseOp::Range(range) = response else { return Ok(EXIT_ERROR) };
    let mut text = String::new();
    let mut raw = Vec::new();
    match client.format {
        Format::Json => {
            text.push_str(&format!("{{\"header\":{}", header_json(&header)));
            if !range.kvs.is_empty() {
                let kvs: Vec<String> = range.kvs.iter().map(kv_json).collect();
                text.push_str(&format!(",\"kvs\":[{}]", kvs.join(",")));
            }
            if range.more {
                text.push_str(",\"more\":true");
            }
            if range.count != 0 {
                text.push_str(&format!(",\"count\":{}", range.count));
            }
            text.push_str("}\n");
        }
        Format::Fields => {
            text.push_str(&header_fields(&header));
            for kv in &range.kvs {
                text.push_str(&kv_fields(kv));
            }
            text.push_str(&format!("\"More\" : {}\n\"Count\" : {}\n", range.more, range.count));
        }
        _ => {
            let value_only = client.args.flag("print-value-only");
            for kv in &range.kvs {
                print_kv(&mut raw, kv, value_only, keys_only);
            }
        }
    }
    cx.out(text)?;
    cx.out(raw)?;
    Ok(0)
}

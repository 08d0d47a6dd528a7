//! `etcdctl del`.

use playground_mvcc::request::{DeleteRangeRequest, RequestOp, ResponseOp};

use super::super::*;
use super::*;
use crate::{CommandResult, Context};

pub fn del(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
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
    let (key, range_end) = key_range(client, key, end);
    let prev_kv = client.args.flag("prev-kv");
    let op = RequestOp::DeleteRange(DeleteRangeRequest { key, range_end, prev_kv });
    let (response, header) = match request(cx, client, op) {
        Ok(answer) => answer,
        Err(status) => return status,
    };
    let ResponseOp::DeleteRange(deleted) = response else { return Ok(EXIT_ERROR) };
    let mut text = String::new();
    let mut raw = Vec::new();
    match client.format {
        Format::Json => {
            text.push_str(&format!("{{\"header\":{}", header_json(&header)));
            if deleted.deleted != 0 {
                text.push_str(&format!(",\"deleted\":{}", deleted.deleted));
            }
            if !deleted.prev_kvs.is_empty() {
                let kvs: Vec<String> = deleted.prev_kvs.iter().map(kv_json).collect();
                text.push_str(&format!(",\"prev_kvs\":[{}]", kvs.join(",")));
            }
            text.push_str("}\n");
        }
        Format::Fields => {
            text.push_str(&header_fields(&header));
            text.push_str(&format!("\"Deleted\" : {}\n", deleted.deleted));
            for kv in &deleted.prev_kvs {
                text.push_str(&kv_fields(kv));
            }
        }
        _ => {
            text.push_str(&format!("{}\n", deleted.deleted));
            for kv in &deleted.prev_kvs {
                print_kv(&mut raw, kv, false, false);
            }
        }
    }
    cx.out(text)?;
    cx.out(raw)?;
    Ok(0)
}

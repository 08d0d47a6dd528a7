//! The KV commands: put, get, del, txn, compaction.

use playground_mvcc::request::{
    Compare, CompareResult, CompareTarget, DeleteRangeRequest, PutRequest, RangeRequest, RequestOp,
    ResponseOp, SortOrder, SortTarget, TxnRequest,
};
use playground_mvcc::KeyValue;
use playground_server::Header;

use super::*;
use crate::{CommandResult, Context};

/// Runs one KV request on the first endpoint that answers. `Err` carries the command's exit
/// status, its error already printed as etcdctl prints it.
fn request(
    cx: &mut Context<'_>,
    client: &Client,
    op: RequestOp,
) -> Result<(ResponseOp, Header), CommandResult> {
    let serializable = client.args.get("consistency") == Some("s");
    let Some(cluster) = cluster(cx) else { return Err(no_cluster(cx)) };
    let Some((_, member)) = pick(cluster, &client.endpoints) else { return Err(unreachable(cx, client)) };
    cluster.kv(member, op, serializable).map_err(|error| request_error(cx, client, &error))
}

/// `[key, range_end)` from the arguments and `--prefix` / `--from-key`.
fn key_range(client: &Client, key: &str, end: Option<&str>) -> (Vec<u8>, Vec<u8>) {
    let mut key = key.as_bytes().to_vec();
    if client.args.flag("prefix") {
        if key.is_empty() {
            return (vec![0], vec![0]);
        }
        return (key.clone(), prefix_end(&key));
    }
    if client.args.flag("from-key") {
        if key.is_empty() {
            key = vec![0];
        }
        return (key, vec![0]);
    }
    (key, end.map(|e| e.as_bytes().to_vec()).unwrap_or_default())
}

/// The smallest key after every key with this prefix (clientv3's `GetPrefixRangeEnd`).
fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

/// A key and its value as etcdctl prints them: raw bytes, a line each.
fn print_kv(out: &mut Vec<u8>, kv: &KeyValue, value_only: bool, keys_only: bool) {
    if !value_only {
        out.extend_from_slice(&kv.key);
        out.push(b'\n');
    }
    if !keys_only {
        out.extend_from_slice(&kv.value);
    }
    out.push(b'\n');
}

pub fn put(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    let ignore_value = client.args.flag("ignore-value");
    let (key, value) = match args {
        [key] if ignore_value => (key.to_string(), Vec::new()),
        [_, _, ..] if ignore_value => {
            return bad_args(cx, "put command needs only 1 argument when 'ignore-value' is set")
        }
        [key, value, ..] => (key.to_string(), value.as_bytes().to_vec()),
        [key] if !cx.stdin().is_empty() => (key.to_string(), cx.stdin().to_vec()),
        _ => return bad_args(cx, "put command needs 1 argument and input from stdin or 2 arguments"),
    };
    let lease = match client.args.get("lease") {
        None => 0,
        // An id that does not parse names no lease: the server answers "lease not found".
        Some(text) => i64::from_str_radix(text, 16).unwrap_or(0x7fff_ffff_ffff_ffff),
    };
    let prev_kv = client.args.flag("prev-kv");
    let op = RequestOp::Put(PutRequest {
        key: key.into_bytes(),
        value,
        lease,
        prev_kv,
        ignore_value,
        ignore_lease: client.args.flag("ignore-lease"),
    });
    let (response, header) = match request(cx, client, op) {
        Ok(answer) => answer,
        Err(status) => return status,
    };
    let ResponseOp::Put(put) = response else { return Ok(EXIT_ERROR) };
    let text = match client.format {
        Format::Json => {
            let prev =
                put.prev_kv.as_ref().map(|kv| format!(",\"prev_kv\":{}", kv_json(kv))).unwrap_or_default();
            format!("{{\"header\":{}{prev}}}\n", header_json(&header)).into_bytes()
        }
        Format::Fields => {
            let mut text = header_fields(&header);
            if let Some(kv) = &put.prev_kv {
                text.push_str(&kv_fields(kv));
            }
            text.into_bytes()
        }
        _ => {
            let mut text = b"OK\n".to_vec();
            if let Some(kv) = put.prev_kv.as_ref().filter(|_| prev_kv) {
                print_kv(&mut text, kv, false, false);
            }
            text
        }
    };
    cx.out(text)?;
    Ok(0)
}

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

/// Reads `txn`'s interactive input: compares, a blank line, success ops, a blank line,
/// failure ops, a blank line.
fn parse_txn(input: &str) -> Result<TxnRequest, String> {
    let mut sections: Vec<Vec<&str>> = vec![Vec::new()];
    for line in input.lines() {
        if line.trim().is_empty() {
            sections.push(Vec::new());
        } else if let Some(section) = sections.last_mut() {
            section.push(line.trim());
        }
    }
    sections.resize(3, Vec::new());
    let mut txn = TxnRequest::default();
    for line in &sections[0] {
        txn.compare.push(parse_compare(line)?);
    }
    for (branch, lines) in [(&mut txn.success, &sections[1]), (&mut txn.failure, &sections[2])] {
        for line in lines {
            branch.push(parse_op(line)?);
        }
    }
    Ok(txn)
}

fn unquote(text: &str) -> Option<String> {
    let inner = text.trim().strip_prefix('"')?.strip_suffix('"')?;
    Some(inner.replace("\\\"", "\"").replace("\\\\", "\\"))
}

fn parse_compare(line: &str) -> Result<Compare, String> {
    let bad = || format!("malformed comparison: {line}");
    let (target, rest) = line.split_once('(').ok_or_else(bad)?;
    let (key, rest) = rest.split_once(')').ok_or_else(bad)?;
    let key = unquote(key).ok_or_else(bad)?.into_bytes();
    let rest = rest.trim();
    let (result, value) = if let Some(v) = rest.strip_prefix("!=") {
        (CompareResult::NotEqual, v)
    } else if let Some(v) = rest.strip_prefix('=') {
        (CompareResult::Equal, v)
    } else if let Some(v) = rest.strip_prefix('<') {
        (CompareResult::Less, v)
    } else if let Some(v) = rest.strip_prefix('>') {
        (CompareResult::Greater, v)
    } else {
        return Err(bad());
    };
    let value = value.trim();
    let number = || unquote(value).unwrap_or_else(|| value.to_string()).parse::<i64>().map_err(|_| bad());
    let target = match target.trim() {
        "value" | "val" => CompareTarget::Value(unquote(value).ok_or_else(bad)?.into_bytes()),
        "version" | "ver" => CompareTarget::Version(number()?),
        "create" | "c" => CompareTarget::Create(number()?),
        "mod" | "m" => CompareTarget::Mod(number()?),
        "lease" => CompareTarget::Lease(number()?),
        _ => return Err(bad()),
    };
    Ok(Compare { key, range_end: Vec::new(), result, target })
}

fn parse_op(line: &str) -> Result<RequestOp, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["put", key, value, ..] => Ok(RequestOp::Put(PutRequest {
            key: key.as_bytes().to_vec(),
            value: value.as_bytes().to_vec(),
            ..Default::default()
        })),
        ["get", key, rest @ ..] => Ok(RequestOp::Range(RangeRequest {
            key: key.as_bytes().to_vec(),
            range_end: rest.first().map(|e| e.as_bytes().to_vec()).unwrap_or_default(),
            ..Default::default()
        })),
        ["del", key, rest @ ..] => Ok(RequestOp::DeleteRange(DeleteRangeRequest {
            key: key.as_bytes().to_vec(),
            range_end: rest.first().map(|e| e.as_bytes().to_vec()).unwrap_or_default(),
            prev_kv: false,
        })),
        _ => Err(format!("invalid txn operation {line:?}")),
    }
}

pub fn txn(cx: &mut Context<'_>, client: &Client, _args: &[&str]) -> CommandResult {
    let input = String::from_utf8_lossy(cx.stdin()).into_owned();
    let txn_request = match parse_txn(&input) {
        Ok(parsed) => parsed,
        Err(message) => return bad_args(cx, &message),
    };
    let (response, header) = match request(cx, client, RequestOp::Txn(txn_request)) {
        Ok(answer) => answer,
        Err(status) => return status,
    };
    let ResponseOp::Txn(txn) = response else { return Ok(EXIT_ERROR) };
    let mut text = Vec::new();
    if client.format == Format::Json {
        text.extend_from_slice(format!("{{\"header\":{}", header_json(&header)).as_bytes());
        if txn.succeeded {
            text.extend_from_slice(b",\"succeeded\":true");
        }
        text.extend_from_slice(b"}\n");
    } else {
        text.extend_from_slice(if txn.succeeded { b"SUCCESS\n" } else { b"FAILURE\n" });
        for response in &txn.responses {
            text.push(b'\n');
            match response {
                ResponseOp::Put(_) => text.extend_from_slice(b"OK\n"),
                ResponseOp::DeleteRange(d) => text.extend_from_slice(format!("{}\n", d.deleted).as_bytes()),
                ResponseOp::Range(r) => {
                    for kv in &r.kvs {
                        print_kv(&mut text, kv, false, false);
                    }
                }
                ResponseOp::Txn(_) => {}
            }
        }
    }
    cx.out(text)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txn_input_parses_as_etcdctl_reads_it() {
        let txn = parse_txn("value(\"foo\") = \"bar\"\n\nput foo viatxn\n\nget foo\n\n").unwrap();
        assert_eq!(txn.compare.len(), 1);
        assert_eq!((txn.success.len(), txn.failure.len()), (1, 1));
        let txn = parse_txn("\ndel other\n\n\n").unwrap();
        assert_eq!((txn.compare.len(), txn.success.len(), txn.failure.len()), (0, 1, 0));
        assert_eq!(prefix_end(b"foo"), b"fop");
    }
}

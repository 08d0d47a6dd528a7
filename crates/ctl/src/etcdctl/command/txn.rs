//! `etcdctl txn`: the interactive transaction read from stdin.

use playground_mvcc::request::{
    Compare, CompareResult, CompareTarget, DeleteRangeRequest, PutRequest, RangeRequest, RequestOp,
    TxnRequest,
};

use super::super::*;
use crate::etcdctl::printer::Printed;
use crate::{CommandResult, Context};

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

pub fn txn(cx: &mut Context<'_>, invocation: &Invocation, _args: &[&str]) -> CommandResult {
    let input = String::from_utf8_lossy(cx.stdin()).into_owned();
    let txn_request = match parse_txn(&input) {
        Ok(parsed) => parsed,
        Err(message) => return bad_args(cx, &message),
    };
    let response = match call(cx, invocation, |client| client.txn(txn_request)) {
        Ok(response) => response,
        Err(status) => return status,
    };
    let mut printed = Printed::default();
    invocation.printer().txn(&mut printed, &response);
    show(cx, printed)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcdctl::command::prefix_end;

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

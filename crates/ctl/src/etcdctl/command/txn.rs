//! `etcdctl txn`: the transaction read from stdin as etcdctl 3.5.1 reads it. Compares, a blank
//! line, success requests, a blank line, failure requests, a blank line; each line must end in a
//! newline. A compare is `target("key") op "value"` (Go's `%q) %s %q` scan: the value quoted,
//! one space or more around the operator); a request is a `put`, `get` or `del` command line
//! with its own flags. Input errors exit 3; the requests' own argument checks exit as those
//! commands do; an unknown operator or a lease compare panics in etcd's client (exit 2).

use playground_mvcc::request::{
    Compare, CompareResult, CompareTarget, DeleteRangeRequest, PutRequest, RangeRequest, RequestOp,
    TxnRequest,
};

use super::super::*;
use super::get::read_options;
use super::{key_range, range_words};
use crate::{CommandResult, Context};

/// The panics' stack traces as one run of etcdctl 3.5.1 printed them (the line's length in
/// `{len}`; the addresses differ from run to run).
const PANIC_RESULT_OP: &str = include_str!("txn-panic-result-op.txt");
const PANIC_LEASE: &str = include_str!("txn-panic-lease.txt");
/// The usage cobra prints (to stderr) above a request whose flags do not parse.
const USAGE_PUT: &str = include_str!("../help/txn-put.txt");
const USAGE_GET: &str = include_str!("../help/txn-get.txt");
const USAGE_DEL: &str = include_str!("../help/txn-del.txt");

/// Why a txn's input was refused, each as etcdctl prints and exits.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TxnError {
    /// The input ended before a section's blank line (`bufio.Reader`'s `io.EOF`).
    Eof,
    /// No `(` in a compare line.
    Malformed(String),
    /// A compare line the scan read only part of: what it had read.
    MalformedGot {
        line: String,
        target: String,
        key: Vec<u8>,
        op: String,
        value: Vec<u8>,
    },
    UnknownTarget {
        line: String,
        target: String,
    },
    /// A compare whose number does not parse, or a request of fewer than two words.
    InvalidCompare(String),
    /// A request cobra refused (unknown command, a flag that does not parse): its usage first.
    InvalidRequest {
        line: String,
        usage: Option<&'static str>,
    },
    /// A request's own argument check (exit 128) or option check (exit 4).
    Command {
        message: String,
        exit: i32,
    },
    /// `clientv3.Compare` panics: the message and its trace.
    Panic {
        message: &'static str,
        trace: &'static str,
        line_len: usize,
    },
}

impl TxnError {
    fn print(&self, cx: &mut Context<'_>) -> CommandResult {
        let (text, exit) = match self {
            TxnError::Eof => ("Error: EOF\n".to_string(), EXIT_INVALID_INPUT),
            TxnError::Malformed(line) => {
                (format!("Error: malformed comparison: {line}\n"), EXIT_INVALID_INPUT)
            }
            TxnError::MalformedGot { line, target, key, op, value } => (
                format!(
                    "Error: malformed comparison: {line}; got {target}({}) {op} {}\n",
                    go::quote(key),
                    go::quote(value)
                ),
                EXIT_INVALID_INPUT,
            ),
            TxnError::UnknownTarget { line, target } => (
                format!("Error: malformed comparison: {line} (unknown target {target})\n"),
                EXIT_INVALID_INPUT,
            ),
            TxnError::InvalidCompare(line) => {
                (format!("Error: invalid txn compare request: {line}\n"), EXIT_INVALID_INPUT)
            }
            TxnError::InvalidRequest { line, usage } => (
                format!("{}Error: invalid txn request: {line}\n", usage.unwrap_or_default()),
                EXIT_INVALID_INPUT,
            ),
            TxnError::Command { message, exit } => (format!("Error: {message}\n"), *exit),
            TxnError::Panic { message, trace, line_len } => {
                let trace = trace.replace("{len}", &format!("{line_len:#x}"));
                debug_assert!(trace.starts_with(message));
                (trace, 2)
            }
        };
        cx.err(text)?;
        Ok(exit)
    }
}

/// The input's lines up to each blank one, as `ReadString('\n')` hands them out.
struct Lines<'a> {
    rest: &'a str,
}

impl<'a> Lines<'a> {
    /// The next line, trimmed; `Eof` if no newline ends it.
    fn next(&mut self) -> Result<&'a str, TxnError> {
        let (line, rest) = self.rest.split_once('\n').ok_or(TxnError::Eof)?;
        self.rest = rest;
        Ok(line.trim())
    }
}

fn parse_txn(input: &str) -> Result<TxnRequest, TxnError> {
    let mut lines = Lines { rest: input };
    let mut txn = TxnRequest::default();
    loop {
        let line = lines.next()?;
        if line.is_empty() {
            break;
        }
        txn.compare.push(parse_compare(line)?);
    }
    for branch in [&mut txn.success, &mut txn.failure] {
        loop {
            let line = lines.next()?;
            if line.is_empty() {
                break;
            }
            branch.push(parse_request(line)?);
        }
    }
    Ok(txn)
}

/// Go's `%q` scan: leading spaces skipped, then a `"..."` string (its escapes read) or a
/// `` `...` `` one; the string and what follows it.
fn scan_quoted(text: &str) -> Option<(Vec<u8>, &str)> {
    let text = text.trim_start_matches([' ', '\t']);
    if let Some(raw) = text.strip_prefix('`') {
        let (inner, rest) = raw.split_once('`')?;
        return Some((inner.as_bytes().to_vec(), rest));
    }
    let body = text.strip_prefix('"')?;
    let mut out = Vec::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\n' => return None,
            '\\' => {
                let (_, escape) = chars.next()?;
                match escape {
                    'n' => out.push(b'\n'),
                    't' => out.push(b'\t'),
                    'r' => out.push(b'\r'),
                    'a' => out.push(7),
                    'b' => out.push(8),
                    'f' => out.push(12),
                    'v' => out.push(11),
                    '\\' => out.push(b'\\'),
                    '"' => out.push(b'"'),
                    '\'' => out.push(b'\''),
                    'x' => {
                        let hex: String = (0..2).filter_map(|_| chars.next().map(|(_, c)| c)).collect();
                        out.push(u8::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == 2)?);
                    }
                    '0'..='7' => {
                        let mut octal = String::from(escape);
                        octal.extend((0..2).filter_map(|_| chars.next().map(|(_, c)| c)));
                        out.push(u8::from_str_radix(&octal, 8).ok().filter(|_| octal.len() == 3)?);
                    }
                    'u' | 'U' => {
                        let len = if escape == 'u' { 4 } else { 8 };
                        let hex: String = (0..len).filter_map(|_| chars.next().map(|(_, c)| c)).collect();
                        let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)?;
                        out.extend_from_slice(c.to_string().as_bytes());
                    }
                    _ => return None,
                }
            }
            c => out.extend_from_slice(c.to_string().as_bytes()),
        }
    }
    None
}

/// A run of spaces in the scan's format: at least one space in the input, or its end.
fn scan_space(text: &str) -> Option<&str> {
    let rest = text.trim_start_matches([' ', '\t']);
    (rest.len() < text.len() || text.is_empty()).then_some(rest)
}

fn parse_compare(line: &str) -> Result<Compare, TxnError> {
    let (target, rest) = line.split_once('(').ok_or_else(|| TxnError::Malformed(line.to_string()))?;
    // `%q) %s %q`, as far as it goes.
    let (mut key, mut op, mut value) = (Vec::new(), String::new(), None);
    if let Some((k, rest)) = scan_quoted(rest) {
        key = k;
        if let Some(rest) = rest.strip_prefix(')').and_then(scan_space) {
            let word_len = rest.find([' ', '\t']).unwrap_or(rest.len());
            if word_len > 0 {
                op = rest[..word_len].to_string();
                value = scan_space(&rest[word_len..]).and_then(scan_quoted).map(|(v, _)| v);
            }
        }
    }
    let Some(value) = value else {
        let got_value = Vec::new();
        return Err(TxnError::MalformedGot {
            line: line.into(),
            target: target.into(),
            key,
            op,
            value: got_value,
        });
    };
    let number = || {
        std::str::from_utf8(&value)
            .ok()
            .and_then(|v| go::parse_int(v, 10).ok())
            .ok_or_else(|| TxnError::InvalidCompare(line.to_string()))
    };
    let target = match target {
        "ver" | "version" => CompareTarget::Version(number()?),
        "c" | "create" => CompareTarget::Create(number()?),
        "m" | "mod" => CompareTarget::Mod(number()?),
        "val" | "value" => CompareTarget::Value(value.clone()),
        // etcdctl hands the lease compare a string, which clientv3 cannot take.
        "lease" => CompareTarget::Lease(0),
        _ => return Err(TxnError::UnknownTarget { line: line.into(), target: target.into() }),
    };
    let result = match op.as_str() {
        "=" => CompareResult::Equal,
        "!=" => CompareResult::NotEqual,
        "<" => CompareResult::Less,
        ">" => CompareResult::Greater,
        _ => {
            return Err(TxnError::Panic {
                message: "panic: Unknown result op",
                trace: PANIC_RESULT_OP,
                line_len: line.len(),
            })
        }
    };
    if matches!(target, CompareTarget::Lease(_)) {
        return Err(TxnError::Panic {
            message: "panic: bad value",
            trace: PANIC_LEASE,
            line_len: line.len(),
        });
    }
    Ok(Compare { key, range_end: Vec::new(), result, target })
}

/// etcdctl's `argify`: `"quoted"` words (their escapes read), `'quoted'` ones, and runs of
/// non-space characters; a quote that never closes is skipped.
fn argify(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    // Single-quoted words, to be cut as etcdctl cuts them once the count is known.
    let mut single = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else { break };
        match first {
            '"' => match closing_quote(rest) {
                Some(end) => {
                    let word = scan_quoted(&rest[..end]).map(|(w, _)| w).unwrap_or_default();
                    words.push(String::from_utf8_lossy(&word).into_owned());
                    rest = &rest[end..];
                }
                None => rest = &rest[1..],
            },
            '\'' => match rest[1..].find('\'') {
                Some(end) => {
                    single.push(words.len());
                    words.push(rest[..end + 2].to_string());
                    rest = &rest[end + 2..];
                }
                None => rest = &rest[1..],
            },
            _ => {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                words.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    // etcdctl cuts a single-quoted word at the number of words, not its own length.
    let count = words.len();
    for i in single {
        let word = &words[i];
        let cut = word.get(1..count.saturating_sub(1).max(1)).unwrap_or(&word[1..word.len() - 1]);
        words[i] = cut.to_string();
    }
    words
}

/// The end (past the closing quote) of the `"..."` string `text` starts with.
fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// One request line: `put`, `get` or `del` with that command's flags.
fn parse_request(line: &str) -> Result<RequestOp, TxnError> {
    let words = argify(line);
    if words.len() < 2 {
        return Err(TxnError::InvalidCompare(line.to_string()));
    }
    let (usage, allowed): (&'static str, &[&str]) = match words[0].as_str() {
        "put" => (USAGE_PUT, &["lease", "prev-kv", "ignore-value", "ignore-lease"]),
        "get" => (
            USAGE_GET,
            &[
                "consistency",
                "count-only",
                "from-key",
                "keys-only",
                "limit",
                "order",
                "prefix",
                "print-value-only",
                "rev",
                "sort-by",
            ],
        ),
        "del" => (USAGE_DEL, &["from-key", "prefix", "prev-kv"]),
        _ => return Err(TxnError::InvalidRequest { line: line.into(), usage: None }),
    };
    let refused = || TxnError::InvalidRequest { line: line.into(), usage: Some(usage) };
    // Txn lines take only their command's own flags, in every release alike.
    let flags = parse(&words[1..], EtcdVersion::V3_5).map_err(|_| refused())?;
    if flags.flags.iter().any(|(name, _)| !allowed.contains(&name.as_str())) {
        return Err(refused());
    }
    let args: Vec<&str> = flags.words.iter().map(String::as_str).collect();
    let bad_args = |message: String| TxnError::Command { message, exit: EXIT_BAD_ARGS };
    match words[0].as_str() {
        "put" => {
            let ignore_value = flags.flag("ignore-value");
            let (key, value) = match args.as_slice() {
                [key] if ignore_value => (*key, ""),
                [_, _, ..] if ignore_value => {
                    return Err(bad_args(
                        "put command needs only 1 argument when 'ignore-value' is set".into(),
                    ))
                }
                [key, value, ..] => (*key, *value),
                // etcdctl has read stdin for the txn already.
                _ => {
                    return Err(bad_args(
                        "put command needs 1 argument and input from stdin or 2 arguments".into(),
                    ))
                }
            };
            let lease = match flags.get("lease").map(|text| go::parse_int(text, 16)).transpose() {
                Ok(lease) => lease.unwrap_or(0),
                Err(error) => return Err(bad_args(format!("bad lease ID ({error}), expecting ID in Hex"))),
            };
            Ok(RequestOp::Put(PutRequest {
                key: key.as_bytes().to_vec(),
                value: value.as_bytes().to_vec().into(),
                lease,
                prev_kv: flags.flag("prev-kv"),
                ignore_value,
                ignore_lease: flags.flag("ignore-lease"),
            }))
        }
        "get" => {
            let (key, end) = range_words(&flags, &args, "get", usize::MAX).map_err(bad_args)?;
            let (_, sort_order, sort_target) = read_options(&flags)
                .map_err(|message| TxnError::Command { message, exit: EXIT_BAD_FEATURE })?;
            let (key, range_end) = key_range(&flags, key, end);
            let int = |name: &str| flags.get(name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
            Ok(RequestOp::Range(RangeRequest {
                key,
                range_end,
                limit: int("limit"),
                revision: int("rev").max(0),
                sort_order,
                sort_target,
                keys_only: flags.flag("keys-only"),
                count_only: flags.flag("count-only"),
                ..Default::default()
            }))
        }
        _ => {
            let (key, end) = range_words(&flags, &args, "del", 2).map_err(bad_args)?;
            let (key, range_end) = key_range(&flags, key, end);
            Ok(RequestOp::DeleteRange(DeleteRangeRequest { key, range_end, prev_kv: flags.flag("prev-kv") }))
        }
    }
}

pub fn txn(cx: &mut Context<'_>, invocation: &Invocation, _args: &[&str]) -> CommandResult {
    let input = String::from_utf8_lossy(cx.stdin()).into_owned();
    let txn_request = match parse_txn(&input) {
        Ok(parsed) => parsed,
        Err(error) => return error.print(cx),
    };
    let response = match call(cx, invocation, |client| client.txn(txn_request)) {
        Ok(response) => response,
        Err(status) => return status,
    };
    let mut printed = invocation.printed();
    invocation.printer().txn(&mut printed, &response);
    show(cx, printed)
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
        assert_eq!(parse_txn("\ndel other\n\n"), Err(TxnError::Eof));
        assert_eq!(argify(r#"put "x y" "\x41" z"#), ["put", "x y", "A", "z"]);
    }
}

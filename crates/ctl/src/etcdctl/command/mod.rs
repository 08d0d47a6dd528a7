//! etcdctl's commands, one file each as etcdctl's `ctlv3/command` has them, and the helpers
//! they share: the endpoints a command visits, a KV request through the first endpoint that
//! answers, key ranges.

pub(super) mod alarm;
pub(super) mod check;
pub(super) mod compact;
pub(super) mod defrag;
pub(super) mod del;
pub(super) mod endpoint;
pub(super) mod get;
pub(super) mod lease;
pub(super) mod member;
pub(super) mod move_leader;
pub(super) mod put;
pub(super) mod snapshot;
pub(super) mod txn;
pub(super) mod version;

use super::*;
use crate::{CommandResult, Context};

/// The endpoints a per-endpoint command visits: `--endpoints`, or with `--cluster` every
/// member's client URLs from the member list, as etcdctl asks for it first.
pub(super) fn targets(cx: &mut Context<'_>, invocation: &Invocation) -> Result<Vec<String>, CommandResult> {
    if !invocation.args.flag("cluster") {
        return Ok(invocation.endpoints.clone());
    }
    let list = call(cx, invocation, |client| client.member_list())?;
    Ok(list.members.into_iter().flat_map(|m| m.client_urls).collect())
}

/// Go's `time.Duration` text for a short span.
pub(super) fn go_duration(micros: u64) -> String {
    if micros < 1000 {
        format!("{micros}µs")
    } else if micros < 1_000_000 {
        let text = format!("{:.3}", micros as f64 / 1000.0);
        format!("{}ms", text.trim_end_matches('0').trim_end_matches('.'))
    } else {
        let text = format!("{:.6}", micros as f64 / 1e6);
        format!("{}s", text.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// The key and range end of `get` or `del`, checked as etcdctl checks them: a key, with
/// `--prefix` or `--from-key` (not both) nothing after it. `get` ignores words past the range end;
/// `del` refuses them (`max_words`).
pub(super) fn range_args<'a>(
    cx: &mut Context<'_>,
    invocation: &Invocation,
    args: &[&'a str],
    command: &str,
    max_words: usize,
) -> Result<(&'a str, Option<&'a str>), CommandResult> {
    range_words(&invocation.args, args, command, max_words).map_err(|message| bad_args(cx, &message))
}

/// [`range_args`]' checks; `Err` is etcdctl's message (a usage error).
pub(super) fn range_words<'a>(
    flags: &Args,
    args: &[&'a str],
    command: &str,
    max_words: usize,
) -> Result<(&'a str, Option<&'a str>), String> {
    if args.is_empty() || args.len() > max_words {
        return Err(format!(
            "{command} command needs one argument as key and an optional argument as range_end"
        ));
    }
    let (prefix, from_key) = (flags.flag("prefix"), flags.flag("from-key"));
    if prefix && from_key {
        return Err("`--prefix` and `--from-key` cannot be set at the same time, choose one".into());
    }
    if args.len() > 1 && (prefix || from_key) {
        return Err(
            "too many arguments, only accept one argument when `--prefix` or `--from-key` is set".into()
        );
    }
    Ok((args[0], args.get(1).copied()))
}

/// `[key, range_end)` from the arguments and `--prefix` / `--from-key`.
pub(super) fn key_range(flags: &Args, key: &str, end: Option<&str>) -> (Vec<u8>, Vec<u8>) {
    let mut key = key.as_bytes().to_vec();
    if flags.flag("prefix") {
        if key.is_empty() {
            return (vec![0], vec![0]);
        }
        return (key.clone(), prefix_end(&key));
    }
    if flags.flag("from-key") {
        if key.is_empty() {
            key = vec![0];
        }
        return (key, vec![0]);
    }
    (key, end.map(|e| e.as_bytes().to_vec()).unwrap_or_default())
}

/// The smallest key after every key with this prefix (clientv3's `GetPrefixRangeEnd`).
pub(super) fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_go_prints_them() {
        assert_eq!(go_duration(696), "696µs");
        assert_eq!(go_duration(1453), "1.453ms");
        assert_eq!(go_duration(2000), "2ms");
    }
}

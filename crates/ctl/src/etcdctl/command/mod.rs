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

use playground_mvcc::request::{RequestOp, ResponseOp};
use playground_mvcc::KeyValue;
use playground_server::{Cluster, Error, Header, MemberConfig};

use super::*;
use crate::{CommandResult, Context};

/// The endpoints a per-endpoint command visits: `--endpoints`, or with `--cluster` every
/// member's client URL from the member list.
pub(super) fn targets(cluster: &Cluster, client: &Client) -> Vec<String> {
    if client.args.flag("cluster") {
        sorted_members(cluster).into_iter().map(|m| m.client_url).collect()
    } else {
        client.endpoints.clone()
    }
}

/// The member list, in id order as etcd returns it.
pub(super) fn sorted_members(cluster: &Cluster) -> Vec<MemberConfig> {
    let mut members = cluster.members().to_vec();
    members.sort_by_key(|m| m.id);
    members
}

pub(super) fn endpoint_member(cluster: &Cluster, endpoint: &str) -> Result<u64, Error> {
    let id = cluster.member_for_endpoint(endpoint).ok_or(Error::Unavailable)?;
    if cluster.is_up(id) {
        Ok(id)
    } else {
        Err(Error::Unavailable)
    }
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

/// Runs one KV request on the first endpoint that answers. `Err` carries the command's exit
/// status, its error already printed as etcdctl prints it.
pub(super) fn request(
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
pub(super) fn key_range(client: &Client, key: &str, end: Option<&str>) -> (Vec<u8>, Vec<u8>) {
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

/// A key and its value as etcdctl prints them: raw bytes, a line each.
pub(super) fn print_kv(out: &mut Vec<u8>, kv: &KeyValue, value_only: bool, keys_only: bool) {
    if !value_only {
        out.extend_from_slice(&kv.key);
        out.push(b'\n');
    }
    if !keys_only {
        out.extend_from_slice(&kv.value);
    }
    out.push(b'\n');
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

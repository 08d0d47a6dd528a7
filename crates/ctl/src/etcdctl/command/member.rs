//! `etcdctl member list | add | remove | promote`.

use playground_server::{Cluster, Error, Header, MemberConfig};

use super::super::*;
use super::*;
use crate::table;
use crate::{CommandResult, Context};

pub fn member_list(cx: &mut Context<'_>, client: &Client) -> CommandResult {
    let (members, header, learners) = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        let term = cluster.status(member).map_or(0, |s| s.raft_term);
        let header =
            Header { cluster_id: cluster.cluster_id(), member_id: member, revision: 0, raft_term: term };
        (sorted_members(cluster), header, cluster.learners())
    };
    let learner = |m: &MemberConfig| learners.contains(&m.id);
    let text = match client.format {
        Format::Json => {
            let items: Vec<String> = members
                .iter()
                .map(|m| {
                    format!(
                        "{{\"ID\":{},\"name\":\"{}\",\"peerURLs\":[\"{}\"],\"clientURLs\":[\"{}\"]{}}}",
                        m.id,
                        m.name,
                        m.peer_url,
                        m.client_url,
                        if learner(m) { ",\"isLearner\":true" } else { "" }
                    )
                })
                .collect();
            format!("{{\"header\":{},\"members\":[{}]}}\n", header_json(&header), items.join(","))
        }
        Format::Table => {
            let cells: Vec<Vec<String>> = members
                .iter()
                .map(|m| {
                    vec![
                        format!("{:x}", m.id),
                        "started".into(),
                        m.name.clone(),
                        m.peer_url.clone(),
                        m.client_url.clone(),
                        learner(m).to_string(),
                    ]
                })
                .collect();
            table::render(&["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"], &cells)
        }
        _ => members
            .iter()
            .map(|m| {
                format!("{:x}, started, {}, {}, {}, {}\n", m.id, m.name, m.peer_url, m.client_url, learner(m))
            })
            .collect(),
    };
    cx.out(text)?;
    Ok(0)
}

/// A member id argument in hex, as etcdctl reads it.
fn member_id_arg(cx: &mut Context<'_>, args: &[&str]) -> Result<u64, CommandResult> {
    let [id] = args else { return Err(bad_args(cx, "member ID is not provided")) };
    match u64::from_str_radix(id, 16) {
        Ok(id) => Ok(id),
        Err(_) => Err(bad_args(
            cx,
            &format!(
                "bad member ID arg (strconv.ParseUint: parsing {id:?}: invalid syntax), expecting ID in Hex"
            ),
        )),
    }
}

/// `member add NAME --peer-urls=URL [--learner]`.
pub fn member_add(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    let [name] = args else { return bad_args(cx, "member name not provided") };
    let Some(peer) = client.args.get("peer-urls").map(str::to_string) else {
        return bad_args(cx, "member peer urls not provided");
    };
    if !peer.starts_with("http://") && !peer.starts_with("https://") {
        return bad_args(cx, &format!("URL scheme must be http, https, unix, or unixs: {peer}"));
    }
    let learner = client.args.flag("learner");
    let result = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        cluster.member_add(member, name, &peer, learner).map(|(added, header)| {
            let initial: Vec<String> =
                cluster.members().iter().map(|m| format!("{}={}", m.name, m.peer_url)).collect();
            (added, header, initial.join(","))
        })
    };
    match result {
        Ok((added, header, initial)) => {
            cx.out(format!(
                "Member {:16x} added to cluster {:16x}\n\nETCD_NAME=\"{name}\"\nETCD_INITIAL_CLUSTER=\"{initial}\"\nETCD_INITIAL_ADVERTISE_PEER_URLS=\"{peer}\"\nETCD_INITIAL_CLUSTER_STATE=\"existing\"\n",
                added.id, header.cluster_id
            ))?;
            Ok(0)
        }
        Err(error) => request_error(cx, client, &error),
    }
}

pub fn member_remove(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    member_change(cx, client, args, "removed from", Cluster::member_remove)
}

pub fn member_promote(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    member_change(cx, client, args, "promoted in", Cluster::member_promote)
}

/// `member remove ID` and `member promote ID`: one change to one member, reported as etcdctl
/// reports it.
fn member_change(
    cx: &mut Context<'_>,
    client: &Client,
    args: &[&str],
    done: &str,
    change: fn(&mut Cluster, u64, u64) -> Result<Header, Error>,
) -> CommandResult {
    let id = match member_id_arg(cx, args) {
        Ok(id) => id,
        Err(status) => return status,
    };
    let result = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        change(cluster, member, id)
    };
    match result {
        Ok(header) => {
            cx.out(format!("Member {id:16x} {done} cluster {:16x}\n", header.cluster_id))?;
            Ok(0)
        }
        Err(error) => request_error(cx, client, &error),
    }
}

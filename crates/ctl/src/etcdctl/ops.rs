//! Maintenance and cluster commands: defrag, endpoint status / health / hashkv, alarm list /
//! disarm, member list, lease grant / revoke, move-leader, snapshot save.

use playground_server::{AlarmAction, AlarmType, Cluster, Error, Header, MemberConfig};

use super::*;
use crate::{CommandResult, Context};
use crate::{humanize, table};

/// The endpoints a per-endpoint command visits: `--endpoints`, or with `--cluster` every
/// member's client URL from the member list.
fn targets(cluster: &Cluster, client: &Client) -> Vec<String> {
    if client.args.flag("cluster") {
        sorted_members(cluster).into_iter().map(|m| m.client_url).collect()
    } else {
        client.endpoints.clone()
    }
}

/// The member list, in id order as etcd returns it.
fn sorted_members(cluster: &Cluster) -> Vec<MemberConfig> {
    let mut members = cluster.members().to_vec();
    members.sort_by_key(|m| m.id);
    members
}

fn endpoint_member(cluster: &Cluster, endpoint: &str) -> Result<u64, Error> {
    let id = cluster.member_for_endpoint(endpoint).ok_or(Error::Unavailable)?;
    if cluster.is_up(id) {
        Ok(id)
    } else {
        Err(Error::Unavailable)
    }
}

/// Go's `time.Duration` text for a short span.
fn go_duration(micros: u64) -> String {
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

pub fn defrag(cx: &mut Context<'_>, client: &Client) -> CommandResult {
    let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
    let mut results = Vec::new();
    for endpoint in targets(cluster, client) {
        let result = endpoint_member(cluster, &endpoint).and_then(|id| cluster.defrag(id));
        results.push((endpoint, result));
    }
    let mut status = 0;
    for (endpoint, result) in results {
        match result {
            Ok(_) => cx.out(format!("Finished defragmenting etcd member[{endpoint}]\n"))?,
            Err(error) => {
                if error == Error::Unavailable {
                    wait_unreachable(cx, client, Logger::EtcdClient, &endpoint)?;
                }
                cx.err(format!("Failed to defragment etcd member[{endpoint}] ({error})\n"))?;
                status = EXIT_ERROR;
            }
        }
    }
    Ok(status)
}

pub fn endpoint_status(cx: &mut Context<'_>, client: &Client) -> CommandResult {
    let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
    let mut results = Vec::new();
    for endpoint in targets(cluster, client) {
        let result = endpoint_member(cluster, &endpoint).and_then(|id| cluster.status(id));
        results.push((endpoint, result));
    }
    let mut status = 0;
    let mut rows = Vec::new();
    for (endpoint, result) in results {
        match result {
            Ok(s) => rows.push((endpoint, s)),
            Err(error) => {
                wait_unreachable(cx, client, Logger::EtcdClient, &endpoint)?;
                cx.err(format!("Failed to get the status of endpoint {endpoint} ({error})\n"))?;
                status = EXIT_ERROR;
            }
        }
    }
    let text = match client.format {
        Format::Json => {
            let items: Vec<String> = rows
                .iter()
                .map(|(endpoint, s)| {
                    let errors = if s.errors.is_empty() {
                        String::new()
                    } else {
                        let quoted: Vec<String> = s.errors.iter().map(|e| format!("\"{e}\"")).collect();
                        format!(",\"errors\":[{}]", quoted.join(","))
                    };
                    let learner = if s.is_learner { ",\"isLearner\":true" } else { "" };
                    format!(
                        "{{\"Endpoint\":\"{endpoint}\",\"Status\":{{\"header\":{},\"version\":\"{}\",\"dbSize\":{},\"leader\":{},\"raftIndex\":{},\"raftTerm\":{},\"raftAppliedIndex\":{}{errors},\"dbSizeInUse\":{}{learner}}}}}",
                        header_json(&s.header),
                        s.version,
                        s.db_size,
                        s.leader,
                        s.raft_index,
                        s.raft_term,
                        s.raft_applied_index,
                        s.db_size_in_use
                    )
                })
                .collect();
            if items.is_empty() {
                String::new()
            } else {
                format!("[{}]\n", items.join(","))
            }
        }
        Format::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|(endpoint, s)| {
                    vec![
                        endpoint.clone(),
                        format!("{:x}", s.header.member_id),
                        s.version.clone(),
                        humanize::bytes(s.db_size),
                        (s.leader == s.header.member_id).to_string(),
                        s.is_learner.to_string(),
                        s.raft_term.to_string(),
                        s.raft_index.to_string(),
                        s.raft_applied_index.to_string(),
                        s.errors.join(", "),
                    ]
                })
                .collect();
            if cells.is_empty() {
                String::new()
            } else {
                table::render(
                    &[
                        "ENDPOINT",
                        "ID",
                        "VERSION",
                        "DB SIZE",
                        "IS LEADER",
                        "IS LEARNER",
                        "RAFT TERM",
                        "RAFT INDEX",
                        "RAFT APPLIED INDEX",
                        "ERRORS",
                    ],
                    &cells,
                )
            }
        }
        Format::Fields => rows
            .iter()
            .map(|(endpoint, s)| {
                format!(
                    "{}\"Endpoint\" : \"{endpoint}\"\n\"Version\" : \"{}\"\n\"DBSize\" : {}\n\"Leader\" : {}\n\"IsLearner\" : {}\n\"RaftIndex\" : {}\n\"RaftTerm\" : {}\n\"RaftAppliedIndex\" : {}\n\"Errors\" : {:?}\n\"DBSizeInUse\" : {}\n\n",
                    header_fields(&s.header),
                    s.version,
                    s.db_size,
                    s.leader,
                    s.is_learner,
                    s.raft_index,
                    s.raft_term,
                    s.raft_applied_index,
                    s.errors,
                    s.db_size_in_use
                )
            })
            .collect(),
        Format::Simple => rows
            .iter()
            .map(|(endpoint, s)| {
                format!(
                    "{endpoint}, {:x}, {}, {}, {}, {}, {}, {}, {}, {}\n",
                    s.header.member_id,
                    s.version,
                    humanize::bytes(s.db_size),
                    s.leader == s.header.member_id,
                    s.is_learner,
                    s.raft_term,
                    s.raft_index,
                    s.raft_applied_index,
                    s.errors.join(", ")
                )
            })
            .collect(),
    };
    cx.out(text)?;
    Ok(status)
}

pub fn endpoint_health(cx: &mut Context<'_>, client: &Client) -> CommandResult {
    let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
    let mut results = Vec::new();
    for endpoint in targets(cluster, client) {
        let start = cluster.now_micros();
        // etcdctl's check: a linearizable get of "health", then the alarm list.
        let result = endpoint_member(cluster, &endpoint).and_then(|id| {
            let get = playground_mvcc::request::RequestOp::Range(playground_mvcc::request::RangeRequest {
                key: b"health".to_vec(),
                ..Default::default()
            });
            cluster.kv(id, get, false)?;
            let (alarms, _) = cluster.alarm(id, AlarmAction::Get)?;
            if alarms.is_empty() {
                Ok(())
            } else {
                let names: String = alarms.iter().map(|(_, a)| format!("{} ", a.name())).collect();
                Err(Error::ActiveAlarms(names))
            }
        });
        let took = go_duration(cluster.now_micros() - start);
        results.push((endpoint, took, result));
    }
    let mut healthy_all = true;
    let mut text = String::new();
    let mut rows = Vec::new();
    for (endpoint, took, result) in &results {
        match result {
            Ok(()) => {
                if client.format == Format::Simple {
                    text.push_str(&format!(
                        "{endpoint} is healthy: successfully committed proposal: took = {took}\n"
                    ));
                }
                rows.push((endpoint.clone(), true, took.clone(), String::new()));
            }
            Err(error) => {
                healthy_all = false;
                if *error == Error::Unavailable {
                    wait_unreachable(cx, client, Logger::Client, endpoint)?;
                }
                let message = match error {
                    Error::Unavailable => "failed to commit proposal: context deadline exceeded".to_string(),
                    other => format!("failed to commit proposal: {other}"),
                };
                if client.format == Format::Simple {
                    cx.err(format!("{endpoint} is unhealthy: {message}\n"))?;
                }
                rows.push((endpoint.clone(), false, took.clone(), message));
            }
        }
    }
    match client.format {
        Format::Json => {
            let items: Vec<String> = rows
                .iter()
                .map(|(endpoint, health, took, error)| {
                    let error =
                        if error.is_empty() { String::new() } else { format!(",\"error\":\"{error}\"") };
                    format!("{{\"endpoint\":\"{endpoint}\",\"health\":{health},\"took\":\"{took}\"{error}}}")
                })
                .collect();
            text = format!("[{}]\n", items.join(","));
        }
        Format::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|(endpoint, health, took, error)| {
                    vec![endpoint.clone(), health.to_string(), took.clone(), error.clone()]
                })
                .collect();
            text = table::render(&["ENDPOINT", "HEALTH", "TOOK", "ERROR"], &cells);
        }
        _ => {}
    }
    cx.out(text)?;
    if healthy_all {
        Ok(0)
    } else {
        cx.err("Error: unhealthy cluster\n")?;
        Ok(EXIT_ERROR)
    }
}

pub fn endpoint_hashkv(cx: &mut Context<'_>, client: &Client) -> CommandResult {
    let revision: i64 = client.args.get("rev").and_then(|r| r.parse().ok()).unwrap_or(0);
    let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
    let mut results = Vec::new();
    for endpoint in targets(cluster, client) {
        let result = endpoint_member(cluster, &endpoint).and_then(|id| cluster.hash_kv(id, revision));
        results.push((endpoint, result));
    }
    let mut status = 0;
    let mut rows = Vec::new();
    for (endpoint, result) in results {
        match result {
            Ok(answer) => rows.push((endpoint, answer)),
            Err(error) => {
                if error == Error::Unavailable {
                    wait_unreachable(cx, client, Logger::EtcdClient, &endpoint)?;
                }
                cx.err(format!("Failed to get the hash of endpoint {endpoint} ({error})\n"))?;
                status = EXIT_ERROR;
            }
        }
    }
    let text = match client.format {
        Format::Json => {
            let items: Vec<String> = rows
                .iter()
                .map(|(endpoint, (hash, compact, header))| {
                    let compact = if *compact > 0 { format!(",\"compact_revision\":{compact}") } else { String::new() };
                    format!(
                        "{{\"Endpoint\":\"{endpoint}\",\"HashKV\":{{\"header\":{},\"hash\":{hash}{compact}}}}}",
                        header_json(header)
                    )
                })
                .collect();
            format!("[{}]\n", items.join(","))
        }
        Format::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|(endpoint, (hash, _, _))| vec![endpoint.clone(), hash.to_string()])
                .collect();
            table::render(&["ENDPOINT", "HASH"], &cells)
        }
        _ => rows.iter().map(|(endpoint, (hash, _, _))| format!("{endpoint}, {hash}\n")).collect(),
    };
    cx.out(text)?;
    Ok(status)
}

fn alarm_lines(alarms: &[(u64, AlarmType)]) -> String {
    alarms.iter().map(|(id, alarm)| format!("memberID:{id} alarm:{} \n", alarm.name())).collect()
}

fn alarms_json(header: &Header, alarms: &[(u64, AlarmType)]) -> String {
    let mut text = format!("{{\"header\":{}", header_json(header));
    if !alarms.is_empty() {
        let items: Vec<String> = alarms
            .iter()
            .map(|(id, alarm)| format!("{{\"memberID\":{id},\"alarm\":{}}}", alarm.number()))
            .collect();
        text.push_str(&format!(",\"alarms\":[{}]", items.join(",")));
    }
    text.push_str("}\n");
    text
}

pub fn alarm(cx: &mut Context<'_>, client: &Client, disarm: bool) -> CommandResult {
    let result = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        cluster.alarm(member, if disarm { AlarmAction::Deactivate } else { AlarmAction::Get })
    };
    match result {
        Ok((alarms, header)) => {
            let text = match client.format {
                Format::Json => alarms_json(&header, &alarms),
                _ => alarm_lines(&alarms),
            };
            cx.out(text)?;
            Ok(0)
        }
        Err(error) => request_error(cx, client, &error),
    }
}

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

pub fn lease_grant(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    let [ttl] = args else { return bad_args(cx, "lease grant command needs TTL argument") };
    let Ok(ttl) = ttl.parse::<i64>() else {
        return bad_args(cx, &format!("bad TTL (strconv.ParseInt: parsing {ttl:?}: invalid syntax)"));
    };
    let result = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        cluster.lease_grant(member, ttl, 0)
    };
    match result {
        Ok((id, ttl, header)) => {
            let text = match client.format {
                Format::Json => {
                    format!("{{\"header\":{},\"ID\":{id},\"TTL\":{ttl}}}\n", header_json(&header))
                }
                _ => format!("lease {id:016x} granted with TTL({ttl}s)\n"),
            };
            cx.out(text)?;
            Ok(0)
        }
        Err(error) => {
            retry_warning(
                cx,
                Logger::EtcdClient,
                &client.endpoints.first().cloned().unwrap_or_default(),
                &error,
            )?;
            cx.err(format!("Error: failed to grant lease ({error})\n"))?;
            Ok(EXIT_ERROR)
        }
    }
}

pub fn lease_revoke(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    let [id] = args else { return bad_args(cx, "lease revoke command needs 1 argument") };
    let Ok(id) = i64::from_str_radix(id, 16) else {
        return bad_args(
            cx,
            &format!(
                "bad lease ID arg (strconv.ParseInt: parsing {id:?}: invalid syntax), expecting ID in Hex"
            ),
        );
    };
    let result = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        cluster.lease_revoke(member, id)
    };
    match result {
        Ok(_) => {
            cx.out(format!("lease {id:016x} revoked\n"))?;
            Ok(0)
        }
        Err(error) => {
            retry_warning(
                cx,
                Logger::EtcdClient,
                &client.endpoints.first().cloned().unwrap_or_default(),
                &error,
            )?;
            cx.err(format!("Error: failed to revoke lease ({error})\n"))?;
            Ok(EXIT_ERROR)
        }
    }
}

pub fn move_leader(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    let [target] = args else { return bad_args(cx, "move-leader command needs 1 argument") };
    let Ok(target) = u64::from_str_radix(target, 16) else {
        return bad_args(cx, &format!("strconv.ParseUint: parsing {target:?}: invalid syntax"));
    };
    let result = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        let from = cluster.leader().unwrap_or(0);
        if !cluster.members().iter().any(|m| m.id == target) {
            Err(Error::BadLeaderTransferee)
        } else {
            cluster.move_leader(member, target).map(|_| from)
        }
    };
    match result {
        Ok(from) => {
            cx.out(format!("Leadership transferred from {from:x} to {target:x}\n"))?;
            Ok(0)
        }
        Err(error) => request_error(cx, client, &error),
    }
}

pub fn snapshot_save(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    let [path] = args else { return bad_args(cx, "snapshot save expects one argument") };
    let path = path.to_string();
    if client.endpoints.len() != 1 {
        // Go's %v of the endpoint list.
        let list = client.endpoints.join(" ");
        cx.err(format!("Error: snapshot must be requested to one selected node, not multiple [{list}]\n"))?;
        return Ok(EXIT_INTERRUPTED);
    }
    let (endpoint, result, now) = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((endpoint, member)) = pick(cluster, &client.endpoints) else {
            return unreachable(cx, client);
        };
        (endpoint, cluster.snapshot(member), cluster.now_micros())
    };
    let file = match result {
        Ok(file) => file,
        Err(error) => return request_error(cx, client, &error),
    };
    let resolved = cx.resolve(&format!("{path}.part"));
    if let Err(error) = cx.fs().write(&resolved, &file, false) {
        // Go's wording: "no such file or directory", lower case.
        let reason = error.to_string().to_lowercase();
        cx.err(format!("Error: could not open {path}.part (open {path}.part: {reason})\n"))?;
        return Ok(EXIT_INTERRUPTED);
    }
    let final_path = cx.resolve(&path);
    let _ = cx.fs().remove_file(&resolved);
    if let Err(error) = cx.fs().write(&final_path, &file, false) {
        cx.err(format!("Error: could not rename {path}.part to {path} ({error})\n"))?;
        return Ok(EXIT_ERROR);
    }
    let ts = playground_server::log::unix_seconds(now);
    let size = humanize::bytes(file.len() as u64 - 32);
    cx.err(format!(
        "{{\"level\":\"info\",\"ts\":{ts},\"caller\":\"snapshot/v3_snapshot.go:68\",\"msg\":\"created temporary db file\",\"path\":\"{path}.part\"}}\n\
         {{\"level\":\"info\",\"ts\":{ts},\"logger\":\"client\",\"caller\":\"v3/maintenance.go:211\",\"msg\":\"opened snapshot stream; downloading\"}}\n\
         {{\"level\":\"info\",\"ts\":{ts},\"caller\":\"snapshot/v3_snapshot.go:76\",\"msg\":\"fetching snapshot\",\"endpoint\":\"{endpoint}\"}}\n\
         {{\"level\":\"info\",\"ts\":{ts},\"logger\":\"client\",\"caller\":\"v3/maintenance.go:219\",\"msg\":\"completed snapshot read; closing\"}}\n\
         {{\"level\":\"info\",\"ts\":{ts},\"caller\":\"snapshot/v3_snapshot.go:91\",\"msg\":\"fetched snapshot\",\"endpoint\":\"{endpoint}\",\"size\":\"{size}\",\"took\":\"now\"}}\n\
         {{\"level\":\"info\",\"ts\":{ts},\"caller\":\"snapshot/v3_snapshot.go:100\",\"msg\":\"saved\",\"path\":\"{path}\"}}\n"
    ))?;
    cx.out(format!("Snapshot saved at {path}\n"))?;
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

/// `check perf [--load=s|m|l|xl]`: 60 s of paced writes from many clients, judged as etcdctl
/// judges them (throughput at least 90 % of the load's rate, slowest request under 500 ms,
/// standard deviation under 100 ms). The progress bar advances a second at a time.
pub fn check_perf(cx: &mut Context<'_>, client: &Client) -> CommandResult {
    let rate = match client.args.get("load").unwrap_or("s") {
        "s" => 150,
        "m" => 1000,
        "l" => 8000,
        "xl" => 15000,
        other => {
            cx.err(format!("Error: unknown load option {other}\n"))?;
            return Ok(EXIT_BAD_ARGS);
        }
    };
    const SECONDS: u64 = 60;
    let result = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        cluster.check_perf(member, rate, SECONDS)
    };
    let (per_second, slowest, stddev) = match result {
        Ok(figures) => figures,
        Err(error) => return request_error(cx, client, &error),
    };
    let mut text = String::new();
    for second in 0..SECONDS {
        text.push_str(&format!("\r{second:>2} / {SECONDS} {:>7.2}%", second as f64 * 100.0 / SECONDS as f64));
    }
    let total: u64 = per_second.iter().sum();
    let throughput = total / SECONDS;
    let mut ok = true;
    if throughput as f64 >= rate as f64 * 0.9 {
        text.push_str(&format!("PASS: Throughput is {throughput} writes/s\n"));
    } else {
        ok = false;
        text.push_str(&format!("FAIL: Throughput too low: {throughput} writes/s\n"));
    }
    if slowest < 0.5 {
        text.push_str(&format!("PASS: Slowest request took {slowest:.6}s\n"));
    } else {
        ok = false;
        text.push_str(&format!("FAIL: Slowest request took too long: {slowest:.6}s\n"));
    }
    if stddev < 0.1 {
        text.push_str(&format!("PASS: Stddev is {stddev:.6}s\n"));
    } else {
        ok = false;
        text.push_str(&format!("FAIL: Stddev too high: {stddev:.6}s\n"));
    }
    text.push_str(if ok { "PASS\n" } else { "FAIL\n" });
    cx.out(text)?;
    Ok(if ok { 0 } else { EXIT_ERROR })
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

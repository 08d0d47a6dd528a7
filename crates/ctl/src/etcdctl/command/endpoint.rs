//! `etcdctl endpoint status | health | hashkv`.

use playground_server::{AlarmAction, Error};

use super::super::*;
use super::*;
use crate::{humanize, table};
use crate::{CommandResult, Context};

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

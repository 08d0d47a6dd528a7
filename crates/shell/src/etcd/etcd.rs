//! `etcd`: (re)starts the playground's members with the given flags, as restarting etcd with
//! new flags on the same data directories would; and `playground`, the verbs for the world
//! itself (kill and restart members, cut and heal links, slow a disk, let time pass).

use std::time::Duration;

use playground_server::{Cluster, Flags};

use super::humanize;
use crate::command::{CommandResult, Context};

const EXIT_ERROR: i32 = 1;
const EXIT_BAD_ARGS: i32 = 2;

pub fn etcd(cx: &mut Context<'_>, args: &[String]) -> CommandResult {
    let args = &args[1..];
    if args.iter().any(|a| a == "--version" || a == "-version") {
        cx.out(format!(
            "etcd Version: {}\nGit SHA: e8732fb5f\nGo Version: go1.16.3\nGo OS/Arch: linux/amd64\n",
            playground_server::VERSION
        ))?;
        return Ok(0);
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        cx.out(concat!(
            "Usage:\n\n  etcd [flags]\n    Start an etcd server (in the playground: restart its members with these flags).\n\n",
            "Flags the playground honours:\n",
            "  --quota-backend-bytes '0'\n  --snapshot-count '10000'\n  --auto-compaction-mode 'periodic'\n",
            "  --auto-compaction-retention '0'\n  --heartbeat-interval '100'\n  --election-timeout '1000'\n",
            "  --max-request-bytes '1572864'\n  --max-txn-ops '128'\n  --backend-batch-interval\n  --backend-batch-limit\n",
        ))?;
        return Ok(0);
    }
    let mut flags = Flags::default();
    if let Err(error) = flags.parse(args) {
        cx.err(format!("{error}\n"))?;
        return Ok(EXIT_BAD_ARGS);
    }
    let Some(cluster) = cx.world().cluster() else {
        cx.err("etcd: this terminal has no virtual cluster\n")?;
        return Ok(EXIT_ERROR);
    };
    cluster.restart_with(flags.clone());
    let ts = playground_server::timestamp(cluster.now_micros());
    let mut lines = String::new();
    if let Some(quota) = playground_server::quota_bytes(flags.quota_backend_bytes) {
        if flags.quota_backend_bytes != 0 {
            lines.push_str(&format!(
                "{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"etcdserver/quota.go:94\",\"msg\":\"enabled backend quota\",\"quota-name\":\"v3-applier\",\"quota-size-bytes\":{quota},\"quota-size\":\"{}\"}}\n",
                humanize::bytes(quota)
            ));
        }
    }
    for member in cluster.members() {
        lines.push_str(&format!(
            "{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"embed/serve.go:140\",\"msg\":\"serving client traffic insecurely; this is strongly discouraged!\",\"address\":\"{}\",\"name\":\"{}\"}}\n",
            member.client_host(),
            member.name
        ));
    }
    cx.err(lines)?;
    Ok(0)
}

/// The member a name or endpoint refers to.
fn member(cluster: &Cluster, which: &str) -> Option<u64> {
    cluster
        .members()
        .iter()
        .find(|m| m.name == which || format!("{:x}", m.id) == which)
        .map(|m| m.id)
        .or_else(|| cluster.member_for_endpoint(which))
}

const PLAYGROUND_USAGE: &str = "usage: playground <verb>\n\
  status                 members: role, term, indexes, revisions, db size, alarms\n\
  kill MEMBER            the member's host goes down (unsynced writes are lost)\n\
  restart MEMBER         the member starts again from its data directory\n\
  partition A B          cut the link between two members\n\
  isolate MEMBER         cut a member off from every other\n\
  heal                   restore every link\n\
  slow-disk MEMBER N     multiply the member's disk latencies by N (1: normal)\n\
  advance DURATION       let virtual time pass (1h, 30m, 10s, 500ms)\n\
  log                    the members' server log\n\
MEMBER is a name (infra1), an id or a client endpoint (127.0.0.1:2379).\n";

pub fn playground(cx: &mut Context<'_>, args: &[String]) -> CommandResult {
    let words: Vec<&str> = args[1..].iter().map(String::as_str).collect();
    let Some(cluster) = cx.world().cluster() else {
        cx.err("playground: this terminal has no virtual cluster\n")?;
        return Ok(EXIT_ERROR);
    };
    let resolve = |cluster: &Cluster, name: &str| {
        member(cluster, name).ok_or_else(|| format!("playground: no member {name:?}\n"))
    };
    let result: Result<String, String> = match words.as_slice() {
        ["status"] => Ok(status_text(cluster)),
        ["kill", name] => resolve(cluster, name).map(|id| {
            cluster.kill(id);
            String::new()
        }),
        ["restart", name] => resolve(cluster, name).and_then(|id| {
            if cluster.restart(id) {
                Ok(String::new())
            } else {
                Err(format!("playground: {name} is already running\n"))
            }
        }),
        ["partition", a, b] => resolve(cluster, a).and_then(|a| {
            let b = resolve(cluster, b)?;
            cluster.world_mut().network.partition(a, b);
            Ok(String::new())
        }),
        ["isolate", name] => resolve(cluster, name).map(|id| {
            cluster.world_mut().isolate(id);
            String::new()
        }),
        ["heal"] => {
            cluster.world_mut().network.heal();
            Ok(String::new())
        }
        ["slow-disk", name, factor] => resolve(cluster, name).and_then(|id| {
            let factor: u64 = factor.parse().map_err(|_| format!("playground: bad factor {factor:?}\n"))?;
            cluster.world_mut().slow_disk(id, factor.max(1));
            Ok(String::new())
        }),
        ["advance", duration] => match playground_server::parse_duration_ms(duration) {
            Some(ms) => {
                crate::world::World::advance(cluster, Duration::from_millis(ms));
                Ok(String::new())
            }
            None => Err(format!("playground: bad duration {duration:?}\n")),
        },
        ["log"] => Ok(cluster.log().since(0).iter().map(|l| l.json() + "\n").collect()),
        _ => Err(PLAYGROUND_USAGE.to_string()),
    };
    match result {
        Ok(text) => {
            cx.out(text)?;
            Ok(0)
        }
        Err(text) => {
            cx.err(text)?;
            Ok(EXIT_BAD_ARGS)
        }
    }
}

fn status_text(cluster: &Cluster) -> String {
    let mut text = String::from("NAME\tSTATE\tTERM\tINDEX\tAPPLIED\tREV\tCOMPACT\tDB SIZE\tIN USE\tALARMS\n");
    for m in cluster.member_states() {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            m.name,
            m.role,
            m.term,
            m.raft_index,
            m.applied_index,
            m.revision,
            m.compact_revision,
            m.db_size,
            m.db_size_in_use,
            m.alarms.join(",")
        ));
    }
    text
}

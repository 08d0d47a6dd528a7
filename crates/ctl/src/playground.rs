//! `playground`: the verbs for the world itself (kill and restart members, cut and heal links,
//! slow a disk, let time pass, read the members' log).

use std::time::Duration;

use playground_server::client::{FaultError, Faults};
use playground_server::{Cluster, EtcdVersion};

use crate::world::HostRequest;
use crate::{CommandResult, Context};

const EXIT_ERROR: i32 = 1;
const EXIT_BAD_ARGS: i32 = 2;

const PLAYGROUND_USAGE: &str = "usage: playground <verb>\n\
  status                 members: role, term, indexes, revisions, db size, alarms\n\
  kill MEMBER            the member's host goes down (unsynced writes are lost)\n\
  restart MEMBER         the member starts again from its data directory\n\
  start MEMBER           a member added with `etcdctl member add` starts for the first time\n\
  partition A B          cut the link between two members\n\
  isolate MEMBER         cut a member off from every other\n\
  heal                   restore every link\n\
  slow-disk MEMBER N     multiply the member's disk latencies by N (1: normal)\n\
  advance DURATION       let virtual time pass (1h, 30m, 10s, 500ms)\n\
  log                    the members' server log\n\
  version [3.5|3.6]      the etcd release played; with one, a fresh cluster of it\n\
  download FILE          hand a file to the browser, which saves it (in the page)\n\
  undo                   replay the playground from its seed without the last command\n\
  reset                  a fresh cluster of the same seed and flags\n\
MEMBER is a name (infra1), an id or a client endpoint (127.0.0.1:2379).\n";

pub fn playground(cx: &mut Context<'_>, args: &[String]) -> CommandResult {
    let words: Vec<&str> = args[1..].iter().map(String::as_str).collect();
    match words.as_slice() {
        ["download", file] => return download(cx, file),
        [verb @ ("undo" | "reset")] => return ask_host(cx, verb),
        _ => {}
    }
    if let ["version", rest @ ..] = words.as_slice() {
        return version(cx, rest);
    }
    let Some(cluster) = cx.world().cluster() else {
        cx.err("playground: this terminal has no virtual cluster\n")?;
        return Ok(EXIT_ERROR);
    };
    let fault = |e: FaultError| format!("playground: {e}\n");
    let result: Result<String, String> = match words.as_slice() {
        ["status"] => Ok(status_text(cluster)),
        ["kill", name] => Faults::new(cluster).kill(name).map(|()| String::new()).map_err(fault),
        ["restart" | "start", name] => {
            Faults::new(cluster).restart(name).map(|()| String::new()).map_err(fault)
        }
        ["partition", a, b] => Faults::new(cluster).partition(a, b).map(|()| String::new()).map_err(fault),
        ["isolate", name] => Faults::new(cluster).isolate(name).map(|()| String::new()).map_err(fault),
        ["heal"] => {
            Faults::new(cluster).heal();
            Ok(String::new())
        }
        ["slow-disk", name, factor] => {
            let mut faults = Faults::new(cluster);
            faults.member(name).map_err(fault).and_then(|_| {
                // A number too large for u64 is out of range, not malformed.
                let factor: u64 = match factor.parse() {
                    Ok(n) => n,
                    Err(_) if !factor.is_empty() && factor.bytes().all(|b| b.is_ascii_digit()) => {
                        return Err(fault(FaultError::FactorOutOfRange(factor.to_string())))
                    }
                    Err(_) => return Err(format!("playground: bad factor {factor:?}\n")),
                };
                faults.slow_disk(name, factor).map(|()| String::new()).map_err(fault)
            })
        }
        ["advance", duration] => match playground_server::parse_duration_ms(duration) {
            Some(ms) if Duration::from_millis(ms) > crate::world::MAX_ADVANCE => {
                Err("playground: at most 168h of virtual time at a time\n".to_string())
            }
            Some(ms) => {
                Faults::new(cluster).advance(ms.saturating_mul(1000));
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

/// `playground version`: the release played, or a fresh default cluster of another one (the
/// old cluster and its data are gone, as after starting new members on empty directories).
fn version(cx: &mut Context<'_>, words: &[&str]) -> CommandResult {
    match words {
        [] => {
            let version = cx.world().version();
            cx.out(format!("etcd {} ({})\n", version.minor(), version.server()))?;
            Ok(0)
        }
        [name] => match EtcdVersion::parse(name) {
            Some(version) => {
                cx.world().start_version(version);
                Ok(0)
            }
            None => {
                cx.err(format!("playground: version: {name:?} is not 3.5 or 3.6\n"))?;
                Ok(EXIT_BAD_ARGS)
            }
        },
        _ => {
            cx.err(PLAYGROUND_USAGE)?;
            Ok(EXIT_BAD_ARGS)
        }
    }
}

/// Undo and reset replay the playground from its seed, which only its host can do: the page
/// does once this command's line is done (the line itself is not kept).
fn ask_host(cx: &mut Context<'_>, verb: &str) -> CommandResult {
    let request = if verb == "undo" { HostRequest::Undo } else { HostRequest::Reset };
    if cx.world().request(request) {
        return Ok(0);
    }
    cx.err(format!(
        "playground: {verb}: this shell's host cannot replay the playground (the web page can)\n"
    ))?;
    Ok(EXIT_ERROR)
}

/// Offers `file` to the page, which saves it through the browser; a directory or a missing file
/// is refused as `cat` refuses it.
fn download(cx: &mut Context<'_>, file: &str) -> CommandResult {
    let path = cx.resolve(file);
    match cx.fs().metadata(&path) {
        Ok(meta) if meta.is_dir => {
            cx.err(format!("playground: download: {file}: Is a directory\n"))?;
            Ok(EXIT_ERROR)
        }
        Ok(_) => {
            cx.world().offer_download(path);
            Ok(0)
        }
        Err(error) => {
            cx.err(format!("playground: download: {file}: {error}\n"))?;
            Ok(EXIT_ERROR)
        }
    }
}

fn status_text(cluster: &Cluster) -> String {
    let mut text =
        String::from("NAME\tSTATE\tTERM\tINDEX\tAPPLIED\tREV\tCOMPACT\tDB SIZE\tIN USE\tLOG\tALARMS\n");
    for m in cluster.member_states() {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            m.name,
            m.role,
            m.term,
            m.raft_index,
            m.applied_index,
            m.revision,
            m.compact_revision,
            m.db_size,
            m.db_size_in_use,
            m.log_entries,
            m.alarms.join(",")
        ));
    }
    text
}

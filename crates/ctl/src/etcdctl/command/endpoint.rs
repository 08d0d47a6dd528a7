//! `etcdctl endpoint status | health | hashkv`: one client per endpoint, each result printed
//! by the chosen printer once every endpoint answered or timed out.

use playground_mvcc::request::RangeRequest;
use playground_server::Error;

use super::super::*;
use super::*;
use crate::etcdctl::printer::{EndpointHashKv, EndpointHealth, EndpointStatus};
use crate::{CommandResult, Context};

pub fn endpoint_status(cx: &mut Context<'_>, invocation: &Invocation) -> CommandResult {
    let endpoints = match targets(cx, invocation) {
        Ok(endpoints) => endpoints,
        Err(status) => return status,
    };
    let mut exit = 0;
    let mut rows = Vec::new();
    for endpoint in endpoints {
        match with_client(cx, invocation, vec![endpoint.clone()], Logger::EtcdClient, |c| c.status())? {
            None => return Ok(EXIT_ERROR),
            Some(Ok(status)) => rows.push(EndpointStatus { endpoint, status }),
            Some(Err(failed)) => {
                cx.err(format!("Failed to get the status of endpoint {endpoint} ({})\n", failed.error))?;
                exit = EXIT_ERROR;
            }
        }
    }
    let mut printed = invocation.printed();
    invocation.printer().endpoint_status(&mut printed, &rows);
    // A printer that refuses the format ends etcdctl there (`ExitWithError`).
    let refused = show(cx, printed)?;
    if refused != 0 {
        return Ok(refused);
    }
    Ok(exit)
}

/// etcdctl's check: a linearizable get of "health", then the alarm list, which must be empty.
pub fn endpoint_health(cx: &mut Context<'_>, invocation: &Invocation) -> CommandResult {
    let endpoints = match targets(cx, invocation) {
        Ok(endpoints) => endpoints,
        Err(status) => return status,
    };
    let mut rows = Vec::new();
    for endpoint in endpoints {
        let answer = with_client(cx, invocation, vec![endpoint.clone()], Logger::Client, |client| {
            let start = client.now_micros();
            let health = RangeRequest { key: b"health".to_vec(), ..Default::default() };
            let checked = client.get(health, false).and_then(|_| client.alarm_list());
            (checked, go_duration(client.now_micros() - start))
        })?;
        let Some((checked, took)) = answer else { return Ok(EXIT_ERROR) };
        let error = match checked {
            Ok(alarms) if alarms.alarms.is_empty() => String::new(),
            Ok(alarms) => {
                let names: String = alarms.alarms.iter().map(|a| format!("{} ", a.alarm.name())).collect();
                format!("failed to commit proposal: {}", Error::ActiveAlarms(names))
            }
            Err(failed) => format!("failed to commit proposal: {}", failed.error),
        };
        rows.push(EndpointHealth { endpoint, health: error.is_empty(), took, error });
    }
    let mut printed = invocation.printed();
    invocation.printer().endpoint_health(&mut printed, &rows);
    // A printer that refuses the format ends etcdctl there (`ExitWithError`).
    let refused = show(cx, printed)?;
    if refused != 0 {
        return Ok(refused);
    }
    if rows.iter().all(|row| row.health) {
        Ok(0)
    } else {
        cx.err("Error: unhealthy cluster\n")?;
        Ok(EXIT_ERROR)
    }
}

pub fn endpoint_hashkv(cx: &mut Context<'_>, invocation: &Invocation) -> CommandResult {
    let revision: i64 = invocation.args.get("rev").and_then(|r| r.parse().ok()).unwrap_or(0);
    let endpoints = match targets(cx, invocation) {
        Ok(endpoints) => endpoints,
        Err(status) => return status,
    };
    let mut exit = 0;
    let mut rows = Vec::new();
    for endpoint in endpoints {
        match with_client(cx, invocation, vec![endpoint.clone()], Logger::EtcdClient, |c| {
            c.hash_kv(revision)
        })? {
            None => return Ok(EXIT_ERROR),
            Some(Ok(hash_kv)) => rows.push(EndpointHashKv { endpoint, hash_kv }),
            Some(Err(failed)) => {
                cx.err(format!("Failed to get the hash of endpoint {endpoint} ({})\n", failed.error))?;
                exit = EXIT_ERROR;
            }
        }
    }
    let mut printed = invocation.printed();
    invocation.printer().endpoint_hashkv(&mut printed, &rows);
    // A printer that refuses the format ends etcdctl there (`ExitWithError`).
    let refused = show(cx, printed)?;
    if refused != 0 {
        return Ok(refused);
    }
    Ok(exit)
}

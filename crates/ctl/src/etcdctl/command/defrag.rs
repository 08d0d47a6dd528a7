//! `etcdctl defrag`: defragments each endpoint's backend, one client per endpoint.

use super::super::*;
use super::*;
use playground_server::EtcdVersion;

use crate::{CommandResult, Context};

pub fn defrag(cx: &mut Context<'_>, invocation: &Invocation) -> CommandResult {
    let endpoints = match targets(cx, invocation) {
        Ok(endpoints) => endpoints,
        Err(status) => return status,
    };
    let mut status = 0;
    for endpoint in endpoints {
        let answer = with_client(cx, invocation, vec![endpoint.clone()], Logger::EtcdClient, |client| {
            let start = client.now_micros();
            client.defragment().map(|_| go_duration(client.now_micros() - start))
        })?;
        match answer {
            None => return Ok(EXIT_ERROR),
            // 3.6 adds how long the member took.
            Some(Ok(took)) => cx.out(match invocation.version {
                EtcdVersion::V3_5 => format!("Finished defragmenting etcd member[{endpoint}]\n"),
                EtcdVersion::V3_6 => format!("Finished defragmenting etcd member[{endpoint}]. took {took}\n"),
            })?,
            Some(Err(failed)) => {
                cx.err(format!("Failed to defragment etcd member[{endpoint}] ({})\n", failed.error))?;
                status = EXIT_ERROR;
            }
        }
    }
    Ok(status)
}

//! `etcdctl defrag`: defragments each endpoint's backend, one client per endpoint.

use super::super::*;
use super::*;
use crate::{CommandResult, Context};

pub fn defrag(cx: &mut Context<'_>, invocation: &Invocation) -> CommandResult {
    let endpoints = match targets(cx, invocation) {
        Ok(endpoints) => endpoints,
        Err(status) => return status,
    };
    let mut status = 0;
    for endpoint in endpoints {
        let answer = with_client(cx, invocation, vec![endpoint.clone()], Logger::EtcdClient, |client| {
            client.defragment()
        })?;
        match answer {
            None => return Ok(EXIT_ERROR),
            Some(Ok(_)) => cx.out(format!("Finished defragmenting etcd member[{endpoint}]\n"))?,
            Some(Err(failed)) => {
                cx.err(format!("Failed to defragment etcd member[{endpoint}] ({})\n", failed.error))?;
                status = EXIT_ERROR;
            }
        }
    }
    Ok(status)
}

//! `etcdctl defrag`: defragments each endpoint's backend.

use playground_server::Error;

use super::super::*;
use super::*;
use crate::{CommandResult, Context};

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

//! `etcdctl lease grant | revoke`.

use super::super::*;
use crate::{CommandResult, Context};

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

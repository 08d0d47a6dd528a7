//! `etcdctl lease grant | revoke`.

use super::super::*;
use crate::{CommandResult, Context};

pub fn lease_grant(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let [ttl] = args else { return bad_args(cx, "lease grant command needs TTL argument") };
    let ttl = match go::parse_int(ttl, 10) {
        Ok(ttl) => ttl,
        Err(error) => return bad_args(cx, &format!("bad TTL ({error})")),
    };
    let answer = with_client(cx, invocation, invocation.endpoints.clone(), Logger::EtcdClient, |client| {
        client.lease_grant(ttl)
    })?;
    match answer {
        None => Ok(EXIT_ERROR),
        Some(Ok(response)) => {
            let mut printed = invocation.printed();
            invocation.printer().grant(&mut printed, &response);
            show(cx, printed)
        }
        Some(Err(failed)) => {
            cx.err(format!("Error: failed to grant lease ({})\n", failed.error))?;
            Ok(EXIT_ERROR)
        }
    }
}

pub fn lease_revoke(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let [id] = args else { return bad_args(cx, "lease revoke command needs 1 argument") };
    let id = match go::parse_int(id, 16) {
        Ok(id) => id,
        Err(error) => return bad_args(cx, &format!("bad lease ID arg ({error}), expecting ID in Hex")),
    };
    let answer = with_client(cx, invocation, invocation.endpoints.clone(), Logger::EtcdClient, |client| {
        client.lease_revoke(id)
    })?;
    match answer {
        None => Ok(EXIT_ERROR),
        Some(Ok(response)) => {
            let mut printed = invocation.printed();
            invocation.printer().revoke(&mut printed, id, &response);
            show(cx, printed)
        }
        Some(Err(failed)) => {
            cx.err(format!("Error: failed to revoke lease ({})\n", failed.error))?;
            Ok(EXIT_ERROR)
        }
    }
}

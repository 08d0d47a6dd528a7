//! `etcdctl lease grant | revoke`.

use super::super::*;
use crate::etcdctl::printer::Printed;
use crate::{CommandResult, Context};

pub fn lease_grant(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let [ttl] = args else { return bad_args(cx, "lease grant command needs TTL argument") };
    let Ok(ttl) = ttl.parse::<i64>() else {
        return bad_args(cx, &format!("bad TTL (strconv.ParseInt: parsing {ttl:?}: invalid syntax)"));
    };
    let answer = with_client(cx, invocation, invocation.endpoints.clone(), Logger::EtcdClient, |client| {
        client.lease_grant(ttl)
    })?;
    match answer {
        None => Ok(EXIT_ERROR),
        Some(Ok(response)) => {
            let mut printed = Printed::default();
            invocation.printer().grant(&mut printed, &response);
            show(cx, printed)?;
            Ok(0)
        }
        Some(Err(failed)) => {
            cx.err(format!("Error: failed to grant lease ({})\n", failed.error))?;
            Ok(EXIT_ERROR)
        }
    }
}

pub fn lease_revoke(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let [id] = args else { return bad_args(cx, "lease revoke command needs 1 argument") };
    let Ok(id) = i64::from_str_radix(id, 16) else {
        return bad_args(
            cx,
            &format!(
                "bad lease ID arg (strconv.ParseInt: parsing {id:?}: invalid syntax), expecting ID in Hex"
            ),
        );
    };
    let answer = with_client(cx, invocation, invocation.endpoints.clone(), Logger::EtcdClient, |client| {
        client.lease_revoke(id)
    })?;
    match answer {
        None => Ok(EXIT_ERROR),
        Some(Ok(_)) => {
            cx.out(format!("lease {id:016x} revoked\n"))?;
            Ok(0)
        }
        Some(Err(failed)) => {
            cx.err(format!("Error: failed to revoke lease ({})\n", failed.error))?;
            Ok(EXIT_ERROR)
        }
    }
}

//! `etcdctl member list | add | remove | promote`.

use super::super::*;
use crate::{CommandResult, Context};

pub fn member_list(cx: &mut Context<'_>, invocation: &Invocation) -> CommandResult {
    let response = match call(cx, invocation, |client| client.member_list()) {
        Ok(response) => response,
        Err(status) => return status,
    };
    let mut printed = invocation.printed();
    invocation.printer().member_list(&mut printed, &response);
    show(cx, printed)
}

/// A member id argument in hex, as etcdctl reads it.
fn member_id_arg(cx: &mut Context<'_>, args: &[&str]) -> Result<u64, CommandResult> {
    let [id] = args else { return Err(bad_args(cx, "member ID is not provided")) };
    match u64::from_str_radix(id, 16) {
        Ok(id) => Ok(id),
        Err(_) => Err(bad_args(
            cx,
            &format!(
                "bad member ID arg (strconv.ParseUint: parsing {id:?}: invalid syntax), expecting ID in Hex"
            ),
        )),
    }
}

/// `member add NAME --peer-urls=URL [--learner]`, and the environment for starting it.
pub fn member_add(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let [name] = args else { return bad_args(cx, "member name not provided") };
    let Some(peer) = invocation.args.get("peer-urls").filter(|p| !p.is_empty()).map(str::to_string) else {
        return bad_args(cx, "member peer urls not provided");
    };
    if !peer.starts_with("http://") && !peer.starts_with("https://") {
        // etcdctl exits with ExitError here, not ExitBadArgs.
        cx.err(format!("Error: URL scheme must be http, https, unix, or unixs: {peer}\n"))?;
        return Ok(EXIT_ERROR);
    }
    let learner = invocation.args.flag("learner");
    let added = match call(cx, invocation, |client| client.member_add(name, &peer, learner)) {
        Ok(added) => added,
        Err(status) => return status,
    };
    // The new member has no name in the list until it starts: etcdctl writes the one given.
    let new_id = added.member.id;
    let initial: Vec<String> = added
        .members
        .iter()
        .flat_map(|m| {
            let member_name = if m.id == new_id { name } else { m.name.as_str() };
            m.peer_urls.iter().map(move |url| format!("{member_name}={url}"))
        })
        .collect();
    cx.out(format!(
        "Member {:16x} added to cluster {:16x}\n\nETCD_NAME=\"{name}\"\nETCD_INITIAL_CLUSTER=\"{}\"\nETCD_INITIAL_ADVERTISE_PEER_URLS=\"{peer}\"\nETCD_INITIAL_CLUSTER_STATE=\"existing\"\n",
        added.member.id,
        added.header.cluster_id,
        initial.join(",")
    ))?;
    Ok(0)
}

pub fn member_remove(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let id = match member_id_arg(cx, args) {
        Ok(id) => id,
        Err(status) => return status,
    };
    match call(cx, invocation, |client| client.member_remove(id)) {
        Ok(removed) => {
            cx.out(format!("Member {id:16x} removed from cluster {:16x}\n", removed.header.cluster_id))?;
            Ok(0)
        }
        Err(status) => status,
    }
}

pub fn member_promote(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let id = match member_id_arg(cx, args) {
        Ok(id) => id,
        Err(status) => return status,
    };
    match call(cx, invocation, |client| client.member_promote(id)) {
        Ok(promoted) => {
            cx.out(format!("Member {id:16x} promoted in cluster {:16x}\n", promoted.header.cluster_id))?;
            Ok(0)
        }
        Err(status) => status,
    }
}

//! `etcdctl version`.

use crate::{CommandResult, Context};

pub fn version(cx: &mut Context<'_>) -> CommandResult {
    let version = cx.world().version();
    cx.out(format!("etcdctl version: {}\nAPI version: {}\n", version.server(), version.api()))?;
    Ok(0)
}

//! `etcdctl version`.

use crate::{CommandResult, Context};

pub fn version(cx: &mut Context<'_>) -> CommandResult {
    cx.out(format!(
        "etcdctl version: {}\nAPI version: {}\n",
        playground_server::VERSION,
        playground_server::API_VERSION
    ))?;
    Ok(0)
}

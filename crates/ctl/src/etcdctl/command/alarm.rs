//! `etcdctl alarm list | disarm`.

use super::super::*;
use crate::etcdctl::printer::Printed;
use crate::{CommandResult, Context};

pub fn alarm(cx: &mut Context<'_>, invocation: &Invocation, disarm: bool) -> CommandResult {
    let rpc =
        |client: &mut client::Client<'_>| if disarm { client.alarm_disarm() } else { client.alarm_list() };
    let response = match call(cx, invocation, rpc) {
        Ok(response) => response,
        Err(status) => return status,
    };
    let mut printed = Printed::default();
    invocation.printer().alarm(&mut printed, &response);
    show(cx, printed)?;
    Ok(0)
}

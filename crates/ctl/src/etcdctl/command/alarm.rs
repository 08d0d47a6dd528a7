//! `etcdctl alarm list | disarm`.

use playground_server::{AlarmAction, AlarmType, Header};

use super::super::*;
use crate::{CommandResult, Context};

fn alarm_lines(alarms: &[(u64, AlarmType)]) -> String {
    alarms.iter().map(|(id, alarm)| format!("memberID:{id} alarm:{} \n", alarm.name())).collect()
}

fn alarms_json(header: &Header, alarms: &[(u64, AlarmType)]) -> String {
    let mut text = format!("{{\"header\":{}", header_json(header));
    if !alarms.is_empty() {
        let items: Vec<String> = alarms
            .iter()
            .map(|(id, alarm)| format!("{{\"memberID\":{id},\"alarm\":{}}}", alarm.number()))
            .collect();
        text.push_str(&format!(",\"alarms\":[{}]", items.join(",")));
    }
    text.push_str("}\n");
    text
}

pub fn alarm(cx: &mut Context<'_>, client: &Client, disarm: bool) -> CommandResult {
    let result = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((_, member)) = pick(cluster, &client.endpoints) else { return unreachable(cx, client) };
        cluster.alarm(member, if disarm { AlarmAction::Deactivate } else { AlarmAction::Get })
    };
    match result {
        Ok((alarms, header)) => {
            let text = match client.format {
                Format::Json => alarms_json(&header, &alarms),
                _ => alarm_lines(&alarms),
            };
            cx.out(text)?;
            Ok(0)
        }
        Err(error) => request_error(cx, client, &error),
    }
}

//! `etcdctl snapshot save`: streams a member's backend into a file.

use super::super::*;
use crate::humanize;
use crate::{CommandResult, Context};

pub fn snapshot_save(cx: &mut Context<'_>, client: &Client, args: &[&str]) -> CommandResult {
    let [path] = args else { return bad_args(cx, "snapshot save expects one argument") };
    let path = path.to_string();
    if client.endpoints.len() != 1 {
        // Go's %v of the endpoint list.
        let list = client.endpoints.join(" ");
        cx.err(format!("Error: snapshot must be requested to one selected node, not multiple [{list}]\n"))?;
        return Ok(EXIT_INTERRUPTED);
    }
    let (endpoint, result, now) = {
        let Some(cluster) = cluster(cx) else { return no_cluster(cx) };
        let Some((endpoint, member)) = pick(cluster, &client.endpoints) else {
            return unreachable(cx, client);
        };
        (endpoint, cluster.snapshot(member), cluster.now_micros())
    };
    let file = match result {
        Ok(file) => file,
        Err(error) => return request_error(cx, client, &error),
    };
    let resolved = cx.resolve(&format!("{path}.part"));
    if let Err(error) = cx.fs().write(&resolved, &file, false) {
        // Go's wording: "no such file or directory", lower case.
        let reason = error.to_string().to_lowercase();
        cx.err(format!("Error: could not open {path}.part (open {path}.part: {reason})\n"))?;
        return Ok(EXIT_INTERRUPTED);
    }
    let final_path = cx.resolve(&path);
    let _ = cx.fs().remove_file(&resolved);
    if let Err(error) = cx.fs().write(&final_path, &file, false) {
        cx.err(format!("Error: could not rename {path}.part to {path} ({error})\n"))?;
        return Ok(EXIT_ERROR);
    }
    let ts = playground_server::log::unix_seconds(now);
    let size = humanize::bytes(file.len() as u64 - 32);
    cx.err(format!(
        "{{\"level\":\"info\",\"ts\":{ts},\"caller\":\"snapshot/v3_snapshot.go:68\",\"msg\":\"created temporary db file\",\"path\":\"{path}.part\"}}\n\
         {{\"level\":\"info\",\"ts\":{ts},\"logger\":\"client\",\"caller\":\"v3/maintenance.go:211\",\"msg\":\"opened snapshot stream; downloading\"}}\n\
         {{\"level\":\"info\",\"ts\":{ts},\"caller\":\"snapshot/v3_snapshot.go:76\",\"msg\":\"fetching snapshot\",\"endpoint\":\"{endpoint}\"}}\n\
         {{\"level\":\"info\",\"ts\":{ts},\"logger\":\"client\",\"caller\":\"v3/maintenance.go:219\",\"msg\":\"completed snapshot read; closing\"}}\n\
         {{\"level\":\"info\",\"ts\":{ts},\"caller\":\"snapshot/v3_snapshot.go:91\",\"msg\":\"fetched snapshot\",\"endpoint\":\"{endpoint}\",\"size\":\"{size}\",\"took\":\"now\"}}\n\
         {{\"level\":\"info\",\"ts\":{ts},\"caller\":\"snapshot/v3_snapshot.go:100\",\"msg\":\"saved\",\"path\":\"{path}\"}}\n"
    ))?;
    cx.out(format!("Snapshot saved at {path}\n"))?;
    Ok(0)
}

//! `etcdctl snapshot save`: streams a member's backend into a file.

use super::super::*;
use playground_server::log::{
    zap_line,
    ZapValue::{Number, Str},
};

use crate::humanize;
use crate::{CommandResult, Context};

pub fn snapshot_save(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let [path] = args else { return bad_args(cx, "snapshot save expects one argument") };
    let path = path.to_string();
    if invocation.endpoints.len() != 1 {
        // Go's %v of the endpoint list.
        let list = invocation.endpoints.join(" ");
        cx.err(format!("Error: snapshot must be requested to one selected node, not multiple [{list}]\n"))?;
        return Ok(EXIT_INTERRUPTED);
    }
    let (snapshot, now) = match call(cx, invocation, |client| {
        let snapshot = client.snapshot()?;
        Ok((snapshot, client.now_micros()))
    }) {
        Ok(answer) => answer,
        Err(status) => return status,
    };
    let (endpoint, file) = (snapshot.endpoint, snapshot.file);
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
    if let Some(cluster) = cx.world().cluster() {
        cluster.note_snapshot_saved(&endpoint, &path, file.len() as u64);
    }
    let ts = playground_server::log::unix_seconds(now);
    let size = humanize::bytes(file.len() as u64 - 32);
    let part = format!("{path}.part");
    let line = |caller: &str, msg: &str, client_logger: bool, rest: &[(&str, &str)]| {
        let mut fields = vec![("level", Str("info")), ("ts", Number(&ts))];
        if client_logger {
            fields.push(("logger", Str("client")));
        }
        fields.extend([("caller", Str(caller)), ("msg", Str(msg))]);
        fields.extend(rest.iter().map(|&(name, value)| (name, Str(value))));
        zap_line(&fields) + "\n"
    };
    // etcdctl's snapshot lines and its client's, as the two zap loggers write them.
    let lines = [
        line("snapshot/v3_snapshot.go:68", "created temporary db file", false, &[("path", &part)]),
        line("v3/maintenance.go:211", "opened snapshot stream; downloading", true, &[]),
        line("snapshot/v3_snapshot.go:76", "fetching snapshot", false, &[("endpoint", &endpoint)]),
        line("v3/maintenance.go:219", "completed snapshot read; closing", true, &[]),
        line(
            "snapshot/v3_snapshot.go:91",
            "fetched snapshot",
            false,
            &[("endpoint", &endpoint), ("size", &size), ("took", "now")],
        ),
        line("snapshot/v3_snapshot.go:100", "saved", false, &[("path", &path)]),
    ];
    cx.err(lines.concat())?;
    cx.out(format!("Snapshot saved at {path}\n"))?;
    Ok(0)
}

//! `etcdctl snapshot save`: streams a member's backend into a file.

use super::super::*;
use playground_server::log::{
    zap_line,
    ZapValue::{Number, Str},
};

use playground_server::EtcdVersion;

use crate::humanize;
use crate::{CommandResult, Context};

pub fn snapshot_save(cx: &mut Context<'_>, invocation: &Invocation, args: &[&str]) -> CommandResult {
    let [path] = args else {
        return bad_args(
            cx,
            match invocation.version {
                EtcdVersion::V3_5 => "snapshot save expects one argument",
                EtcdVersion::V3_6 => "snapshot save expects one argument <filename>",
            },
        );
    };
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
    let version = invocation.version;
    // 3.5.1's zap writes epoch seconds, 3.6.14's ISO time.
    let (ts, iso) = match version {
        EtcdVersion::V3_5 => (playground_server::log::unix_seconds(now), false),
        EtcdVersion::V3_6 => (playground_server::timestamp(now), true),
    };
    let size = humanize::bytes(file.len() as u64 - 32);
    let part = format!("{path}.part");
    let line = |caller: &str, msg: &str, client_logger: bool, rest: &[(&str, &str)]| {
        let mut fields = vec![("level", Str("info")), ("ts", if iso { Str(&ts) } else { Number(&ts) })];
        if client_logger {
            fields.push(("logger", Str("client")));
        }
        fields.extend([("caller", Str(caller)), ("msg", Str(msg))]);
        fields.extend(rest.iter().map(|&(name, value)| (name, Str(value))));
        zap_line(&fields) + "\n"
    };
    // Where each release logs from (its callers' file:line), and what "fetched snapshot" adds.
    let callers = match version {
        EtcdVersion::V3_5 => SAVE_CALLERS_3_5,
        EtcdVersion::V3_6 => SAVE_CALLERS_3_6,
    };
    let mut fetched = vec![("endpoint", endpoint.as_str()), ("size", size.as_str())];
    match version {
        // 3.5.1 writes humanize.Time of the start: "now".
        EtcdVersion::V3_5 => fetched.push(("took", "now")),
        // 3.6 writes the duration, which no two runs share (the reference: 6.244071ms).
        EtcdVersion::V3_6 => fetched.extend([("took", "0s"), ("etcd-version", version.cluster())]),
    }
    // etcdctl's snapshot lines and its client's, as the two zap loggers write them.
    let lines = [
        line(callers[0], "created temporary db file", false, &[("path", &part)]),
        line(callers[1], "opened snapshot stream; downloading", true, &[]),
        line(callers[2], "fetching snapshot", false, &[("endpoint", &endpoint)]),
        line(callers[3], "completed snapshot read; closing", true, &[]),
        line(callers[4], "fetched snapshot", false, &fetched),
        line(callers[5], "saved", false, &[("path", &path)]),
    ];
    cx.err(lines.concat())?;
    cx.out(format!("Snapshot saved at {path}\n"))?;
    if version == EtcdVersion::V3_6 {
        cx.out(format!("Server version {}\n", version.cluster()))?;
    }
    Ok(0)
}

const SAVE_CALLERS_3_5: [&str; 6] = [
    "snapshot/v3_snapshot.go:68",
    "v3/maintenance.go:211",
    "snapshot/v3_snapshot.go:76",
    "v3/maintenance.go:219",
    "snapshot/v3_snapshot.go:91",
    "snapshot/v3_snapshot.go:100",
];

/// As the reference's 3.6.14 build names them (its client module path carries the version).
const SAVE_CALLERS_3_6: [&str; 6] = [
    "snapshot/v3_snapshot.go:83",
    "v3@v3.6.14/maintenance.go:236",
    "snapshot/v3_snapshot.go:96",
    "v3@v3.6.14/maintenance.go:302",
    "snapshot/v3_snapshot.go:111",
    "snapshot/v3_snapshot.go:121",
];

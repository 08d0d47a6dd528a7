//! `etcd`: (re)starts the playground's members with the given flags, as restarting etcd with
//! new flags on the same data directories would.

use playground_server::Flags;

use super::humanize;
use crate::command::{CommandResult, Context};

const EXIT_ERROR: i32 = 1;
/// Go's flag package exits 2 on a bad flag.
const EXIT_BAD_ARGS: i32 = 2;

pub fn etcd(cx: &mut Context<'_>, args: &[String]) -> CommandResult {
    let args = &args[1..];
    if args.iter().any(|a| a == "--version" || a == "-version") {
        cx.out(format!(
            "etcd Version: {}\nGit SHA: e8732fb5f\nGo Version: go1.16.3\nGo OS/Arch: linux/amd64\n",
            playground_server::VERSION
        ))?;
        return Ok(0);
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        cx.out(concat!(
            "Usage:\n\n  etcd [flags]\n    Start an etcd server (in the playground: restart its members with these flags).\n\n",
            "Flags the playground honours:\n",
            "  --quota-backend-bytes '0'\n  --snapshot-count '10000'\n  --auto-compaction-mode 'periodic'\n",
            "  --auto-compaction-retention '0'\n  --heartbeat-interval '100'\n  --election-timeout '1000'\n",
            "  --max-request-bytes '1572864'\n  --max-txn-ops '128'\n  --backend-batch-interval\n  --backend-batch-limit\n",
        ))?;
        return Ok(0);
    }
    let mut flags = Flags::default();
    if let Err(error) = flags.parse(args) {
        cx.err(format!("{error}\n"))?;
        return Ok(EXIT_BAD_ARGS);
    }
    let Some(cluster) = cx.world().cluster() else {
        cx.err("etcd: this terminal has no virtual cluster\n")?;
        return Ok(EXIT_ERROR);
    };
    cluster.restart_with(flags.clone());
    let ts = playground_server::timestamp(cluster.now_micros());
    let mut lines = String::new();
    if let Some(quota) = playground_server::quota_bytes(flags.quota_backend_bytes) {
        if flags.quota_backend_bytes != 0 {
            lines.push_str(&format!(
                "{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"etcdserver/quota.go:94\",\"msg\":\"enabled backend quota\",\"quota-name\":\"v3-applier\",\"quota-size-bytes\":{quota},\"quota-size\":\"{}\"}}\n",
                humanize::bytes(quota)
            ));
        }
    }
    for member in cluster.members() {
        lines.push_str(&format!(
            "{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"embed/serve.go:140\",\"msg\":\"serving client traffic insecurely; this is strongly discouraged!\",\"address\":\"{}\",\"name\":\"{}\"}}\n",
            member.client_host(),
            member.name
        ));
    }
    cx.err(lines)?;
    Ok(0)
}

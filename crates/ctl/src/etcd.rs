//! `etcd`: (re)starts the playground's members with the given flags, as restarting etcd with
//! new flags on the same data directories would.

use playground_server::log::{
    zap_line,
    ZapValue::{Number, Str},
};
use playground_server::{Cluster, Flags, MemberConfig};
use rand_core::Rng;

use super::humanize;
use crate::{CommandResult, Context};

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
    let topology = match new_topology(cx, args) {
        Ok(topology) => topology,
        Err(message) => {
            cx.err(format!("{message}\n"))?;
            return Ok(EXIT_BAD_ARGS);
        }
    };
    // Only a new cluster draws from the shell's RNG: a restart leaves its stream alone.
    let seed = if topology.is_some() { cx.rng().next_u64() } else { 0 };
    let Some(cluster) = cx.world().cluster() else {
        cx.err("etcd: this terminal has no virtual cluster\n")?;
        return Ok(EXIT_ERROR);
    };
    match topology {
        // A cluster of its own (`--name`/`--initial-cluster`): the playground now runs it,
        // from the data directory's db if `etcdutl snapshot restore` wrote one there.
        Some((members, db)) => *cluster = Cluster::from_db(seed, members, flags.clone(), db),
        None => cluster.restart_with(flags.clone()),
    }
    let ts = playground_server::timestamp(cluster.now_micros());
    let mut lines = String::new();
    if let Some(quota) = playground_server::quota_bytes(flags.quota_backend_bytes) {
        if flags.quota_backend_bytes != 0 {
            let (bytes, size) = (quota.to_string(), humanize::bytes(quota));
            lines.push_str(&zap_line(&[
                ("level", Str("info")),
                ("ts", Str(&ts)),
                ("caller", Str("etcdserver/quota.go:94")),
                ("msg", Str("enabled backend quota")),
                ("quota-name", Str("v3-applier")),
                ("quota-size-bytes", Number(&bytes)),
                ("quota-size", Str(&size)),
            ]));
            lines.push('\n');
        }
    }
    for member in cluster.members() {
        lines.push_str(&zap_line(&[
            ("level", Str("info")),
            ("ts", Str(&ts)),
            ("caller", Str("embed/serve.go:140")),
            ("msg", Str("serving client traffic insecurely; this is strongly discouraged!")),
            ("address", Str(&member.client_host())),
            ("name", Str(&member.name)),
        ]));
        lines.push('\n');
    }
    cx.err(lines)?;
    Ok(0)
}

fn flag_value<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if let Some(value) = arg.strip_prefix(&format!("--{name}=")) {
            return Some(value);
        }
        if arg == &format!("--{name}") {
            return iter.next().map(String::as_str);
        }
    }
    None
}

/// A new cluster's members when the command line names them (`--name`, `--initial-cluster`,
/// `--advertise-client-urls`, `--initial-cluster-token`), with the db found in `--data-dir`.
/// A member's client URL is its advertised one, or (for the others) its peer port less one.
#[allow(clippy::type_complexity)]
fn new_topology(
    cx: &mut Context<'_>,
    args: &[String],
) -> Result<Option<(Vec<MemberConfig>, Option<Vec<u8>>)>, String> {
    let (Some(name), initial) = (flag_value(args, "name"), flag_value(args, "initial-cluster")) else {
        return Ok(None);
    };
    let token = flag_value(args, "initial-cluster-token").unwrap_or("etcd-cluster");
    let advertised = flag_value(args, "advertise-client-urls").unwrap_or("http://localhost:2379");
    let peer = flag_value(args, "initial-advertise-peer-urls").unwrap_or("http://localhost:2380");
    let default_cluster = format!("{name}={peer}");
    let mut members = Vec::new();
    for entry in initial.unwrap_or(&default_cluster).split(',') {
        let Some((member, peer_url)) = entry.split_once('=') else {
            return Err(format!("invalid value {entry:?} for flag -initial-cluster"));
        };
        let client = if member == name {
            advertised.split(',').next().unwrap_or(advertised).to_string()
        } else {
            let (host, port) = peer_url.rsplit_once(':').unwrap_or((peer_url, "2380"));
            format!("{host}:{}", port.parse::<u32>().map_or(2379, |p| p.saturating_sub(1)))
        };
        members.push(MemberConfig::new(member, peer_url, &client, token));
    }
    let db = flag_value(args, "data-dir").and_then(|dir| cx.read_file(&format!("{dir}/member/snap/db")).ok());
    Ok(Some((members, db)))
}

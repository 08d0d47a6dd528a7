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
/// A Go panic's exit status.
const EXIT_PANIC: i32 = 2;

/// What etcd 3.5.1 writes when bbolt refuses its db (`backend.newBackend`), and the goroutine
/// trace of the panic as it printed it here (the addresses vary from run to run).
fn open_database_panic(ts: &str, path: &str, error: &str) -> String {
    const STACK: &str = "go.etcd.io/etcd/server/v3/mvcc/backend.newBackend\n\t/tmp/etcd-release-3.5.1/etcd/release/etcd/server/mvcc/backend/backend.go:182\ngo.etcd.io/etcd/server/v3/mvcc/backend.New\n\t/tmp/etcd-release-3.5.1/etcd/release/etcd/server/mvcc/backend/backend.go:156\ngo.etcd.io/etcd/server/v3/etcdserver.newBackend\n\t/tmp/etcd-release-3.5.1/etcd/release/etcd/server/etcdserver/backend.go:55\ngo.etcd.io/etcd/server/v3/etcdserver.openBackend.func1\n\t/tmp/etcd-release-3.5.1/etcd/release/etcd/server/etcdserver/backend.go:76";
    const GOROUTINE: &str = "goroutine 119 [running]:
go.uber.org/zap/zapcore.(*CheckedEntry).Write(0xc0000ec480, 0xc0004a6300, 0x2, 0x2)
	/home/remote/sbatsche/.gvm/pkgsets/go1.16.3/global/pkg/mod/go.uber.org/zap@v1.17.0/zapcore/entry.go:234 +0x58d
go.uber.org/zap.(*Logger).Panic(0xc00013aaf0, 0x1215344, 0x17, 0xc0004a6300, 0x2, 0x2)
	/home/remote/sbatsche/.gvm/pkgsets/go1.16.3/global/pkg/mod/go.uber.org/zap@v1.17.0/logger.go:227 +0x85
go.etcd.io/etcd/server/v3/mvcc/backend.newBackend(0xc000151500, 0x11, 0x5f5e100, 0x2710, 0x1204d14, 0x7, 0x280000000, 0xc00013aaf0, 0x0, 0x1380280, ...)
	/tmp/etcd-release-3.5.1/etcd/release/etcd/server/mvcc/backend/backend.go:182 +0x3db
go.etcd.io/etcd/server/v3/mvcc/backend.New(...)
	/tmp/etcd-release-3.5.1/etcd/release/etcd/server/mvcc/backend/backend.go:156
go.etcd.io/etcd/server/v3/etcdserver.newBackend(0x7ffc02a8c9d8, 0x2, 0x0, 0x0, 0x0, 0x0, 0xc0000aaa20, 0x1, 0x1, 0xc0000aaea0, ...)
	/tmp/etcd-release-3.5.1/etcd/release/etcd/server/etcdserver/backend.go:55 +0x1f8
go.etcd.io/etcd/server/v3/etcdserver.openBackend.func1(0xc0001001e0, 0xc00014c600, 0x1380280, 0xc0000ab200)
	/tmp/etcd-release-3.5.1/etcd/release/etcd/server/etcdserver/backend.go:76 +0x98
created by go.etcd.io/etcd/server/v3/etcdserver.openBackend
	/tmp/etcd-release-3.5.1/etcd/release/etcd/server/etcdserver/backend.go:75 +0x12b
";
    let line = zap_line(&[
        ("level", Str("panic")),
        ("ts", Str(ts)),
        ("caller", Str("backend/backend.go:182")),
        ("msg", Str("failed to open database")),
        ("path", Str(path)),
        ("error", Str(error)),
        ("stacktrace", Str(STACK)),
    ]);
    format!("{line}\npanic: failed to open database\n\n{GOROUTINE}")
}

pub fn etcd(cx: &mut Context<'_>, args: &[String]) -> CommandResult {
    let args = &args[1..];
    if args.iter().any(|a| a == "--version" || a == "-version") {
        let version = cx.world().version();
        let (sha, go) = version.build();
        cx.out(format!(
            "etcd Version: {}\nGit SHA: {sha}\nGo Version: {go}\nGo OS/Arch: linux/amd64\n",
            version.server()
        ))?;
        return Ok(0);
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        let snapshot_count = cx.world().version().default_snapshot_count();
        cx.out(format!(concat!(
            "Usage:\n\n  etcd [flags]\n    Start an etcd server (in the playground: restart its members with these flags).\n\n",
            "Flags the playground honours:\n",
            "  --quota-backend-bytes '0'\n  --snapshot-count '{}'\n  --auto-compaction-mode 'periodic'\n",
            "  --auto-compaction-retention '0'\n  --heartbeat-interval '100'\n  --election-timeout '1000'\n",
            "  --max-request-bytes '1572864'\n  --max-txn-ops '128'\n  --backend-batch-interval\n  --backend-batch-limit\n",
        ), snapshot_count))?;
        return Ok(0);
    }
    let mut flags = Flags::for_version(cx.world().version());
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
    // A db that bbolt cannot open: etcd's backend panics before the server starts, and the
    // playground keeps the cluster it had.
    if let Some((_, Some(db), data_dir)) = &topology {
        if let Err(error) =
            playground_bolt::Db::open(Box::new(playground_bolt::MemDisk::from_bytes(db.clone())))
        {
            let now = cx.world().cluster().map_or(0, |c| c.now_micros());
            cx.err(open_database_panic(
                &playground_server::timestamp(now),
                &format!("{data_dir}/member/snap/db"),
                &error.to_string(),
            ))?;
            return Ok(EXIT_PANIC);
        }
    }
    let topology = topology.map(|(members, db, _)| (members, db));
    // Only a new cluster draws from the shell's RNG: a restart leaves its stream alone.
    let seed = if topology.is_some() { cx.rng().next_u64() } else { 0 };
    let Some(cluster) = cx.world().cluster() else {
        cx.err("etcd: this terminal has no virtual cluster\n")?;
        return Ok(EXIT_ERROR);
    };
    match topology {
        // A cluster of its own (`--name`/`--initial-cluster`): the playground now runs it,
        // from the data directory's db if `etcdutl snapshot restore` wrote one there.
        Some((members, db)) => {
            // The new cluster's history starts afresh (its clock does), recording as the old did.
            let recording = cluster.history().enabled();
            *cluster = Cluster::from_db(seed, members, flags.clone(), db);
            cluster.set_history_enabled(recording);
        }
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
            ("address", Str(member.client_host())),
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
) -> Result<Option<(Vec<MemberConfig>, Option<Vec<u8>>, String)>, String> {
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
    let data_dir = flag_value(args, "data-dir").unwrap_or("default.etcd").to_string();
    // An empty file is a new db to bbolt, which initialises it (etcd 3.5.1 starts on one).
    let db = flag_value(args, "data-dir")
        .and_then(|dir| cx.read_file(&format!("{dir}/member/snap/db")).ok())
        .filter(|bytes| !bytes.is_empty());
    Ok(Some((members, db, data_dir)))
}

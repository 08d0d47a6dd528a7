//! The etcd tools in the terminal: `etcdctl` against the virtual cluster, `etcdutl` and the
//! `bbolt` inspector on files, and `etcd` (re)starting the cluster's members.

mod bbolt;
mod curl;
mod etcdctl;
mod etcdutl;
mod humanize;
mod playground;
mod server;
mod table;

use std::rc::Rc;

use crate::command::{FnCommand, Registry};

pub(crate) fn register(registry: &mut Registry) {
    registry.register(
        "etcdutl",
        Rc::new(FnCommand {
            summary: "etcd's offline utility: snapshot status and restore, defrag --data-dir",
            flags: &[
                "snapshot",
                "status",
                "restore",
                "defrag",
                "version",
                "--data-dir",
                "--name",
                "--initial-cluster",
                "--initial-cluster-token",
                "--initial-advertise-peer-urls",
                "--skip-hash-check",
                "--write-out=",
                "-w",
            ],
            run: etcdutl::etcdutl,
        }),
    );
    registry.register(
        "etcdctl",
        Rc::new(FnCommand {
            summary: "etcd's client: put, get, del, txn, compaction, defrag, endpoint, alarm, member, lease, snapshot save",
            flags: &[
                "put", "get", "del", "txn", "compaction", "defrag", "endpoint", "status", "health", "hashkv", "alarm",
                "list", "disarm", "member", "lease", "grant", "revoke", "move-leader", "snapshot", "save", "version",
                "--endpoints=", "--write-out=", "--cluster", "--prefix", "--from-key", "--keys-only", "--count-only",
                "--print-value-only", "--prev-kv", "--rev=", "--limit=", "--sort-by=", "--order=", "--lease=",
                "--physical", "--command-timeout=",
            ],
            run: etcdctl::etcdctl,
        }),
    );
    registry.register(
        "etcd",
        Rc::new(FnCommand {
            summary: "restart the playground's etcd members with the given flags",
            flags: &[
                "--quota-backend-bytes=",
                "--snapshot-count=",
                "--auto-compaction-mode=",
                "--auto-compaction-retention=",
                "--heartbeat-interval=",
                "--election-timeout=",
                "--max-request-bytes=",
                "--max-txn-ops=",
                "--version",
            ],
            run: server::etcd,
        }),
    );
    registry.register(
        "playground",
        Rc::new(FnCommand {
            summary:
                "the virtual world: status, kill, restart, partition, isolate, heal, slow-disk, advance, log",
            flags: &[
                "status",
                "kill",
                "restart",
                "partition",
                "isolate",
                "heal",
                "slow-disk",
                "advance",
                "log",
            ],
            run: playground::playground,
        }),
    );
    registry.register(
        "curl",
        Rc::new(FnCommand {
            summary: "fetch a member's /metrics, /health or /version (http://127.0.0.1:2379/metrics)",
            flags: &["-s", "-f", "-L"],
            run: curl::curl,
        }),
    );
    registry.register(
        "bbolt",
        Rc::new(FnCommand {
            summary: "inspect a bbolt db file (an etcd backend or snapshot): check, buckets, keys, page, pages, stats",
            flags: &["check", "buckets", "keys", "page", "pages", "stats"],
            run: bbolt::bbolt,
        }),
    );
}

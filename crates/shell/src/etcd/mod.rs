//! The etcd tools in the terminal. What needs only files works now: `etcdutl snapshot status`
//! and the `bbolt` inspector; `etcd` and `etcdctl` arrive with the virtual cluster.

mod bbolt;
mod etcdutl;
mod humanize;

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
        "bbolt",
        Rc::new(FnCommand {
            summary: "inspect a bbolt db file (an etcd backend or snapshot): check, buckets, keys, page, pages, stats",
            flags: &["check", "buckets", "keys", "page", "pages", "stats"],
            run: bbolt::bbolt,
        }),
    );
}

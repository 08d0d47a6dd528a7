//! Runs the etcd tools' golden scripts in `tests/scripts/` (see `playground_shell::golden`) on the
//! default playground of etcd 3.5 (the release they were recorded against: [`VERSION`]),
//! natively and, through wasm-bindgen-test, in Node.
//! `REWRITE=1 cargo test -p playground-ctl --test golden`
//! rewrites the scripts from what the shell now prints; review the diff before committing.

use playground_server::EtcdVersion;
use playground_shell::golden;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A real etcd 3.5.1 snapshot, put in the shell's home as `backup.db` by the scripts that need one.
const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/snapshot-3.5.db");

/// The release every script here expects: their outputs are etcd 3.5.1's.
const VERSION: EtcdVersion = EtcdVersion::V3_5;

fn check(name: &str, text: &str) {
    let mut shell = playground_ctl::shell_of(1, VERSION);
    shell.fs_mut().write("/home/etcd/backup.db", FIXTURE, false).unwrap();
    golden::check(name, text, &mut shell, concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts"));
}

macro_rules! scripts {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), include_str!(concat!("scripts/", stringify!($name), ".txt")));
            }
        )*
    };
}

scripts!(
    maintenance_guide,
    etcdutl,
    bbolt,
    raft_snapshot,
    metrics,
    membership,
    lost_write,
    restart_after_snapshots,
    quorum_loss,
    corrupt_db,
    compact_tombstone,
    flags,
    bad_flags,
    bad_args,
    bad_txn,
    output_formats,
    bad_usage,
    bad_commands,
);

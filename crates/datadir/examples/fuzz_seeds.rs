//! Writes the generated part of the fuzz seed corpus: `cargo run -p playground-datadir
//! --example fuzz_seeds -- fuzz/seeds` (from the repository root; fuzz/README.md). Each file
//! is what the engine itself writes, a few hundred bytes: WAL segments for `wal_file`, a snap
//! file and raftpb/mvccpb messages for `wire_decode`.

use std::path::Path;

use playground_bolt::{Db, Options, SharedDisk, ROOT_BUCKET};
use playground_datadir::{raftlog, restore, snap, wal, RestoreOptions};
use playground_mvcc::backend::BUCKETS;
use playground_mvcc::{snapshot, KeyValue, Store};
use playground_raft::{ConfChange, ConfChangeType, Entry, EntryType, HardState};

const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/snapshot-3.5.db");

fn entry(term: u64, index: u64, data: &str) -> Entry {
    Entry { term, index, kind: EntryType::Normal, data: data.as_bytes().to_vec().into() }
}

fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
    let dir = dir.join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
    println!("{}/{name}: {} bytes", dir.display(), bytes.len());
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "fuzz/seeds".into());
    let out = Path::new(&out);

    // A log a leader overwrote, then a snapshot mark and the entries after it.
    let mut log = wal::Encoder::new(0);
    log.record(wal::METADATA_TYPE, b"\x08\x01\x10\x02");
    raftlog::append(
        &mut log,
        &[entry(1, 1, "put foo bar"), entry(1, 2, "put foo bar1"), entry(1, 3, "lost")],
        Some(&HardState { term: 1, vote: 1, commit: 2 }),
    );
    raftlog::append(&mut log, &[entry(2, 3, "put zoo z")], Some(&HardState { term: 2, vote: 2, commit: 3 }));
    raftlog::append_snapshot(&mut log, 3, 2, &[1, 2, 3]);
    raftlog::append(&mut log, &[entry(2, 4, "del zoo")], Some(&HardState { term: 2, vote: 2, commit: 4 }));
    write(out, "wal_file", "overwritten-then-snapshot.wal", &log.bytes);
    // The same, torn by a crash in its last record.
    write(out, "wal_file", "torn.wal", &log.bytes[..log.bytes.len() - 5]);
    // A second segment, its first record carrying the first one's crc.
    let mut next = wal::Encoder::new(log.crc());
    raftlog::append(
        &mut next,
        &[entry(2, 5, "put bar baz")],
        Some(&HardState { term: 2, vote: 2, commit: 5 }),
    );
    write(out, "wal_file", "second-segment.wal", &next.bytes);

    // What `etcdutl snapshot restore` writes for real etcd 3.5.1's snapshot of the fixture.
    let restored = restore(FIXTURE, &RestoreOptions::default()).unwrap();
    for (path, bytes) in &restored {
        if path.ends_with(".wal") {
            write(out, "wal_file", "restored.wal", bytes);
        } else if path.ends_with(".snap") {
            write(out, "wire_decode", "restored.snap", bytes);
            write(out, "wire_decode", "restored-raft-snapshot", &snap::decode(bytes).unwrap());
        }
    }

    write(out, "wire_decode", "entry", &raftlog::encode_entry(&entry(3, 7, "put foo bar")));
    write(
        out,
        "wire_decode",
        "hard-state",
        &raftlog::encode_hard_state(&HardState { term: 3, vote: 2, commit: 7 }),
    );
    let kv = KeyValue {
        key: b"foo".to_vec(),
        create_revision: 2,
        mod_revision: 5,
        version: 4,
        value: b"bar3".to_vec(),
        lease: 0x694d7a1b2c3d,
    };
    write(out, "wire_decode", "key-value", &kv.encode());
    let change = ConfChange {
        kind: ConfChangeType::AddLearnerNode,
        node_id: 0x8e9e05c52164694d,
        context: b"{}".to_vec(),
    };
    write(out, "wire_decode", "conf-change", &change.encode());

    // A member's db with etcd's buckets and the fixture's first puts, in 512-byte pages (the
    // smallest bbolt takes) to keep the seed small; real etcd's 4 KiB-page snapshot
    // (tests/fixtures/snapshot-3.5.db) joins the corpus when xtask runs the target.
    let disk = SharedDisk::new();
    let mut db = Db::create_with_page_size(Box::new(disk.clone()), Options::default(), 512).unwrap();
    let mut tx = db.begin_write();
    for bucket in BUCKETS {
        tx.create_bucket_if_not_exists(ROOT_BUCKET, bucket).unwrap();
    }
    tx.commit().unwrap();
    drop(db);
    let mut store = Store::open(Box::new(disk)).unwrap();
    for (key, value) in [("foo", "bar"), ("foo", "bar1"), ("/app/config", "{\"replicas\":3}"), ("zoo", "z")] {
        store.put(key.as_bytes(), value.as_bytes(), 0).unwrap();
    }
    store.delete_range(b"zoo", b"").unwrap();
    store.backend_mut().commit().unwrap();
    let db = store.backend().db().snapshot_bytes().unwrap();
    write(out, "db_file", "member-512.db", &db);
    write(out, "db_file", "snapshot-512.db", &snapshot::with_trailer(&db));
}

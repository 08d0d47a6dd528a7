//! The MVCC store: etcd's revision arithmetic and errors (as in shared/reference/01), history
//! and compaction, reopening from disk and from a real etcd 3.5.1 snapshot, and the db size
//! workload of shared/reference/06 against real etcd's figures.

use playground_bolt::{MemDisk, SharedDisk};
use playground_mvcc::store::{Error, KvHash, RangeOptions, Store};
use playground_mvcc::KeyValue;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/snapshot-3.5.db");

fn at(store: &Store, key: &str, rev: i64) -> Result<Vec<KeyValue>, Error> {
    store.range(key.as_bytes(), b"", RangeOptions { rev, ..Default::default() }).map(|r| r.kvs)
}

fn value(kvs: &[KeyValue]) -> Option<String> {
    kvs.first().map(|kv| String::from_utf8_lossy(&kv.value).into_owned())
}

/// The walkthrough of 01-compaction.md: revisions, `get --rev`, compact and its errors.
#[test]
fn revisions_history_and_compaction_as_etcd() {
    let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
    assert_eq!(store.current_revision(), 1);
    for (key, val) in [
        ("foo", "bar"),
        ("foo", "bar1"),
        ("foo", "bar2"),
        ("foo", "bar3"),
        ("foo1", "v1"),
        ("foo2", "v2"),
        ("zoo", "z"),
        ("foo2", "v2b"),
    ] {
        store.put(key.as_bytes(), val.as_bytes(), 0).unwrap();
    }
    assert_eq!(store.current_revision(), 9);
    let latest = at(&store, "foo", 0).unwrap();
    assert_eq!((latest[0].create_revision, latest[0].mod_revision, latest[0].version), (2, 5, 4));
    assert_eq!(value(&latest).as_deref(), Some("bar3"));
    assert_eq!(at(&store, "foo", 1).unwrap(), []);
    assert_eq!(value(&at(&store, "foo", 3).unwrap()).as_deref(), Some("bar1"));
    assert_eq!(at(&store, "foo", 10), Err(Error::FutureRev));
    assert_eq!(Error::FutureRev.to_string(), "mvcc: required revision is a future revision");

    store.compact(3).unwrap();
    assert_eq!(at(&store, "foo", 2), Err(Error::Compacted));
    assert_eq!(Error::Compacted.to_string(), "mvcc: required revision has been compacted");
    assert_eq!(value(&at(&store, "foo", 3).unwrap()).as_deref(), Some("bar1"));
    assert_eq!(store.compact(2), Err(Error::Compacted));
    assert_eq!(store.compact(3), Err(Error::Compacted));
    assert_eq!(store.compact(0), Err(Error::Compacted));
    assert_eq!(store.compact(100), Err(Error::FutureRev));
    store.compact(5).unwrap();

    assert_eq!(store.delete_range(b"foo", b"").unwrap(), (1, 10));
    assert_eq!(store.delete_range(b"foo", b"").unwrap(), (0, 10));
    assert_eq!(at(&store, "foo", 0).unwrap(), []);
    store.put(b"foo", b"again", 0).unwrap();
    let again = at(&store, "foo", 0).unwrap();
    assert_eq!((again[0].create_revision, again[0].mod_revision, again[0].version), (11, 11, 1));

    let prefix = store.range(b"foo", b"fop", RangeOptions { limit: 2, ..Default::default() }).unwrap();
    assert_eq!((prefix.kvs.len(), prefix.count, prefix.rev), (2, 3, 11));
    let all = store.range(b"\0", b"\0", RangeOptions { count: true, ..Default::default() }).unwrap();
    assert_eq!((all.kvs.len(), all.count), (0, 4));
    assert!(store.backend().db().view().check().is_empty());
}

#[test]
fn reopening_rebuilds_the_index_and_compaction_state() {
    let disk = SharedDisk::new();
    let mut store = Store::create(Box::new(disk.clone())).unwrap();
    for i in 0..50 {
        store.put(format!("k{}", i % 7).as_bytes(), format!("v{i}").as_bytes(), 0).unwrap();
    }
    store.delete_range(b"k3", b"").unwrap();
    store.compact(30).unwrap();
    store.put(b"k1", b"last", 0).unwrap();
    store.backend_mut().commit().unwrap();
    let before: Vec<_> = (30..=store.current_revision())
        .map(|r| store.range(b"k", b"l", RangeOptions { rev: r, ..Default::default() }).unwrap())
        .collect();
    let hash = store.hash_kv(0).unwrap();
    drop(store);
    let store = Store::open(Box::new(disk)).unwrap();
    assert_eq!(store.compact_revision(), 30);
    assert_eq!(store.current_revision(), 53);
    let after: Vec<_> = (30..=53)
        .map(|r| store.range(b"k", b"l", RangeOptions { rev: r, ..Default::default() }).unwrap())
        .collect();
    assert_eq!(before, after);
    assert_eq!(store.hash_kv(0).unwrap(), hash);
    assert_eq!(at(&store, "k1", 29), Err(Error::Compacted));
}

/// The fixture README's contents, history included, from a real etcd 3.5.1 snapshot.
#[test]
fn a_real_snapshot_opens_with_its_keys_and_history() {
    let db = playground_mvcc::snapshot::verified_db(FIXTURE).unwrap();
    let store = Store::open(Box::new(MemDisk::from_bytes(db.to_vec()))).unwrap();
    assert_eq!(store.current_revision(), 14);
    let all = store.range(b"\0", b"\0", RangeOptions::default()).unwrap();
    let summary: Vec<(String, String, i64, i64, i64)> = all
        .kvs
        .iter()
        .map(|kv| {
            (
                String::from_utf8_lossy(&kv.key).into(),
                String::from_utf8_lossy(&kv.value).into(),
                kv.create_revision,
                kv.mod_revision,
                kv.version,
            )
        })
        .collect();
    let expected = [
        ("/app/config", "{\"replicas\":3}", 6, 6, 1),
        ("/app/k1", "v1", 7, 7, 1),
        ("/app/k3", "v3", 9, 9, 1),
        ("bar", "baz", 14, 14, 1),
        ("foo", "bar3", 2, 5, 4),
    ];
    let expected: Vec<(String, String, i64, i64, i64)> =
        expected.iter().map(|(k, v, c, m, ver)| (k.to_string(), v.to_string(), *c, *m, *ver)).collect();
    assert_eq!(summary, expected);
    assert_eq!((all.count, all.rev), (5, 14));
    assert_eq!(value(&at(&store, "foo", 2).unwrap()).as_deref(), Some("bar"));
    assert_eq!(value(&at(&store, "foo", 3).unwrap()).as_deref(), Some("bar1"));
    assert_eq!(value(&at(&store, "zoo", 12).unwrap()).as_deref(), Some("z2"));
    assert_eq!(at(&store, "zoo", 13).unwrap(), []);
}

/// shared/reference/06-dbsize.md, single member, etcd 3.5.1: db size and size in use after
/// each step, within 5 %. Puts commit in batches of 100, about what etcd's 100 ms batch
/// interval gathers from the reference's client.
#[test]
fn the_dbsize_workload_tracks_real_etcd() {
    let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
    // A booting etcd server applies its first raft entry (membership, consistent index) in a
    // second commit after creating the buckets; the server crate will do this itself.
    let meta: &'static [u8] = b"meta";
    store.backend_mut().put(meta, b"consistent_index".to_vec(), 1u64.to_be_bytes().to_vec(), false).unwrap();
    store.backend_mut().commit().unwrap();
    let value = vec![b'x'; 1024];
    let mut steps = Vec::new();
    let measure = |store: &Store| (store.backend().size(), store.backend().size_in_use());
    steps.push(("(a) fresh", measure(&store), (20480, 16384)));
    for round in 0..6 {
        for i in 0..1000 {
            store.put(format!("key{i:06}").as_bytes(), &value, 0).unwrap();
            if i % 100 == 99 {
                store.backend_mut().commit().unwrap();
            }
        }
        if round == 0 {
            steps.push(("(b) +1000 puts", measure(&store), (1417216, 1417216)));
        }
    }
    steps.push(("(c) +5x1000 overwrites", measure(&store), (8306688, 8306688)));
    store.compact(store.current_revision()).unwrap();
    steps.push(("(d) compact", measure(&store), (8306688, 1404928)));
    store.backend_mut().defrag(Box::new(MemDisk::new())).unwrap();
    steps.push(("(e) defrag", measure(&store), (1404928, 1396736)));
    let mut failed = Vec::new();
    for (name, (size, in_use), (real_size, real_in_use)) in &steps {
        let off = |ours: u64, real: u64| (ours as f64 - real as f64).abs() / real as f64 * 100.0;
        println!(
            "{name:<24} size {size:>8} (etcd {real_size:>8}, {:.1}% off)   in use {in_use:>8} (etcd {real_in_use:>8}, {:.1}% off)",
            off(*size, *real_size),
            off(*in_use, *real_in_use)
        );
        if off(*size, *real_size) > 5.0 || off(*in_use, *real_in_use) > 5.0 {
            failed.push(*name);
        }
    }
    assert!(store.backend().db().view().check().is_empty());
    assert!(failed.is_empty(), "more than 5 % off real etcd at {failed:?}");
}

/// HashKV: members with the same history and compaction agree (etcd's corruption check
/// compares them), a compaction changes what is hashed below it; Hash ignores the consistent
/// index.
#[test]
fn hashes_as_etcd_computes_them() {
    let build = || {
        let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
        for i in 0..30 {
            store.put(format!("k{}", i % 4).as_bytes(), format!("v{i}").as_bytes(), 0).unwrap();
            if i % 7 == 3 {
                store.delete_range(b"k2", b"").unwrap();
            }
        }
        store
    };
    let (mut a, mut b) = (build(), build());
    let KvHash { hash: before, revision: current, compact_revision: compacted } = a.hash_kv(20).unwrap();
    assert_eq!((current, compacted), (a.current_revision(), -1));
    assert_eq!(b.hash_kv(20).unwrap(), KvHash { hash: before, revision: current, compact_revision: -1 });
    a.compact(12).unwrap();
    b.compact(12).unwrap();
    let KvHash { hash: after, compact_revision: compacted, .. } = a.hash_kv(20).unwrap();
    assert_eq!(compacted, 12);
    assert_ne!(after, before, "revisions below the compaction that no reader needs are left out");
    assert_eq!(b.hash_kv(20).unwrap().hash, after);
    assert_eq!(a.hash_kv(12), Err(Error::Compacted));
    assert_eq!(a.hash_kv(current + 1), Err(Error::FutureRev));

    let (hash, _) = a.hash().unwrap();
    a.set_consistent_index(99, 4).unwrap();
    assert_eq!(a.hash().unwrap().0, hash);
    assert_eq!(b.hash().unwrap().0, hash);
    a.put(b"k0", b"changed", 0).unwrap();
    assert_ne!(a.hash().unwrap().0, hash);
}

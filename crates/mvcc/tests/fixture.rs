//! A real etcd 3.5.1 snapshot (tests/fixtures/snapshot-3.5.db) read by the playground: the same
//! status figures real etcdutl printed, a clean bbolt check, and the workload's history.

use playground_bolt::{Db, MemDisk, Meta};
use playground_mvcc::{snapshot, Revision, SnapshotStatus};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/snapshot-3.5.db");

#[test]
fn status_matches_real_etcdutl() {
    let status = snapshot::status(FIXTURE).unwrap();
    let expected = SnapshotStatus {
        hash: 1807487127,
        revision: 14,
        total_key: 19,
        total_size: 24576,
        live_keys: 5,
        storage_version: None,
    };
    assert_eq!(status, expected);
}

/// Real etcdutl 3.6.14 on its release's snapshot of the same workload: `{"hash":64188123,
/// "revision":14,"totalKey":5,"totalSize":20480,"version":"3.6.0"}` (tests/fixtures/README.md).
#[test]
fn status_of_a_3_6_snapshot_matches_real_etcdutl_3_6() {
    let status = snapshot::status(include_bytes!("../../../tests/fixtures/snapshot-3.6.db")).unwrap();
    assert_eq!(
        (
            status.hash,
            status.revision,
            status.live_keys,
            status.total_size,
            status.storage_version.as_deref()
        ),
        (64188123, 14, 5, 20480, Some("3.6.0"))
    );
}

#[test]
fn trailer_is_the_sha256_of_the_db() {
    let db = snapshot::verified_db(FIXTURE).unwrap();
    assert_eq!(db.len(), 24576);
    assert_eq!(snapshot::with_trailer(db), FIXTURE);
    let mut damaged = FIXTURE.to_vec();
    damaged[100] ^= 1;
    assert_eq!(snapshot::verified_db(&damaged), Err(snapshot::SnapshotError::HashMismatch));
}

#[test]
fn bbolt_check_passes_and_buckets_are_etcds() {
    let db = Db::open(Box::new(MemDisk::from_bytes(FIXTURE.to_vec()))).unwrap();
    let tx = db.view();
    assert_eq!(tx.check(), Vec::<String>::new());
    let names: Vec<String> = tx
        .bucket_names(&tx.root())
        .unwrap()
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "alarm",
            "auth",
            "authRoles",
            "authUsers",
            "cluster",
            "key",
            "lease",
            "members",
            "members_removed",
            "meta"
        ]
    );
}

/// The workload's 13 changes, as (revision, tombstone, key) in the `key` bucket, in order.
#[test]
fn key_bucket_holds_the_whole_history() {
    let db = Db::open(Box::new(MemDisk::from_bytes(FIXTURE.to_vec()))).unwrap();
    let tx = db.view();
    let bucket = tx.bucket(&tx.root(), b"key").unwrap().unwrap();
    let mut revisions = Vec::new();
    tx.for_each(&bucket, &mut |key, value, _| {
        let (rev, tombstone) = Revision::from_bytes(key).unwrap();
        // mvccpb.KeyValue: field 1 (tag 0x0a) is the key, length-prefixed.
        assert_eq!(value[0], 0x0a);
        let len = value[1] as usize;
        revisions.push((rev.main, tombstone, String::from_utf8_lossy(&value[2..2 + len]).into_owned()));
        true
    })
    .unwrap();
    let expected = [
        (2, false, "foo"),
        (3, false, "foo"),
        (4, false, "foo"),
        (5, false, "foo"),
        (6, false, "/app/config"),
        (7, false, "/app/k1"),
        (8, false, "/app/k2"),
        (9, false, "/app/k3"),
        (10, true, "/app/k2"),
        (11, false, "zoo"),
        (12, false, "zoo"),
        (13, true, "zoo"),
        (14, false, "bar"),
    ];
    let expected: Vec<(i64, bool, String)> =
        expected.iter().map(|(r, t, k)| (*r, *t, k.to_string())).collect();
    assert_eq!(revisions, expected);
}

#[test]
fn random_bytes_are_refused_cleanly() {
    let mut state = 0x9e3779b97f4a7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..300 {
        let len = (next() % 20_000) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        // Half the rounds keep real meta pages and damage the rest, to get past the magic check.
        if round % 2 == 0 {
            bytes = FIXTURE.to_vec();
            for _ in 0..(1 + next() % 64) {
                let at = (next() as usize) % bytes.len();
                bytes[at] = next() as u8;
            }
        }
        let _ = snapshot::status(&bytes);
        if let Ok(db) = Db::open(Box::new(MemDisk::from_bytes(bytes))) {
            let tx = db.view();
            let _ = tx.check();
            let _ = tx.pages();
        }
    }
}

#[test]
fn random_bytes_open_as_a_store_cleanly() {
    let mut state = 0x2545f4914f6cdd1du64;
    for round in 0..200 {
        let mut bytes = FIXTURE[..24576].to_vec();
        for _ in 0..(1 + round % 40) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state as usize) % bytes.len();
            bytes[at] = (state >> 32) as u8;
        }
        if let Ok(store) = playground_mvcc::Store::open(Box::new(MemDisk::from_bytes(bytes))) {
            let _ = store.range(b"\0", b"\0", playground_mvcc::RangeOptions::default());
            let _ = store.hash_kv(0);
        }
    }
}

#[test]
fn a_high_water_mark_past_the_end_of_the_file_is_refused_at_open() {
    // A damaged pgid once had the freelist rebuild and `bbolt check` walk every page up to it:
    // 10 million pages took 16 s and 2.6 GB (found by the db_file fuzz target).
    let mut bytes = FIXTURE[..24576].to_vec();
    for at in [0, 4096] {
        let mut meta = Meta::parse(&bytes[at..at + 4096]).unwrap();
        meta.pgid = 1 << 40;
        bytes[at..at + 4096].copy_from_slice(&meta.encode(4096));
    }
    let error = Db::open(Box::new(MemDisk::from_bytes(bytes.clone()))).err().unwrap();
    assert_eq!(
        error.to_string(),
        "invalid value: meta of txid 10 has high water mark 1099511627776 past the end of the file (6 pages of 4096 bytes)"
    );
    assert!(snapshot::status(&snapshot::with_trailer(&bytes)).is_err());
    // A file cut short of its high water mark, the same.
    assert!(Db::open(Box::new(MemDisk::from_bytes(FIXTURE[..21905].to_vec()))).is_err());
    assert!(Db::open(Box::new(MemDisk::from_bytes(FIXTURE[..24576].to_vec()))).is_ok());
}

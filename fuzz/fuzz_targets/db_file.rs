//! Any bytes as a db or snapshot file, through what the tools do with one: `etcdutl snapshot
//! status` and `restore`, `etcdutl defrag`, `etcd --data-dir` opening it, and bbolt's `check`,
//! `pages`, `page`, `buckets`, `keys` and `stats`. Each answers with an error or a result, never
//! a panic or a hang. A db `bbolt check` passes writes back (as a snapshot, or defragmented) to
//! one that reads the same; a restored data directory has a WAL that marks its snap file, and
//! its db opens if the snapshot's did. `cargo fuzz run db_file` (nightly).
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use playground_bolt::{BucketRoot, Db, MemDisk, Meta, PageType, PageView, Tx};
use playground_datadir::{raftlog, snap, RestoreOptions};
use playground_mvcc::{snapshot, Backend, RangeOptions, Store};

/// Every bucket's keys and values, nested buckets by path (etcd has none; a damaged file may
/// nest them in a cycle, hence the depth). A map, filled in the order the pages give: a rewrite
/// puts keys in order and a later duplicate replaces an earlier one, and `bbolt check` skips
/// inline buckets (as bbolt's does), so keys out of order there pass it.
type Contents = BTreeMap<(Vec<Vec<u8>>, Vec<u8>), Vec<u8>>;

fn contents(tx: &Tx<'_>, root: &BucketRoot, path: &[Vec<u8>], out: &mut Contents) -> Option<()> {
    if path.len() > 4 {
        return None;
    }
    for name in tx.bucket_names(root).ok()? {
        let bucket = tx.bucket(root, &name).ok()??;
        let mut inner = path.to_vec();
        inner.push(name);
        let mut nested = Vec::new();
        tx.for_each(&bucket, &mut |key, value, is_bucket| {
            if is_bucket {
                nested.push(key.to_vec());
            } else {
                out.insert((inner.clone(), key.to_vec()), value.to_vec());
            }
            true
        })
        .ok()?;
        if !nested.is_empty() {
            contents(tx, &bucket, &inner, out)?;
        }
    }
    Some(())
}

fn read(db: &Db) -> Option<Contents> {
    let tx = db.view();
    let mut out = BTreeMap::new();
    contents(&tx, &tx.root(), &[], &mut out)?;
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    let _ = snapshot::status(data);
    let _ = snapshot::verified_db(data);
    // Copies are compared only for files `bbolt check` passes: a damaged one (keys out of order,
    // say) may read differently once rewritten, as it would with bbolt.
    let mut consistent = false;
    if let Ok(db) = Db::open(Box::new(MemDisk::from_bytes(data.to_vec()))) {
        let tx = db.view();
        consistent = tx.check().is_empty();
        let _ = tx.pages();
        let _ = tx.bucket_stats(&tx.root());
        let _ = db.page_map();
        // `bbolt page`: every page below the high water mark (the first few).
        for id in 0..tx.meta().pgid.min(16) {
            let Ok(bytes) = tx.page(id) else { continue };
            let Ok(page) = PageView::parse(&bytes) else { continue };
            let _ = match page.page_type() {
                PageType::Meta => Meta::parse(&bytes).map(drop),
                PageType::Leaf => page.leaf_elements().map(drop),
                PageType::Branch => page.branch_elements().map(drop),
                PageType::Freelist => page.freelist_ids().map(drop),
                PageType::Unknown(_) => Ok(()),
            };
        }
        // `snapshot save` streams the db up to its high water mark (a file cut short of it
        // fails there, as bbolt's `WriteTo` does); the copy reads the same.
        if let (true, Some(before), Ok(copy)) = (consistent, read(&db), db.snapshot_bytes()) {
            let copy = Db::open(Box::new(MemDisk::from_bytes(copy))).expect("a streamed db opens");
            assert_eq!(read(&copy).as_ref(), Some(&before), "a streamed db reads the same");
        }
    }
    if let Ok(mut backend) = Backend::open(Box::new(MemDisk::from_bytes(data.to_vec()))) {
        let before = read(backend.db()).filter(|_| consistent);
        if backend.defrag(Box::new(MemDisk::new())).is_ok() {
            if let Some(before) = before {
                assert_eq!(read(backend.db()), Some(before), "a defragmented db reads the same");
            }
        }
    }
    let opens = Store::open(Box::new(MemDisk::from_bytes(data.to_vec())))
        .map(|store| store.range(b"\0", b"\0", RangeOptions::default()))
        .is_ok();
    let options = RestoreOptions { skip_hash_check: true, ..RestoreOptions::default() };
    if let Ok(files) = playground_datadir::restore(data, &options) {
        let db =
            files.iter().find(|(path, _)| path.ends_with("/member/snap/db")).expect("restore writes a db");
        // Restore rewrites membership only: a db etcd opens (and bbolt check passes) still
        // opens; from a damaged one (--skip-hash-check lets one through) it may not.
        if consistent && opens {
            assert!(
                Store::open(Box::new(MemDisk::from_bytes(db.1.clone()))).is_ok(),
                "etcd opens a restored db"
            );
        }
        let wal = files.iter().find(|(path, _)| path.ends_with(".wal")).expect("restore writes a WAL");
        let marks = raftlog::valid_snapshots(&wal.1).expect("a restored WAL reads");
        let snap =
            files.iter().find(|(path, _)| path.ends_with(".snap")).expect("restore writes a snap file");
        let raw = snap::decode(&snap.1).expect("a restored snap file loads");
        let (_, _, index, term) = snap::parse_raft_snapshot(&raw).expect("a restored raft snapshot reads");
        assert!(marks.contains(&(index, term)), "the restored WAL marks the restored snapshot");
    }
});

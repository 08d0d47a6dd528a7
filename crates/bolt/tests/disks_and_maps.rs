//! The disks under the store (a real file natively, the simulated disk's virtual-time costs)
//! and the page map the UI draws.

use playground_bolt::{Db, DiskCosts, MemDisk, Options, PageKind, SharedDisk, ROOT_BUCKET};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn fill(db: &mut Db, bucket: &[u8], count: u64, value_len: usize) {
    let mut tx = db.begin_write();
    let id = tx.create_bucket_if_not_exists(ROOT_BUCKET, bucket).unwrap();
    for i in 0..count {
        tx.put(id, &i.to_be_bytes(), &vec![b'v'; value_len]).unwrap();
    }
    tx.commit().unwrap();
}

#[test]
fn the_page_map_accounts_for_every_page() {
    let mut db = Db::create(Box::new(MemDisk::new()), Options::default()).unwrap();
    fill(&mut db, b"key", 200, 100);
    fill(&mut db, b"big", 1, 10_000);
    fill(&mut db, b"key", 10, 100);
    let map = db.page_map().unwrap();
    assert_eq!(map.len() as u64, db.stats().page_count);
    assert_eq!(map[0].kind, PageKind::Meta);
    assert_eq!(map[1].kind, PageKind::Meta);
    let count = |kind: &PageKind| map.iter().filter(|p| &p.kind == kind).count() as u64;
    assert_eq!(count(&PageKind::Lost), 0);
    assert_eq!(count(&PageKind::Free), db.stats().free_page_n);
    assert_eq!(count(&PageKind::Pending), db.stats().pending_page_n);
    assert!(map.iter().any(|p| p.kind == PageKind::Branch && p.bucket.as_deref() == Some("key")));
    let big = map.iter().find(|p| p.kind == PageKind::Leaf && p.bucket.as_deref() == Some("big")).unwrap();
    assert_eq!(map[big.id as usize + 1].kind, PageKind::Overflow { of: big.id });
}

#[test]
fn the_simulated_disk_charges_virtual_time() {
    let disk = SharedDisk::new();
    let mut db = Db::create(Box::new(disk.clone()), Options::default()).unwrap();
    let after_create = disk.0.borrow().stats();
    fill(&mut db, b"key", 100, 100);
    let stats = disk.0.borrow().stats();
    // Two syncs per commit (data, then meta), each a couple of milliseconds.
    assert_eq!(stats.syncs - after_create.syncs, 2);
    assert!(stats.busy_micros - after_create.busy_micros >= 2 * DiskCosts::default().sync_micros);
    let slow = DiskCosts { sync_micros: 50_000, ..DiskCosts::default() };
    disk.0.borrow_mut().costs = slow;
    let before = disk.0.borrow().stats().busy_micros;
    fill(&mut db, b"key", 1, 100);
    assert!(disk.0.borrow().stats().busy_micros - before >= 100_000);
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_real_file_is_a_disk_too() {
    use playground_bolt::FileDisk;
    let path = std::env::temp_dir().join(format!("playground-bolt-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut db = Db::create(Box::new(FileDisk::open(&path).unwrap()), Options::default()).unwrap();
    fill(&mut db, b"key", 500, 300);
    drop(db);
    assert_eq!(std::fs::metadata(&path).unwrap().len() % 4096, 0);
    let db = Db::open(Box::new(FileDisk::open(&path).unwrap())).unwrap();
    assert!(db.view().check().is_empty());
    let tx = db.view();
    let bucket = tx.bucket(&tx.root(), b"key").unwrap().unwrap();
    assert_eq!(tx.get(&bucket, &499u64.to_be_bytes()).unwrap().map(|(v, _)| v.len()), Some(300));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_db_in_small_pages_splits_reopens_and_checks_clean() {
    let disk = SharedDisk::new();
    let mut db = Db::create_with_page_size(Box::new(disk.clone()), Options::default(), 512).unwrap();
    fill(&mut db, b"key", 100, 40);
    assert_eq!(db.stats().page_size, 512);
    drop(db);
    let db = Db::open(Box::new(disk)).unwrap();
    assert_eq!(db.stats().page_size, 512);
    assert!(db.view().check().is_empty(), "{:?}", db.view().check());
    assert!(Db::create_with_page_size(Box::new(MemDisk::new()), Options::default(), 1000).is_err());
}

/// Found by the `db_file` fuzz target: a 512-byte-page db whose buckets hold their own page as
/// sub-buckets. The check walked them 2^depth times (out of memory); each page is walked once.
#[test]
fn a_bucket_that_holds_itself_is_checked_once() {
    let bytes = include_bytes!("../../../fuzz/seeds/db_file/bucket-holding-itself.db");
    let db = Db::open(Box::new(MemDisk::from_bytes(bytes.to_vec()))).expect("the db opens");
    let errors = db.view().check();
    assert!(errors.iter().any(|e| e.contains("multiple references")), "{errors:?}");
    assert!(errors.len() < 100, "{} errors", errors.len());
}

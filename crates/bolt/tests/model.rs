//! The page store against a plain in-memory model: random transactions of bucket and key
//! changes, commits and rollbacks; after every commit `check()` passes and the db holds what
//! the model holds, also after reopening. A crash at any write keeps the last commit.

use std::collections::BTreeMap;

use playground_bolt::{Db, Disk, Error, MemDisk, Options, Result, SharedDisk, ROOT_BUCKET};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

type Model = BTreeMap<Vec<u8>, BTreeMap<Vec<u8>, Vec<u8>>>;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Everything in the db, read back through a fresh read transaction.
fn contents(db: &Db) -> Model {
    let tx = db.view();
    let root = tx.root();
    let mut model = Model::new();
    for name in tx.bucket_names(&root).unwrap() {
        let bucket = tx.bucket(&root, &name).unwrap().unwrap();
        let mut entries = BTreeMap::new();
        tx.for_each(&bucket, &mut |k, v, _| {
            entries.insert(k.to_vec(), v.to_vec());
            true
        })
        .unwrap();
        model.insert(name, entries);
    }
    model
}

fn assert_consistent(db: &Db, model: &Model, seed: u64) {
    let problems = db.view().check();
    assert!(problems.is_empty(), "seed {seed}: check failed: {problems:?}");
    assert_eq!(&contents(db), model, "seed {seed}: contents differ from the model");
    // The keys-only walk (large leaves read without their values) sees the same keys.
    let tx = db.view();
    for (name, entries) in model {
        let bucket = tx.bucket(&tx.root(), name).unwrap().unwrap();
        let from = entries.keys().nth(entries.len() / 3).cloned().unwrap_or_default();
        let mut keys = Vec::new();
        tx.for_each_key_from(&bucket, &from, &mut |k, _| {
            keys.push(k.to_vec());
            true
        })
        .unwrap();
        let expected: Vec<Vec<u8>> = entries.keys().filter(|k| **k >= from).cloned().collect();
        assert_eq!(keys, expected, "seed {seed}: keys of {name:?} from {from:?}");
    }
}

fn key(rng: &mut Rng) -> Vec<u8> {
    // Mostly small keys, with sequential ones (as etcd's revisions are) and some large values.
    match rng.below(3) {
        0 => format!("k{:04}", rng.below(400)).into_bytes(),
        1 => rng.below(2000).to_be_bytes().to_vec(),
        _ => format!("key/{}", rng.below(50)).into_bytes(),
    }
}

fn value(rng: &mut Rng) -> Vec<u8> {
    let len = match rng.below(10) {
        0 => rng.below(9000) as usize,
        _ => rng.below(300) as usize,
    };
    (0..len).map(|i| (i as u8).wrapping_add(rng.below(7) as u8)).collect()
}

/// One random transaction applied to the db and, when it commits, to the model.
fn random_transaction(db: &mut Db, model: &mut Model, rng: &mut Rng) -> Result<()> {
    let mut next = model.clone();
    let commit = rng.below(8) != 0;
    let mut tx = db.begin_write();
    for _ in 0..1 + rng.below(60) {
        let name = format!("bucket{}", rng.below(4)).into_bytes();
        match rng.below(20) {
            0 => {
                if next.remove(&name).is_some() {
                    tx.delete_bucket(ROOT_BUCKET, &name)?;
                } else {
                    assert_eq!(tx.delete_bucket(ROOT_BUCKET, &name), Err(Error::BucketNotFound));
                }
            }
            1..=14 => {
                let bucket = tx.create_bucket_if_not_exists(ROOT_BUCKET, &name)?;
                if rng.below(3) == 0 {
                    tx.set_fill_percent(bucket, 0.9);
                }
                let (k, v) = (key(rng), value(rng));
                tx.put(bucket, &k, &v)?;
                next.entry(name).or_default().insert(k, v);
            }
            _ => {
                if let Some(bucket) = tx.bucket(ROOT_BUCKET, &name)? {
                    let entries = next.get_mut(&name).expect("model has the bucket");
                    let k = if rng.below(2) == 0 {
                        entries
                            .keys()
                            .nth(rng.below(entries.len().max(1) as u64) as usize)
                            .cloned()
                            .unwrap_or_default()
                    } else {
                        key(rng)
                    };
                    if !k.is_empty() {
                        tx.delete(bucket, &k)?;
                        entries.remove(&k);
                    }
                    assert_eq!(tx.get(bucket, &k)?, None);
                }
            }
        }
    }
    if commit {
        tx.commit()?;
        *model = next;
    } else {
        tx.rollback();
    }
    Ok(())
}

fn run_schedule(seed: u64, transactions: usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let disk = SharedDisk::new();
    let mut db = Db::create(Box::new(disk.clone()), Options::default()).unwrap();
    let mut model = Model::new();
    for i in 0..transactions {
        random_transaction(&mut db, &mut model, &mut rng)
            .unwrap_or_else(|e| panic!("seed {seed}, tx {i}: {e}"));
        assert_consistent(&db, &model, seed);
        if rng.below(10) == 0 {
            drop(db);
            db = Db::open(Box::new(disk.clone())).unwrap();
            assert_consistent(&db, &model, seed);
        }
    }
}

#[test]
fn random_transactions_match_the_model() {
    for seed in 1..=12 {
        run_schedule(seed, 60);
    }
}

/// A db kept open between transactions writes the same bytes as one reopened before each:
/// what it holds in memory across commits (freelist, pending pages) changes nothing on disk.
#[test]
fn an_open_db_writes_what_a_reopened_one_writes() {
    for seed in 1..=6 {
        let (mut kept_rng, mut reopened_rng) = (Rng((seed * 7919) | 1), Rng((seed * 7919) | 1));
        let (kept_disk, reopened_disk) = (SharedDisk::new(), SharedDisk::new());
        let mut kept = Db::create(Box::new(kept_disk.clone()), Options::default()).unwrap();
        let mut reopened = Db::create(Box::new(reopened_disk.clone()), Options::default()).unwrap();
        let (mut kept_model, mut reopened_model) = (Model::new(), Model::new());
        for i in 0..60 {
            random_transaction(&mut kept, &mut kept_model, &mut kept_rng).unwrap();
            random_transaction(&mut reopened, &mut reopened_model, &mut reopened_rng).unwrap();
            reopened = reopened.reopen().unwrap();
            assert!(kept_disk.bytes() == reopened_disk.bytes(), "seed {seed}, tx {i}: the files differ");
            assert_consistent(&kept, &kept_model, seed);
        }
    }
}

#[test]
fn a_synced_freelist_is_kept_consistent_too() {
    let mut rng = Rng(77);
    let disk = SharedDisk::new();
    let mut db = Db::create(Box::new(disk.clone()), Options { no_freelist_sync: false }).unwrap();
    let mut model = Model::new();
    for _ in 0..80 {
        random_transaction(&mut db, &mut model, &mut rng).unwrap();
        assert_consistent(&db, &model, 77);
    }
    let free_before = db.stats().free_page_n + db.stats().pending_page_n;
    drop(db);
    let db = Db::open_with(Box::new(disk), Options { no_freelist_sync: false }).unwrap();
    assert_consistent(&db, &model, 77);
    assert_eq!(db.stats().free_page_n, free_before);
}

/// A disk that fails every write after a budget, as a machine losing power mid-commit.
struct FailingDisk {
    inner: SharedDisk,
    writes_left: std::rc::Rc<std::cell::Cell<u64>>,
}

impl Disk for FailingDisk {
    fn len(&self) -> u64 {
        self.inner.len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        self.inner.read_at(offset, buf)
    }
    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<()> {
        if self.writes_left.get() == 0 {
            return Err(Error::Disk("input/output error".into()));
        }
        self.writes_left.set(self.writes_left.get() - 1);
        self.inner.write_at(offset, data)
    }
    fn truncate(&mut self, len: u64) -> Result<()> {
        self.inner.truncate(len)
    }
    fn sync(&mut self) -> Result<()> {
        self.inner.sync()
    }
}

#[test]
fn a_crash_at_any_write_keeps_the_last_commit() {
    for seed in 1..=6u64 {
        for budget in 0..40 {
            let mut rng = Rng(seed * 1000 + 1);
            let disk = SharedDisk::new();
            let writes_left = std::rc::Rc::new(std::cell::Cell::new(u64::MAX));
            let failing = FailingDisk { inner: disk.clone(), writes_left: writes_left.clone() };
            let mut db = Db::create(Box::new(failing), Options::default()).unwrap();
            let mut model = Model::new();
            for _ in 0..5 {
                random_transaction(&mut db, &mut model, &mut rng).unwrap();
            }
            writes_left.set(budget);
            let mut attempt = model.clone();
            let result = random_transaction(&mut db, &mut attempt, &mut rng);
            drop(db);
            disk.crash();
            let db = Db::open(Box::new(disk.clone())).unwrap();
            let expected = if result.is_ok() { &attempt } else { &model };
            assert_consistent(&db, expected, seed);
        }
    }
}

#[test]
fn sizes_grow_and_deletes_free_pages() {
    let mut db = Db::create(Box::new(MemDisk::new()), Options::default()).unwrap();
    assert_eq!(db.stats().size(), 16384);
    let mut tx = db.begin_write();
    let bucket = tx.create_bucket(ROOT_BUCKET, b"key").unwrap();
    for i in 0..1000u64 {
        tx.put(bucket, &i.to_be_bytes(), &[7u8; 1024]).unwrap();
    }
    tx.commit().unwrap();
    let full = db.stats();
    assert!(full.size() > 1000 * 1024, "{full:?}");
    let mut tx = db.begin_write();
    let bucket = tx.bucket(ROOT_BUCKET, b"key").unwrap().unwrap();
    for i in 0..1000u64 {
        tx.delete(bucket, &i.to_be_bytes()).unwrap();
    }
    tx.commit().unwrap();
    // The next writer releases what the delete freed: the size stays, the size in use drops.
    let tx = db.begin_write();
    tx.rollback();
    let emptied = db.stats();
    assert_eq!(emptied.size(), full.size());
    assert!(emptied.size_in_use() < 5 * 4096, "{emptied:?}");
    assert!(db.view().check().is_empty());
}

#[test]
fn bucket_errors_are_bbolts() {
    let mut db = Db::create(Box::new(MemDisk::new()), Options::default()).unwrap();
    let mut tx = db.begin_write();
    let b = tx.create_bucket(ROOT_BUCKET, b"b").unwrap();
    assert_eq!(tx.create_bucket(ROOT_BUCKET, b"b"), Err(Error::BucketExists));
    assert_eq!(tx.create_bucket(ROOT_BUCKET, b""), Err(Error::BucketNameRequired));
    assert_eq!(tx.put(b, b"", b"x"), Err(Error::KeyRequired));
    assert_eq!(tx.put(b, &vec![1u8; 40000], b"x"), Err(Error::KeyTooLarge));
    let nested = tx.create_bucket(b, b"nested").unwrap();
    tx.put(nested, b"k", b"v").unwrap();
    assert_eq!(tx.put(b, b"nested", b"x"), Err(Error::IncompatibleValue));
    assert_eq!(tx.delete(b, b"nested"), Err(Error::IncompatibleValue));
    assert_eq!(tx.get(b, b"nested").unwrap(), None);
    tx.commit().unwrap();
    assert!(db.view().check().is_empty());
    let tx = db.view();
    let b = tx.bucket(&tx.root(), b"b").unwrap().unwrap();
    let nested = tx.bucket(&b, b"nested").unwrap().unwrap();
    assert_eq!(tx.get(&nested, b"k").unwrap(), Some((b"v".to_vec(), false)));
}

//! The store against a plain model: every revision's full keyspace kept in a map. Random puts,
//! deletes (single keys and ranges), multi-change transactions, compactions and reads at random
//! revisions must agree, `check()` must pass after every commit, and reopening from disk must
//! give the same answers. A failing schedule prints its seed.

use std::collections::BTreeMap;

use playground_bolt::SharedDisk;
use playground_mvcc::store::{Error, RangeOptions, Store};
use playground_mvcc::KeyValue;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

type Keyspace = BTreeMap<Vec<u8>, KeyValue>;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

struct Model {
    /// The keyspace after each revision (index = revision).
    history: Vec<Keyspace>,
    compacted: i64,
}

impl Model {
    fn current(&self) -> i64 {
        self.history.len() as i64 - 1
    }

    fn range(&self, key: &[u8], end: &[u8], rev: i64) -> Result<Vec<KeyValue>, Error> {
        if rev > self.current() {
            return Err(Error::FutureRev);
        }
        let rev = if rev <= 0 { self.current() } else { rev };
        if rev < self.compacted {
            return Err(Error::Compacted);
        }
        Ok(self.history[rev as usize]
            .values()
            .filter(|kv| {
                if end.is_empty() {
                    kv.key == key
                } else {
                    kv.key.as_slice() >= key && kv.key.as_slice() < end
                }
            })
            .cloned()
            .collect())
    }
}

fn random_key(rng: &mut Rng) -> Vec<u8> {
    format!("k{:02}", rng.below(30)).into_bytes()
}

fn run(seed: u64, steps: usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let disk = SharedDisk::new();
    let mut store = Store::create(Box::new(disk.clone())).unwrap();
    let mut model = Model { history: vec![Keyspace::new(), Keyspace::new()], compacted: -1 };
    for step in 0..steps {
        let context = format!("seed {seed}, step {step}");
        match rng.below(10) {
            0..=5 => {
                // A transaction of one to three changes sharing one revision.
                let mut next = model.history.last().unwrap().clone();
                let rev = model.current() + 1;
                let mut txn = store.write();
                let mut changed = false;
                // What one txn may hold, as etcd's API allows it (checkIntervals): no key put
                // twice, none both put and deleted.
                let mut puts: Vec<Vec<u8>> = Vec::new();
                let mut deletes: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
                let covered = |deletes: &[(Vec<u8>, Vec<u8>)], k: &[u8]| {
                    deletes.iter().any(|(key, end)| {
                        if end.is_empty() {
                            k == key.as_slice()
                        } else {
                            k >= key.as_slice() && k < end.as_slice()
                        }
                    })
                };
                for _ in 0..1 + rng.below(3) {
                    let key = random_key(&mut rng);
                    if rng.below(4) == 0 {
                        let end = if rng.below(2) == 0 { Vec::new() } else { random_key(&mut rng) };
                        let hits_a_put = puts.iter().any(|p| covered(&[(key.clone(), end.clone())], p));
                        if hits_a_put {
                            continue;
                        }
                        deletes.push((key.clone(), end.clone()));
                        let deleted = txn.delete_range(&key, &end).unwrap();
                        let before = next.len();
                        next.retain(|k, _| {
                            if end.is_empty() {
                                *k != key
                            } else {
                                !(k.as_slice() >= key.as_slice() && k.as_slice() < end.as_slice())
                            }
                        });
                        assert_eq!(deleted as usize, before - next.len(), "{context}");
                        changed |= deleted > 0;
                    } else {
                        if puts.contains(&key) || covered(&deletes, &key) {
                            continue;
                        }
                        puts.push(key.clone());
                        let value = format!("v{step}").into_bytes();
                        txn.put(&key, &value, 0).unwrap();
                        let (create_revision, version) = match next.get(&key) {
                            Some(old) => (old.create_revision, old.version + 1),
                            None => (rev, 1),
                        };
                        next.insert(
                            key.clone(),
                            KeyValue { key, create_revision, mod_revision: rev, version, value, lease: 0 },
                        );
                        changed = true;
                    }
                }
                let new_rev = txn.end();
                if changed {
                    model.history.push(next);
                }
                assert_eq!(new_rev, model.current(), "{context}");
            }
            6 => {
                let rev = rng.below(model.current() as u64 + 2) as i64;
                let expected = if rev <= model.compacted {
                    Err(Error::Compacted)
                } else if rev > model.current() {
                    Err(Error::FutureRev)
                } else {
                    Ok(())
                };
                assert_eq!(store.compact(rev), expected, "{context}: compact {rev}");
                if expected.is_ok() {
                    model.compacted = rev;
                }
            }
            7 => {
                store.backend_mut().commit().unwrap();
                let problems = store.backend().db().view().check();
                assert!(problems.is_empty(), "{context}: {problems:?}");
            }
            8 if rng.below(4) == 0 => {
                store.backend_mut().commit().unwrap();
                drop(store);
                store = Store::open(Box::new(disk.clone())).unwrap();
                // Reopened, the compact revision is the last finished compaction's.
                assert_eq!(store.current_revision(), model.current(), "{context}");
            }
            _ => {
                let key = random_key(&mut rng);
                let end = if rng.below(2) == 0 { Vec::new() } else { random_key(&mut rng) };
                let rev = rng.below(model.current() as u64 + 3) as i64 - 1;
                let got = store.range(&key, &end, RangeOptions { rev, ..Default::default() }).map(|r| r.kvs);
                assert_eq!(got, model.range(&key, &end, rev), "{context}: range {key:?}..{end:?} at {rev}");
            }
        }
    }
    store.backend_mut().commit().unwrap();
    assert!(store.backend().db().view().check().is_empty());
}

#[test]
fn random_histories_match_the_model() {
    for seed in 1..=20 {
        run(seed, 400);
    }
}

//! etcd's backend over the page store: writes gather in a batch that is committed as one bbolt
//! transaction (etcd commits every 100 ms or every 10,000 writes), and reads see the batch
//! before it is committed, as etcd's read buffer lets them.

use std::collections::BTreeMap;
use std::rc::Rc;

use playground_bolt::{Db, Disk, Options, Pieces, Result, Stats, DEFRAG_LIMIT, ROOT_BUCKET};

use crate::schema;

/// etcd's defaults for when a batch is committed.
pub const DEFAULT_BATCH_INTERVAL_MS: u64 = 100;
pub const DEFAULT_BATCH_LIMIT: usize = 10_000;

/// Buckets every etcd backend has, created when it is first opened.
pub const BUCKETS: &[&[u8]] = &[
    schema::KEY,
    schema::META,
    schema::LEASE,
    schema::ALARM,
    schema::CLUSTER,
    schema::MEMBERS,
    schema::MEMBERS_REMOVED,
    schema::AUTH,
    schema::AUTH_USERS,
    schema::AUTH_ROLES,
];

/// A batched write. Values are shared with the overlay (no copy of a large value), and move
/// into the tree at commit once the overlay has let go of them.
#[derive(Debug, Clone)]
enum Write {
    Put { bucket: &'static [u8], key: Vec<u8>, value: Rc<Pieces>, sequential: bool },
    Delete { bucket: &'static [u8], key: Vec<u8> },
}

/// Batched writes by bucket and key (None: deleted), for reads before commit.
type Overlay = BTreeMap<(&'static [u8], Vec<u8>), Option<Rc<Pieces>>>;

pub struct Backend {
    db: Db,
    batch: Vec<Write>,
    overlay: Overlay,
    /// Writes that go into every commit, after the batch (etcd's pre-commit hook, which writes
    /// the consistent index): the last value set for each key. A few keys set once per
    /// applied entry: a short list, not the overlay's tree; reads look here first, as the
    /// commit writes these last.
    on_commit: Vec<(&'static [u8], Vec<u8>, Vec<u8>)>,
    pub batch_limit: usize,
}

impl Backend {
    /// A new backend on an empty disk, with etcd's buckets.
    pub fn create(disk: Box<dyn Disk>) -> Result<Backend> {
        let db = Db::create(disk, Options::default())?;
        let mut backend = Backend {
            db,
            batch: Vec::new(),
            overlay: BTreeMap::new(),
            on_commit: Vec::new(),
            batch_limit: DEFAULT_BATCH_LIMIT,
        };
        let mut tx = backend.db.begin_write();
        for bucket in BUCKETS {
            tx.create_bucket_if_not_exists(ROOT_BUCKET, bucket)?;
        }
        tx.commit()?;
        Ok(backend)
    }

    /// Opens an existing backend db (a data directory's `member/snap/db`, a restored snapshot).
    pub fn open(disk: Box<dyn Disk>) -> Result<Backend> {
        let db = Db::open(disk)?;
        Ok(Backend {
            db,
            batch: Vec::new(),
            overlay: BTreeMap::new(),
            on_commit: Vec::new(),
            batch_limit: DEFAULT_BATCH_LIMIT,
        })
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// `UnsafePut`; `sequential` is etcd's `UnsafeSeqPut` (the key bucket, keys in order), which
    /// fills split pages to 90 %.
    pub fn put(
        &mut self,
        bucket: &'static [u8],
        key: Vec<u8>,
        value: Vec<u8>,
        sequential: bool,
    ) -> Result<()> {
        self.put_pieces(bucket, key, Pieces::from(value), sequential)
    }

    /// [`Backend::put`] of a value in pieces, its shared ones (a put's value, kept by
    /// reference from the raft entry) written to the db without a copy.
    pub fn put_pieces(
        &mut self,
        bucket: &'static [u8],
        key: Vec<u8>,
        value: Pieces,
        sequential: bool,
    ) -> Result<()> {
        let value = Rc::new(value);
        self.overlay.insert((bucket, key.clone()), Some(Rc::clone(&value)));
        self.batch.push(Write::Put { bucket, key, value, sequential });
        self.commit_if_full()
    }

    /// A put made with the next commit, whenever that happens (a batch that fills up, a
    /// compaction's commit), not counted in the batch.
    pub fn put_on_commit(&mut self, bucket: &'static [u8], key: Vec<u8>, value: Vec<u8>) {
        match self.on_commit.iter_mut().find(|(b, k, _)| *b == bucket && *k == key) {
            Some(entry) => entry.2 = value,
            None => self.on_commit.push((bucket, key, value)),
        }
    }

    /// The value a write made with the next commit gives `key`, if one is pending.
    fn on_commit_value(&self, bucket: &'static [u8], key: &[u8]) -> Option<&Vec<u8>> {
        self.on_commit.iter().find(|(b, k, _)| *b == bucket && k == key).map(|(_, _, v)| v)
    }

    /// The pending writes made with the next commit in `bucket` with `start <= key < end`.
    fn on_commit_in<'a>(
        &'a self,
        bucket: &'static [u8],
        start: &'a [u8],
        end: &'a [u8],
    ) -> impl Iterator<Item = (&'a Vec<u8>, &'a Vec<u8>)> + 'a {
        self.on_commit
            .iter()
            .filter(move |(b, k, _)| *b == bucket && k.as_slice() >= start && k.as_slice() < end)
            .map(|(_, k, v)| (k, v))
    }

    pub fn delete(&mut self, bucket: &'static [u8], key: Vec<u8>) -> Result<()> {
        self.overlay.insert((bucket, key.clone()), None);
        self.batch.push(Write::Delete { bucket, key });
        self.commit_if_full()
    }

    fn commit_if_full(&mut self) -> Result<()> {
        if self.batch.len() >= self.batch_limit {
            self.commit()?;
        }
        Ok(())
    }

    /// Writes waiting for the next commit, those made with every commit included.
    pub fn pending_writes(&self) -> usize {
        self.batch.len() + self.on_commit.len()
    }

    pub fn get(&self, bucket: &'static [u8], key: &[u8]) -> Result<Option<Vec<u8>>> {
        if let Some(value) = self.on_commit_value(bucket, key) {
            return Ok(Some(value.clone()));
        }
        if let Some(value) = self.overlay.get(&(bucket, key.to_vec())) {
            return Ok(value.as_ref().map(|v| v.to_vec()));
        }
        let tx = self.db.view();
        let Some(root) = tx.bucket(&tx.root(), bucket)? else { return Ok(None) };
        Ok(tx.get(&root, key)?.filter(|(_, is_bucket)| !is_bucket).map(|(value, _)| value))
    }

    /// Entries with `start <= key < end` (committed and batched), in key order, at most `limit`
    /// (0: all).
    pub fn range(
        &self,
        bucket: &'static [u8],
        start: &[u8],
        end: &[u8],
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut merged: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
        let tx = self.db.view();
        if let Some(root) = tx.bucket(&tx.root(), bucket)? {
            // Stop once past the end or, with a limit, once enough are read (later batch
            // deletes may remove some, so read the batch's size more).
            let wanted = if limit > 0 { limit + self.batch.len() } else { usize::MAX };
            tx.for_each_from(&root, start, &mut |key, value, is_bucket| {
                if key >= end {
                    return false;
                }
                if !is_bucket {
                    merged.insert(key.to_vec(), Some(value.to_vec()));
                }
                merged.len() < wanted
            })?;
        }
        for ((b, key), value) in self.overlay.range((bucket, start.to_vec())..(bucket, end.to_vec())) {
            if *b == bucket {
                merged.insert(key.clone(), value.as_ref().map(|v| v.to_vec()));
            }
        }
        for (key, value) in self.on_commit_in(bucket, start, end) {
            merged.insert(key.clone(), Some(value.clone()));
        }
        let entries = merged.into_iter().filter_map(|(k, v)| v.map(|v| (k, v)));
        Ok(if limit > 0 { entries.take(limit).collect() } else { entries.collect() })
    }

    /// The keys with `start <= key < end` (committed and batched), in order, at most `limit`
    /// (0: all), without reading their values out.
    pub fn range_keys(
        &self,
        bucket: &'static [u8],
        start: &[u8],
        end: &[u8],
        limit: usize,
    ) -> Result<Vec<Vec<u8>>> {
        let mut merged: BTreeMap<Vec<u8>, bool> = BTreeMap::new();
        let tx = self.db.view();
        if let Some(root) = tx.bucket(&tx.root(), bucket)? {
            let wanted = if limit > 0 { limit + self.batch.len() } else { usize::MAX };
            tx.for_each_key_from(&root, start, &mut |key, is_bucket| {
                if key >= end {
                    return false;
                }
                if !is_bucket {
                    merged.insert(key.to_vec(), true);
                }
                merged.len() < wanted
            })?;
        }
        for ((b, key), value) in self.overlay.range((bucket, start.to_vec())..(bucket, end.to_vec())) {
            if *b == bucket {
                merged.insert(key.clone(), value.is_some());
            }
        }
        for (key, _) in self.on_commit_in(bucket, start, end) {
            merged.insert(key.clone(), true);
        }
        let keys = merged.into_iter().filter_map(|(k, live)| live.then_some(k));
        Ok(if limit > 0 { keys.take(limit).collect() } else { keys.collect() })
    }

    /// Commits the batch as one bbolt transaction.
    pub fn commit(&mut self) -> Result<()> {
        if self.batch.is_empty() && self.on_commit.is_empty() {
            return Ok(());
        }
        let mut on_commit = std::mem::take(&mut self.on_commit);
        // In key order, as they went in when they were kept in a map.
        on_commit.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        for (bucket, key, value) in on_commit {
            self.batch.push(Write::Put {
                bucket,
                key,
                value: Rc::new(Pieces::from(value)),
                sequential: false,
            });
        }
        let mut tx = self.db.begin_write();
        let mut opened = BTreeMap::new();
        // The batch is handed over whole: values move into the tree without another copy.
        self.overlay.clear();
        let batch = std::mem::take(&mut self.batch);
        for write in batch {
            let (bucket, sequential) = match &write {
                Write::Put { bucket, sequential, .. } => (*bucket, *sequential),
                Write::Delete { bucket, .. } => (*bucket, false),
            };
            let id = match opened.get(bucket) {
                Some(&id) => id,
                None => {
                    let id = tx.create_bucket_if_not_exists(ROOT_BUCKET, bucket)?;
                    opened.insert(bucket, id);
                    id
                }
            };
            match write {
                Write::Put { key, value, .. } => {
                    if sequential {
                        tx.set_fill_percent(id, 0.9);
                    }
                    let value = Rc::try_unwrap(value).unwrap_or_else(|shared| shared.as_ref().clone());
                    tx.put_pieces(id, &key, value)?;
                }
                Write::Delete { key, .. } => tx.delete(id, &key)?,
            }
        }
        tx.commit()?;
        self.batch.clear();
        self.overlay.clear();
        Ok(())
    }

    /// etcd's defrag: commits, then copies the db into a new file on `disk`, which replaces it.
    pub fn defrag(&mut self, disk: Box<dyn Disk>) -> Result<()> {
        self.commit()?;
        // etcd renames the copy over the db file and opens it again.
        self.db = self.db.compact_into(disk, Options::default(), DEFRAG_LIMIT)?.reopen()?;
        Ok(())
    }

    pub fn stats(&self) -> Stats {
        self.db.stats()
    }

    /// etcd's db size: `tx.Size()` of the last commit.
    pub fn size(&self) -> u64 {
        self.db.stats().size()
    }

    /// etcd's size in use: the size less the free pages.
    pub fn size_in_use(&self) -> u64 {
        self.db.stats().size_in_use()
    }
}

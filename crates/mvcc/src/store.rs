//! The MVCC key-value store, as etcd's `mvcc.store`: every change gets a revision, values live
//! in the backend's `key` bucket under their revision, and the in-memory key index maps keys to
//! revisions. Reads at an old revision see history until it is compacted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use bytes::Bytes;
use playground_bolt::{Disk, Pieces};
use playground_wire::crc;

use crate::backend::Backend;
use crate::key_index::KeyIndex;
use crate::kv::{KeyValue, KeyValueRef};
use crate::revision::{Revision, MARKED_REVISION_BYTES, REVISION_BYTES};
use crate::schema;

/// Keys deleted per compaction batch (etcd's `CompactionBatchLimit` default).
pub const COMPACTION_BATCH_LIMIT: usize = 1000;

/// The store's errors, with etcd's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    Compacted,
    FutureRev,
    /// A put that keeps the current value or lease of a key that does not exist.
    KeyNotFound,
    /// A txn that puts one key twice, or puts a key it also deletes.
    DuplicateKey,
    /// The backend failed (a disk error, a corrupt page).
    Backend(playground_bolt::Error),
    /// A stored value does not decode.
    Corrupt(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Compacted => f.write_str("mvcc: required revision has been compacted"),
            Error::FutureRev => f.write_str("mvcc: required revision is a future revision"),
            Error::KeyNotFound => f.write_str("key not found"),
            Error::DuplicateKey => f.write_str("duplicate key given in txn request"),
            Error::Backend(error) => write!(f, "{error}"),
            Error::Corrupt(what) => write!(f, "mvcc: corrupt backend: {what}"),
        }
    }
}

impl From<playground_bolt::Error> for Error {
    fn from(error: playground_bolt::Error) -> Self {
        Error::Backend(error)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// What a range asks for, as etcd's `RangeOptions`.
/// What etcd's `HashByRev` answers: the hash, the store's current revision and its compact
/// revision (-1 before any compaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvHash {
    pub hash: u32,
    pub revision: i64,
    pub compact_revision: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RangeOptions {
    /// At most this many keys (0: all).
    pub limit: usize,
    /// The revision to read at (0 or less: the current one).
    pub rev: i64,
    /// Only count.
    pub count: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RangeResult {
    pub kvs: Vec<KeyValue>,
    /// Keys in the range at that revision, whatever the limit.
    pub count: usize,
    /// The store's current revision (the response header's).
    pub rev: i64,
}

pub struct Store {
    backend: Backend,
    /// Keys as boxed slices: 8 bytes less than a Vec per key, and every key is in memory.
    index: BTreeMap<Box<[u8]>, KeyIndex>,
    current_rev: i64,
    compact_main_rev: i64,
}

impl Store {
    /// A fresh store (revision 1) on an empty disk.
    pub fn create(disk: Box<dyn Disk>) -> Result<Store> {
        let backend = Backend::create(disk)?;
        Ok(Store { backend, index: BTreeMap::new(), current_rev: 1, compact_main_rev: -1 })
    }

    /// Opens a store from an existing backend (a data directory, a restored snapshot): the key
    /// index is rebuilt from the `key` bucket, and an interrupted compaction is finished.
    pub fn open(disk: Box<dyn Disk>) -> Result<Store> {
        let backend = Backend::open(disk)?;
        let mut store = Store { backend, index: BTreeMap::new(), current_rev: 1, compact_main_rev: -1 };
        let finished = store.meta_revision(schema::FINISHED_COMPACT_REVISION)?;
        let scheduled = store.meta_revision(schema::SCHEDULED_COMPACT_REVISION)?;
        if let Some(finished) = finished {
            store.compact_main_rev = finished;
            store.current_rev = finished;
        }
        let entries = store.backend.range(schema::KEY, &[], &[0xff; MARKED_REVISION_BYTES + 1], 0)?;
        for (key, value) in entries {
            let (rev, tombstone) = Revision::from_bytes(&key)
                .ok_or_else(|| Error::Corrupt(format!("a key-bucket key of {} bytes", key.len())))?;
            let kv = KeyValue::decode(&value)
                .ok_or_else(|| Error::Corrupt(format!("the value at revision {}", rev.main)))?;
            // As etcd's restoreIntoIndex: a key's first surviving revision restores it with the
            // creation revision and version its value carries; a lone tombstone is skipped.
            match store.index.get_mut(kv.key.as_slice()) {
                Some(index) if tombstone => {
                    let _ = index.tombstone(rev);
                }
                Some(index) => index.put(rev),
                None if tombstone => {}
                None => {
                    let mut index = KeyIndex::default();
                    index.restore(Revision::new(kv.create_revision, 0), rev, kv.version);
                    store.index.insert(kv.key.clone().into_boxed_slice(), index);
                }
            }
            store.current_rev = store.current_rev.max(rev.main);
        }
        store.index.retain(|_, index| !index.is_empty());
        if let Some(scheduled) = scheduled {
            if finished.is_none_or(|f| f < scheduled) {
                store.compact_main_rev = scheduled;
                let keep = store.compact_index(scheduled);
                store.finish_compaction(scheduled, &keep)?;
            }
        }
        Ok(store)
    }

    fn meta_revision(&self, key: &[u8]) -> Result<Option<i64>> {
        let meta: &'static [u8] = schema::META;
        Ok(self
            .backend
            .get(meta, key)?
            .and_then(|bytes| Revision::from_bytes(&bytes))
            .map(|(rev, _)| rev.main))
    }

    pub fn current_revision(&self) -> i64 {
        self.current_rev
    }

    /// The key index from `from` on, in key order, for views of the keyspace (the page's); a
    /// deleted key stays here until a compaction drops its last generation.
    pub fn key_indexes<'a>(&'a self, from: &[u8]) -> impl Iterator<Item = (&'a [u8], &'a KeyIndex)> + 'a {
        use std::ops::Bound::{Included, Unbounded};
        self.index.range::<[u8], _>((Included(from), Unbounded)).map(|(key, index)| (&**key, index))
    }

    /// Keys in the index (live or holding revisions not yet compacted away).
    pub fn key_index_len(&self) -> usize {
        self.index.len()
    }

    /// The revision compacted to (-1: none).
    pub fn compact_revision(&self) -> i64 {
        self.compact_main_rev
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    pub fn backend_mut(&mut self) -> &mut Backend {
        &mut self.backend
    }

    /// Records the raft entry being applied (etcd keeps it in `meta` so a restart does not apply
    /// an entry twice). Written with whichever commit comes next, so no commit persists an
    /// entry's writes with an older index.
    pub fn set_consistent_index(&mut self, index: u64, term: u64) -> Result<()> {
        let meta: &'static [u8] = schema::META;
        self.backend.put_on_commit(meta, schema::CONSISTENT_INDEX.to_vec(), index.to_be_bytes().to_vec());
        self.backend.put_on_commit(meta, schema::TERM.to_vec(), term.to_be_bytes().to_vec());
        Ok(())
    }

    /// Records the backend's schema version in `meta` (etcd 3.6 writes it once the cluster
    /// version reaches 3.6), with the next commit.
    pub fn set_storage_version(&mut self, version: &str) {
        let meta: &'static [u8] = schema::META;
        self.backend.put_on_commit(meta, schema::STORAGE_VERSION.to_vec(), version.as_bytes().to_vec());
    }

    /// The applied raft index and term recorded in `meta` (0 when none).
    pub fn consistent_index(&self) -> Result<(u64, u64)> {
        let read = |key: &[u8]| -> Result<u64> {
            let value = self.backend.get(schema::META, key)?;
            Ok(value.and_then(|v| v.try_into().ok()).map(u64::from_be_bytes).unwrap_or(0))
        };
        Ok((read(schema::CONSISTENT_INDEX)?, read(schema::TERM)?))
    }

    // ---- reads -------------------------------------------------------------------------

    pub fn range(&self, key: &[u8], end: &[u8], options: RangeOptions) -> Result<RangeResult> {
        self.range_at(self.current_rev, key, end, options)
    }

    /// A range as of `cur` (the current revision, or a write transaction's own).
    fn range_at(&self, cur: i64, key: &[u8], end: &[u8], options: RangeOptions) -> Result<RangeResult> {
        if options.rev > cur {
            return Err(Error::FutureRev);
        }
        let rev = if options.rev <= 0 { cur } else { options.rev };
        if rev < self.compact_main_rev {
            return Err(Error::Compacted);
        }
        let mut revisions = Vec::new();
        let mut count = 0;
        for (_, index) in self.keys_in(key, end) {
            if let Some((modified, _, _)) = index.get(rev) {
                count += 1;
                if !options.count && (options.limit == 0 || revisions.len() < options.limit) {
                    revisions.push(modified);
                }
            }
        }
        let mut kvs = Vec::with_capacity(revisions.len());
        for revision in revisions {
            let bytes = self.backend.get(schema::KEY, &revision.to_bytes(false))?.ok_or_else(|| {
                Error::Corrupt(format!("revision {} is indexed but not stored", revision.main))
            })?;
            kvs.push(
                KeyValue::decode(&bytes)
                    .ok_or_else(|| Error::Corrupt(format!("the value at revision {}", revision.main)))?,
            );
        }
        Ok(RangeResult { kvs, count, rev: cur })
    }

    /// Keys in `[key, end)` as etcd reads a range: an empty `end` is the single key `key`, `\0`
    /// is every key from `key` on.
    fn keys_in<'a>(
        &'a self,
        key: &'a [u8],
        end: &'a [u8],
    ) -> Box<dyn Iterator<Item = (&'a Box<[u8]>, &'a KeyIndex)> + 'a> {
        use std::ops::Bound::{Excluded, Included, Unbounded};
        if end.is_empty() {
            Box::new(self.index.get_key_value(key).into_iter())
        } else if end == [0] {
            Box::new(self.index.range::<[u8], _>((Included(key), Unbounded)))
        } else if key >= end {
            Box::new(std::iter::empty())
        } else {
            Box::new(self.index.range::<[u8], _>((Included(key), Excluded(end))))
        }
    }

    // ---- writes ------------------------------------------------------------------------

    /// A write transaction: puts and deletes that share one new revision.
    pub fn write(&mut self) -> WriteTxn<'_> {
        let begin_rev = self.current_rev;
        WriteTxn { store: self, begin_rev, changes: 0 }
    }

    /// `Put` in a transaction of its own; returns the new revision.
    pub fn put(&mut self, key: &[u8], value: &[u8], lease: i64) -> Result<i64> {
        let mut txn = self.write();
        txn.put(key, value, lease)?;
        Ok(txn.end())
    }

    /// `DeleteRange` in a transaction of its own: the number deleted and the revision after.
    pub fn delete_range(&mut self, key: &[u8], end: &[u8]) -> Result<(i64, i64)> {
        let mut txn = self.write();
        let deleted = txn.delete_range(key, end)?;
        Ok((deleted, txn.end()))
    }

    // ---- compaction --------------------------------------------------------------------

    /// Compacts history up to `rev`: the compact revision stays readable, older ones do not.
    /// Deletes run in batches of [`COMPACTION_BATCH_LIMIT`], each committed, as etcd does.
    pub fn compact(&mut self, rev: i64) -> Result<()> {
        if rev <= self.compact_main_rev {
            return Err(Error::Compacted);
        }
        if rev > self.current_rev {
            return Err(Error::FutureRev);
        }
        self.compact_main_rev = rev;
        self.backend.put(
            schema::META,
            schema::SCHEDULED_COMPACT_REVISION.to_vec(),
            Revision::new(rev, 0).to_bytes(false),
            false,
        )?;
        self.backend.commit()?;
        let keep = self.compact_index(rev);
        self.finish_compaction(rev, &keep)
    }

    fn compact_index(&mut self, rev: i64) -> BTreeSet<Revision> {
        let mut available = BTreeSet::new();
        for index in self.index.values_mut() {
            index.compact(rev, &mut available);
        }
        self.index.retain(|_, index| !index.is_empty());
        available
    }

    fn finish_compaction(&mut self, rev: i64, keep: &BTreeSet<Revision>) -> Result<()> {
        let end = (rev + 1).to_be_bytes();
        let mut last = vec![0u8; REVISION_BYTES];
        loop {
            let keys = self.backend.range_keys(schema::KEY, &last, &end, COMPACTION_BATCH_LIMIT)?;
            let mut newest = None;
            for key in &keys {
                let Some((revision, _)) = Revision::from_bytes(key) else { continue };
                if !keep.contains(&revision) {
                    self.backend.delete(schema::KEY, key.clone())?;
                }
                newest = Some(revision);
            }
            if keys.len() < COMPACTION_BATCH_LIMIT {
                self.backend.put(
                    schema::META,
                    schema::FINISHED_COMPACT_REVISION.to_vec(),
                    Revision::new(rev, 0).to_bytes(false),
                    false,
                )?;
                return self.backend.commit().map_err(Error::from);
            }
            if let Some(newest) = newest {
                last = Revision::new(newest.main, newest.sub + 1).to_bytes(false);
            }
            self.backend.commit()?;
        }
    }

    // ---- hashing -----------------------------------------------------------------------

    /// etcd's `HashByRev`: a CRC-32C over the `key` bucket's name and entries up to `rev` (0: the
    /// current revision), leaving out revisions before the compaction that a compaction at `rev`
    /// would drop.
    pub fn hash_kv(&self, rev: i64) -> Result<KvHash> {
        let (compacted, current) = (self.compact_main_rev, self.current_rev);
        if rev > 0 && rev <= compacted {
            return Err(Error::Compacted);
        }
        if rev > current {
            return Err(Error::FutureRev);
        }
        let rev = if rev == 0 { current } else { rev };
        let mut keep = BTreeSet::new();
        for index in self.index.values() {
            index.keep(rev, &mut keep);
        }
        let mut digest = crc::Hash::default();
        digest.write(schema::KEY);
        let lower = Revision::new(compacted + 1, 0);
        for (key, value) in self.backend.range(schema::KEY, &[], &(rev + 1).to_be_bytes(), 0)? {
            let Some((revision, _)) = Revision::from_bytes(&key) else { continue };
            if revision < lower && !keep.is_empty() && !keep.contains(&revision) {
                continue;
            }
            digest.write(&key);
            digest.write(&value);
        }
        Ok(KvHash { hash: digest.sum32(), revision: current, compact_revision: compacted })
    }

    /// etcd's `Hash` (`endpoint hash`): a CRC-32C over every bucket's name and entries, less the
    /// consistent index and term, after committing. Returns (hash, current revision).
    pub fn hash(&mut self) -> Result<(u32, i64)> {
        self.backend.commit()?;
        let mut digest = crc::Hash::default();
        let tx = self.backend.db().view();
        let root = tx.root();
        for name in tx.bucket_names(&root)? {
            let Some(bucket) = tx.bucket(&root, &name)? else { continue };
            digest.write(&name);
            let is_meta = name == schema::META;
            tx.for_each(&bucket, &mut |key, value, _| {
                let ignored = is_meta && (key == schema::CONSISTENT_INDEX || key == schema::TERM);
                if !ignored {
                    digest.write(key);
                    digest.write(value);
                }
                true
            })?;
        }
        Ok((digest.sum32(), self.current_rev))
    }
}

/// One write transaction: every change shares the revision after the current one.
pub struct WriteTxn<'s> {
    store: &'s mut Store,
    begin_rev: i64,
    changes: i64,
}

impl WriteTxn<'_> {
    /// Reads inside the transaction see its own earlier changes.
    pub fn range(&self, key: &[u8], end: &[u8], options: RangeOptions) -> Result<RangeResult> {
        let cur = if self.changes > 0 { self.begin_rev + 1 } else { self.begin_rev };
        self.store.range_at(cur, key, end, options)
    }

    /// Changes made so far.
    pub fn changes(&self) -> i64 {
        self.changes
    }

    pub fn put(&mut self, key: &[u8], value: &[u8], lease: i64) -> Result<()> {
        self.put_kv(key, value, None, lease)
    }

    /// [`WriteTxn::put`] keeping `value` by reference in the db page it lands in (a put's
    /// value, shared with the raft entry it came in).
    pub fn put_shared(&mut self, key: &[u8], value: &Bytes, lease: i64) -> Result<()> {
        self.put_kv(key, value, Some(value), lease)
    }

    fn put_kv(&mut self, key: &[u8], value: &[u8], shared: Option<&Bytes>, lease: i64) -> Result<()> {
        let rev = self.begin_rev + 1;
        let index = self.store.index.entry(key.into()).or_default();
        let (create_revision, version) = match index.get(rev) {
            Some((_, created, version)) => (created.main, version + 1),
            None => (rev, 1),
        };
        let revision = Revision::new(rev, self.changes);
        let kv = KeyValueRef { key, create_revision, mod_revision: rev, version, value, lease };
        let encoded = match shared {
            Some(shared) => kv.encode_pieces(shared),
            None => Pieces::from(kv.encode()),
        };
        self.store.backend.put_pieces(schema::KEY, revision.to_bytes(false), encoded, true)?;
        index.put(revision);
        self.changes += 1;
        Ok(())
    }

    pub fn delete_range(&mut self, key: &[u8], end: &[u8]) -> Result<i64> {
        let at = if self.changes > 0 { self.begin_rev + 1 } else { self.begin_rev };
        let keys: Vec<Box<[u8]>> = self
            .store
            .keys_in(key, end)
            .filter(|(_, index)| index.get(at).is_some())
            .map(|(k, _)| k.clone())
            .collect();
        for key in &keys {
            let revision = Revision::new(self.begin_rev + 1, self.changes);
            let kv = KeyValue { key: key.to_vec(), ..KeyValue::default() };
            self.store.backend.put(schema::KEY, revision.to_bytes(true), kv.encode(), true)?;
            if let Some(index) = self.store.index.get_mut(&key[..]) {
                let _ = index.tombstone(revision);
            }
            self.changes += 1;
        }
        Ok(keys.len() as i64)
    }

    /// Ends the transaction: the revision moves on if anything changed. Returns the revision.
    pub fn end(self) -> i64 {
        if self.changes > 0 {
            self.store.current_rev += 1;
        }
        self.store.current_rev
    }
}

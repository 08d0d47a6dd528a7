//! Snapshot files as `etcdctl snapshot save` writes them: the backend db, then a 32-byte
//! SHA-256 of it. `etcdutl snapshot status` opens the db and reports a CRC-32C over every bucket
//! name, key and value, the revision of the last key in `key`, the number of keys in all
//! buckets, and the db size (`tx.Size()`).

use std::fmt;

use playground_bolt::{Db, MemDisk};
use playground_wire::crc;
use sha2::{Digest, Sha256};

use crate::revision::Revision;
use crate::schema;

/// Bytes of the SHA-256 trailer after the db.
pub const HASH_SIZE: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotStatus {
    pub hash: u32,
    pub revision: i64,
    /// Every key of every bucket: etcdutl 3.5's TOTAL KEYS.
    pub total_key: u64,
    pub total_size: u64,
    /// The keys whose last revision is not a deletion: etcdutl 3.6's TOTAL KEYS.
    pub live_keys: u64,
    /// `meta`'s storageVersion (3.6 dbs have one), etcdutl 3.6's VERSION.
    pub storage_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// The file is not a bbolt db (bbolt's own message).
    Db(playground_bolt::Error),
    /// The db fails bbolt's check; etcdutl refuses it.
    Check(Vec<String>),
    /// The trailer is not the db's SHA-256.
    HashMismatch,
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Db(error) => write!(f, "{error}"),
            SnapshotError::Check(errors) => write!(
                f,
                "snapshot file integrity check failed. {} errors found.\n{}",
                errors.len(),
                errors.join("\n")
            ),
            SnapshotError::HashMismatch => f.write_str("expected sha256 [..], got [..]"),
        }
    }
}

impl From<playground_bolt::Error> for SnapshotError {
    fn from(error: playground_bolt::Error) -> Self {
        SnapshotError::Db(error)
    }
}

/// `etcdutl snapshot status`: the figures real etcdutl computes from the same file.
pub fn status(file: &[u8]) -> Result<SnapshotStatus, SnapshotError> {
    let db = Db::open(Box::new(MemDisk::from_bytes(file.to_vec())))?;
    let tx = db.view();
    let problems = tx.check();
    if !problems.is_empty() {
        return Err(SnapshotError::Check(problems));
    }
    let mut digest = crc::Hash::default();
    let mut revision = 0;
    let mut total_key = 0;
    let mut live = std::collections::BTreeMap::<Vec<u8>, bool>::new();
    let mut storage_version = None;
    let root = tx.root();
    for name in tx.bucket_names(&root)? {
        let Some(bucket) = tx.bucket(&root, &name)? else { continue };
        digest.write(&name);
        let is_key_bucket = name == schema::KEY;
        let is_meta_bucket = name == schema::META;
        tx.for_each(&bucket, &mut |key, value, _| {
            digest.write(key);
            digest.write(value);
            if is_key_bucket {
                if let Some((rev, tombstone)) = Revision::from_bytes(key) {
                    revision = rev.main;
                    // Revisions come in order: the last one of a key says whether it lives.
                    if let Some(kv) = crate::kv::KeyValue::decode(value) {
                        live.insert(kv.key, !tombstone);
                    }
                }
            }
            if is_meta_bucket && key == schema::STORAGE_VERSION {
                storage_version = Some(String::from_utf8_lossy(value).into_owned());
            }
            total_key += 1;
            true
        })?;
    }
    let live_keys = live.values().filter(|&&alive| alive).count() as u64;
    Ok(SnapshotStatus {
        hash: digest.sum32(),
        revision,
        total_key,
        total_size: tx.size(),
        live_keys,
        storage_version,
    })
}

/// Splits a snapshot file into its db and checks the SHA-256 trailer, as restore does.
pub fn verified_db(file: &[u8]) -> Result<&[u8], SnapshotError> {
    if file.len() < HASH_SIZE {
        return Err(SnapshotError::Db(playground_bolt::Error::FileTooSmall));
    }
    let (db, trailer) = file.split_at(file.len() - HASH_SIZE);
    if Sha256::digest(db).as_slice() != trailer {
        return Err(SnapshotError::HashMismatch);
    }
    Ok(db)
}

/// A snapshot file for `db`: the db, then its SHA-256.
pub fn with_trailer(db: &[u8]) -> Vec<u8> {
    let mut file = Vec::with_capacity(db.len() + HASH_SIZE);
    file.extend_from_slice(db);
    file.extend_from_slice(&Sha256::digest(db));
    file
}

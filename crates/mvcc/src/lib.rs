//! etcd's keyspace over the bbolt-format page store: revisions and their key encoding, the
//! backend's bucket schema, and snapshot files (`etcdctl snapshot save`'s format and
//! `etcdutl snapshot status`'s figures).
//!
//! Checksums use well-kept crates (`crc` for etcd's CRC-32C, `sha2` for the snapshot trailer);
//! everything etcd-specific is written here from etcd's source as the reference.
//!
//! This first part reads what real etcd writes. The key index, range/put/txn, compaction,
//! watch and leases come next.

pub mod revision;
pub mod schema;
pub mod snapshot;

pub use revision::Revision;
pub use snapshot::{SnapshotError, SnapshotStatus};

//! etcd's keyspace over the bbolt-format page store: revisions and their key encoding, the
//! backend's bucket schema, and snapshot files (`etcdctl snapshot save`'s format and
//! `etcdutl snapshot status`'s figures).
//!
//! The protobuf wire format and CRC-32C come from `playground-wire`, the snapshot trailer's
//! SHA-256 from `sha2`; everything etcd-specific is written here from etcd's source as the reference.
//!
//! Here so far: the backend (batched commits over the page store), the key index with
//! generations, the store's put / delete-range / range / compaction / hash, and reopening a
//! store from a db real etcd wrote, the KV API's requests (txn included), watchers and leases.

pub mod backend;
pub mod key_index;
pub mod kv;
pub mod lease;
pub mod request;
pub mod revision;
pub mod schema;
pub mod snapshot;
pub mod store;
pub mod watch;

pub use backend::Backend;
pub use kv::KeyValue;
pub use revision::Revision;
pub use snapshot::{SnapshotError, SnapshotStatus};
pub use store::{KvHash, RangeOptions, RangeResult, Store};

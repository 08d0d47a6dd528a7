//! A member's data directory in etcd's layout (`member/wal`, `member/snap`, `member/snap/db`):
//! the WAL's record framing and rolling CRC-32C, raft snapshot files, the membership records
//! etcd keeps, and `etcdutl snapshot restore`, which builds a fresh data directory from a
//! snapshot file. Formats come from etcd's source (wal, snap, membership packages); the
//! protobuf wire format and the CRC-32C are `playground-wire`'s, JSON goes through serde_json
//! ([`json`]). Files are returned as (path, bytes) for whatever filesystem the caller has.

pub mod json;
pub mod membership;
pub mod raftlog;
pub mod restore;
pub mod snap;
pub mod wal;

pub use restore::{restore, restore_members, RestoreError, RestoreOptions};

//! The backend's buckets and the fixed keys etcd keeps in them (etcd v3.5/3.6 schema).

pub const KEY: &[u8] = b"key";
pub const META: &[u8] = b"meta";
pub const LEASE: &[u8] = b"lease";
pub const ALARM: &[u8] = b"alarm";
pub const CLUSTER: &[u8] = b"cluster";
pub const MEMBERS: &[u8] = b"members";
pub const MEMBERS_REMOVED: &[u8] = b"members_removed";
pub const AUTH: &[u8] = b"auth";
pub const AUTH_USERS: &[u8] = b"authUsers";
pub const AUTH_ROLES: &[u8] = b"authRoles";

/// `meta` keys.
pub const CONSISTENT_INDEX: &[u8] = b"consistent_index";
pub const TERM: &[u8] = b"term";
pub const SCHEDULED_COMPACT_REVISION: &[u8] = b"scheduledCompactRev";
pub const FINISHED_COMPACT_REVISION: &[u8] = b"finishedCompactRev";
pub const STORAGE_VERSION: &[u8] = b"storageVersion";

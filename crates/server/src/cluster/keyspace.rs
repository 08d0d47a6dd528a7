//! The keyspace as the page shows it: one member's key index, key by key, with the revisions
//! each key still holds (generation by generation, tombstones marked) beside its create and
//! mod revision, version and lease. Read from the index and the lessor only, never from the
//! values, so a view of keys holding 1 MiB values costs no copies; a value is read on request.

use std::collections::BTreeMap;

use playground_mvcc::RangeOptions;
use playground_raft::NodeId;
use serde::Serialize;

use super::Cluster;

/// One revision a key still holds in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyRevision {
    pub revision: i64,
    pub sub: i64,
    /// The key's deletion (the revision closing a generation).
    pub tombstone: bool,
}

/// One key of the index. A deleted key stays (with `deleted`) until compaction drops it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyRow {
    /// The key as text (bytes that are not UTF-8 shown as U+FFFD, as the terminal would).
    pub key: String,
    pub create_revision: i64,
    pub mod_revision: i64,
    pub version: i64,
    pub lease: i64,
    pub deleted: bool,
    /// Oldest first, at most [`Keyspace::revisions_per_key`] of the newest.
    pub revisions: Vec<KeyRevision>,
    /// Revisions held beyond those listed.
    pub more_revisions: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Keyspace {
    pub member: String,
    pub revision: i64,
    pub compact_revision: i64,
    /// Keys in the index, whatever the limit.
    pub total_keys: usize,
    pub keys: Vec<KeyRow>,
    pub revisions_per_key: usize,
}

impl Cluster {
    /// The member's keyspace from `from` on: at most `max_keys` keys, each with its newest
    /// `revisions_per_key` revisions. `None` when the member is down.
    pub fn keyspace(
        &self,
        member: NodeId,
        from: &[u8],
        max_keys: usize,
        revisions_per_key: usize,
    ) -> Option<Keyspace> {
        let state = self.member(member)?;
        let leases: BTreeMap<&[u8], i64> = state
            .lessor
            .leases()
            .flat_map(|lease| lease.keys.iter().map(move |key| (key.as_slice(), lease.id)))
            .collect();
        let keys = state
            .store
            .key_indexes(from)
            .take(max_keys)
            .map(|(key, index)| {
                let all: Vec<KeyRevision> = index
                    .generations
                    .iter()
                    .enumerate()
                    .flat_map(|(g, generation)| {
                        let closed = g + 1 < index.generations.len();
                        let last = generation.revs.len().saturating_sub(1);
                        generation.revs.iter().enumerate().map(move |(i, rev)| KeyRevision {
                            revision: rev.main,
                            sub: rev.sub,
                            tombstone: closed && i == last,
                        })
                    })
                    .collect();
                let live = index.generations.last().filter(|g| !g.is_empty());
                let more_revisions = all.len().saturating_sub(revisions_per_key);
                KeyRow {
                    key: String::from_utf8_lossy(key).into_owned(),
                    create_revision: live.map_or(0, |g| g.created.main),
                    mod_revision: index.modified.main,
                    version: live.map_or(0, |g| g.ver),
                    lease: leases.get(key).copied().unwrap_or(0),
                    deleted: live.is_none(),
                    revisions: all[more_revisions..].to_vec(),
                    more_revisions,
                }
            })
            .collect();
        Some(Keyspace {
            member: self.member_name(member),
            revision: state.store.current_revision(),
            compact_revision: state.store.compact_revision().max(0),
            total_keys: state.store.key_index_len(),
            keys,
            revisions_per_key,
        })
    }

    /// The value `key` had at `revision` on the member, as `etcdctl get --rev` reads it; `None`
    /// when the member is down, the revision is compacted or the key did not exist then.
    pub fn value_at(&self, member: NodeId, key: &[u8], revision: i64) -> Option<Vec<u8>> {
        let state = self.member(member)?;
        let options = RangeOptions { rev: revision, limit: 1, ..Default::default() };
        let found = state.store.range(key, &[], options).ok()?;
        found.kvs.into_iter().next().map(|kv| kv.value)
    }
}

#[cfg(test)]
mod tests {
    use playground_mvcc::request::{DeleteRangeRequest, PutRequest, RequestOp};
    use playground_raft::NodeId;

    use crate::Cluster;

    fn put(cluster: &mut Cluster, member: NodeId, key: &str, value: &str) {
        let op = RequestOp::Put(PutRequest {
            key: key.into(),
            value: value.as_bytes().to_vec().into(),
            ..Default::default()
        });
        cluster.kv(member, op, false).unwrap();
    }

    #[test]
    fn the_guides_somekey_keeps_only_what_compaction_leaves() {
        let mut cluster = Cluster::playground(1);
        let member = cluster.member_for_endpoint("127.0.0.1:2379").unwrap();
        for value in ["a", "b", "c"] {
            put(&mut cluster, member, "somekey", value);
        }
        let keyspace = cluster.keyspace(member, b"", 100, 20).unwrap();
        let row = &keyspace.keys[0];
        assert_eq!(row.key, "somekey");
        assert_eq!(row.revisions.iter().map(|r| r.revision).collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!((row.create_revision, row.mod_revision, row.version), (2, 4, 3));
        assert_eq!(cluster.value_at(member, b"somekey", 3).as_deref(), Some(&b"b"[..]));
        cluster.compact(member, 3, false).unwrap();
        let row = &cluster.keyspace(member, b"", 100, 20).unwrap().keys[0];
        // etcd keeps the newest revision at or below the compact revision: `get --rev=3` still reads b.
        assert_eq!(row.revisions.iter().map(|r| r.revision).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(cluster.value_at(member, b"somekey", 2), None);
        assert_eq!(cluster.value_at(member, b"somekey", 3).as_deref(), Some(&b"b"[..]));
    }

    #[test]
    fn a_deleted_key_shows_its_tombstone_until_compacted() {
        let mut cluster = Cluster::playground(1);
        let member = cluster.member_for_endpoint("127.0.0.1:2379").unwrap();
        put(&mut cluster, member, "k", "1");
        let delete = RequestOp::DeleteRange(DeleteRangeRequest { key: b"k".to_vec(), ..Default::default() });
        cluster.kv(member, delete, false).unwrap();
        let keyspace = cluster.keyspace(member, b"", 100, 1).unwrap();
        let row = &keyspace.keys[0];
        assert!(row.deleted);
        assert_eq!((row.revisions.len(), row.more_revisions), (1, 1));
        assert!(row.revisions[0].tombstone);
        cluster.compact(member, 3, false).unwrap();
        assert_eq!(cluster.keyspace(member, b"", 100, 20).unwrap().total_keys, 0);
    }
}

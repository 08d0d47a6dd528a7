//! `etcdutl snapshot restore`: a new member data directory from a snapshot file, as etcd 3.5
//! builds it. The db is the snapshot's, with its membership replaced by the new cluster's and
//! the consistent index set; the WAL holds the metadata, a conf change adding each member, the
//! hard state and the snapshot mark; the snap file holds the v2 store with the members.

use std::fmt;

use playground_bolt::MemDisk;
use playground_mvcc::{snapshot, Backend};
use playground_wire as proto;

use crate::membership::{self, Member};
use crate::{snap, wal};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreOptions {
    pub name: String,
    pub data_dir: String,
    /// `--initial-cluster`: name=url pairs.
    pub initial_cluster: String,
    pub initial_cluster_token: String,
    pub initial_advertise_peer_urls: String,
    pub skip_hash_check: bool,
}

impl Default for RestoreOptions {
    fn default() -> Self {
        RestoreOptions {
            name: membership::DEFAULT_NAME.into(),
            data_dir: String::new(),
            initial_cluster: format!("{}={}", membership::DEFAULT_NAME, membership::DEFAULT_PEER_URL),
            initial_cluster_token: membership::DEFAULT_CLUSTER_TOKEN.into(),
            initial_advertise_peer_urls: membership::DEFAULT_PEER_URL.into(),
            skip_hash_check: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreError {
    /// etcd's own words for the case.
    Message(String),
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RestoreError::Message(message) = self;
        f.write_str(message)
    }
}

fn error(message: impl Into<String>) -> RestoreError {
    RestoreError::Message(message.into())
}

/// Go's `%v` of a byte slice: `[1 2 3]`.
fn go_bytes(bytes: &[u8]) -> String {
    format!("[{}]", bytes.iter().map(u8::to_string).collect::<Vec<_>>().join(" "))
}

/// The restored cluster's id and members, ordered by id as etcd's restore adds them; `Err` as
/// [`restore`] would fail on these options.
pub fn restore_members(options: &RestoreOptions) -> Result<(u64, Vec<Member>), RestoreError> {
    let mut members = cluster_members(options)?;
    members.sort_by_key(|m| m.id);
    let ids: Vec<u64> = members.iter().map(|m| m.id).collect();
    Ok((membership::cluster_id(&ids), members))
}

/// The members `--initial-cluster` names, each with its URLs, in the order first named.
fn cluster_members(options: &RestoreOptions) -> Result<Vec<Member>, RestoreError> {
    let mut members: Vec<Member> = Vec::new();
    for pair in options.initial_cluster.split(',').filter(|p| !p.is_empty()) {
        let Some((name, url)) = pair.split_once('=') else {
            return Err(error(format!("missing = in {pair:?}")));
        };
        if !url.starts_with("http://") && !url.starts_with("https://") {
            return Err(error(format!("URL scheme must be http, https, unix, or unixs: {url}")));
        }
        match members.iter_mut().find(|m| m.name == name) {
            Some(member) => member.peer_urls.push(url.to_string()),
            None => members.push(Member { id: 0, name: name.to_string(), peer_urls: vec![url.to_string()] }),
        }
    }
    for member in &mut members {
        member.peer_urls.sort();
        member.id = membership::member_id(&member.peer_urls, &options.initial_cluster_token);
    }
    let own = members.iter().find(|m| m.name == options.name);
    let mut advertised: Vec<String> =
        options.initial_advertise_peer_urls.split(',').map(str::to_string).collect();
    advertised.sort();
    match own {
        Some(member) if member.peer_urls == advertised => {}
        Some(_) => {
            return Err(error(format!(
                "--initial-cluster has {}={} but missing from --initial-advertise-peer-urls={} (\"{}\"(resolved from \"{}\") != \"{}\"(resolved from \"{}\"))",
                options.name,
                own.map(|m| m.peer_urls.join(",")).unwrap_or_default(),
                options.initial_advertise_peer_urls,
                advertised.join(","),
                advertised.join(","),
                own.map(|m| m.peer_urls.join(",")).unwrap_or_default(),
                own.map(|m| m.peer_urls.join(",")).unwrap_or_default()
            )))
        }
        None => {
            return Err(error(format!(
                "couldn't find local name \"{}\" in the initial cluster configuration",
                options.name
            )))
        }
    }
    members.sort_by_key(|m| m.id);
    Ok(members)
}

/// The files of the restored data directory, as (path, bytes), paths under `data_dir`.
pub fn restore(file: &[u8], options: &RestoreOptions) -> Result<Vec<(String, Vec<u8>)>, RestoreError> {
    let members = cluster_members(options)?;
    let own = members.iter().find(|m| m.name == options.name).map(|m| m.id).unwrap_or_default();
    let ids: Vec<u64> = members.iter().map(|m| m.id).collect();
    let cluster_id = membership::cluster_id(&ids);

    // The db: the snapshot less its hash (checked unless told not to).
    let has_hash = file.len() % 512 == snapshot::HASH_SIZE;
    let db = if has_hash {
        let (db, trailer) = file.split_at(file.len() - snapshot::HASH_SIZE);
        if !options.skip_hash_check {
            let computed = snapshot::with_trailer(db);
            let computed = &computed[db.len()..];
            if computed != trailer {
                return Err(error(format!(
                    "expected sha256 {}, got {}",
                    go_bytes(trailer),
                    go_bytes(computed)
                )));
            }
        }
        db
    } else if options.skip_hash_check {
        file
    } else {
        return Err(error("snapshot missing hash but --skip-hash-check=false"));
    };

    // Membership replaced, consistent index set to the last conf change.
    let commit = members.len() as u64;
    let term = 1;
    let mut backend =
        Backend::open(Box::new(MemDisk::from_bytes(db.to_vec()))).map_err(|e| error(e.to_string()))?;
    for bucket in [playground_mvcc::schema::MEMBERS, playground_mvcc::schema::MEMBERS_REMOVED] {
        let keys = backend.range(bucket, &[], &[0xff; 32], 0).map_err(|e| error(e.to_string()))?;
        for (key, _) in keys {
            backend.delete(bucket, key).map_err(|e| error(e.to_string()))?;
        }
    }
    for member in &members {
        let key = format!("{:x}", member.id).into_bytes();
        backend
            .put(playground_mvcc::schema::MEMBERS, key, member.json().into_bytes(), false)
            .map_err(|e| error(e.to_string()))?;
    }
    let meta: &'static [u8] = playground_mvcc::schema::META;
    for (key, value) in
        [(playground_mvcc::schema::CONSISTENT_INDEX, commit), (playground_mvcc::schema::TERM, term)]
    {
        backend
            .put(meta, key.to_vec(), value.to_be_bytes().to_vec(), false)
            .map_err(|e| error(e.to_string()))?;
    }
    backend.commit().map_err(|e| error(e.to_string()))?;
    let db_file = backend.db().file_bytes().map_err(|e| error(e.to_string()))?;

    // The WAL: metadata, an empty snapshot mark, a conf change per member, the hard state, and
    // the snapshot mark at the commit.
    let mut log = wal::Encoder::new(0);
    log.record(wal::METADATA_TYPE, &proto::Encoder::new().varint(1, own).varint(2, cluster_id).finish());
    log.record(wal::SNAPSHOT_TYPE, &proto::Encoder::new().varint(1, 0).varint(2, 0).finish());
    for (i, member) in members.iter().enumerate() {
        let change = proto::Encoder::new()
            .varint(1, 0)
            .varint(2, 0)
            .varint(3, member.id)
            .bytes(4, member.json().as_bytes())
            .finish();
        let entry = proto::Encoder::new()
            .varint(1, 1)
            .varint(2, term)
            .varint(3, i as u64 + 1)
            .bytes(4, &change)
            .finish();
        log.record(wal::ENTRY_TYPE, &entry);
    }
    let hard_state = proto::Encoder::new().varint(1, term).varint(2, ids[0]).varint(3, commit).finish();
    log.record(wal::STATE_TYPE, &hard_state);
    let mark =
        proto::Encoder::new().varint(1, commit).varint(2, term).bytes(3, &snap::conf_state(&ids)).finish();
    log.record(wal::SNAPSHOT_TYPE, &mark);

    let v2 = membership::v2_store_json(&members, commit);
    let snap_file = snap::encode(&snap::raft_snapshot(v2.as_bytes(), &ids, commit, term));

    let dir = options.data_dir.trim_end_matches('/');
    Ok(vec![
        (format!("{dir}/member/snap/db"), db_file),
        (format!("{dir}/member/snap/{}", snap::file_name(term, commit)), snap_file),
        (format!("{dir}/member/wal/{}", wal::segment_name(0, 0)), log.bytes),
    ])
}

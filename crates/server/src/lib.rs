//! etcd members on the virtual world: the KV, lease, maintenance and cluster APIs through raft
//! with etcd's apply semantics, the space quota at the API and the apply layers, the NOSPACE
//! alarm raised through raft, history compaction (manual and the auto-compactor on virtual
//! time), per-member defragmentation, `--snapshot-count` retention (the raftNode loop), and
//! snapshot save, and the history the page draws ([`observe`]: samples on virtual time, the
//! typed event stream, the monitoring mixin's alerts). Written for this project from etcd's
//! source as the reference: fidelity to etcd's semantics and virtual time rule out embedding
//! anything else.

mod apply;
pub mod client;
mod cluster;
mod compactor;
mod error;
mod flags;
pub mod log;
pub mod metrics;
pub mod observe;
mod quota;
pub mod raft_node;
mod request;
mod version;

pub use apply::{EtcdMember, Response};
pub use cluster::{
    default_members, Cluster, Header, KeyRevision, KeyRow, Keyspace, LeaseGrant, MemberConfig, MemberState,
    PageCell, PageMap, StatusResponse, COMMAND_TIMEOUT_MICROS, PAGE_KINDS,
};
pub use compactor::Compactor;
pub use error::Error;
pub use flags::{parse_duration_ms, CompactionMode, FlagError, Flags};
pub use log::{timestamp, Log, LogLine};
pub use observe::{AlertState, Event, EventKind, History, MemberSample, Sample};
pub use quota::{quota_bytes, DEFAULT_QUOTA_BYTES};
pub use request::{AlarmAction, AlarmType, Envelope, Request};
pub use version::EtcdVersion;

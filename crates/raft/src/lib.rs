//! Raft with etcd-raft's semantics, as a pure state machine: messages and ticks in, a
//! [`Ready`] of state to persist, messages to send and entries to apply out; no clock, no I/O,
//! and the election-timeout randomness from a seeded RNG.
//!
//! Purpose-written rather than raft-rs: raft-rs pulls protoc and protobuf 2 and draws its
//! randomness from an RNG the playground cannot seed, and the playground must replay a run byte
//! for byte from one seed, natively and in wasm. The algorithms (pre-vote, check-quorum,
//! progress probe/replicate with inflight limits, conflict back-off by term) follow etcd-raft.
//! Entry data is `bytes::Bytes` (as raft-rs holds it): the leader's log, each follower's
//! append messages and the apply queue share one buffer per entry instead of copying it.
//!
//! Here so far: elections with pre-vote and check-quorum, replication, commitment, proposals
//! forwarded to the leader, log compaction with snapshots sent to followers behind the first
//! index, learners, single-step membership changes, leader transfer, ReadIndex, a status view.
//! Persistence through the WAL on the simulator's disks comes with the members (crates/sim).

pub mod interaction;
pub mod log;
pub mod progress;
mod raft;
pub mod types;

pub use raft::{Config, Raft, Ready, Role, Status};
pub use types::*;

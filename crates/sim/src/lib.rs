//! The virtual world the playground's cluster lives in, generic over the process it hosts: a
//! clock in microseconds and one event queue (nothing happens between events, so ten idle hours
//! take a moment), one seeded RNG, a network of links with latency, jitter, loss, partitions and
//! holds, and one disk per host whose writes take time and become durable when their sync
//! completes (a crash keeps only synced bytes). A host's disk counts its operations, and a crash
//! can be armed at any one of them (`World::crash_at_disk_op`). The same seed and inputs give
//! the same run, natively and in wasm.
//!
//! What runs on a host is the [`Host`]'s business: crates/server puts etcd's raftNode there.

mod host;
mod network;
mod world;

pub use host::{Host, Packet};
pub use network::Network;
pub use world::{Context, World};

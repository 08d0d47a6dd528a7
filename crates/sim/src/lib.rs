//! The virtual world the playground's cluster lives in: a clock in microseconds and an event
//! queue (nothing happens between events, so ten idle hours take a moment), one seeded RNG, a
//! network of links with latency, jitter, loss and partitions, and hosts each with a simulated
//! disk and a raft member on it. A member persists what raft hands it to its WAL and syncs
//! before its messages leave; a crash drops what was not synced, and a restart replays the WAL.
//! The same seed and inputs give the same run, natively and in wasm.
//!
//! What an entry means is the [`Application`]'s business: [`EntryLog`] stores entries as opaque
//! data; crates/server puts etcd's apply loop there.

mod app;
mod network;
mod world;

pub use app::{Application, EntryLog, OpenApplication};
pub use network::Network;
pub use world::{MemberView, World, WorldEvent, TICK_MICROS};

//! What the world hosts: one process per host, driven by events (a timer it set fired, a
//! message arrived, a disk write it issued became durable) and answering through a
//! [`Context`](crate::Context). The world never looks inside a host.

use playground_raft::{Message, NodeId};

use crate::world::Context;

/// A message the network carries between hosts.
pub trait Packet {
    fn from(&self) -> NodeId;
    fn to(&self) -> NodeId;
    /// What the world's trace records of a delivery, besides its time and ends.
    fn trace_words(&self) -> [u64; 2];
}

impl Packet for Message {
    fn from(&self) -> NodeId {
        self.from
    }
    fn to(&self) -> NodeId {
        self.to
    }
    fn trace_words(&self) -> [u64; 2] {
        [self.term, self.index]
    }
}

/// A process on a host. While it is down (crashed, not yet restarted) the world hands it
/// nothing: its timers and the messages sent to it are dropped.
pub trait Host: Sized {
    type Message: Packet;
    type Timer;
    /// A timer set with [`Context::set_timer`] fired.
    fn timer(&mut self, cx: &mut Context<'_, Self>, timer: Self::Timer);
    /// A message from another host arrived.
    fn receive(&mut self, cx: &mut Context<'_, Self>, message: Self::Message);
    /// The write issued with [`Context::write_and_sync`] under `token` is durable.
    fn synced(&mut self, cx: &mut Context<'_, Self>, token: u64);
    /// The process dies: everything but its files is gone, and the files keep only what was
    /// synced.
    fn crash(&mut self);
    /// The process starts again from its files; false if it cannot (it stays down).
    fn restart(&mut self, cx: &mut Context<'_, Self>) -> bool;
}

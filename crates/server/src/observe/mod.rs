//! What the page draws over virtual time: every member's figures sampled on the sim clock
//! (every second by default) into a ring that coarsens old samples, the typed event stream,
//! and the monitoring mixin's alerts evaluated on the samples. All of it is passive: recording
//! reads the members and never changes what they do, so a run gives the same output with the
//! history on or off. The cluster feeds it (`cluster/observe.rs`).

mod alerts;
mod event;
pub mod ring;
mod sample;

use std::collections::VecDeque;

pub(crate) use alerts::{handling_bucket, Alerts, Target, HANDLING_BUCKETS};
pub use alerts::{AlertState, EVAL_INTERVAL_MICROS};
pub use event::{Event, EventKind, EVENT_LIMIT};
pub(crate) use event::{Events, Raw, Sink};
pub use ring::{Ring, TIERS, TIER_CAPACITY};
pub use sample::{MemberSample, Sample};

/// The default time between two samples: one second of virtual time.
pub const SAMPLE_INTERVAL_MICROS: u64 = 1_000_000;

/// The cluster's sampled history, events and alerts, in bounded memory.
#[derive(Debug, Clone)]
pub struct History {
    pub(crate) ring: Ring,
    pub(crate) events: Events,
    pub(crate) alerts: Alerts,
    pub(crate) enabled: bool,
    pub(crate) interval_micros: u64,
    /// When the next sample and the next evaluation are due.
    pub(crate) next_sample_at: u64,
    pub(crate) next_eval_at: u64,
}

impl Default for History {
    fn default() -> Self {
        History {
            ring: Ring::default(),
            events: Events::default(),
            alerts: Alerts::default(),
            enabled: true,
            interval_micros: SAMPLE_INTERVAL_MICROS,
            next_sample_at: 0,
            next_eval_at: 0,
        }
    }
}

impl History {
    /// Every sample kept, oldest first, the coarse (merged) ones before the fine.
    pub fn samples(&self) -> Vec<Sample> {
        self.ring.samples()
    }

    /// The samples of [`History::samples`] without copying them (what a chart redrawn every
    /// frame reads).
    pub fn iter_samples(&self) -> impl Iterator<Item = &Sample> {
        self.ring.iter()
    }

    pub fn latest(&self) -> Option<&Sample> {
        self.ring.latest()
    }

    /// The newest [`EVENT_LIMIT`] events, oldest first.
    pub fn events(&self) -> &VecDeque<Event> {
        self.events.list()
    }

    /// Events with a `seq` above `seq`, oldest first (0: every event kept).
    pub fn events_since(&self, seq: u64) -> Vec<Event> {
        self.events.since(seq)
    }

    /// Every alert rule instance with its current state.
    pub fn alerts(&self) -> Vec<AlertState> {
        self.alerts.states()
    }

    /// Whether it records (samples, events, alerts).
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn sample_interval_micros(&self) -> u64 {
        self.interval_micros
    }

    /// An estimate of the bytes it holds: buffers by capacity plus the strings they own.
    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of::<History>()
            + self.ring.memory_bytes()
            + self.events.memory_bytes()
            + self.alerts.memory_bytes()
    }
}

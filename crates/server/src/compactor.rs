//! The auto-compactor (etcd v3.3.3+ semantics), on virtual time. Only the leader's compactor
//! acts (etcd pauses it on followers).
//!
//! - periodic, retention P: the current revision is sampled every `min(P, 1h) / 10`; the first
//!   compaction comes P after start at the revision seen then, later ones every `min(P, 1h)`
//!   at the oldest sample kept (about P earlier).
//! - revision, retention N: every 5 minutes, compact to `current revision - N` unless that is
//!   not positive or was the last one.

use std::collections::VecDeque;

use crate::flags::CompactionMode;

const MS: u64 = 1000;
const HOUR_MS: u64 = 3_600_000;
/// The revision compactor's check interval.
const REVISION_INTERVAL_MS: u64 = 5 * 60 * 1000;

#[derive(Debug, Clone)]
pub struct Compactor {
    pub mode: CompactionMode,
    /// The period in milliseconds (periodic) or the revisions kept (revision).
    pub retention: u64,
    /// When it next wakes, in virtual microseconds.
    pub next_micros: u64,
    revs: VecDeque<i64>,
    last_success_micros: u64,
    base_interval_ms: u64,
    prev: i64,
}

impl Compactor {
    pub fn new(mode: CompactionMode, retention: u64, now_micros: u64) -> Compactor {
        let mut compactor = Compactor {
            mode,
            retention,
            next_micros: now_micros,
            revs: VecDeque::new(),
            last_success_micros: now_micros,
            base_interval_ms: retention,
            prev: 0,
        };
        compactor.next_micros = match compactor.mode {
            CompactionMode::Periodic => now_micros,
            CompactionMode::Revision => now_micros + REVISION_INTERVAL_MS * MS,
        };
        compactor
    }

    fn compact_interval_ms(&self) -> u64 {
        self.retention.min(HOUR_MS)
    }

    fn retry_interval_ms(&self) -> u64 {
        (self.compact_interval_ms() / 10).max(1)
    }

    /// The compactor wakes at `next_micros` seeing `current_rev`: the revision to compact to,
    /// if any. `sample_only` for a wake-up that just records (the periodic loop's first step).
    pub fn wake(&mut self, now_micros: u64, current_rev: i64, is_leader: bool) -> Option<i64> {
        match self.mode {
            CompactionMode::Periodic => self.wake_periodic(now_micros, current_rev, is_leader),
            CompactionMode::Revision => {
                self.next_micros = now_micros + REVISION_INTERVAL_MS * MS;
                let rev = current_rev - self.retention as i64;
                if !is_leader || rev <= 0 || rev == self.prev {
                    return None;
                }
                Some(rev)
            }
        }
    }

    fn wake_periodic(&mut self, now_micros: u64, current_rev: i64, is_leader: bool) -> Option<i64> {
        // The loop: record a sample, sleep a retry interval, then maybe compact.
        let due = !self.revs.is_empty();
        let mut target = None;
        if due && is_leader {
            let rev = self.revs[0];
            if now_micros - self.last_success_micros >= self.base_interval_ms * MS {
                if self.base_interval_ms == self.retention {
                    self.base_interval_ms = self.compact_interval_ms();
                }
                target = Some(rev);
            }
        }
        self.revs.push_back(current_rev);
        let keep = (self.retention / self.retry_interval_ms() + 1) as usize;
        while self.revs.len() > keep {
            self.revs.pop_front();
        }
        self.next_micros = now_micros + self.retry_interval_ms() * MS;
        target
    }

    /// The compaction to `rev` succeeded (or the revision was already compacted).
    pub fn succeeded(&mut self, now_micros: u64, rev: i64) {
        self.last_success_micros = now_micros;
        self.prev = rev;
    }

    /// A description for the log: `1m0s` or the revision count.
    pub fn period_text(&self) -> String {
        let seconds = self.retention / 1000;
        let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        if h > 0 {
            format!("{h}h{m}m{s}s")
        } else if m > 0 {
            format!("{m}m{s}s")
        } else {
            format!("{s}s")
        }
    }
}

//! The raft log: every entry from the first index on, what of it is stable (persisted), what is
//! committed and what applied. Indexes and terms start as etcd-raft's do: an empty log has last
//! index 0 and term 0.

use crate::types::Entry;

/// What an entry costs in memory besides its data (index, term, type, the vector's header).
pub const ENTRY_OVERHEAD_BYTES: u64 = 48;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RaftLog {
    /// `entries[0]` has index `offset + 1`; `offset` and `offset_term` stand for the compacted prefix.
    entries: Vec<Entry>,
    /// What `entries` take, as [`RaftLog::memory_bytes`] counts it, kept as they change.
    bytes: u64,
    offset: u64,
    offset_term: u64,
    /// Entries up to here are persisted.
    pub stabled: u64,
    pub committed: u64,
    pub applied: u64,
}

impl RaftLog {
    pub fn last_index(&self) -> u64 {
        self.offset + self.entries.len() as u64
    }

    /// Bytes the entries held in memory take (data plus a fixed cost per entry), what etcd's
    /// `--snapshot-count` and the catch-up entries it keeps bound.
    pub fn memory_bytes(&self) -> u64 {
        self.bytes
    }

    fn cost(entries: &[Entry]) -> u64 {
        entries.iter().map(|e| e.data.len() as u64 + ENTRY_OVERHEAD_BYTES).sum()
    }

    pub fn first_index(&self) -> u64 {
        self.offset + 1
    }

    pub fn last_term(&self) -> u64 {
        self.term(self.last_index()).unwrap_or(0)
    }

    /// The term of entry `index` (0 for index 0); `None` if compacted away or not there yet.
    pub fn term(&self, index: u64) -> Option<u64> {
        if index == self.offset {
            return Some(self.offset_term);
        }
        if index < self.offset || index > self.last_index() {
            return None;
        }
        Some(self.entries[(index - self.offset - 1) as usize].term)
    }

    pub fn match_term(&self, index: u64, term: u64) -> bool {
        self.term(index) == Some(term)
    }

    /// Entries from `from` on (at most `max`), or `None` if `from` is compacted away.
    pub fn entries_from(&self, from: u64, max: usize) -> Option<Vec<Entry>> {
        if from <= self.offset {
            return None;
        }
        let start = (from - self.offset - 1) as usize;
        Some(self.entries.get(start..).unwrap_or_default().iter().take(max).cloned().collect())
    }

    /// Entries not yet persisted.
    pub fn unstable_entries(&self) -> Vec<Entry> {
        self.entries_from(self.stabled + 1, usize::MAX).unwrap_or_default()
    }

    /// Committed entries not yet applied.
    pub fn next_committed(&self) -> Vec<Entry> {
        let from = self.applied.max(self.offset) + 1;
        let count = self.committed.saturating_sub(from - 1) as usize;
        self.entries_from(from, count).unwrap_or_default()
    }

    /// Appends after the last entry (the leader's own proposals).
    pub fn append(&mut self, entries: &[Entry]) -> u64 {
        self.bytes += Self::cost(entries);
        self.entries.extend_from_slice(entries);
        self.last_index()
    }

    /// A follower's append: if the entry at `index` has `log_term`, keep what agrees, replace
    /// from the first conflict, advance the commit. Returns the last new index.
    pub fn maybe_append(&mut self, index: u64, log_term: u64, commit: u64, entries: &[Entry]) -> Option<u64> {
        if !self.match_term(index, log_term) {
            return None;
        }
        let last_new = index + entries.len() as u64;
        if let Some(conflict) = entries.iter().find(|e| !self.match_term(e.index, e.term)) {
            // A conflict at or below the committed index would lose committed data.
            if conflict.index <= self.committed {
                return None;
            }
            let keep = (conflict.index - self.offset - 1) as usize;
            self.bytes = self.bytes.saturating_sub(Self::cost(self.entries.get(keep..).unwrap_or_default()));
            self.entries.truncate(keep);
            self.stabled = self.stabled.min(conflict.index - 1);
            let start = (conflict.index - index - 1) as usize;
            self.bytes += Self::cost(&entries[start..]);
            self.entries.extend_from_slice(&entries[start..]);
        }
        self.commit_to(commit.min(last_new));
        Some(last_new)
    }

    /// The largest index at or below `index` whose term is at most `term` (etcd-raft's
    /// `findConflictByTerm`, for a fast back-off on rejection).
    pub fn find_conflict_by_term(&self, index: u64, term: u64) -> (u64, u64) {
        let mut index = index.min(self.last_index());
        while index > self.offset {
            match self.term(index) {
                Some(t) if t > term => index -= 1,
                Some(t) => return (index, t),
                None => break,
            }
        }
        (index, self.term(index).unwrap_or(0))
    }

    pub fn commit_to(&mut self, commit: u64) {
        if commit > self.committed {
            self.committed = commit.min(self.last_index());
        }
    }

    /// Drops the entries up to `index` (applied, and kept in a snapshot).
    pub fn compact(&mut self, index: u64) -> bool {
        if index <= self.offset || index > self.applied {
            return false;
        }
        let Some(term) = self.term(index) else { return false };
        let dropped = (index - self.offset) as usize;
        self.bytes = self.bytes.saturating_sub(Self::cost(&self.entries[..dropped]));
        self.entries.drain(..dropped);
        self.offset = index;
        self.offset_term = term;
        true
    }

    /// Replaces the log with a snapshot's position (a follower catching up by snapshot).
    pub fn restore(&mut self, index: u64, term: u64) {
        self.entries.clear();
        self.bytes = 0;
        self.offset = index;
        self.offset_term = term;
        self.stabled = index;
        self.committed = index;
        self.applied = index;
    }

    /// Entries held in memory (what `--snapshot-count` bounds).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Is a log ending at (`index`, `term`) at least as up to date as this one?
    pub fn is_up_to_date(&self, index: u64, term: u64) -> bool {
        term > self.last_term() || (term == self.last_term() && index >= self.last_index())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::EntryType;

    fn entry(index: u64, term: u64, len: usize) -> Entry {
        Entry { term, index, kind: EntryType::Normal, data: vec![0u8; len].into() }
    }

    #[test]
    fn memory_bytes_follows_appends_conflicts_and_compaction() {
        let mut log = RaftLog::default();
        log.append(&[entry(1, 1, 10), entry(2, 1, 20), entry(3, 1, 30)]);
        assert_eq!(log.memory_bytes(), 60 + 3 * ENTRY_OVERHEAD_BYTES);
        // A new leader's entry replaces index 3.
        assert_eq!(log.maybe_append(2, 1, 0, &[entry(3, 2, 5)]), Some(3));
        assert_eq!(log.memory_bytes(), 35 + 3 * ENTRY_OVERHEAD_BYTES);
        log.commit_to(3);
        log.applied = 3;
        assert!(log.compact(2));
        assert_eq!(log.memory_bytes(), 5 + ENTRY_OVERHEAD_BYTES);
        log.restore(10, 3);
        assert_eq!(log.memory_bytes(), 0);
    }
}

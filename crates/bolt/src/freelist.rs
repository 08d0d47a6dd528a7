//! The freelist: pages free for reuse, and pages freed by recent transactions that stay
//! *pending* while a reader that may still see them is open (bbolt's array freelist,
//! first-fit allocation of contiguous runs).

use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Freelist {
    free: BTreeSet<u64>,
    /// Pages freed by each transaction, not yet reusable.
    pending: BTreeMap<u64, Vec<u64>>,
}

impl Freelist {
    pub fn from_free(ids: impl IntoIterator<Item = u64>) -> Self {
        Freelist { free: ids.into_iter().collect(), pending: BTreeMap::new() }
    }

    /// The first run of `count` contiguous free pages, taken off the list.
    pub fn allocate(&mut self, count: u64) -> Option<u64> {
        if count == 0 {
            return None;
        }
        let mut start = 0;
        let mut previous = 0;
        let mut found = None;
        for &id in &self.free {
            if previous == 0 || id != previous + 1 {
                start = id;
            }
            if id - start + 1 == count {
                found = Some(start);
                break;
            }
            previous = id;
        }
        let start = found?;
        for id in start..start + count {
            self.free.remove(&id);
        }
        Some(start)
    }

    /// Marks a page and its overflow pages freed by transaction `txid`.
    pub fn free(&mut self, txid: u64, id: u64, overflow: u32) {
        let pending = self.pending.entry(txid).or_default();
        pending.extend(id..=id + u64::from(overflow));
    }

    /// Makes the pages freed by transactions before `txid` reusable: no reader can see them.
    pub fn release_before(&mut self, txid: u64) {
        let kept = self.pending.split_off(&txid);
        for (_, ids) in std::mem::replace(&mut self.pending, kept) {
            self.free.extend(ids);
        }
    }

    /// Forgets what transaction `txid` freed (it rolled back).
    pub fn rollback(&mut self, txid: u64) {
        self.pending.remove(&txid);
    }

    pub fn free_count(&self) -> u64 {
        self.free.len() as u64
    }

    pub fn pending_count(&self) -> u64 {
        self.pending.values().map(|ids| ids.len() as u64).sum()
    }

    pub fn free_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.free.iter().copied()
    }

    pub fn is_pending(&self, id: u64) -> bool {
        self.pending.values().any(|ids| ids.contains(&id))
    }

    /// Free and pending ids together, sorted: what a synced freelist page records.
    pub fn all_ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> =
            self.free.iter().copied().chain(self.pending.values().flatten().copied()).collect();
        ids.sort_unstable();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn first_fit_contiguous_runs() {
        let mut freelist = Freelist::from_free([3, 4, 6, 7, 8, 12]);
        assert_eq!(freelist.allocate(3), Some(6));
        assert_eq!(freelist.allocate(2), Some(3));
        assert_eq!(freelist.allocate(2), None);
        assert_eq!(freelist.allocate(1), Some(12));
        assert_eq!(freelist.free_count(), 0);
    }

    #[test]
    fn pending_until_released() {
        let mut freelist = Freelist::default();
        freelist.free(5, 10, 1);
        freelist.free(6, 20, 0);
        assert_eq!((freelist.free_count(), freelist.pending_count()), (0, 3));
        freelist.release_before(6);
        assert_eq!(freelist.free_ids().collect::<Vec<_>>(), [10, 11]);
        freelist.rollback(6);
        assert_eq!(freelist.pending_count(), 0);
    }
}

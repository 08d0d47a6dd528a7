//! The in-memory index from a key to its revisions, in generations: a generation runs from a
//! key's creation to its deletion (a tombstone), as etcd's `keyIndex`. Compaction drops the
//! revisions no reader at or after the compact revision can need.

use std::collections::BTreeSet;

use crate::revision::Revision;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Generation {
    /// Versions the key had in this generation (puts and the closing tombstone).
    pub ver: i64,
    pub created: Revision,
    pub revs: Vec<Revision>,
}

impl Generation {
    pub fn is_empty(&self) -> bool {
        self.revs.is_empty()
    }

    /// Index of the newest revision for which `keep_going` is false, from the end.
    fn walk(&self, mut keep_going: impl FnMut(Revision) -> bool) -> Option<usize> {
        (0..self.revs.len()).rev().find(|&i| !keep_going(self.revs[i]))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyIndex {
    pub modified: Revision,
    pub generations: Vec<Generation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevisionNotFound;

impl KeyIndex {
    pub fn put(&mut self, rev: Revision) {
        // Most keys have one generation of few revisions: allocate exactly, not Vec's minimum
        // of four, since the index of every key is kept in memory (three members in one tab).
        if self.generations.is_empty() {
            self.generations.reserve_exact(1);
            self.generations.push(Generation::default());
        }
        let g = self.generations.last_mut().expect("just ensured");
        if g.revs.is_empty() {
            g.created = rev;
            g.revs.reserve_exact(1);
        }
        g.revs.push(rev);
        g.ver += 1;
        self.modified = rev;
    }

    /// A key as restored from the backend: its first surviving revision, with the creation
    /// revision and version the stored KeyValue carries.
    pub fn restore(&mut self, created: Revision, modified: Revision, ver: i64) {
        self.modified = modified;
        // `vec![x]` allocates exactly one element.
        self.generations = vec![Generation { ver, created, revs: vec![modified] }];
    }

    /// Deletes the key at `rev`: the tombstone ends the generation.
    pub fn tombstone(&mut self, rev: Revision) -> Result<(), RevisionNotFound> {
        if self.generations.last().is_none_or(Generation::is_empty) {
            return Err(RevisionNotFound);
        }
        self.put(rev);
        self.generations.push(Generation::default());
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.generations.len() == 1 && self.generations[0].is_empty()
    }

    /// The revision visible at `at_rev`: (modified, created, version).
    pub fn get(&self, at_rev: i64) -> Option<(Revision, Revision, i64)> {
        let g = self.find_generation(at_rev)?;
        let n = g.walk(|rev| rev.main > at_rev)?;
        Some((g.revs[n], g.created, g.ver - (g.revs.len() - n - 1) as i64))
    }

    fn find_generation(&self, rev: i64) -> Option<&Generation> {
        let last = self.generations.len().checked_sub(1)?;
        for (i, g) in self.generations.iter().enumerate().rev() {
            let Some(newest) = g.revs.last() else { continue };
            // A closed generation whose tombstone is at or before `rev`: the key was deleted.
            if i != last && newest.main <= rev {
                return None;
            }
            if g.revs[0].main <= rev {
                return Some(g);
            }
        }
        None
    }

    /// Revisions after `rev`, one per main revision (the last change in each transaction).
    pub fn since(&self, rev: i64) -> Vec<Revision> {
        let since = Revision::new(rev, 0);
        let mut start = 0;
        for (i, g) in self.generations.iter().enumerate().rev() {
            if !g.is_empty() && since > g.created {
                start = i;
                break;
            }
        }
        let mut revs: Vec<Revision> = Vec::new();
        for g in &self.generations[start..] {
            for &r in &g.revs {
                if since > r {
                    continue;
                }
                match revs.last_mut() {
                    Some(last) if last.main == r.main => *last = r,
                    _ => revs.push(r),
                }
            }
        }
        revs
    }

    /// Compacts to `at_rev`: records in `available` the revisions that must stay in the
    /// backend, and drops older generations and revisions.
    pub fn compact(&mut self, at_rev: i64, available: &mut BTreeSet<Revision>) {
        if self.generations.is_empty() {
            return;
        }
        let (mut gen_index, rev_index) = self.do_compact(at_rev, available);
        let last = self.generations.len() - 1;
        let g = &mut self.generations[gen_index];
        if !g.is_empty() {
            if let Some(rev_index) = rev_index {
                g.revs.drain(..rev_index);
            }
            // A generation left with only its tombstone (deleted at the compact revision) goes,
            // and the tombstone with it.
            if g.revs.len() == 1 && gen_index != last {
                available.remove(&g.revs[0]);
                gen_index += 1;
            }
        }
        self.generations.drain(..gen_index);
    }

    /// What [`KeyIndex::compact`] would keep, without compacting (for hashing at a revision).
    pub fn keep(&self, at_rev: i64, available: &mut BTreeSet<Revision>) {
        if self.is_empty() || self.generations.is_empty() {
            return;
        }
        let (gen_index, rev_index) = self.do_compact(at_rev, available);
        let g = &self.generations[gen_index];
        if let (false, Some(rev_index)) = (g.is_empty(), rev_index) {
            if rev_index == g.revs.len() - 1 && gen_index != self.generations.len() - 1 {
                available.remove(&g.revs[rev_index]);
            }
        }
    }

    fn do_compact(&self, at_rev: i64, available: &mut BTreeSet<Revision>) -> (usize, Option<usize>) {
        let mut gen_index = 0;
        while gen_index < self.generations.len() - 1 {
            let g = &self.generations[gen_index];
            if g.revs.last().is_some_and(|tomb| tomb.main >= at_rev) {
                break;
            }
            gen_index += 1;
        }
        let rev_index = self.generations[gen_index].walk(|rev| {
            if rev.main <= at_rev {
                available.insert(rev);
                false
            } else {
                true
            }
        });
        (gen_index, rev_index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn rev(main: i64) -> Revision {
        Revision::new(main, 0)
    }

    /// put 2, 4, 6, delete 8, put 10, 12 (etcd's key_index_test shape).
    fn sample() -> KeyIndex {
        let mut ki = KeyIndex::default();
        for r in [2, 4, 6] {
            ki.put(rev(r));
        }
        ki.tombstone(rev(8)).unwrap();
        for r in [10, 12] {
            ki.put(rev(r));
        }
        ki
    }

    #[test]
    fn get_across_generations() {
        let ki = sample();
        assert_eq!(ki.get(1), None);
        assert_eq!(ki.get(2), Some((rev(2), rev(2), 1)));
        assert_eq!(ki.get(5), Some((rev(4), rev(2), 2)));
        assert_eq!(ki.get(7), Some((rev(6), rev(2), 3)));
        assert_eq!(ki.get(8), None);
        assert_eq!(ki.get(9), None);
        assert_eq!(ki.get(10), Some((rev(10), rev(10), 1)));
        assert_eq!(ki.get(100), Some((rev(12), rev(10), 2)));
        assert_eq!(ki.since(5), [rev(6), rev(8), rev(10), rev(12)]);
    }

    #[test]
    fn compaction_keeps_what_readers_need() {
        let mut ki = sample();
        let mut available = BTreeSet::new();
        ki.compact(5, &mut available);
        assert_eq!(available, BTreeSet::from([rev(4)]));
        assert_eq!(ki.get(5), Some((rev(4), rev(2), 2)));
        let mut available = BTreeSet::new();
        ki.compact(9, &mut available);
        assert!(available.is_empty());
        assert_eq!(ki.generations.len(), 1);
        assert_eq!(ki.get(11), Some((rev(10), rev(10), 1)));
        let mut deleted = KeyIndex::default();
        deleted.put(rev(2));
        deleted.tombstone(rev(3)).unwrap();
        deleted.compact(5, &mut BTreeSet::new());
        assert!(deleted.is_empty());
        // Compacted at the delete's own revision: the tombstone goes too, as in etcd.
        let mut at_delete = KeyIndex::default();
        at_delete.put(rev(2));
        at_delete.tombstone(rev(3)).unwrap();
        let mut available = BTreeSet::new();
        at_delete.compact(3, &mut available);
        assert!(available.is_empty(), "{available:?}");
        assert!(at_delete.is_empty());
        assert_eq!(deleted.tombstone(rev(6)), Err(RevisionNotFound));
    }
}

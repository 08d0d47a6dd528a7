//! The sampled history in a fixed budget: tiers of at most [`TIER_CAPACITY`] samples. New
//! samples enter tier 0; when a tier overflows, its two oldest samples merge into one that
//! moves to the next tier, so each tier holds samples spanning twice the time of the one
//! before. With 1 s samples tier 0 covers the last 10 minutes at full resolution, tier 7
//! (2 min samples) reaches back more than a day, and past the last tier the oldest samples
//! are dropped: [`TIERS`] tiers cover about 7 days and never hold more than
//! `TIERS * TIER_CAPACITY` samples.

use std::collections::VecDeque;

use super::sample::Sample;

/// Samples a tier holds.
pub const TIER_CAPACITY: usize = 600;
/// Tiers kept.
pub const TIERS: usize = 10;

#[derive(Debug, Clone)]
pub struct Ring {
    /// `tiers[0]` newest; every sample of `tiers[k + 1]` is older than those of `tiers[k]`.
    tiers: Vec<VecDeque<Sample>>,
    capacity: usize,
}

impl Default for Ring {
    fn default() -> Self {
        Ring::new(TIER_CAPACITY, TIERS)
    }
}

impl Ring {
    pub fn new(capacity: usize, tiers: usize) -> Ring {
        Ring { tiers: (0..tiers.max(1)).map(|_| VecDeque::new()).collect(), capacity: capacity.max(2) }
    }

    /// Adds the newest sample (taken after every sample it holds).
    pub fn push(&mut self, sample: Sample) {
        let capacity = self.capacity;
        let last = self.tiers.len() - 1;
        let mut carry = Some(sample);
        for (k, tier) in self.tiers.iter_mut().enumerate() {
            let Some(sample) = carry.take() else { break };
            if tier.capacity() == 0 {
                tier.reserve_exact(capacity + 1);
            }
            tier.push_back(sample);
            if tier.len() <= capacity {
                break;
            }
            if k == last {
                tier.pop_front();
                break;
            }
            if let (Some(a), Some(b)) = (tier.pop_front(), tier.pop_front()) {
                carry = Some(a.merge(&b));
            }
        }
    }

    /// Every sample, oldest first.
    pub fn samples(&self) -> Vec<Sample> {
        self.iter().cloned().collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Sample> {
        self.tiers.iter().rev().flat_map(|tier| tier.iter())
    }

    pub fn latest(&self) -> Option<&Sample> {
        self.tiers.first().and_then(VecDeque::back)
    }

    pub fn len(&self) -> usize {
        self.tiers.iter().map(VecDeque::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held: every tier's buffer and what its samples hold on the heap.
    pub fn memory_bytes(&self) -> usize {
        self.tiers
            .iter()
            .map(|tier| {
                (tier.capacity() - tier.len()) * std::mem::size_of::<Sample>()
                    + tier.iter().map(Sample::memory_bytes).sum::<usize>()
            })
            .sum::<usize>()
            + self.tiers.capacity() * std::mem::size_of::<VecDeque<Sample>>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::sample::MemberSample;

    fn sample(second: u64) -> Sample {
        let member = |name: &str| MemberSample {
            name: name.into(),
            up: true,
            db_size: second,
            revision: second as i64,
            ..Default::default()
        };
        Sample {
            at_micros: second * 1_000_000,
            span_micros: 0,
            members: vec![member("infra1"), member("infra2")],
        }
    }

    #[test]
    fn coarsening_keeps_time_order_and_covers_everything_kept() {
        let mut ring = Ring::new(10, 4);
        for second in 0..1000 {
            ring.push(sample(second));
            assert!(ring.len() <= 40);
        }
        let samples = ring.samples();
        for pair in samples.windows(2) {
            assert!(
                pair[0].end_micros() < pair[1].at_micros,
                "{:?} then {:?}",
                pair[0].at_micros,
                pair[1].at_micros
            );
        }
        assert_eq!(ring.latest().map(|s| s.at_micros), Some(999_000_000));
        assert_eq!(samples.last().map(|s| s.span_micros), Some(0));
        // The oldest tier's samples span 2^3 raw samples each.
        assert_eq!(samples[0].span_micros, 7_000_000);
        // Peaks survive: a merged sample's db size is the largest it covers (its last second).
        assert_eq!(samples[0].members[0].db_size, samples[0].end_micros() / 1_000_000);
    }

    #[test]
    fn the_budget_holds_however_long_it_runs() {
        let mut ring = Ring::default();
        for second in 0..(3 * 24 * 3600) {
            ring.push(sample(second));
        }
        assert!(ring.len() <= TIERS * TIER_CAPACITY);
        let bytes = ring.memory_bytes();
        assert!(bytes < 8 << 20, "{bytes} bytes");
        // Three days back still covered: the oldest sample is from the first day.
        assert!(ring.samples()[0].at_micros < 24 * 3600 * 1_000_000);
    }
}

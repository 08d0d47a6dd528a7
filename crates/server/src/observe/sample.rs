//! One sample of every member's figures at an instant of virtual time, and how two adjacent
//! samples merge into one when the history coarsens.
//!
//! Merging keeps what a chart of the span must still show: the later sample's gauges (the
//! state at the span's end, counters included), but the peak of `db_size`, `raft_entries`,
//! `raft_bytes`, `requests_per_second`, `proposals_pending` and `fsync_p99_micros` (a spike or
//! a sawtooth's top is not lost);
//! `up` only if up in both (a restart inside the span still shows), and the union of alarms
//! (an alarm span is never shortened away).

use serde::Serialize;

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    /// Virtual time of the sample; for a merged one, the start of the span it covers.
    pub at_micros: u64,
    /// 0 for a raw sample; once merged, the time from `at_micros` to the last instant merged.
    pub span_micros: u64,
    pub members: Vec<MemberSample>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct MemberSample {
    pub name: String,
    pub up: bool,
    pub leader: bool,
    pub db_size: u64,
    pub db_size_in_use: u64,
    pub quota: u64,
    pub revision: i64,
    pub compact_revision: i64,
    /// The member's raft commit index (what `endpoint status` shows as the raft index).
    pub raft_index: u64,
    pub applied_index: u64,
    pub snapshot_index: u64,
    /// Entries the raft log holds in memory, and their bytes (what `--snapshot-count` bounds).
    pub raft_entries: u64,
    pub raft_bytes: u64,
    /// Keys in the key index: live ones and deleted ones whose history is not compacted yet.
    pub keys: u64,
    /// Calls the typed client (every etcd tool, the page's buttons) made to the member, per
    /// second since the previous sample.
    pub requests_per_second: f64,
    /// Alarms raised for this member ("NOSPACE", "CORRUPT"), as its own store holds them.
    pub alarms: Vec<String>,
    /// Leader changes seen while up (etcd_server_leader_changes_seen_total).
    pub leader_changes: u64,
    /// Proposals that failed: the client's deadline passed first (etcd_server_proposals_failed_total).
    pub proposals_failed: u64,
    /// Client proposals on the member not applied yet, within the client's deadline
    /// (etcd_server_proposals_pending).
    pub proposals_pending: u64,
    /// The member's disk fsync latency as the simulated disk takes it: every WAL fsync takes
    /// that long, so it is also their 99th percentile.
    pub fsync_p99_micros: u64,
}

impl MemberSample {
    /// Heap bytes its strings and vectors hold.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.name.capacity()
            + self.alarms.capacity() * std::mem::size_of::<String>()
            + self.alarms.iter().map(String::capacity).sum::<usize>()
    }

    /// `self` (earlier) merged with `later`, as the module documents.
    fn merge(&self, later: &MemberSample) -> MemberSample {
        let mut alarms = self.alarms.clone();
        for alarm in &later.alarms {
            if !alarms.contains(alarm) {
                alarms.push(alarm.clone());
            }
        }
        MemberSample {
            up: self.up && later.up,
            db_size: self.db_size.max(later.db_size),
            raft_entries: self.raft_entries.max(later.raft_entries),
            raft_bytes: self.raft_bytes.max(later.raft_bytes),
            requests_per_second: self.requests_per_second.max(later.requests_per_second),
            proposals_pending: self.proposals_pending.max(later.proposals_pending),
            fsync_p99_micros: self.fsync_p99_micros.max(later.fsync_p99_micros),
            alarms,
            ..later.clone()
        }
    }
}

impl Sample {
    /// The instant of the last state merged into it.
    pub fn end_micros(&self) -> u64 {
        self.at_micros + self.span_micros
    }

    /// Two adjacent samples (`self` the earlier) as one covering both. A member only in the
    /// later one (added meanwhile) is taken as it is; one only in the earlier (removed) is dropped.
    pub fn merge(&self, later: &Sample) -> Sample {
        let members = later
            .members
            .iter()
            .map(|m| match self.members.iter().find(|e| e.name == m.name) {
                Some(earlier) => earlier.merge(m),
                None => m.clone(),
            })
            .collect();
        Sample { at_micros: self.at_micros, span_micros: later.end_micros() - self.at_micros, members }
    }

    /// Bytes it holds, itself and on the heap.
    pub(crate) fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Sample>()
            + self.members.capacity() * std::mem::size_of::<MemberSample>()
            + self.members.iter().map(MemberSample::heap_bytes).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(db_size: u64, revision: i64, alarms: &[&str]) -> MemberSample {
        MemberSample {
            name: "infra1".into(),
            up: true,
            db_size,
            revision,
            alarms: alarms.iter().map(|a| a.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn merge_keeps_peaks_the_later_gauges_and_every_alarm() {
        let a = Sample { at_micros: 1_000_000, span_micros: 0, members: vec![member(90, 5, &["NOSPACE"])] };
        let b = Sample { at_micros: 2_000_000, span_micros: 0, members: vec![member(40, 7, &[])] };
        let merged = a.merge(&b);
        assert_eq!((merged.at_micros, merged.span_micros), (1_000_000, 1_000_000));
        assert_eq!(merged.members[0].db_size, 90);
        assert_eq!(merged.members[0].revision, 7);
        assert_eq!(merged.members[0].alarms, vec!["NOSPACE".to_string()]);
    }

    #[test]
    fn serializes_camel_case() {
        let sample = Sample { at_micros: 1, span_micros: 0, members: vec![member(2, 3, &[])] };
        let json = serde_json::to_string(&sample).unwrap();
        assert!(json.starts_with(r#"{"atMicros":1,"spanMicros":0,"members":[{"name":"infra1","up":true"#));
        assert!(json.contains(r#""dbSizeInUse":0"#) && json.contains(r#""fsyncP99Micros":0"#));
    }
}

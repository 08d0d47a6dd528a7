//! A member's Prometheus metrics, under etcd's metric names, as `curl <client URL>/metrics`
//! reads them. Only the figures the playground has are exported; the names are etcd's so the
//! queries operators write (`etcd_mvcc_db_total_size_in_bytes - etcd_mvcc_db_total_size_in_use_in_bytes`)
//! work as they do against etcd.

use std::fmt::Write as _;

/// One member's figures at a moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberMetrics {
    pub db_size: u64,
    pub db_size_in_use: u64,
    pub quota: u64,
    pub has_leader: bool,
    pub is_leader: bool,
    pub leader_changes: u64,
    pub revision: i64,
    pub compact_revision: i64,
    pub keys: u64,
    pub committed_index: u64,
    pub applied_index: u64,
    pub term: u64,
    pub alarms: u64,
}

/// The exposition text (version 0.0.4).
pub fn render(m: &MemberMetrics) -> String {
    let gauges: [(&str, &str, String); 13] = [
        (
            "etcd_mvcc_db_total_size_in_bytes",
            "The db file's size in bytes, free pages included.",
            m.db_size.to_string(),
        ),
        (
            "etcd_mvcc_db_total_size_in_use_in_bytes",
            "The db's size in bytes less its free pages.",
            m.db_size_in_use.to_string(),
        ),
        ("etcd_server_quota_backend_bytes", "The backend quota in bytes.", m.quota.to_string()),
        (
            "etcd_server_has_leader",
            "1 while the member knows a leader, else 0.",
            u8::from(m.has_leader).to_string(),
        ),
        ("etcd_server_is_leader", "1 while the member leads, else 0.", u8::from(m.is_leader).to_string()),
        (
            "etcd_server_leader_changes_seen_total",
            "Leader changes this member has seen.",
            m.leader_changes.to_string(),
        ),
        ("etcd_debugging_mvcc_current_revision", "The store's current revision.", m.revision.to_string()),
        (
            "etcd_debugging_mvcc_compact_revision",
            "The revision of the last compaction.",
            m.compact_revision.to_string(),
        ),
        ("etcd_debugging_mvcc_keys_total", "Keys in the store.", m.keys.to_string()),
        (
            "etcd_server_proposals_committed_total",
            "The raft log's commit index.",
            m.committed_index.to_string(),
        ),
        ("etcd_server_proposals_applied_total", "The last entry applied.", m.applied_index.to_string()),
        ("etcd_server_raft_term", "The member's raft term.", m.term.to_string()),
        ("etcd_server_alarms", "Active alarms (a figure of the playground's own).", m.alarms.to_string()),
    ];
    let mut text = String::new();
    for (name, help, value) in gauges {
        let kind = if name.ends_with("_total") { "counter" } else { "gauge" };
        let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_names_are_etcds() {
        let text = render(&MemberMetrics { db_size: 20480, quota: 16777216, ..Default::default() });
        assert!(text.contains(
            "\n# TYPE etcd_mvcc_db_total_size_in_bytes gauge\netcd_mvcc_db_total_size_in_bytes 20480\n"
        ));
        assert!(text.contains("etcd_server_quota_backend_bytes 16777216\n"));
    }
}

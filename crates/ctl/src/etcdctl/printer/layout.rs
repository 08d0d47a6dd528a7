//! What differs between etcdctl 3.5.1's and 3.6.14's outputs, in one place: the columns of
//! `endpoint status` and `endpoint hashkv` (simple and table) and the lines of their fields
//! format (shared/reference/08-cli.md, "3.6 differences").

use playground_server::EtcdVersion;

use super::fields::go_strings;
use super::{EndpointHashKv, EndpointStatus};
use crate::etcdctl::go::quote;
use crate::humanize;

const STATUS_3_5: &[&str] = &[
    "ENDPOINT",
    "ID",
    "VERSION",
    "DB SIZE",
    "IS LEADER",
    "IS LEARNER",
    "RAFT TERM",
    "RAFT INDEX",
    "RAFT APPLIED INDEX",
    "ERRORS",
];

const STATUS_3_6: &[&str] = &[
    "ENDPOINT",
    "ID",
    "VERSION",
    "STORAGE VERSION",
    "DB SIZE",
    "IN USE",
    "PERCENTAGE NOT IN USE",
    "QUOTA",
    "IS LEADER",
    "IS LEARNER",
    "RAFT TERM",
    "RAFT INDEX",
    "RAFT APPLIED INDEX",
    "ERRORS",
    "DOWNGRADE TARGET VERSION",
    "DOWNGRADE ENABLED",
];

pub(super) fn status_headers(version: EtcdVersion) -> &'static [&'static str] {
    match version {
        EtcdVersion::V3_5 => STATUS_3_5,
        EtcdVersion::V3_6 => STATUS_3_6,
    }
}

/// The status cells of each endpoint, in [`status_headers`]'s order.
pub(super) fn status_rows(rows: &[EndpointStatus], version: EtcdVersion) -> Vec<Vec<String>> {
    rows.iter()
        .map(|EndpointStatus { endpoint, status: s }| {
            let downgrade = s.downgrade_info.as_ref();
            status_headers(version)
                .iter()
                .map(|column| match *column {
                    "ENDPOINT" => endpoint.clone(),
                    "ID" => format!("{:x}", s.header.member_id),
                    "VERSION" => s.version.clone(),
                    "STORAGE VERSION" => s.storage_version.clone(),
                    "DB SIZE" => humanize::bytes(s.db_size),
                    "IN USE" => humanize::bytes(s.db_size_in_use),
                    "PERCENTAGE NOT IN USE" => not_in_use(s.db_size, s.db_size_in_use),
                    "QUOTA" => humanize::bytes(s.db_size_quota),
                    "IS LEADER" => (s.leader == s.header.member_id).to_string(),
                    "IS LEARNER" => s.is_learner.to_string(),
                    "RAFT TERM" => s.raft_term.to_string(),
                    "RAFT INDEX" => s.raft_index.to_string(),
                    "RAFT APPLIED INDEX" => s.raft_applied_index.to_string(),
                    "ERRORS" => s.errors.join(", "),
                    "DOWNGRADE TARGET VERSION" => {
                        downgrade.map(|d| d.target_version.clone()).unwrap_or_default()
                    }
                    "DOWNGRADE ENABLED" => downgrade.is_some_and(|d| d.enabled).to_string(),
                    other => unreachable!("no status column {other}"),
                })
                .collect()
        })
        .collect()
}

/// etcdctl's share of the db not in use, rounded to a whole percent as Go's `%.0f` rounds
/// (8 KiB of 1.1 MB is 1%, as the reference prints).
fn not_in_use(db_size: u64, in_use: u64) -> String {
    let share =
        if db_size == 0 { 0.0 } else { db_size.saturating_sub(in_use) as f64 * 100.0 / db_size as f64 };
    format!("{share:.0}%")
}

pub(super) fn hashkv_headers(version: EtcdVersion) -> &'static [&'static str] {
    match version {
        EtcdVersion::V3_5 => &["ENDPOINT", "HASH"],
        EtcdVersion::V3_6 => &["ENDPOINT", "HASH", "HASH REVISION"],
    }
}

pub(super) fn hashkv_rows(rows: &[EndpointHashKv], version: EtcdVersion) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| {
            let mut cells = vec![row.endpoint.clone(), row.hash_kv.hash.to_string()];
            if version == EtcdVersion::V3_6 {
                cells.push(row.hash_kv.hash_revision.to_string());
            }
            cells
        })
        .collect()
}

/// The fields format's lines of one status after its header, as `"Name" : value`.
pub(super) fn status_fields(row: &EndpointStatus, version: EtcdVersion) -> Vec<(&'static str, String)> {
    let (endpoint, s) = (&row.endpoint, &row.status);
    let quoted = |text: &str| quote(text.as_bytes());
    let downgrade = s.downgrade_info.as_ref();
    match version {
        EtcdVersion::V3_5 => vec![
            ("Version", quoted(&s.version)),
            ("DBSize", s.db_size.to_string()),
            ("Leader", s.leader.to_string()),
            ("IsLearner", s.is_learner.to_string()),
            ("RaftIndex", s.raft_index.to_string()),
            ("RaftTerm", s.raft_term.to_string()),
            ("RaftAppliedIndex", s.raft_applied_index.to_string()),
            ("Errors", go_strings(&s.errors)),
            ("Endpoint", quoted(endpoint)),
        ],
        EtcdVersion::V3_6 => vec![
            ("Version", quoted(&s.version)),
            ("StorageVersion", quoted(&s.storage_version)),
            ("DBSize", s.db_size.to_string()),
            ("DBSizeInUse", s.db_size_in_use.to_string()),
            ("DBSizeQuota", s.db_size_quota.to_string()),
            ("Leader", s.leader.to_string()),
            ("IsLearner", s.is_learner.to_string()),
            ("RaftIndex", s.raft_index.to_string()),
            ("RaftTerm", s.raft_term.to_string()),
            ("RaftAppliedIndex", s.raft_applied_index.to_string()),
            ("Errors", go_strings(&s.errors)),
            ("Endpoint", quoted(endpoint)),
            (
                "DowngradeTargetVersion",
                quoted(&downgrade.map(|d| d.target_version.clone()).unwrap_or_default()),
            ),
            ("DowngradeEnabled", downgrade.is_some_and(|d| d.enabled).to_string()),
        ],
    }
}

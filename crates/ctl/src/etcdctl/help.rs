//! etcdctl 3.5.1's help pages, as it prints them (recorded in shared/reference/08-cli.md and
//! 01-compaction.md): on `--help`, for a command group without its subcommand, and above a
//! usage error.

use playground_server::EtcdVersion;

const ETCDCTL: &str = include_str!("help/etcdctl.txt");
const PUT: &str = include_str!("help/put.txt");
const GET: &str = include_str!("help/get.txt");
const DEL: &str = include_str!("help/del.txt");
const ENDPOINT_HASHKV: &str = include_str!("help/endpoint-hashkv.txt");
const LEASE_GRANT: &str = include_str!("help/lease-grant.txt");
const LEASE_REVOKE: &str = include_str!("help/lease-revoke.txt");
const COMPACTION: &str = include_str!("help/compaction.txt");
const DEFRAG: &str = include_str!("help/defrag.txt");
const ALARM: &str = include_str!("help/alarm.txt");
const SNAPSHOT: &str = include_str!("help/snapshot.txt");
const ENDPOINT: &str = include_str!("help/endpoint.txt");
const ENDPOINT_STATUS: &str = include_str!("help/endpoint-status.txt");
const CHECK: &str = include_str!("help/check.txt");
const CHECK_PERF: &str = include_str!("help/check-perf.txt");

/// Every page, for the test that their flags are all in the flag set.
#[cfg(test)]
pub(super) const PAGES: &[&str] = &[
    ETCDCTL,
    PUT,
    GET,
    DEL,
    COMPACTION,
    DEFRAG,
    ALARM,
    SNAPSHOT,
    ENDPOINT,
    ENDPOINT_STATUS,
    ENDPOINT_HASHKV,
    LEASE_GRANT,
    LEASE_REVOKE,
    CHECK,
    CHECK_PERF,
];

/// etcdctl 3.6.14's pages where they differ (`API VERSION: 3.6`, cobra's newer layout), as
/// recorded in shared/reference/08-cli.md; the pages not recorded for 3.6 fall back to 3.5.1's.
mod v3_6 {
    pub const ETCDCTL: &str = include_str!("help/3.6/etcdctl.txt");
    pub const PUT: &str = include_str!("help/3.6/put.txt");
    pub const GET: &str = include_str!("help/3.6/get.txt");
    pub const COMPACTION: &str = include_str!("help/3.6/compaction.txt");
    pub const DEFRAG: &str = include_str!("help/3.6/defrag.txt");
    pub const ALARM: &str = include_str!("help/3.6/alarm.txt");
    pub const SNAPSHOT: &str = include_str!("help/3.6/snapshot.txt");
    pub const ENDPOINT: &str = include_str!("help/3.6/endpoint.txt");
    pub const ENDPOINT_STATUS: &str = include_str!("help/3.6/endpoint-status.txt");
    pub const CHECK: &str = include_str!("help/3.6/check.txt");
    pub const CHECK_PERF: &str = include_str!("help/3.6/check-perf.txt");
}

/// The help page of `version` for a command line's words (the command and its subcommand).
pub fn page(words: &[&str], version: EtcdVersion) -> Option<&'static str> {
    if version == EtcdVersion::V3_6 {
        let page = match words {
            [] => Some(v3_6::ETCDCTL),
            ["put", ..] => Some(v3_6::PUT),
            ["get", ..] => Some(v3_6::GET),
            ["compact" | "compaction", ..] => Some(v3_6::COMPACTION),
            ["defrag", ..] => Some(v3_6::DEFRAG),
            ["alarm"] => Some(v3_6::ALARM),
            ["snapshot"] => Some(v3_6::SNAPSHOT),
            ["endpoint"] => Some(v3_6::ENDPOINT),
            ["endpoint", "status", ..] => Some(v3_6::ENDPOINT_STATUS),
            ["check"] => Some(v3_6::CHECK),
            ["check", "perf", ..] => Some(v3_6::CHECK_PERF),
            _ => None,
        };
        if page.is_some() {
            return page;
        }
    }
    page_3_5(words)
}

fn page_3_5(words: &[&str]) -> Option<&'static str> {
    Some(match words {
        [] => ETCDCTL,
        ["put", ..] => PUT,
        ["get", ..] => GET,
        ["del", ..] => DEL,
        ["compact" | "compaction", ..] => COMPACTION,
        ["defrag", ..] => DEFRAG,
        ["alarm"] => ALARM,
        ["snapshot"] => SNAPSHOT,
        ["endpoint"] => ENDPOINT,
        ["endpoint", "status", ..] => ENDPOINT_STATUS,
        ["endpoint", "hashkv", ..] => ENDPOINT_HASHKV,
        ["lease", "grant", ..] => LEASE_GRANT,
        ["lease", "revoke", ..] => LEASE_REVOKE,
        ["check"] => CHECK,
        ["check", "perf", ..] => CHECK_PERF,
        _ => return None,
    })
}

/// A command group's page when its subcommand is missing or unknown (cobra prints the group's
/// help and exits 0).
/// 3.6 has no `snapshot status|restore` (etcdutl has them), so they are unknown subcommands.
pub fn group_page(words: &[&str], version: EtcdVersion) -> Option<&'static str> {
    let snapshot_subcommands: &[&str] = match version {
        EtcdVersion::V3_5 => &["save", "status", "restore"],
        EtcdVersion::V3_6 => &["save"],
    };
    let group = |name: &str| page(&[name], version);
    match words {
        ["alarm", sub, ..] if !matches!(*sub, "list" | "disarm") => group("alarm"),
        ["endpoint", sub, ..] if !matches!(*sub, "status" | "health" | "hashkv") => group("endpoint"),
        ["snapshot", sub, ..] if !snapshot_subcommands.contains(sub) => group("snapshot"),
        ["check", sub, ..] if *sub != "perf" => group("check"),
        ["alarm"] | ["endpoint"] | ["snapshot"] | ["check"] | [] => page(words, version),
        _ => None,
    }
}

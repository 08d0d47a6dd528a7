//! etcdctl 3.5.1's help pages, as it prints them (recorded in shared/reference/08-cli.md and
//! 01-compaction.md): on `--help`, for a command group without its subcommand, and above a
//! usage error.

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

/// The help page for a command line's words (the command and its subcommand), if recorded.
pub fn page(words: &[&str]) -> Option<&'static str> {
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
pub fn group_page(words: &[&str]) -> Option<&'static str> {
    match words {
        ["alarm", sub, ..] if !matches!(*sub, "list" | "disarm") => Some(ALARM),
        ["endpoint", sub, ..] if !matches!(*sub, "status" | "health" | "hashkv") => Some(ENDPOINT),
        ["snapshot", sub, ..] if !matches!(*sub, "save" | "status" | "restore") => Some(SNAPSHOT),
        ["check", sub, ..] if *sub != "perf" => Some(CHECK),
        ["alarm"] | ["endpoint"] | ["snapshot"] | ["check"] | [] => page(words),
        _ => None,
    }
}

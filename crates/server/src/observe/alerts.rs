//! The alert rules of etcd's monitoring mixin (etcd-io/etcd `contrib/mixin/alerts/alerts.libsonnet`,
//! rendered with the defaults of `contrib/mixin/config.libsonnet`: selector `job=~".*etcd.*"`,
//! instance label `instance`, 30 s scrape interval), evaluated on virtual time over the members'
//! simulated metrics as Prometheus evaluates them: every [`EVAL_INTERVAL_MICROS`], a rule whose
//! expression holds turns pending, and firing once it held for the rule's `for:`; when it stops
//! holding the alert resolves. Names, expressions, thresholds, `for:` durations and severities
//! are the mixin's; summaries are ours.
//!
//! Rules whose metrics the playground lacks are left out: etcdMemberCommunicationSlow (no peer
//! round-trip histogram) and etcdHighCommitDurations (the backend commit takes no modelled
//! time). gRPC figures are per member, over all methods together (no `grpc_method` label):
//! a call's handling time is the virtual time the typed client waited for it.
//!
//! How the PromQL maps onto the sampled figures: `up` is whether the member runs; a
//! `rate(...[w])` is the counter's rise between the first and last evaluation inside the window
//! over the time between them (no extrapolation; fewer than two points: no value);
//! `increase(...[15m:1m])` the rise over the window; `last_over_time(...[5m])` the last value of
//! a member seen up within 5 minutes; `predict_linear(...[4h], t)` a least-squares line through
//! the evaluations of the last 4 hours, read `t` after now; a histogram quantile has no value
//! when nothing was observed in its window (for fsync: the member's raft index did not move).

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use super::event::EventKind;

/// How often the rules are evaluated (a common Prometheus `evaluation_interval`).
pub const EVAL_INTERVAL_MICROS: u64 = 15 * SECOND;

const SECOND: u64 = 1_000_000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
/// The longest window a rule reads (etcdExcessiveDatabaseGrowth's 4 h).
const LONGEST_WINDOW: u64 = 4 * HOUR;

/// One rule instance as the alerts panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertState {
    pub name: String,
    pub severity: String,
    /// "inactive", "pending" or "firing".
    pub state: String,
    /// The member (the rule's `instance`), None for rules about the whole cluster.
    pub member: Option<String>,
    /// When it entered its state (pending: when the expression began to hold; firing: when it
    /// fired); None while inactive.
    pub since_micros: Option<u64>,
    pub summary: String,
    /// The mixin's PromQL, for display.
    pub expr: String,
    pub for_micros: u64,
}

/// What a scrape of one member reads (absent while the member is down, but for `up`).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Target {
    pub name: String,
    pub up: bool,
    pub has_leader: bool,
    pub db_size: u64,
    pub db_size_in_use: u64,
    pub quota: u64,
    pub raft_index: u64,
    pub leader_changes: u64,
    pub proposals_failed: u64,
    pub fsync_p99_micros: u64,
    /// gRPC requests handled, and those that failed with a code the mixin counts as failed.
    pub grpc_total: u64,
    pub grpc_failed: u64,
    /// Some member that runs fails to send to it (etcd_network_peer_sent_failures_total rises).
    pub unreachable: bool,
    /// Unary calls by handling time: counts per bucket of [`HANDLING_BUCKETS_MICROS`], the
    /// last one above them all (grpc_server_handling_seconds_bucket, not cumulative here).
    pub handling: [u64; HANDLING_BUCKETS],
}

/// The handling-time histogram's upper bounds (Prometheus' default buckets, 5 ms to 10 s).
pub(crate) const HANDLING_BUCKETS_MICROS: [u64; 11] =
    [5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000];
/// Its buckets, +Inf included.
pub(crate) const HANDLING_BUCKETS: usize = HANDLING_BUCKETS_MICROS.len() + 1;

/// The bucket a handling time falls in.
pub(crate) fn handling_bucket(micros: u64) -> usize {
    HANDLING_BUCKETS_MICROS.partition_point(|&upper| upper < micros)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Cluster,
    Member,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Check {
    MembersDown,
    InsufficientMembers,
    NoLeader,
    LeaderChanges,
    FailedGrpc(f64),
    FailedProposals,
    SlowRequests,
    Fsync(f64),
    QuotaLowSpace,
    DatabaseGrowth,
    Fragmentation,
}

struct Rule {
    name: &'static str,
    severity: &'static str,
    for_micros: u64,
    summary: &'static str,
    expr: &'static str,
    scope: Scope,
    check: Check,
}

const FAILED_GRPC_EXPR_WARN: &str = "100 * sum(rate(grpc_server_handled_total{job=~\".*etcd.*\", grpc_code=~\"Unknown|FailedPrecondition|ResourceExhausted|Internal|Unavailable|DataLoss|DeadlineExceeded\"}[5m])) without (grpc_type, grpc_code)\n  /\nsum(rate(grpc_server_handled_total{job=~\".*etcd.*\"}[5m])) without (grpc_type, grpc_code)\n  > 1";
const FAILED_GRPC_EXPR_CRIT: &str = "100 * sum(rate(grpc_server_handled_total{job=~\".*etcd.*\", grpc_code=~\"Unknown|FailedPrecondition|ResourceExhausted|Internal|Unavailable|DataLoss|DeadlineExceeded\"}[5m])) without (grpc_type, grpc_code)\n  /\nsum(rate(grpc_server_handled_total{job=~\".*etcd.*\"}[5m])) without (grpc_type, grpc_code)\n  > 5";

const RULES: &[Rule] = &[
    Rule {
        name: "etcdMembersDown",
        severity: "warning",
        for_micros: 20 * MINUTE,
        summary: "Members of the cluster are down or unreachable.",
        expr: "max without (endpoint) (\n  sum without (instance) (up{job=~\".*etcd.*\"} == bool 0)\nor\n  count without (To) (\n    sum without (instance) (rate(etcd_network_peer_sent_failures_total{job=~\".*etcd.*\"}[120s])) > 0.01\n  )\n)\n> 0",
        scope: Scope::Cluster,
        check: Check::MembersDown,
    },
    Rule {
        name: "etcdInsufficientMembers",
        severity: "critical",
        for_micros: 3 * MINUTE,
        summary: "Too few members run for a quorum.",
        expr: "sum(up{job=~\".*etcd.*\"} == bool 1) without (instance) < ((count(up{job=~\".*etcd.*\"}) without (instance) + 1) / 2)",
        scope: Scope::Cluster,
        check: Check::InsufficientMembers,
    },
    Rule {
        name: "etcdNoLeader",
        severity: "critical",
        for_micros: MINUTE,
        summary: "A member knows no leader.",
        expr: "etcd_server_has_leader{job=~\".*etcd.*\"} == 0",
        scope: Scope::Member,
        check: Check::NoLeader,
    },
    Rule {
        name: "etcdHighNumberOfLeaderChanges",
        severity: "warning",
        for_micros: 5 * MINUTE,
        summary: "The leader changed often in the last 15 minutes.",
        expr: "increase((max without (instance) (etcd_server_leader_changes_seen_total{job=~\".*etcd.*\"}) or 0*absent(etcd_server_leader_changes_seen_total{job=~\".*etcd.*\"}))[15m:1m]) >= 4",
        scope: Scope::Cluster,
        check: Check::LeaderChanges,
    },
    Rule {
        name: "etcdHighNumberOfFailedGRPCRequests",
        severity: "warning",
        for_micros: 10 * MINUTE,
        summary: "More than 1% of a member's requests fail.",
        expr: FAILED_GRPC_EXPR_WARN,
        scope: Scope::Member,
        check: Check::FailedGrpc(1.0),
    },
    Rule {
        name: "etcdHighNumberOfFailedGRPCRequests",
        severity: "critical",
        for_micros: 5 * MINUTE,
        summary: "More than 5% of a member's requests fail.",
        expr: FAILED_GRPC_EXPR_CRIT,
        scope: Scope::Member,
        check: Check::FailedGrpc(5.0),
    },
    Rule {
        name: "etcdGRPCRequestsSlow",
        severity: "critical",
        for_micros: 10 * MINUTE,
        summary: "A member's requests are slow (99th percentile over 0.15 s).",
        expr: "histogram_quantile(0.99, sum(rate(grpc_server_handling_seconds_bucket{job=~\".*etcd.*\", grpc_method!=\"Defragment\", grpc_type=\"unary\"}[5m])) without(grpc_type))\n> 0.15",
        scope: Scope::Member,
        check: Check::SlowRequests,
    },
    Rule {
        name: "etcdHighNumberOfFailedProposals",
        severity: "warning",
        for_micros: 15 * MINUTE,
        summary: "A member's proposals fail at a high rate.",
        expr: "rate(etcd_server_proposals_failed_total{job=~\".*etcd.*\"}[15m]) > 5",
        scope: Scope::Member,
        check: Check::FailedProposals,
    },
    Rule {
        name: "etcdHighFsyncDurations",
        severity: "warning",
        for_micros: 10 * MINUTE,
        summary: "A member's WAL fsyncs are slow (99th percentile over 0.5 s).",
        expr: "histogram_quantile(0.99, rate(etcd_disk_wal_fsync_duration_seconds_bucket{job=~\".*etcd.*\"}[5m]))\n> 0.5",
        scope: Scope::Member,
        check: Check::Fsync(0.5),
    },
    Rule {
        name: "etcdHighFsyncDurations",
        severity: "critical",
        for_micros: 10 * MINUTE,
        summary: "A member's WAL fsyncs are very slow (99th percentile over 1 s).",
        expr: "histogram_quantile(0.99, rate(etcd_disk_wal_fsync_duration_seconds_bucket{job=~\".*etcd.*\"}[5m]))\n> 1",
        scope: Scope::Member,
        check: Check::Fsync(1.0),
    },
    Rule {
        name: "etcdDatabaseQuotaLowSpace",
        severity: "critical",
        for_micros: 10 * MINUTE,
        summary: "A member's database is above 95% of its quota: defragment or raise the quota before writes stop.",
        expr: "(last_over_time(etcd_mvcc_db_total_size_in_bytes{job=~\".*etcd.*\"}[5m]) / last_over_time(etcd_server_quota_backend_bytes{job=~\".*etcd.*\"}[5m]))*100 > 95",
        scope: Scope::Member,
        check: Check::QuotaLowSpace,
    },
    Rule {
        name: "etcdExcessiveDatabaseGrowth",
        severity: "warning",
        for_micros: 10 * MINUTE,
        summary: "At the growth of the last 4 hours, a member's database reaches its quota within 4 hours.",
        expr: "predict_linear(etcd_mvcc_db_total_size_in_bytes{job=~\".*etcd.*\"}[4h], 4*60*60) > etcd_server_quota_backend_bytes{job=~\".*etcd.*\"}",
        scope: Scope::Member,
        check: Check::DatabaseGrowth,
    },
    Rule {
        name: "etcdDatabaseHighFragmentationRatio",
        severity: "warning",
        for_micros: 10 * MINUTE,
        summary: "Less than half of a member's database file is in use: defragment it.",
        expr: "(last_over_time(etcd_mvcc_db_total_size_in_use_in_bytes{job=~\".*etcd.*\"}[5m]) / last_over_time(etcd_mvcc_db_total_size_in_bytes{job=~\".*etcd.*\"}[5m])) < 0.5 and etcd_mvcc_db_total_size_in_use_in_bytes{job=~\".*etcd.*\"} > 104857600",
        scope: Scope::Member,
        check: Check::Fragmentation,
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Pending { since: u64 },
    Firing { since: u64 },
}

/// A member's figures at one evaluation, kept as long as the longest window needs them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    at: u64,
    up: bool,
    db_size: u64,
    db_size_in_use: u64,
    quota: u64,
    raft_index: u64,
    proposals_failed: u64,
    grpc_total: u64,
    grpc_failed: u64,
}

/// The rules' state: each instance's phase and the series their windows read.
#[derive(Debug, Clone, Default)]
pub struct Alerts {
    /// By (rule index, member): only instances pending or firing.
    phases: BTreeMap<(usize, Option<String>), Phase>,
    /// The last scrape's members, for listing their instances.
    members: Vec<String>,
    series: BTreeMap<String, VecDeque<Point>>,
    /// The cluster's leader changes (the largest count a member reports) at each evaluation.
    leader_changes: VecDeque<(u64, u64)>,
    /// Each member's handling-time histogram at the evaluations of the last 5 minutes.
    handling: BTreeMap<String, VecDeque<(u64, [u64; HANDLING_BUCKETS])>>,
}

impl Alerts {
    /// Evaluates every rule at `at` over `targets`; returns the alerts that fired or resolved,
    /// with their member.
    pub(crate) fn evaluate(&mut self, at: u64, targets: &[Target]) -> Vec<(Option<String>, EventKind)> {
        self.record(at, targets);
        let mut changes = Vec::new();
        for (index, rule) in RULES.iter().enumerate() {
            let instances: Vec<Option<String>> = match rule.scope {
                Scope::Cluster => vec![None],
                Scope::Member => self.members.iter().cloned().map(Some).collect(),
            };
            // Instances of members that left go inactive too.
            let stale: Vec<Option<String>> = self
                .phases
                .keys()
                .filter(|(i, member)| *i == index && !instances.contains(member))
                .map(|(_, member)| member.clone())
                .collect();
            for member in instances.into_iter().chain(stale) {
                let holds = self.holds(rule.check, at, targets, member.as_deref());
                let key = (index, member.clone());
                let phase = self.phases.get(&key).copied();
                let next = match (holds, phase) {
                    (false, _) => None,
                    (true, None) => Some(Phase::Pending { since: at }),
                    (true, Some(Phase::Pending { since })) if at - since >= rule.for_micros => {
                        Some(Phase::Firing { since: at })
                    }
                    (true, kept) => kept,
                };
                let next = match next {
                    // A rule without `for:` fires at once.
                    Some(Phase::Pending { since }) if rule.for_micros == 0 => Some(Phase::Firing { since }),
                    other => other,
                };
                match (phase, next) {
                    (Some(Phase::Firing { .. }), None) => {
                        changes.push((member.clone(), EventKind::AlertResolved { name: rule.name.into() }))
                    }
                    (p, Some(Phase::Firing { .. })) if !matches!(p, Some(Phase::Firing { .. })) => changes
                        .push((
                            member.clone(),
                            EventKind::AlertFiring {
                                name: rule.name.into(),
                                severity: rule.severity.into(),
                                summary: rule.summary.into(),
                            },
                        )),
                    _ => {}
                }
                match next {
                    Some(next) => self.phases.insert(key, next),
                    None => self.phases.remove(&key),
                };
            }
        }
        changes
    }

    /// Every rule instance with its state: cluster rules once, member rules per member.
    pub fn states(&self) -> Vec<AlertState> {
        let mut states = Vec::new();
        for (index, rule) in RULES.iter().enumerate() {
            let instances: Vec<Option<String>> = match rule.scope {
                Scope::Cluster => vec![None],
                Scope::Member => self.members.iter().cloned().map(Some).collect(),
            };
            for member in instances {
                let (state, since) = match self.phases.get(&(index, member.clone())) {
                    None => ("inactive", None),
                    Some(Phase::Pending { since }) => ("pending", Some(*since)),
                    Some(Phase::Firing { since }) => ("firing", Some(*since)),
                };
                states.push(AlertState {
                    name: rule.name.into(),
                    severity: rule.severity.into(),
                    state: state.into(),
                    member,
                    since_micros: since,
                    summary: rule.summary.into(),
                    expr: rule.expr.into(),
                    for_micros: rule.for_micros,
                });
            }
        }
        states
    }

    fn record(&mut self, at: u64, targets: &[Target]) {
        self.members = targets.iter().map(|t| t.name.clone()).collect();
        for target in targets {
            let series = self.series.entry(target.name.clone()).or_default();
            series.push_back(Point {
                at,
                up: target.up,
                db_size: target.db_size,
                db_size_in_use: target.db_size_in_use,
                quota: target.quota,
                raft_index: target.raft_index,
                proposals_failed: target.proposals_failed,
                grpc_total: target.grpc_total,
                grpc_failed: target.grpc_failed,
            });
        }
        for series in self.series.values_mut() {
            while series.front().is_some_and(|p| p.at + LONGEST_WINDOW < at) {
                series.pop_front();
            }
        }
        self.series.retain(|_, series| !series.is_empty());
        for target in targets.iter().filter(|t| t.up) {
            self.handling.entry(target.name.clone()).or_default().push_back((at, target.handling));
        }
        for series in self.handling.values_mut() {
            while series.front().is_some_and(|(t, _)| t + 5 * MINUTE < at) {
                series.pop_front();
            }
        }
        self.handling.retain(|_, series| !series.is_empty());
        let changes = targets.iter().filter(|t| t.up).map(|t| t.leader_changes).max();
        if let Some(changes) = changes {
            self.leader_changes.push_back((at, changes));
        }
        while self.leader_changes.front().is_some_and(|(t, _)| t + 15 * MINUTE < at) {
            self.leader_changes.pop_front();
        }
    }

    /// A member's points (up ones only) within `window` before `at`, oldest first.
    fn window(&self, member: &str, at: u64, window: u64) -> impl DoubleEndedIterator<Item = &Point> {
        let series = self.series.get(member);
        let start = series.map_or(0, |s| s.partition_point(|p| p.at + window < at));
        series.into_iter().flat_map(move |s| s.range(start..)).filter(|p| p.up)
    }

    /// A counter's per-second rate over a window (None: fewer than two points).
    fn rate(&self, member: &str, at: u64, window: u64, counter: impl Fn(&Point) -> u64) -> Option<f64> {
        let mut points = self.window(member, at, window);
        let first = points.next()?;
        let last = points.next_back()?;
        let seconds = (last.at - first.at) as f64 / SECOND as f64;
        (seconds > 0.0).then(|| counter(last).saturating_sub(counter(first)) as f64 / seconds)
    }

    fn holds(&self, check: Check, at: u64, targets: &[Target], member: Option<&str>) -> bool {
        let target = member.and_then(|name| targets.iter().find(|t| t.name == name && t.up));
        match (check, member) {
            (Check::MembersDown, _) => targets.iter().any(|t| !t.up || t.unreachable),
            (Check::InsufficientMembers, _) => {
                let up = targets.iter().filter(|t| t.up).count() as f64;
                !targets.is_empty() && up < (targets.len() as f64 + 1.0) / 2.0
            }
            (Check::LeaderChanges, _) => match (self.leader_changes.front(), self.leader_changes.back()) {
                (Some((_, first)), Some((_, last))) => last.saturating_sub(*first) >= 4,
                _ => false,
            },
            (_, None) => false,
            (Check::NoLeader, Some(_)) => target.is_some_and(|t| !t.has_leader),
            (Check::FailedGrpc(percent), Some(name)) => {
                let failed = self.rate(name, at, 5 * MINUTE, |p| p.grpc_failed);
                let total = self.rate(name, at, 5 * MINUTE, |p| p.grpc_total);
                target.is_some()
                    && matches!((failed, total), (Some(f), Some(t)) if t > 0.0 && 100.0 * f / t > percent)
            }
            (Check::FailedProposals, Some(name)) => {
                target.is_some()
                    && self.rate(name, at, 15 * MINUTE, |p| p.proposals_failed).is_some_and(|r| r > 5.0)
            }
            (Check::SlowRequests, Some(name)) => {
                let series = self.handling.get(name);
                let (Some(first), Some(last)) =
                    (series.and_then(|s| s.front()), series.and_then(|s| s.back()))
                else {
                    return false;
                };
                let rise: Vec<u64> =
                    last.1.iter().zip(first.1.iter()).map(|(l, f)| l.saturating_sub(*f)).collect();
                target.is_some() && histogram_quantile(0.99, &rise).is_some_and(|q| q > 0.15)
            }
            (Check::Fsync(seconds), Some(name)) => {
                // No fsync in the window (nothing written): the quantile has no value.
                let mut points = self.window(name, at, 5 * MINUTE);
                let first = points.next().map(|p| p.raft_index);
                let wrote = points.next_back().map(|p| p.raft_index).is_some_and(|last| Some(last) != first);
                target.is_some_and(|t| wrote && t.fsync_p99_micros as f64 / SECOND as f64 > seconds)
            }
            (Check::QuotaLowSpace, Some(name)) => self
                .window(name, at, 5 * MINUTE)
                .next_back()
                .is_some_and(|p| p.quota > 0 && p.db_size as f64 / p.quota as f64 * 100.0 > 95.0),
            (Check::Fragmentation, Some(name)) => {
                let last = self.window(name, at, 5 * MINUTE).next_back();
                target.is_some_and(|t| t.db_size_in_use > 104_857_600)
                    && last
                        .is_some_and(|p| p.db_size > 0 && (p.db_size_in_use as f64 / p.db_size as f64) < 0.5)
            }
            (Check::DatabaseGrowth, Some(name)) => {
                let Some(target) = target else { return false };
                let points: Vec<(f64, f64)> = self
                    .window(name, at, 4 * HOUR)
                    .map(|p| ((p.at as f64 - at as f64) / SECOND as f64, p.db_size as f64))
                    .collect();
                predict_linear(&points, 4.0 * 3600.0)
                    .is_some_and(|v| target.quota > 0 && v > target.quota as f64)
            }
        }
    }

    /// Bytes the series hold.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.series.values().map(|s| s.capacity() * std::mem::size_of::<Point>() + 64).sum::<usize>()
            + self.leader_changes.capacity() * 16
            + self
                .handling
                .values()
                .map(|s| s.capacity() * std::mem::size_of::<(u64, [u64; HANDLING_BUCKETS])>())
                .sum::<usize>()
            + self.phases.len() * 64
    }
}

/// Prometheus' `histogram_quantile` over per-bucket counts of [`HANDLING_BUCKETS_MICROS`]
/// (seconds; None when nothing was observed): linear within the bucket the rank falls in,
/// the largest finite bound when it falls above them all.
fn histogram_quantile(q: f64, counts: &[u64]) -> Option<f64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = q * total as f64;
    let mut below = 0u64;
    for (bucket, &count) in counts.iter().enumerate() {
        if (below + count) as f64 >= rank && count > 0 {
            let Some(&upper) = HANDLING_BUCKETS_MICROS.get(bucket) else { break };
            let lower = bucket.checked_sub(1).map_or(0, |b| HANDLING_BUCKETS_MICROS[b]);
            let within = (rank - below as f64) / count as f64;
            return Some((lower as f64 + (upper - lower) as f64 * within) / SECOND as f64);
        }
        below += count;
    }
    HANDLING_BUCKETS_MICROS.last().map(|&upper| upper as f64 / SECOND as f64)
}

/// The least-squares line through `points` (seconds relative to now, value), read `ahead`
/// seconds after now, as Prometheus' `predict_linear` (None: fewer than two points).
fn predict_linear(points: &[(f64, f64)], ahead: f64) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let cov = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum::<f64>();
    let var = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum::<f64>();
    let slope = if var > 0.0 { cov / var } else { 0.0 };
    let intercept = mean_y - slope * mean_x;
    Some(intercept + slope * ahead)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(name: &str, db_size: u64, quota: u64) -> Target {
        Target { name: name.into(), up: true, has_leader: true, db_size, quota, ..Default::default() }
    }

    fn state<'a>(alerts: &'a [AlertState], name: &str, member: Option<&str>) -> &'a AlertState {
        alerts.iter().find(|a| a.name == name && a.member.as_deref() == member).expect("rule listed")
    }

    #[test]
    fn quota_low_space_pends_then_fires_after_its_for_and_resolves() {
        let mut alerts = Alerts::default();
        let mut fired = None;
        for step in 0..50u64 {
            let at = step * EVAL_INTERVAL_MICROS;
            let events = alerts.evaluate(at, &[target("infra1", 97, 100)]);
            if events.iter().any(|(_, e)| matches!(e, EventKind::AlertFiring { name, .. } if name == "etcdDatabaseQuotaLowSpace")) {
                fired = Some(at);
                break;
            }
            let listed = alerts.states();
            assert_eq!(state(&listed, "etcdDatabaseQuotaLowSpace", Some("infra1")).state, "pending");
        }
        assert_eq!(fired, Some(10 * MINUTE));
        // last_over_time reads the newest value: below the threshold, the alert resolves.
        let at = 10 * MINUTE + EVAL_INTERVAL_MICROS;
        let resolved = alerts.evaluate(at, &[target("infra1", 50, 100)]);
        assert!(resolved.iter().any(|(m, e)| m.as_deref() == Some("infra1")
            && matches!(e, EventKind::AlertResolved { name } if name == "etcdDatabaseQuotaLowSpace")));
        assert_eq!(state(&alerts.states(), "etcdDatabaseQuotaLowSpace", Some("infra1")).state, "inactive");
    }

    #[test]
    fn histogram_quantile_interpolates_within_the_bucket() {
        let mut counts = [0u64; HANDLING_BUCKETS];
        counts[handling_bucket(3_000)] = 99;
        counts[handling_bucket(200_000)] = 1;
        // The 99th of 100 is the last of the first bucket: its upper bound, 5 ms.
        assert!((histogram_quantile(0.99, &counts).unwrap() - 0.005).abs() < 1e-9);
        counts[handling_bucket(200_000)] = 100;
        let q = histogram_quantile(0.99, &counts).unwrap();
        assert!(q > 0.1 && q <= 0.25, "{q}");
        assert_eq!(handling_bucket(20_000_000), HANDLING_BUCKETS - 1);
        assert_eq!(histogram_quantile(0.99, &[0; HANDLING_BUCKETS]), None);
    }

    #[test]
    fn predict_linear_extrapolates_the_trend() {
        let points: Vec<(f64, f64)> =
            (0..10).map(|i| (-(i as f64) * 60.0, 1000.0 - i as f64 * 60.0)).collect();
        let v = predict_linear(&points, 3600.0).unwrap();
        assert!((v - 4600.0).abs() < 1e-6, "{v}");
    }

    #[test]
    fn insufficient_members_and_members_down_are_cluster_rules() {
        let mut alerts = Alerts::default();
        let mut down = target("infra2", 0, 0);
        down.up = false;
        let mut down3 = down.clone();
        down3.name = "infra3".into();
        let targets = [target("infra1", 1, 100), down, down3];
        for step in 0..=12u64 {
            alerts.evaluate(step * EVAL_INTERVAL_MICROS, &targets);
        }
        let listed = alerts.states();
        assert_eq!(state(&listed, "etcdInsufficientMembers", None).state, "firing");
        assert_eq!(state(&listed, "etcdMembersDown", None).state, "pending");
        assert_eq!(listed.iter().filter(|a| a.name == "etcdNoLeader").count(), 3);
    }
}

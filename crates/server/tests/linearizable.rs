//! Seeded fault schedules with clients on every member, checked for linearizability.
//!
//! Each schedule mixes client operations on a few shared keys (puts and deletes sent without
//! waiting, linearizable gets) with kills, restarts, partitions, one-way cuts, message loss,
//! slow disks, `--snapshot-count` changes, compactions, defrags, leader moves and virtual time.
//! After it: everything healed and restarted, every member's hashkv equal, and the history
//! (with a linearizable get of every key on every member at the end, so an acknowledged write
//! that went missing shows) linearizable. A failing seed is shrunk by removing steps while it
//! still fails and printed as a script for `etcd-playground run`.
//!
//! Member add/remove is not in the schedules: `member add` starts the new member at once
//! (issue 15 lists that as a wrong answer being reworked), so schedules stay on the three
//! members for now.
//!
//! `LINEARIZABILITY_SCHEDULES` sets how many schedules run (1,000 by default; `cargo xtask
//! linearizability` runs 10,000 in release); `LINEARIZABILITY_DUMP=1` adds each member's keys
//! (with revisions and versions) to a hashkv mismatch.

mod support;

use playground_mvcc::request::{DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, ResponseOp};
use playground_server::{Cluster, Flags, COMMAND_TIMEOUT_MICROS};
use support::linearizability::{check, Input, Operation, Output};
use support::rng::Rng;

const DEFAULT_SCHEDULES: u64 = 1_000;
const STEPS: usize = 40;
const KEYS: [&str; 3] = ["a", "b", "c"];

/// One step of a schedule; members are indices into the cluster's three.
#[derive(Debug, Clone)]
enum Step {
    Put(usize, &'static str, String),
    Delete(usize, &'static str),
    Get(usize, &'static str),
    Advance(u64),
    Kill(usize),
    RestartDown,
    SlowDisk(usize, u64),
    SnapshotCount(u64),
    MoveLeader(usize, usize),
    Partition(usize, usize),
    CutOneWay(usize, usize),
    Loss(u64),
    Heal,
    Compact(usize),
    Defrag(usize),
}

fn schedule(seed: u64) -> Vec<Step> {
    let mut rng = Rng(seed);
    (0..STEPS)
        .map(|i| {
            let a = rng.below(3) as usize;
            let b = rng.below(3) as usize;
            let key = KEYS[rng.below(KEYS.len() as u64) as usize];
            match rng.below(20) {
                0..=4 => Step::Put(a, key, format!("{seed}.{i}")),
                5 => Step::Delete(a, key),
                6..=8 => Step::Get(a, key),
                9..=10 => Step::Advance(10_000 + rng.below(1_500_000)),
                11 => Step::Kill(a),
                12 => Step::RestartDown,
                13 => Step::SlowDisk(a, [1, 50, 500][rng.below(3) as usize]),
                14 => Step::SnapshotCount([1, 2, 5, 100, 10_000][rng.below(5) as usize]),
                15 => Step::MoveLeader(a, b),
                16 if a != b => Step::Partition(a, b),
                16 => Step::Heal,
                17 if a != b => Step::CutOneWay(a, b),
                17 => Step::Loss([0, 10, 30][rng.below(3) as usize]),
                18 => Step::Compact(a),
                _ => Step::Defrag(a),
            }
        })
        .collect()
}

/// What one run recorded: the history, a script line per step, and what went wrong.
struct Run {
    history: Vec<Operation>,
    script: Vec<String>,
    problems: Vec<String>,
}

/// A write in flight: its operation's index in the history, member, request id.
struct InFlight {
    op: usize,
    member: u64,
    id: u64,
}

struct Client<'c> {
    cluster: &'c mut Cluster,
    ids: Vec<u64>,
    history: Vec<Operation>,
    in_flight: Vec<InFlight>,
    revision: i64,
}

impl Client<'_> {
    fn endpoint(&self, member: usize) -> String {
        self.cluster.members()[member].client_host().to_string()
    }

    fn name(&self, member: usize) -> String {
        self.cluster.members()[member].name.clone()
    }

    /// Collects the answers that arrived; a write unanswered after etcdctl's command timeout
    /// keeps an open end (it may still apply, or never).
    fn collect(&mut self) {
        let now = self.cluster.now_micros();
        let mut waiting = Vec::new();
        for flight in std::mem::take(&mut self.in_flight) {
            match self.cluster.kv_collect(flight.member, flight.id) {
                Some(Ok((response, header))) => {
                    self.revision = self.revision.max(header.revision);
                    let op = &mut self.history[flight.op];
                    op.ret = Some(now);
                    op.output = match response {
                        ResponseOp::DeleteRange(delete) => Output::Delete(delete.deleted as u64),
                        _ => Output::Put,
                    };
                }
                // An error after the proposal: it may have been committed (left open).
                Some(Err(_)) => {}
                None if now - self.history[flight.op].call < COMMAND_TIMEOUT_MICROS => waiting.push(flight),
                None => {}
            }
        }
        self.in_flight = waiting;
    }

    fn submit(&mut self, member: usize, key: &'static str, input: Input) {
        let op = match &input {
            Input::Put(value) => RequestOp::Put(PutRequest {
                key: key.into(),
                value: value.clone().into(),
                ..Default::default()
            }),
            _ => RequestOp::DeleteRange(DeleteRangeRequest { key: key.into(), ..Default::default() }),
        };
        let call = self.cluster.now_micros();
        let id = self.ids[member];
        // Refused before raft: it never took effect, so it is not part of the history.
        if let Ok(request) = self.cluster.kv_submit(id, op) {
            self.history.push(Operation { key: key.into(), input, output: Output::Unknown, call, ret: None });
            self.in_flight.push(InFlight { op: self.history.len() - 1, member: id, id: request });
        }
    }

    /// A linearizable get; pending writes progress while it waits.
    fn get(&mut self, member: usize, key: &'static str) -> Option<Option<String>> {
        let call = self.cluster.now_micros();
        let range = RequestOp::Range(RangeRequest { key: key.into(), ..Default::default() });
        let result = self.cluster.kv(self.ids[member], range, false);
        let ret = self.cluster.now_micros();
        self.collect();
        let Ok((ResponseOp::Range(range), _)) = result else { return None };
        let value = range.kvs.first().map(|kv| String::from_utf8_lossy(&kv.value).into_owned());
        self.history.push(Operation {
            key: key.into(),
            input: Input::Get,
            output: Output::Get(value.clone()),
            call,
            ret: Some(ret),
        });
        Some(value)
    }

    fn step(&mut self, step: &Step) -> String {
        let ids = self.ids.clone();
        let line = match *step {
            Step::Put(m, key, ref value) => {
                self.submit(m, key, Input::Put(value.clone()));
                format!("etcdctl --endpoints={} put {key} {value}", self.endpoint(m))
            }
            Step::Delete(m, key) => {
                self.submit(m, key, Input::Delete);
                format!("etcdctl --endpoints={} del {key}", self.endpoint(m))
            }
            Step::Get(m, key) => {
                self.get(m, key);
                format!("etcdctl --endpoints={} get {key} --print-value-only", self.endpoint(m))
            }
            Step::Advance(micros) => {
                self.cluster.advance(micros);
                format!("playground advance {}ms", micros / 1000)
            }
            Step::Kill(m) => {
                if ids.iter().all(|&id| self.cluster.is_up(id)) {
                    self.cluster.kill(ids[m]);
                    format!("playground kill {}", self.name(m))
                } else {
                    "# kill skipped: a member is already down".into()
                }
            }
            Step::RestartDown => {
                let mut lines = Vec::new();
                for m in 0..ids.len() {
                    if !self.cluster.is_up(ids[m]) {
                        self.cluster.restart(ids[m]);
                        lines.push(format!("playground restart {}", self.name(m)));
                    }
                }
                if lines.is_empty() {
                    "# restart: every member is up".into()
                } else {
                    lines.join("\n")
                }
            }
            Step::SlowDisk(m, factor) => {
                self.cluster.slow_disk(ids[m], factor);
                format!("playground slow-disk {} {factor}", self.name(m))
            }
            Step::SnapshotCount(count) => {
                self.cluster.restart_with(Flags { snapshot_count: count, ..Flags::default() });
                format!("etcd --snapshot-count={count} 2>/dev/null")
            }
            Step::MoveLeader(a, b) => {
                let _ = self.cluster.move_leader(ids[a], ids[b]);
                format!("etcdctl --endpoints={} move-leader {:x}", self.endpoint(a), ids[b])
            }
            Step::Partition(a, b) => {
                self.cluster.partition(ids[a], ids[b]);
                format!("playground partition {} {}", self.name(a), self.name(b))
            }
            Step::CutOneWay(a, b) => {
                self.cluster.world_mut().network.cut_one_way(ids[a], ids[b]);
                format!(
                    "# one-way cut {} -> {} (no playground verb; partition is the nearest)",
                    self.name(a),
                    self.name(b)
                )
            }
            Step::Loss(percent) => {
                self.cluster.world_mut().network.loss_percent = percent;
                format!("# message loss {percent}% (no playground verb)")
            }
            Step::Heal => {
                self.heal();
                "playground heal".into()
            }
            Step::Compact(m) => {
                let revision = self.revision;
                let _ = self.cluster.compact(ids[m], revision, false);
                format!("etcdctl --endpoints={} compact {revision}", self.endpoint(m))
            }
            Step::Defrag(m) => {
                let _ = self.cluster.defrag(ids[m]);
                format!("etcdctl --endpoints={} defrag", self.endpoint(m))
            }
        };
        self.collect();
        line
    }

    fn heal(&mut self) {
        self.cluster.heal();
        self.cluster.world_mut().network.loss_percent = 0;
    }
}

/// Runs `steps` on a fresh cluster of `seed`, then heals, restarts and checks.
fn run(seed: u64, steps: &[Step]) -> Run {
    let mut cluster = Cluster::playground(seed);
    let ids: Vec<u64> = cluster.members().iter().map(|m| m.id).collect();
    let mut client = Client {
        cluster: &mut cluster,
        ids: ids.clone(),
        history: Vec::new(),
        in_flight: Vec::new(),
        revision: 1,
    };
    let mut script: Vec<String> = steps.iter().map(|step| client.step(step)).collect();
    client.heal();
    for m in 0..ids.len() {
        client.cluster.slow_disk(ids[m], 1);
        if !client.cluster.is_up(ids[m]) {
            client.cluster.restart(ids[m]);
            script.push(format!("playground restart {}", client.name(m)));
        }
        script.push(format!("playground slow-disk {} 1", client.name(m)));
    }
    client.cluster.advance(30_000_000);
    client.collect();
    script.extend([
        "playground heal".into(),
        "playground advance 30s".into(),
        "etcdctl endpoint hashkv --cluster".into(),
    ]);
    let mut problems = Vec::new();
    for m in 0..ids.len() {
        for key in KEYS {
            if client.get(m, key).is_none() {
                problems.push(format!("linearizable get {key} on {} failed after healing", client.name(m)));
            }
            script.push(format!("etcdctl --endpoints={} get {key} --print-value-only", client.endpoint(m)));
        }
    }
    // (hash, revision, compact revision) per member, as `endpoint hashkv` reports them.
    let hashes: Vec<Option<(u32, i64, i64)>> = ids
        .iter()
        .map(|&id| {
            client
                .cluster
                .hash_kv(id, 0)
                .ok()
                .map(|(hash, header)| (hash.hash, hash.compact_revision, header.revision))
        })
        .collect();
    if hashes.iter().any(Option::is_none) || hashes.windows(2).any(|w| w[0] != w[1]) {
        problems.push(format!("hashkv (hash, revision, compact revision) {hashes:x?}"));
        if std::env::var("LINEARIZABILITY_DUMP").is_ok() {
            for &id in &ids {
                let all =
                    RequestOp::Range(RangeRequest { key: vec![0], range_end: vec![0], ..Default::default() });
                if let Ok((ResponseOp::Range(r), _)) = client.cluster.kv(id, all, true) {
                    let kvs: Vec<String> = r
                        .kvs
                        .iter()
                        .map(|kv| {
                            format!(
                                "{}={} c{} m{} v{}",
                                String::from_utf8_lossy(&kv.key),
                                String::from_utf8_lossy(&kv.value),
                                kv.create_revision,
                                kv.mod_revision,
                                kv.version
                            )
                        })
                        .collect();
                    problems.push(format!("{id:x}: {kvs:?}"));
                }
            }
        }
    }
    let history = std::mem::take(&mut client.history);
    if let Err(violation) = check(&history) {
        problems.push(violation);
    }
    Run { history, script, problems }
}

/// Removes steps while the schedule still fails (delta debugging, chunks halving to one).
fn shrink(seed: u64, mut steps: Vec<Step>) -> Vec<Step> {
    let mut chunk = steps.len() / 2;
    while chunk > 0 {
        let mut start = 0;
        while start < steps.len() {
            let mut fewer = steps.clone();
            fewer.drain(start..(start + chunk).min(fewer.len()));
            if !run(seed, &fewer).problems.is_empty() {
                steps = fewer;
            } else {
                start += chunk;
            }
        }
        chunk /= 2;
    }
    steps
}

/// Seeds left out, with the reason (reported, not yet fixed). None today.
const EXCLUDED: [u64; 0] = [];

#[test]
fn fault_schedules_keep_the_history_linearizable() {
    if let Ok(seed) = std::env::var("LINEARIZABILITY_SEED") {
        let seed: u64 = seed.parse().expect("LINEARIZABILITY_SEED is a number");
        let outcome = run(seed, &schedule(seed));
        assert!(outcome.problems.is_empty(), "seed {seed}: {}", outcome.problems.join("; "));
        return;
    }
    let schedules: u64 = std::env::var("LINEARIZABILITY_SCHEDULES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_SCHEDULES);
    let (mut operations, mut failures) = (0usize, Vec::new());
    for seed in (1..=schedules).filter(|seed| !EXCLUDED.contains(seed)) {
        let steps = schedule(seed);
        let outcome = run(seed, &steps);
        operations += outcome.history.len();
        if outcome.problems.is_empty() {
            continue;
        }
        let shrunk = shrink(seed, steps);
        let again = run(seed, &shrunk);
        failures.push(format!(
            "seed {seed}: {}\nshrunk to {} steps; the cluster seed is {seed} (clients' writes are sent \
             without waiting here, one after another in the script):\n{}",
            again.problems.join("; "),
            shrunk.len(),
            again.script.join("\n")
        ));
    }
    let run_count = (1..=schedules).filter(|seed| !EXCLUDED.contains(seed)).count();
    println!("schedules run {run_count}, operations checked {operations}, violations {}", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Regression: in these schedules a member applied a put and a compaction in one batch; the
/// compaction's commit persisted the put before the consistent index covered it, and after a
/// restart the member applied the put again (mod revision and version one higher, hashkv
/// different). Fixed by writing the consistent index with every commit (etcd's pre-commit hook).
#[test]
fn a_commit_in_the_middle_of_a_batch_does_not_apply_an_entry_twice_after_restart() {
    for seed in [12, 29, 221, 222, 492, 623, 665, 725, 851, 901] {
        let problems = run(seed, &schedule(seed)).problems;
        assert!(problems.is_empty(), "seed {seed}: {problems:?}");
    }
}

/// Regression: a linearizable get served by the newest leader's commit index before that
/// leader had committed an entry of its own term returned a value older than a write already
/// acknowledged (or deleted). Found at these seeds of the 10,000; raft serves a ReadIndex only
/// after the leader committed in its term.
#[test]
fn a_new_leader_serves_no_read_before_it_commits_in_its_term() {
    for seed in [1284, 1514, 1892, 2468, 2610, 3011, 3985, 4172, 5450, 5600, 5769, 5949, 9470, 9475] {
        let problems = run(seed, &schedule(seed)).problems;
        assert!(problems.is_empty(), "seed {seed}: {problems:?}");
    }
}

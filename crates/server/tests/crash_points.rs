//! Crash points of a whole member: a workload (puts, a delete, a compaction, snapshots every
//! few entries, a defrag) is run once to count one member's disk operations (writes, truncates
//! and fsyncs of its WAL, snap files, received snapshot dbs, db and the defrag's temporary
//! file), then once per operation k with that member crashed there (a write there lost, an
//! fsync there never completing, as the sim's crash keeps only what was synced before), and
//! the cluster let heal. Then every write the cluster acknowledged is on every member (read
//! locally), every member's hashkv is equal, and every member's db passes bbolt's check. For a
//! follower and for the leader, each in three scenarios (see [`Scenario`]).

use playground_mvcc::request::{DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, ResponseOp};
use playground_raft::NodeId;
use playground_server::{default_members, Cluster, Flags};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const SEED: u64 = 15;

/// Snapshots every 4 applied entries, 2 entries kept behind one: the workload writes snap
/// files and WAL marks, and a restarted member behind the leader's log is sent the db.
fn flags() -> Flags {
    Flags { snapshot_count: 4, snapshot_catchup_entries: 2, ..Flags::default() }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Follower,
    Leader,
}

/// What the rest of the cluster does around the crash.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scenario {
    /// The others stay up; the member restarts at once and catches up from the leader.
    Rejoin,
    /// The third member is down (and behind) from the start, so every commit needs the
    /// crashing member and its partner. At the crash the partner goes down too, and the
    /// crashing member starts again with the member behind: what it acknowledged (appends,
    /// votes) must have been durable, or the two elect a leader that lacks a committed write.
    /// The partner comes back at the end.
    Quorum,
    /// As [`Scenario::Rejoin`], and the crash tears a write there: its first half lands (a WAL
    /// record, a snap file or a db page cut short).
    Torn,
    /// As [`Scenario::Rejoin`], and the member crashes again at its disk operation this many
    /// from its restart on (while it reads its files and rewrites its WAL, or soon after).
    Repeat(u64),
}

/// The members of a run: the one that crashes, its partner (the other member up), and the
/// one behind (down until the crash in [`Scenario::Quorum`]).
#[derive(Clone, Copy)]
struct Members {
    crashing: NodeId,
    partner: NodeId,
    behind: NodeId,
}

/// A cluster settled, with its members' parts for `role`.
fn start(role: Role, scenario: Scenario) -> (Cluster, Members) {
    let mut cluster = Cluster::new(SEED, default_members(), flags());
    let leader = cluster.leader().expect("a leader");
    let followers: Vec<NodeId> = cluster.members().iter().map(|m| m.id).filter(|&id| id != leader).collect();
    let members = match role {
        Role::Follower => Members { crashing: followers[0], partner: leader, behind: followers[1] },
        Role::Leader => Members { crashing: leader, partner: followers[0], behind: followers[1] },
    };
    if scenario == Scenario::Quorum {
        cluster.kill(members.behind);
    }
    (cluster, members)
}

fn put(key: &str, value: &str) -> RequestOp {
    RequestOp::Put(PutRequest {
        key: key.into(),
        value: value.as_bytes().to_vec().into(),
        ..Default::default()
    })
}

fn value(cluster: &mut Cluster, member: NodeId, key: &str) -> Result<Option<Vec<u8>>, String> {
    let range = RequestOp::Range(RangeRequest { key: key.into(), ..Default::default() });
    match cluster.kv(member, range, true) {
        Ok((ResponseOp::Range(range), _)) => Ok(range.kvs.first().map(|kv| kv.value.clone())),
        other => Err(format!("{other:?}")),
    }
}

/// What a run saw: acknowledged keys with the value they must have (None: deleted), and the
/// problems met on the way (a member that does not start again).
struct Run {
    acknowledged: Vec<(String, Option<String>)>,
    problems: Vec<String>,
}

/// The workload, sent to the first member up of partner, behind, crashing; when the crashing
/// member is found down, the scenario goes on.
fn workload(cluster: &mut Cluster, members: Members, scenario: Scenario) -> Run {
    let Members { crashing, partner, behind } = members;
    let mut run = Run { acknowledged: Vec::new(), problems: Vec::new() };
    // Whether the first crash came (a Repeat may crash the member again).
    let mut crashed = false;
    let mut revision = 0;
    for step in 0..22 {
        let client = [partner, behind, crashing].into_iter().find(|&id| cluster.is_up(id)).unwrap_or(partner);
        match step {
            5 => {
                let delete =
                    RequestOp::DeleteRange(DeleteRangeRequest { key: "k2".into(), ..Default::default() });
                // Unanswered, it may still apply: k2 is then either way.
                run.acknowledged.retain(|(key, _)| key != "k2");
                if cluster.kv(client, delete, false).is_ok() {
                    run.acknowledged.push(("k2".into(), None));
                }
            }
            10 => {
                let _ = cluster.compact(client, revision, false);
            }
            15 => {
                let _ = cluster.defrag(crashing);
            }
            _ => {
                let (key, value) = (format!("k{step}"), format!("v{step}"));
                if let Ok((_, header)) = cluster.kv(client, put(&key, &value), false) {
                    revision = header.revision;
                    run.acknowledged.push((key, Some(value)));
                }
            }
        }
        if !cluster.is_up(crashing) {
            if !crashed {
                crashed = true;
                match scenario {
                    Scenario::Quorum => {
                        cluster.kill(partner);
                        cluster.restart(behind);
                    }
                    Scenario::Repeat(op) => cluster.world_mut().crash_at_disk_op(crashing, op),
                    Scenario::Rejoin | Scenario::Torn => {}
                }
            }
            // A start the armed crash cut short is tried again.
            if !cluster.restart(crashing) && !cluster.restart(crashing) {
                run.problems.push(format!("member {crashing:x} does not start after step {step}"));
                return run;
            }
        }
    }
    run
}

/// Heals the cluster and checks it; the problems found.
fn check(cluster: &mut Cluster, mut run: Run) -> Vec<String> {
    let ids: Vec<NodeId> = cluster.members().iter().map(|m| m.id).collect();
    for &id in &ids {
        if !cluster.is_up(id) && !cluster.restart(id) {
            run.problems.push(format!("member {id:x} does not start"));
        }
    }
    cluster.advance(5_000_000);
    let hashes: Vec<Option<u32>> =
        ids.iter().map(|&id| cluster.hash_kv(id, 0).ok().map(|(h, _)| h.hash)).collect();
    if hashes.iter().any(Option::is_none) || hashes.windows(2).any(|w| w[0] != w[1]) {
        run.problems.push(format!("hashkv {hashes:x?}"));
    }
    for &id in &ids {
        for (key, expected) in &run.acknowledged {
            let found = value(cluster, id, key);
            if found != Ok(expected.as_ref().map(|v| v.as_bytes().to_vec())) {
                run.problems.push(format!("member {id:x} has {key}={found:?}, acknowledged {expected:?}"));
            }
        }
        match cluster.world().db_check(id) {
            Some(errors) if errors.is_empty() => {}
            other => run.problems.push(format!("member {id:x} bbolt check: {other:?}")),
        }
    }
    run.problems
}

/// Operations of a member's restart (usually 3: its WAL rewritten; more when it replaces its
/// db with a received snapshot's) and a few after: where a [`Scenario::Repeat`] crashes again.
const REPEAT_OPS: u64 = 8;

/// Runs the workload without a crash to count the member's disk operations, then once crashed
/// at each (a [`Scenario::Repeat`] crashing again at one of the first [`REPEAT_OPS`] after its
/// restart, in turn). Returns the count and the failures.
fn crash_at_every_op(role: Role, scenario: Scenario) -> (u64, Vec<String>) {
    let (mut cluster, members) = start(role, scenario);
    let before = cluster.world().disk_ops(members.crashing);
    let run = workload(&mut cluster, members, scenario);
    let ops = cluster.world().disk_ops(members.crashing) - before;
    let problems = check(&mut cluster, run);
    assert!(problems.is_empty(), "{role:?} {scenario:?} without a crash: {problems:?}");
    let mut failures = Vec::new();
    for k in 1..=ops {
        let scenario = match scenario {
            Scenario::Repeat(_) => Scenario::Repeat(1 + (k - 1) % REPEAT_OPS),
            other => other,
        };
        let (mut cluster, members) = start(role, scenario);
        if scenario == Scenario::Torn {
            cluster.world_mut().tear_at_disk_op(members.crashing, k);
        } else {
            cluster.world_mut().crash_at_disk_op(members.crashing, k);
        }
        let run = workload(&mut cluster, members, scenario);
        let problems = check(&mut cluster, run);
        if !problems.is_empty() {
            failures.push(format!(
                "{role:?} {:x} ({scenario:?}) crashed at disk op {k} of {ops}: {problems:?}",
                members.crashing
            ));
        }
    }
    (ops, failures)
}

#[test]
fn a_member_crashed_at_any_disk_operation_loses_no_acknowledged_write() {
    let mut failures = Vec::new();
    for role in [Role::Follower, Role::Leader] {
        for scenario in [Scenario::Rejoin, Scenario::Torn, Scenario::Quorum, Scenario::Repeat(0)] {
            let (points, found) = crash_at_every_op(role, scenario);
            let name =
                if let Scenario::Repeat(_) = scenario { "Repeat".into() } else { format!("{scenario:?}") };
            println!("crash points checked: {role:?}, {name}: {points}");
            failures.extend(found);
        }
    }
    assert!(
        failures.is_empty(),
        "seed {SEED}: {} crash points failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

//! Randomized schedules of kills, restarts, slow disks, `--snapshot-count` changes (every
//! member restarted), leader moves and partitions, with a put between most steps. After
//! healing: every member's hashkv is equal and every put a client was told succeeded is on
//! every member. Each put has its own key, so an acknowledged one must be there as written.

mod support;
use playground_mvcc::request::{PutRequest, RangeRequest, RequestOp, ResponseOp};
use playground_server::{Cluster, Flags};
use support::rng::Rng;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Schedules run (seeds 1..=SCHEDULES; seed 45 lost a write before the WAL marked received
/// snapshots; 300 pass) and steps in each.
const SCHEDULES: u64 = 60;
const STEPS: usize = 24;

fn value(cluster: &mut Cluster, member: u64, key: &str) -> Option<Vec<u8>> {
    let range = RequestOp::Range(RangeRequest { key: key.into(), ..Default::default() });
    match cluster.kv(member, range, true) {
        Ok((ResponseOp::Range(range), _)) => range.kvs.first().map(|kv| kv.value.clone()),
        _ => None,
    }
}

/// Runs schedule `seed`; returns the acknowledged (key, value) pairs and a line per step.
fn run(cluster: &mut Cluster, seed: u64) -> (Vec<(String, String)>, Vec<String>) {
    let mut rng = Rng(seed);
    let ids: Vec<u64> = cluster.members().iter().map(|m| m.id).collect();
    let (mut acknowledged, mut steps) = (Vec::new(), Vec::new());
    for step in 0..STEPS {
        let a = ids[rng.below(3) as usize];
        let b = ids[rng.below(3) as usize];
        let step_line = match rng.below(10) {
            0 if ids.iter().all(|&id| cluster.is_up(id)) => {
                cluster.kill(a);
                format!("kill {a:x}")
            }
            1 => {
                let down: Vec<u64> = ids.iter().copied().filter(|&id| !cluster.is_up(id)).collect();
                for &id in &down {
                    cluster.restart(id);
                }
                format!("restart {down:x?}")
            }
            2 => {
                let factor = [1, 50, 500][rng.below(3) as usize];
                cluster.world_mut().slow_disk(a, factor);
                format!("slow-disk {a:x} {factor}")
            }
            3 | 4 => {
                let count = [1, 2, 5, 100, 10_000][rng.below(5) as usize];
                cluster.restart_with(Flags { snapshot_count: count, ..Flags::default() });
                format!("etcd --snapshot-count={count}")
            }
            5 => {
                let moved = cluster.move_leader(a, b).is_ok();
                format!("move-leader {b:x} via {a:x}: {moved}")
            }
            6 if a != b => {
                cluster.world_mut().network.partition(a, b);
                format!("partition {a:x} {b:x}")
            }
            7 => {
                cluster.world_mut().network.heal();
                "heal".to_string()
            }
            8 => {
                // A leader whose disk stalls: what it appended may lose to a new leader's log.
                let leader = cluster.leader().unwrap_or(a);
                cluster.world_mut().slow_disk(leader, 500);
                let put = RequestOp::Put(PutRequest {
                    key: "slow".into(),
                    value: step.to_string().into(),
                    ..Default::default()
                });
                let ok = cluster.kv(leader, put, false).is_ok();
                format!("slow-disk leader {leader:x} 500, put slow: {ok}")
            }
            _ => {
                let micros = 100_000 + rng.below(3_000_000);
                cluster.advance(micros);
                format!("advance {micros}us")
            }
        };
        steps.push(step_line);
        let (key, value) = (format!("k{step}"), format!("v{step}"));
        let put = RequestOp::Put(PutRequest {
            key: key.clone().into(),
            value: value.clone().into(),
            ..Default::default()
        });
        let ok = cluster.is_up(b) && cluster.kv(b, put, false).is_ok();
        steps.push(format!("put {key} via {b:x}: {ok}"));
        if ok {
            acknowledged.push((key, value));
        }
    }
    // Heal everything and let the cluster settle.
    cluster.world_mut().network.heal();
    for &id in &ids {
        cluster.world_mut().slow_disk(id, 1);
        if !cluster.is_up(id) {
            cluster.restart(id);
        }
    }
    cluster.advance(30_000_000);
    (acknowledged, steps)
}

#[test]
fn every_acknowledged_write_is_on_every_member_after_healing() {
    let mut failures = Vec::new();
    for seed in 1..=SCHEDULES {
        let mut cluster = Cluster::playground(seed);
        let (acknowledged, steps) = run(&mut cluster, seed);
        let ids: Vec<u64> = cluster.members().iter().map(|m| m.id).collect();
        let mut problems = Vec::new();
        let hashes: Vec<Option<u32>> =
            ids.iter().map(|&id| cluster.hash_kv(id, 0).ok().map(|(h, _)| h.hash)).collect();
        if hashes.iter().any(Option::is_none) || hashes.windows(2).any(|w| w[0] != w[1]) {
            problems.push(format!("hashkv {hashes:x?}"));
        }
        for &id in &ids {
            for (key, expected) in &acknowledged {
                let found = value(&mut cluster, id, key);
                if found.as_deref() != Some(expected.as_bytes()) {
                    problems.push(format!("member {id:x} has {key}={found:?}"));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("seed {seed}: {problems:?}\n  {}", steps.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {SCHEDULES} schedules failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

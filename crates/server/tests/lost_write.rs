//! An acknowledged write is on every replica: the schedule that lost one on a member caught up
//! by a snapshot (its WAL did not mark the snapshot, so its replay misplaced the entries after
//! it), over seeds 1..=20.

use playground_mvcc::request::{PutRequest, RangeRequest, RequestOp, ResponseOp};
use playground_server::{Cluster, Flags};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn put(key: &str, value: &str) -> RequestOp {
    RequestOp::Put(PutRequest {
        key: key.into(),
        value: value.as_bytes().to_vec().into(),
        ..Default::default()
    })
}

fn value(cluster: &mut Cluster, member: u64, key: &str) -> Option<Vec<u8>> {
    let range = RequestOp::Range(RangeRequest { key: key.into(), ..Default::default() });
    match cluster.kv(member, range, true) {
        Ok((ResponseOp::Range(range), _)) => range.kvs.first().map(|kv| kv.value.clone()),
        _ => None,
    }
}

fn snapshot_count(count: u64) -> Flags {
    Flags { snapshot_count: count, ..Flags::default() }
}

/// The reproducer's schedule: infra3 killed and caught up by a snapshot, made leader, slowed
/// until it loses a proposal to a new leader, and every member restarted right after `d` is
/// acknowledged. Returns whether it was.
fn schedule(cluster: &mut Cluster) -> bool {
    let infra1 = cluster.member_for_endpoint("127.0.0.1:2379").unwrap();
    let infra3 = cluster.member_for_endpoint("127.0.0.1:32379").unwrap();
    cluster.restart_with(snapshot_count(1));
    cluster.kill(infra3);
    cluster.advance(5_000_000);
    cluster.restart_with(snapshot_count(10_000));
    let _ = cluster.move_leader(infra1, infra3);
    let _ = cluster.kv(infra3, put("b", "2"), false);
    cluster.world_mut().slow_disk(infra3, 500);
    let _ = cluster.kv(infra3, put("c", "3"), false);
    let acknowledged = cluster.kv(infra1, put("d", "4"), false).is_ok();
    cluster.restart_with(snapshot_count(5));
    cluster.world_mut().slow_disk(infra3, 1);
    cluster.advance(30_000_000);
    acknowledged
}

#[test]
fn an_acknowledged_write_survives_a_restart_after_a_received_snapshot() {
    for seed in 1..=20 {
        let mut cluster = Cluster::playground(seed);
        let acknowledged = schedule(&mut cluster);
        assert!(acknowledged, "seed {seed}: put d 4 was not acknowledged");
        let ids: Vec<u64> = cluster.members().iter().map(|m| m.id).collect();
        let hashes: Vec<u32> =
            ids.iter().map(|&id| cluster.hash_kv(id, 0).expect("member up").0.hash).collect();
        for &id in &ids {
            assert_eq!(
                value(&mut cluster, id, "d").as_deref(),
                Some(&b"4"[..]),
                "seed {seed}: member {id:x} lost d"
            );
        }
        assert!(hashes.windows(2).all(|w| w[0] == w[1]), "seed {seed}: hashkv differs: {hashes:?}");
    }
}

//! The server on a 3-member virtual cluster: KV through raft, compaction, the quota walkthrough
//! of etcd's maintenance guide (NOSPACE raised cluster-wide, reduced operation, recovery), defrag,
//! auto-compaction on virtual time, and a follower caught up by a snapshot.

use playground_mvcc::request::{PutRequest, RangeRequest, RequestOp, ResponseOp};
use playground_server::{AlarmAction, AlarmType, Cluster, Error, Flags};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn put(key: &str, value: &[u8]) -> RequestOp {
    RequestOp::Put(PutRequest { key: key.into(), value: value.to_vec().into(), ..Default::default() })
}

fn get(key: &str) -> RequestOp {
    RequestOp::Range(RangeRequest { key: key.into(), ..Default::default() })
}

fn check_all(cluster: &Cluster) {
    for m in cluster.members() {
        if let Some(problems) = cluster.world().db_check(m.id) {
            assert!(problems.is_empty(), "member {:x}: {problems:?}", m.id);
        }
    }
}

#[test]
fn puts_and_reads_go_through_raft_with_revisions() {
    let mut cluster = Cluster::playground(1);
    let ids: Vec<u64> = cluster.members().iter().map(|m| m.id).collect();
    let first = cluster.member_for_endpoint("127.0.0.1:2379").unwrap();
    assert_eq!(cluster.member_for_endpoint(":22379"), Some(ids[1]));
    for (i, value) in ["bar", "bar1", "bar2"].iter().enumerate() {
        let (response, header) = cluster.kv(first, put("foo", value.as_bytes()), false).unwrap();
        assert!(matches!(response, ResponseOp::Put(_)));
        assert_eq!(header.revision, i as i64 + 2);
    }
    for &id in &ids {
        let (ResponseOp::Range(range), header) = cluster.kv(id, get("foo"), false).unwrap() else { panic!() };
        assert_eq!(range.kvs[0].value, b"bar2");
        assert_eq!(
            (range.kvs[0].create_revision, range.kvs[0].mod_revision, range.kvs[0].version),
            (2, 4, 3)
        );
        assert_eq!(header.member_id, id);
        assert_eq!(header.raft_term, 2);
    }
    cluster.compact(first, 3, false).unwrap();
    let old = RequestOp::Range(RangeRequest { key: b"foo".to_vec(), revision: 2, ..Default::default() });
    assert_eq!(cluster.kv(ids[2], old, false).unwrap_err(), Error::Compacted);
    assert_eq!(cluster.compact(first, 3, false).unwrap_err(), Error::Compacted);
    assert_eq!(cluster.compact(first, 100, false).unwrap_err(), Error::FutureRev);
    let status = cluster.status(first).unwrap();
    assert_eq!(status.raft_index, status.raft_applied_index);
    assert_eq!(status.db_size, 20480, "as real etcd after a few small puts");
    check_all(&cluster);
}

#[test]
fn the_quota_walkthrough_of_the_maintenance_guide() {
    let flags = Flags { quota_backend_bytes: 16 * 1024 * 1024, ..Flags::default() };
    let mut cluster = Cluster::new(7, playground_server::default_members(), flags);
    let endpoint = cluster.member_for_endpoint("127.0.0.1:2379").unwrap();
    let value = vec![7u8; 1024 * 1024];
    let mut accepted = 0;
    let error = loop {
        match cluster.kv(endpoint, put("key", &value), false) {
            Ok(_) => accepted += 1,
            Err(error) => break error,
        }
        assert!(accepted < 40, "the quota never stopped the loop");
    };
    assert_eq!(error, Error::NoSpace);
    assert!((8..=16).contains(&accepted), "real etcd stores 8 to 12 values; here {accepted}");
    cluster.advance(100_000);
    let (alarms, _) = cluster.alarm(endpoint, AlarmAction::Get).unwrap();
    assert!(alarms.iter().any(|(_, a)| *a == AlarmType::NoSpace), "{alarms:?}");
    // Reduced operation: reads and deletes work, puts and lease grants do not.
    assert!(cluster.kv(endpoint, get("key"), false).is_ok());
    let other = cluster.members()[1].id;
    assert_eq!(cluster.kv(other, put("x", b"1"), false).unwrap_err(), Error::NoSpace);
    assert_eq!(cluster.lease_grant(other, 60, 0).unwrap_err(), Error::NoSpace);
    // Recovery: compact, defrag every member, disarm.
    let rev = cluster.status(endpoint).unwrap().header.revision;
    cluster.compact(endpoint, rev, false).unwrap();
    let before = cluster.status(endpoint).unwrap();
    for m in cluster.members().to_vec() {
        cluster.defrag(m.id).unwrap();
    }
    let after = cluster.status(endpoint).unwrap();
    assert!(after.db_size < before.db_size / 4, "{} -> {}", before.db_size, after.db_size);
    assert_eq!(after.db_size, 1073152, "one live 1 MiB value, as real etcd");
    assert_eq!(
        cluster.kv(endpoint, put("newkey", b"123"), false).unwrap_err(),
        Error::NoSpace,
        "the alarm stands"
    );
    let (disarmed, _) = cluster.alarm(endpoint, AlarmAction::Deactivate).unwrap();
    assert!(!disarmed.is_empty());
    assert!(cluster.kv(endpoint, put("newkey", b"123"), false).is_ok());
    check_all(&cluster);
}

#[test]
fn periodic_auto_compaction_runs_on_virtual_time() {
    let flags = Flags { auto_compaction_retention: "1".into(), ..Flags::default() };
    let mut cluster = Cluster::new(3, playground_server::default_members(), flags);
    let endpoint = cluster.members()[0].id;
    for i in 0..30 {
        cluster.kv(endpoint, put("k", format!("v{i}").as_bytes()), false).unwrap();
    }
    cluster.advance(61 * 60 * 1_000_000);
    let states = cluster.member_states();
    assert!(states.iter().all(|s| s.compact_revision >= 1), "{states:?}");
    cluster.kv(endpoint, put("k", b"later"), false).unwrap();
    cluster.advance(2 * 3600 * 1_000_000);
    let states = cluster.member_states();
    assert!(
        states.iter().all(|s| s.compact_revision == 31),
        "compacted to the revision an hour back: {states:?}"
    );
}

#[test]
fn revision_auto_compaction_keeps_the_last_n_revisions() {
    let flags = Flags {
        auto_compaction_mode: playground_server::CompactionMode::Revision,
        auto_compaction_retention: "10".into(),
        ..Flags::default()
    };
    let mut cluster = Cluster::new(4, playground_server::default_members(), flags);
    let endpoint = cluster.members()[0].id;
    for i in 0..89 {
        cluster.kv(endpoint, put("k", format!("v{i}").as_bytes()), false).unwrap();
    }
    cluster.advance(4 * 60 * 1_000_000);
    assert!(cluster.member_states().iter().all(|s| s.compact_revision <= 0));
    cluster.advance(60 * 1_000_000);
    assert!(cluster.member_states().iter().all(|s| s.compact_revision == 80));
}

#[test]
fn a_killed_follower_that_missed_many_writes_gets_a_snapshot() {
    let flags = Flags { snapshot_count: 100, ..Flags::default() };
    let mut cluster = Cluster::new(5, playground_server::default_members(), flags);
    let leader = cluster.leader().unwrap();
    let follower = cluster.members().iter().map(|m| m.id).find(|&id| id != leader).unwrap();
    cluster.kill(follower);
    for i in 0..6000 {
        cluster.kv(leader, put(&format!("k{i}"), b"v"), false).unwrap();
    }
    assert!(cluster.restart(follower));
    assert!(cluster.run_until(30_000_000, |c| { c.member_states().iter().all(|s| s.revision == 6001) }));
    let state = cluster.member_states().into_iter().find(|s| s.id == follower).unwrap();
    assert!(state.snapshot_index > 5000, "caught up from a snapshot: {state:?}");
    // --snapshot-count bounds what the leader holds in memory: the catch-up entries etcd keeps
    // behind its last snapshot, plus what came since.
    let leader_state = cluster.member_states().into_iter().find(|s| s.id == leader).unwrap();
    assert!(leader_state.log_entries <= 5000 + 100 + 10, "{leader_state:?}");
    assert!(leader_state.log_bytes > 0);
    let log = cluster.log().since(0);
    let sent =
        log.iter().find(|l| l.msg == "sent database snapshot").expect("the leader logs the snapshot it sent");
    assert!(sent.fields.contains(&("remote-peer-id", format!("{follower:x}"))));
    assert!(log.iter().any(|l| l.member == follower && l.msg == "applied incoming Raft snapshot"));
    check_all(&cluster);
}

#[test]
fn election_timeouts_follow_the_flags() {
    // How long the cluster goes without a leader after the leader dies, in virtual seconds.
    fn outage(flags: Flags) -> f64 {
        let mut cluster = Cluster::new(6, playground_server::default_members(), flags);
        let leader = cluster.leader().unwrap();
        cluster.kill(leader);
        let start = cluster.now_micros();
        assert!(cluster.run_until(120_000_000, |c| c.leader().is_some_and(|l| l != leader)));
        (cluster.now_micros() - start) as f64 / 1e6
    }
    let default = outage(Flags::default());
    let slow = outage(Flags { heartbeat_interval_ms: 500, election_timeout_ms: 5000, ..Flags::default() });
    assert!(default < 3.0, "the default 1 s election timeout: {default} s");
    assert!(slow >= 5.0, "a 5 s election timeout: {slow} s");
}

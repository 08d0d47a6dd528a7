//! The history the page draws: events at the places etcd acts (compaction, defrag, alarms,
//! faults, raft snapshots, the auto-compactor), samples across long jumps of virtual time, the
//! mixin's alerts firing and resolving, and recording that changes nothing a run does.

use playground_mvcc::request::{PutRequest, RequestOp};
use playground_server::client::Faults;
use playground_server::{AlarmAction, Cluster, Error, Event, EventKind, Flags};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const SECOND: u64 = 1_000_000;
const MINUTE: u64 = 60 * SECOND;

fn put(key: &str, value: &[u8]) -> RequestOp {
    RequestOp::Put(PutRequest { key: key.into(), value: value.to_vec().into(), ..Default::default() })
}

fn events(cluster: &Cluster) -> Vec<Event> {
    cluster.history().events().iter().cloned().collect()
}

fn of_kind<'a>(
    events: &'a [Event],
    f: impl Fn(&EventKind) -> bool + 'a,
) -> impl Iterator<Item = &'a Event> + 'a {
    events.iter().filter(move |e| f(&e.kind))
}

#[test]
fn maintenance_shows_on_the_timeline_with_the_command_that_did_it() {
    let flags = Flags { quota_backend_bytes: 2 * 1024 * 1024, ..Flags::default() };
    let mut cluster = Cluster::new(7, playground_server::default_members(), flags);
    let first = cluster.members()[0].id;
    let all = events(&cluster);
    let election = of_kind(&all, |k| matches!(k, EventKind::Election { .. })).next().expect("an election");
    assert_eq!(election.member, None, "elections are on the cluster lane");
    assert!(matches!(&election.kind, EventKind::Election { term: 2, leader } if leader == "infra1"));

    for value in ["a", "b", "c"] {
        cluster.kv(first, put("somekey", value.as_bytes()), false).unwrap();
    }
    cluster.set_command(Some("etcdctl compact 3".into()));
    cluster.compact(first, 3, false).unwrap();
    cluster.set_command(None);
    cluster.advance(SECOND);
    let all = events(&cluster);
    let scheduled: Vec<_> = of_kind(&all, |k| matches!(k, EventKind::CompactionScheduled { .. })).collect();
    assert_eq!(scheduled.len(), 1);
    assert_eq!(scheduled[0].kind, EventKind::CompactionScheduled { revision: 3, mode: "manual".into() });
    assert_eq!(scheduled[0].command.as_deref(), Some("etcdctl compact 3"));
    let compacted: Vec<_> =
        of_kind(&all, |k| matches!(k, EventKind::Compacted { revision: 3, .. })).collect();
    let mut lanes: Vec<_> = compacted.iter().filter_map(|e| e.member.clone()).collect();
    lanes.sort();
    assert_eq!(lanes, ["infra1", "infra2", "infra3"], "every member compacts its own store");
    assert!(compacted.iter().all(|e| e.seq > scheduled[0].seq && e.at_micros >= scheduled[0].at_micros));
    // A compaction refused is not scheduled.
    assert_eq!(cluster.compact(first, 3, false).unwrap_err(), Error::Compacted);
    assert_eq!(of_kind(&events(&cluster), |k| matches!(k, EventKind::CompactionScheduled { .. })).count(), 1);

    // Fill to the quota: the API layer refuses, the apply layer raises NOSPACE per member.
    let value = vec![7u8; 128 * 1024];
    let mut i = 0;
    while cluster.kv(first, put("fill", &value), false).is_ok() {
        i += 1;
        assert!(i < 40, "the quota never stopped the loop");
    }
    cluster.advance(SECOND);
    let all = events(&cluster);
    assert!(of_kind(&all, |k| matches!(k, EventKind::QuotaExceeded { .. })).count() >= 1);
    let raised: Vec<_> =
        of_kind(&all, |k| *k == EventKind::AlarmRaised { alarm: "NOSPACE".into() }).collect();
    assert!(!raised.is_empty());
    let mut raised_lanes: Vec<_> = raised.iter().map(|e| e.member.clone().unwrap()).collect();
    raised_lanes.dedup();
    assert_eq!(raised_lanes.len(), raised.len(), "one event per alarm, not one per member applying it");
    let latest = cluster.history().latest().expect("sampled");
    assert!(latest.members.iter().any(|m| m.alarms == ["NOSPACE"]), "{latest:?}");

    let rev = cluster.status(first).unwrap().header.revision;
    cluster.compact(first, rev, false).unwrap();
    let before = cluster.status(first).unwrap().db_size;
    cluster.defrag(first).unwrap();
    let all = events(&cluster);
    let started = of_kind(&all, |k| matches!(k, EventKind::DefragStarted { .. })).next().unwrap();
    let finished = of_kind(&all, |k| matches!(k, EventKind::DefragFinished { .. })).next().unwrap();
    assert_eq!(started.member.as_deref(), Some("infra1"));
    let EventKind::DefragFinished { size_before, size_after, blocked_micros } = finished.kind else {
        panic!()
    };
    assert_eq!(size_before, before);
    assert!(size_after < size_before / 2, "{size_before} -> {size_after}");
    assert_eq!(finished.at_micros - started.at_micros, blocked_micros, "drawn as a span it blocked");

    cluster.alarm(first, AlarmAction::Deactivate).unwrap();
    let all = events(&cluster);
    let disarmed = of_kind(&all, |k| *k == EventKind::AlarmDisarmed { alarm: "NOSPACE".into() }).count();
    assert_eq!(disarmed, raised.len());

    let mut faults = Faults::new(&mut cluster);
    faults.kill("infra3").unwrap();
    faults.advance(2 * SECOND);
    faults.restart("infra3").unwrap();
    faults.isolate("infra2").unwrap();
    faults.heal();
    faults.slow_disk("infra2", 3).unwrap();
    let all = events(&cluster);
    let faults: Vec<_> = all.iter().filter(|e| e.kind.category() == "fault").collect();
    let kinds: Vec<_> = faults.iter().map(|e| (e.member.as_deref(), e.kind.clone())).collect();
    assert_eq!(
        kinds,
        [
            (Some("infra3"), EventKind::MemberKilled),
            (Some("infra3"), EventKind::MemberRestarted),
            (Some("infra2"), EventKind::Isolated),
            (None, EventKind::Healed),
            (Some("infra2"), EventKind::SlowDisk { factor: 3 }),
        ]
    );
    // The samples saw infra3 down.
    let down =
        cluster.history().samples().iter().any(|s| s.members.iter().any(|m| m.name == "infra3" && !m.up));
    assert!(down);
    // Sequence numbers follow time.
    let all = events(&cluster);
    for pair in all.windows(2) {
        assert!(pair[0].seq < pair[1].seq && pair[0].at_micros <= pair[1].at_micros, "{pair:?}");
    }
}

#[test]
fn a_lagging_follower_gets_a_snapshot_on_the_timeline() {
    let flags = Flags { snapshot_count: 100, snapshot_catchup_entries: 50, ..Flags::default() };
    let mut cluster = Cluster::new(5, playground_server::default_members(), flags);
    let leader = cluster.leader().unwrap();
    let follower = cluster.members().iter().map(|m| m.id).find(|&id| id != leader).unwrap();
    let (leader_name, follower_name) = (cluster.member_name(leader), cluster.member_name(follower));
    cluster.kill(follower);
    for i in 0..400 {
        cluster.kv(leader, put(&format!("k{i}"), b"v"), false).unwrap();
    }
    assert!(cluster.restart(follower));
    assert!(cluster.run_until(30 * SECOND, |c| c.member_states().iter().all(|s| s.revision == 401)));
    cluster.advance(2 * SECOND);
    let all = events(&cluster);
    let taken = of_kind(&all, |k| matches!(k, EventKind::SnapshotTaken { .. }))
        .filter(|e| e.member.as_deref() == Some(leader_name.as_str()))
        .count();
    assert!(taken >= 3, "a snapshot every 100 entries on the leader: {taken}");
    let sent = of_kind(&all, |k| matches!(k, EventKind::SnapshotSent { .. })).next().expect("sent");
    assert_eq!(sent.member.as_deref(), Some(leader_name.as_str()));
    let EventKind::SnapshotSent { to, index } = &sent.kind else { panic!() };
    assert_eq!(to, &follower_name);
    let received =
        of_kind(&all, |k| matches!(k, EventKind::SnapshotReceived { .. })).next().expect("received");
    assert_eq!(received.member.as_deref(), Some(follower_name.as_str()));
    assert_eq!(received.kind, EventKind::SnapshotReceived { from: leader_name.clone(), index: *index });
    let applied =
        of_kind(&all, |k| *k == EventKind::SnapshotApplied { index: *index }).next().expect("applied");
    assert_eq!(applied.member.as_deref(), Some(follower_name.as_str()));
    assert!(sent.at_micros <= received.at_micros && received.at_micros <= applied.at_micros);
    // The sawtooth: the leader's raft log grows and drops back behind each snapshot.
    let entries: Vec<u64> = cluster
        .history()
        .samples()
        .iter()
        .filter_map(|s| s.members.iter().find(|m| m.name == leader_name).map(|m| m.raft_entries))
        .collect();
    assert!(entries.iter().all(|&n| n <= 50 + 100 + 10), "{entries:?}");
    assert!(entries.windows(2).any(|w| w[1] < w[0]), "{entries:?}");
    let latest = cluster.history().latest().unwrap();
    let follower_sample = latest.members.iter().find(|m| m.name == follower_name).unwrap();
    assert_eq!(follower_sample.snapshot_index, cluster.world().snapshot_index(follower));
    assert!(follower_sample.snapshot_index >= *index);
}

#[test]
fn the_periodic_compactor_shows_at_the_times_and_revisions_it_picks() {
    let flags = Flags { auto_compaction_retention: "1".into(), ..Flags::default() };
    let mut cluster = Cluster::new(3, playground_server::default_members(), flags);
    let endpoint = cluster.members()[0].id;
    for i in 0..30 {
        cluster.kv(endpoint, put("k", format!("v{i}").as_bytes()), false).unwrap();
    }
    cluster.set_command(Some("sleep 10800".into()));
    cluster.advance(61 * MINUTE);
    cluster.kv(endpoint, put("k", b"later"), false).unwrap();
    cluster.advance(2 * 60 * MINUTE);
    cluster.set_command(None);
    let all = events(&cluster);
    let scheduled: Vec<_> = of_kind(&all, |k| matches!(k, EventKind::CompactionScheduled { .. })).collect();
    // What the compactor logged is what the timeline shows: same instants, same revisions.
    let logged: Vec<(u64, i64)> = cluster
        .log()
        .since(0)
        .iter()
        .filter(|l| l.msg == "starting auto periodic compaction")
        .map(|l| (l.at_micros, l.fields.iter().find(|(k, _)| *k == "revision").unwrap().1.parse().unwrap()))
        .collect();
    let shown: Vec<(u64, i64)> = scheduled
        .iter()
        .map(|e| match e.kind {
            EventKind::CompactionScheduled { revision, ref mode } => {
                assert_eq!(mode, "periodic");
                assert_eq!(e.command, None, "a timer's work, not the command's");
                assert_eq!(e.member, None);
                (e.at_micros, revision)
            }
            _ => unreachable!(),
        })
        .collect();
    assert!(shown.len() >= 2, "{shown:?}");
    assert_eq!(shown, logged);
    // The first comes an hour after start, the next an hour later at the revision of an hour back.
    assert!((60 * MINUTE..67 * MINUTE).contains(&shown[0].0), "{shown:?}");
    assert!(shown[1].0 - shown[0].0 >= 60 * MINUTE);
    assert_eq!(shown.last().unwrap().1, 31, "{shown:?}");
    for (at, revision) in &shown {
        let applied =
            of_kind(&all, |k| matches!(k, EventKind::Compacted { revision: r, .. } if r == revision))
                .filter(|e| e.at_micros >= *at)
                .count();
        assert_eq!(applied, 3, "every member applies the compaction to {revision}");
    }
    // The compact-revision chart steps at the compactions.
    let samples = cluster.history().samples();
    let steps: Vec<i64> = samples.iter().map(|s| s.members[0].compact_revision).collect();
    assert!(steps.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(*steps.last().unwrap(), 31);
    // Three hours of 1 s samples, coarsened: the first is still from the start.
    assert!(samples[0].at_micros < 10 * SECOND, "{:?}", samples[0].at_micros);
    assert!(samples.windows(2).all(|w| w[0].end_micros() < w[1].at_micros));
}

#[test]
fn quota_low_space_fires_after_its_for_and_resolves() {
    let flags = Flags { quota_backend_bytes: 2 * 1024 * 1024, ..Flags::default() };
    let mut cluster = Cluster::new(11, playground_server::default_members(), flags);
    let first = cluster.members()[0].id;
    let value = vec![1u8; 128 * 1024];
    let mut i = 0;
    while cluster.kv(first, put("fill", &value), false).is_ok() {
        i += 1;
        assert!(i < 40, "the quota never stopped the loop");
    }
    let state = |cluster: &Cluster| {
        cluster
            .history()
            .alerts()
            .into_iter()
            .find(|a| a.name == "etcdDatabaseQuotaLowSpace" && a.member.as_deref() == Some("infra1"))
            .unwrap()
    };
    let filled_at = cluster.now_micros();
    cluster.advance(MINUTE);
    let pending = state(&cluster);
    assert_eq!(pending.state, "pending", "{pending:?}");
    assert_eq!((pending.severity.as_str(), pending.for_micros), ("critical", 10 * MINUTE));
    assert!(pending.expr.contains("etcd_server_quota_backend_bytes"));
    cluster.advance(10 * MINUTE);
    let firing = state(&cluster);
    assert_eq!(firing.state, "firing", "{firing:?}");
    let fired = firing.since_micros.unwrap();
    assert!(fired >= filled_at + 10 * MINUTE && fired <= filled_at + 10 * MINUTE + 30 * SECOND, "{firing:?}");
    let all = events(&cluster);
    let event = of_kind(
        &all,
        |k| matches!(k, EventKind::AlertFiring { name, .. } if name == "etcdDatabaseQuotaLowSpace"),
    )
    .find(|e| e.member.as_deref() == Some("infra1"))
    .expect("firing on the timeline");
    assert_eq!(event.at_micros, fired);
    assert_eq!(event.kind.category(), "alert");

    // Compact and defragment: the db shrinks and the alert resolves at the next evaluation.
    let rev = cluster.status(first).unwrap().header.revision;
    cluster.compact(first, rev, false).unwrap();
    for m in cluster.members().to_vec() {
        cluster.defrag(m.id).unwrap();
    }
    cluster.advance(30 * SECOND);
    assert_eq!(state(&cluster).state, "inactive");
    let all = events(&cluster);
    assert!(of_kind(&all, |k| *k == EventKind::AlertResolved { name: "etcdDatabaseQuotaLowSpace".into() })
        .any(|e| e.member.as_deref() == Some("infra1")));
}

#[test]
fn a_dead_majority_fires_insufficient_members() {
    let mut cluster = Cluster::playground(2);
    cluster.kill(cluster.members()[1].id);
    cluster.kill(cluster.members()[2].id);
    cluster.advance(4 * MINUTE);
    let alerts = cluster.history().alerts();
    let insufficient = alerts.iter().find(|a| a.name == "etcdInsufficientMembers").unwrap();
    assert_eq!(insufficient.state, "firing");
    assert_eq!(insufficient.member, None);
    let no_leader =
        alerts.iter().find(|a| a.name == "etcdNoLeader" && a.member.as_deref() == Some("infra1")).unwrap();
    assert_eq!(no_leader.state, "firing");
    let down = alerts.iter().find(|a| a.name == "etcdMembersDown").unwrap();
    assert_eq!(down.state, "pending", "its for: is 20 minutes");
}

#[test]
fn ten_idle_hours_are_sampled_throughout_in_bounded_memory() {
    let mut cluster = Cluster::playground(4);
    cluster.advance(10 * 3600 * SECOND);
    let samples = cluster.history().samples();
    assert!(samples.len() <= playground_server::observe::TIERS * playground_server::observe::TIER_CAPACITY);
    let latest = cluster.history().latest().unwrap();
    assert!(latest.at_micros + SECOND > cluster.now_micros());
    assert!(samples[0].at_micros < 10 * SECOND);
    assert!(cluster.history().memory_bytes() < 8 << 20);
}

/// One run of a scenario touching every recorder: what it printed, logged and did to the world.
fn scenario(recording: bool) -> (Vec<String>, u64, String) {
    let flags = Flags { quota_backend_bytes: 2 * 1024 * 1024, snapshot_count: 50, ..Flags::default() };
    let mut cluster = Cluster::new(9, playground_server::default_members(), flags);
    cluster.set_history_enabled(recording);
    let first = cluster.members()[0].id;
    let mut out = Vec::new();
    for i in 0..30 {
        out.push(format!(
            "{:?}",
            cluster.kv(first, put(&format!("k{}", i % 7), &vec![3u8; 100 * 1024]), false)
        ));
    }
    out.push(format!("{:?}", cluster.compact(first, 10, false)));
    out.push(format!("{:?}", cluster.defrag(first)));
    out.push(format!("{:?}", cluster.alarm(first, AlarmAction::Deactivate)));
    let mut faults = Faults::new(&mut cluster);
    faults.kill("infra2").unwrap();
    faults.advance(30 * SECOND);
    faults.restart("infra2").unwrap();
    faults.slow_disk("infra3", 100).unwrap();
    faults.advance(20 * MINUTE);
    out.push(format!("{:?}", cluster.member_states()));
    let log = cluster.log().since(0).iter().map(|l| l.json()).collect::<Vec<_>>().join("\n");
    (out, cluster.world().trace(), log)
}

#[test]
fn recording_changes_nothing_a_run_does() {
    let (on, off) = (scenario(true), scenario(false));
    assert_eq!(on.0, off.0);
    assert_eq!(on.1, off.1, "the world's trace");
    assert_eq!(on.2, off.2, "the members' log");
}

#[test]
fn a_slow_disk_fires_slow_requests_and_fsync_alerts_then_they_resolve() {
    use playground_server::client::{Client, Config};
    let mut cluster = Cluster::playground(6);
    Faults::new(&mut cluster).slow_disk("infra1", 300).unwrap();
    let write_for = |cluster: &mut Cluster, micros: u64| {
        let until = cluster.now_micros() + micros;
        let mut i = 0;
        while cluster.now_micros() < until {
            let mut client = Client::new(cluster, Config::default());
            let _ = client.put(PutRequest {
                key: format!("k{i}").into_bytes(),
                value: b"v".to_vec().into(),
                ..Default::default()
            });
            i += 1;
            cluster.advance(5 * SECOND);
        }
    };
    write_for(&mut cluster, 13 * MINUTE);
    let state = |cluster: &Cluster, name: &str, severity: &str| {
        let alerts = cluster.history().alerts();
        let alert = alerts
            .iter()
            .find(|a| a.name == name && a.severity == severity && a.member.as_deref() == Some("infra1"))
            .unwrap();
        alert.state.clone()
    };
    assert_eq!(state(&cluster, "etcdGRPCRequestsSlow", "critical"), "firing");
    assert_eq!(state(&cluster, "etcdHighFsyncDurations", "warning"), "firing", "a 0.6 s fsync");
    assert_eq!(state(&cluster, "etcdHighFsyncDurations", "critical"), "inactive", "not over 1 s");
    let latest = cluster.history().latest().unwrap();
    assert_eq!(latest.members[0].fsync_p99_micros, 600_000);
    assert!(cluster.history().samples().iter().any(|s| s.members[0].requests_per_second > 0.0));
    Faults::new(&mut cluster).slow_disk("infra1", 1).unwrap();
    write_for(&mut cluster, 6 * MINUTE);
    assert_eq!(state(&cluster, "etcdGRPCRequestsSlow", "critical"), "inactive");
    assert_eq!(state(&cluster, "etcdHighFsyncDurations", "warning"), "inactive");
    let resolved = events(&cluster)
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::AlertResolved { name } if name == "etcdGRPCRequestsSlow"))
        .count();
    assert_eq!(resolved, 1);
}

#[test]
fn a_proposal_is_pending_until_it_applies() {
    use playground_server::client::{Client, Config};
    let mut cluster = Cluster::playground(3);
    Faults::new(&mut cluster).slow_disk("infra1", 600).unwrap();
    let before = cluster.now_micros();
    let mut client = Client::new(&mut cluster, Config::default());
    client.put(PutRequest { key: b"k".to_vec(), value: b"v".to_vec().into(), ..Default::default() }).unwrap();
    let answered = cluster.now_micros();
    assert!(answered - before > 2 * SECOND, "1.2 s fsyncs hold the write");
    cluster.advance(2 * SECOND);
    let pending = |at: &dyn Fn(u64) -> bool| -> Vec<u64> {
        let samples = cluster.history().samples();
        samples.iter().filter(|s| at(s.at_micros)).map(|s| s.members[0].proposals_pending).collect()
    };
    let during = pending(&|at| at > before && at < answered);
    assert!(!during.is_empty() && during.iter().all(|&p| p == 1), "{during:?}");
    assert_eq!(pending(&|at| at > answered), [0, 0]);
}

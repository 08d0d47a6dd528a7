//! Virtual-cluster throughput, printed by `cargo xtask bench`: committed entries per wall-clock
//! second through a 3-member cluster, how long 24 idle hours (heartbeats only) take, and the
//! memory the page's history (samples, events, alerts) holds after 24 virtual hours of writes.

use std::time::Instant;

use playground_mvcc::request::{PutRequest, RequestOp};
use playground_server::raft_node::RaftWorld as World;
use playground_server::Cluster;

const SECOND: u64 = 1_000_000;

fn main() {
    let mut world = World::new(1, &[1, 2, 3]);
    world.run_until(30 * SECOND, |w| w.leaders().len() == 1);
    let leader = world.leaders()[0].0;
    let entries = 100_000;
    let started = Instant::now();
    for i in 0..entries {
        world.propose(leader, format!("entry-{i}").as_bytes());
        if i % 100 == 99 {
            world.advance(10_000);
        }
    }
    world.advance(2 * SECOND);
    let seconds = started.elapsed().as_secs_f64();
    let committed = world.app(leader).unwrap().applied.len();
    assert_eq!(committed, entries);
    println!(
        "3-member cluster: {:>10.0} committed entries/s ({committed} entries, {seconds:.2} s)",
        committed as f64 / seconds
    );

    let mut idle = World::new(2, &[1, 2, 3]);
    let started = Instant::now();
    idle.advance(24 * 3600 * SECOND);
    println!("24 idle hours (heartbeats only): {:.2} s of wall time", started.elapsed().as_secs_f64());

    for recording in [false, true] {
        let mut cluster = Cluster::playground(2);
        cluster.set_history_enabled(recording);
        let started = Instant::now();
        cluster.advance(24 * 3600 * SECOND);
        let on = if recording { "on" } else { "off" };
        println!(
            "24 idle hours on the cluster, history {on}: {:.2} s of wall time",
            started.elapsed().as_secs_f64()
        );
    }

    // A put every 5 virtual seconds over 1000 keys for 24 hours, sampled every second.
    let mut cluster = Cluster::playground(3);
    let member = cluster.members()[0].id;
    let started = Instant::now();
    let mut puts = 0u64;
    while cluster.now_micros() < 24 * 3600 * SECOND {
        let key = format!("key-{:04}", puts % 1000);
        let put = RequestOp::Put(PutRequest {
            key: key.into_bytes(),
            value: vec![b'v'; 256].into(),
            ..Default::default()
        });
        let _ = cluster.kv(member, put, false);
        puts += 1;
        cluster.advance(5 * SECOND);
    }
    let history = cluster.history();
    println!(
        "history after 24 virtual hours of writes: {:.2} MB ({} samples, {} events, {puts} puts, {:.2} s of wall time)",
        history.memory_bytes() as f64 / 1e6,
        history.samples().len(),
        history.events().len(),
        started.elapsed().as_secs_f64()
    );
}

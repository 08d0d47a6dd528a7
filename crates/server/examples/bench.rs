//! Virtual-cluster throughput, printed by `cargo xtask bench`: committed entries per wall-clock
//! second through a 3-member cluster, and how long 24 idle hours (heartbeats only) take.

use std::time::Instant;

use playground_server::raft_node::RaftWorld as World;

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
}

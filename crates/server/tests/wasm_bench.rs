//! The virtual cluster's throughput compiled to wasm, in Node: `cargo xtask bench` builds it
//! with the `wasm-bench` feature (figures are printed, never asserted).
#![cfg(all(target_arch = "wasm32", feature = "wasm-bench"))]

use playground_server::raft_node::RaftWorld as World;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

const SECOND: u64 = 1_000_000;

#[wasm_bindgen_test]
fn cluster_throughput_in_wasm() {
    let mut world = World::new(1, &[1, 2, 3]);
    world.run_until(30 * SECOND, |w| w.leaders().len() == 1);
    let leader = world.leaders()[0].0;
    let entries = 50_000;
    let started = js_sys::Date::now();
    for i in 0..entries {
        world.propose(leader, format!("entry-{i}").as_bytes());
        if i % 100 == 99 {
            world.advance(10_000);
        }
    }
    world.advance(2 * SECOND);
    let seconds = (js_sys::Date::now() - started) / 1000.0;
    let committed = world.app(leader).unwrap().applied.len();
    console_log!(
        "wasm 3-member cluster: {:>10.0} committed entries/s ({committed} entries)",
        committed as f64 / seconds
    );
    let mut idle = World::new(2, &[1, 2, 3]);
    let started = js_sys::Date::now();
    idle.advance(24 * 3600 * SECOND);
    console_log!("wasm 24 idle hours: {:.2} s of wall time", (js_sys::Date::now() - started) / 1000.0);
}

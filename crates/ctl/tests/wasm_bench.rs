//! The maintenance guide's workload compiled to wasm, in Node: `cargo xtask bench` builds it
//! with the `wasm-bench` feature (figures are printed, never asserted).
#![cfg(all(target_arch = "wasm32", feature = "wasm-bench"))]

use playground_ctl::PlaygroundWorld;
use playground_mvcc::request::{PutRequest, RequestOp};
use playground_server::Cluster;
use playground_shell::{Limits, Options, Transcript};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[wasm_bindgen_test]
fn guide_workload_in_wasm() {
    // The fill loop first, so that the memory it grows is its own.
    let limits = Limits { max_steps: u64::MAX, max_written_bytes: u64::MAX, ..Limits::default() };
    let world = PlaygroundWorld::new(Cluster::playground(1));
    let mut shell = playground_ctl::with_options(Options { limits, ..Options::new(world) });
    let mut transcript = Transcript::new();
    shell.run("etcd --quota-backend-bytes=$((16*1024*1024)) 2>/dev/null; E=127.0.0.1:2379", &mut transcript);
    let script = r#"while [ 1 ]; do dd if=/dev/urandom bs=1024 count=1024 2>/dev/null | etcdctl --endpoints=$E put key > /dev/null 2>&1 || break; done
rev=$(etcdctl --endpoints=$E endpoint status --write-out="json" | egrep -o '"revision":[0-9]*' | egrep -o '[0-9].*')
etcdctl --endpoints=$E compact $rev > /dev/null
etcdctl --endpoints=$E defrag > /dev/null
etcdctl --endpoints=$E alarm disarm > /dev/null
etcdctl --endpoints=$E put newkey 123
"#;
    // Linear memory only grows: its size after the fill is the peak of everything so far.
    let memory_mib = || (core::arch::wasm32::memory_size(0) * 65536) as f64 / (1024.0 * 1024.0);
    let before = memory_mib();
    let started = js_sys::Date::now();
    shell.run(script, &mut transcript);
    let seconds = (js_sys::Date::now() - started) / 1000.0;
    console_log!("wasm: the guide's 16 MiB fill loop + recovery: {seconds:.3} s of wall time");
    console_log!("wasm: linear memory {before:.1} MiB before the fill loop, {:.1} MiB after", memory_mib());

    let mut cluster = Cluster::playground(1);
    let member = cluster.member_for_endpoint("127.0.0.1:2379").unwrap();
    let puts = 10_000;
    let started = js_sys::Date::now();
    for i in 0..puts {
        let op = RequestOp::Put(PutRequest {
            key: format!("key{:06}", i % 1000).into_bytes(),
            value: vec![b'v'; 256].into(),
            ..Default::default()
        });
        cluster.kv(member, op, false).expect("put");
    }
    let seconds = (js_sys::Date::now() - started) / 1000.0;
    console_log!(
        "wasm puts through the 3-member virtual cluster, 1 client:    {:>9.0} puts/s",
        puts as f64 / seconds
    );
    let (clients, rounds) = (100, 300);
    let started = js_sys::Date::now();
    for round in 0..rounds {
        let ops = (0..clients)
            .map(|c| {
                RequestOp::Put(PutRequest {
                    key: format!("key{:06}", (round * clients + c) % 1000).into_bytes(),
                    value: vec![b'v'; 256].into(),
                    ..Default::default()
                })
            })
            .collect();
        assert!(cluster.kv_concurrent(member, ops).iter().all(Result::is_ok));
    }
    let seconds = (js_sys::Date::now() - started) / 1000.0;
    console_log!(
        "wasm puts through the 3-member virtual cluster, 100 clients: {:>9.0} puts/s",
        (clients * rounds) as f64 / seconds
    );
}

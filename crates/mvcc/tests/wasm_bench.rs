//! The store's throughput compiled to wasm, in Node: `cargo xtask bench` builds it with the
//! `wasm-bench` feature (ordinary test runs leave it out; figures are printed, never asserted).
#![cfg(all(target_arch = "wasm32", feature = "wasm-bench"))]

use playground_bolt::MemDisk;
use playground_mvcc::{RangeOptions, Store};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[wasm_bindgen_test]
fn store_throughput_in_wasm() {
    const TXNS: usize = 50;
    const PUTS: usize = 1000;
    let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
    let value = [b'v'; 256];
    let started = js_sys::Date::now();
    for t in 0..TXNS {
        let mut txn = store.write();
        for p in 0..PUTS {
            txn.put(format!("key{:08}", t * PUTS + p).as_bytes(), &value, 0).unwrap();
        }
        txn.end();
        store.backend_mut().commit().unwrap();
    }
    let seconds = (js_sys::Date::now() - started) / 1000.0;
    console_log!(
        "wasm store puts (1000-put transactions, 256-byte values)  {:>10.0} puts/s",
        (TXNS * PUTS) as f64 / seconds
    );
    let started = js_sys::Date::now();
    for i in 0..50_000usize {
        let key = format!("key{:08}", (i * 7919) % (TXNS * PUTS));
        assert_eq!(store.range(key.as_bytes(), b"", RangeOptions::default()).unwrap().kvs.len(), 1);
    }
    let seconds = (js_sys::Date::now() - started) / 1000.0;
    console_log!(
        "wasm store point ranges                                  {:>10.0} ranges/s",
        50_000.0 / seconds
    );
}

//! Store throughput and memory, printed by `cargo xtask bench`: 1000-put transactions of
//! 256-byte values, ranges, and heap bytes per db byte (a counting allocator; wall-clock
//! figures belong in benchmarks, never in tests).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use playground_bolt::MemDisk;
use playground_mvcc::{RangeOptions, Store};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    const TXNS: usize = 100;
    const PUTS: usize = 1000;
    let baseline = LIVE.load(Ordering::Relaxed);
    let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
    let value = [b'v'; 256];
    let started = Instant::now();
    for t in 0..TXNS {
        let mut txn = store.write();
        for p in 0..PUTS {
            txn.put(format!("key{:08}", t * PUTS + p).as_bytes(), &value, 0).unwrap();
        }
        txn.end();
        store.backend_mut().commit().unwrap();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "store puts (1000-put transactions, 256-byte values)  {:>10.0} puts/s",
        (TXNS * PUTS) as f64 / seconds
    );

    let started = Instant::now();
    let mut found = 0;
    for i in 0..100_000usize {
        let key = format!("key{:08}", (i * 7919) % (TXNS * PUTS));
        found += store.range(key.as_bytes(), b"", RangeOptions::default()).unwrap().kvs.len();
    }
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(found, 100_000);
    println!("store point ranges                                  {:>10.0} ranges/s", 100_000.0 / seconds);

    let db = store.backend().size();
    let heap = LIVE.load(Ordering::Relaxed) - baseline;
    println!("heap {heap} bytes for a {db}-byte db: {:.2} heap bytes per db byte", heap as f64 / db as f64);
}

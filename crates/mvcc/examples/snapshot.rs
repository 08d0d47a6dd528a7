//! Writes a snapshot file from a store holding the fixture's workload:
//! `cargo run -p playground-mvcc --example snapshot -- OUT.db`.

use playground_bolt::MemDisk;
use playground_mvcc::{snapshot, Store};

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "playground-snapshot.db".into());
    let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
    for (key, value) in [("foo", "bar"), ("foo", "bar1"), ("/app/k1", "v1")] {
        store.put(key.as_bytes(), value.as_bytes(), 0).unwrap();
    }
    store.delete_range(b"foo", b"").unwrap();
    store.put(b"foo", b"again", 0).unwrap();
    store.backend_mut().commit().unwrap();
    let db = store.backend().db().snapshot_bytes().unwrap();
    std::fs::write(&out, snapshot::with_trailer(&db)).unwrap();
}

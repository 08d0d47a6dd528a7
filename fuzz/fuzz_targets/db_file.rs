//! Any bytes as a db or snapshot file: opening, checking, listing and reading the keyspace must
//! answer with an error or a result, never a panic or a hang. `cargo fuzz run db_file`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playground_bolt::{Db, MemDisk};
use playground_mvcc::{snapshot, RangeOptions, Store};

fuzz_target!(|data: &[u8]| {
    let _ = snapshot::status(data);
    let _ = snapshot::verified_db(data);
    if let Ok(db) = Db::open(Box::new(MemDisk::from_bytes(data.to_vec()))) {
        let tx = db.view();
        let _ = tx.check();
        let _ = tx.pages();
        let _ = tx.bucket_stats(&tx.root());
    }
    if let Ok(store) = Store::open(Box::new(MemDisk::from_bytes(data.to_vec()))) {
        let _ = store.range(b"\0", b"\0", RangeOptions::default());
    }
});

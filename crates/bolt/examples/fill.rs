//! Writes a db the way etcd's key bucket grows (sequential 1 KiB puts), prints its figures and
//! saves it: `cargo run -p playground-bolt --example fill -- OUT.db [PUTS]`.

use playground_bolt::{Db, MemDisk, Options, ROOT_BUCKET};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).cloned().unwrap_or_else(|| "fill.db".into());
    let puts: u64 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let mut db = Db::create(Box::new(MemDisk::new()), Options::default()).unwrap();
    let mut tx = db.begin_write();
    for name in [
        &b"key"[..],
        b"meta",
        b"lease",
        b"alarm",
        b"cluster",
        b"members",
        b"members_removed",
        b"auth",
        b"authUsers",
        b"authRoles",
    ] {
        tx.create_bucket(ROOT_BUCKET, name).unwrap();
    }
    tx.commit().unwrap();
    for batch in 0..puts.div_ceil(100) {
        let mut tx = db.begin_write();
        let bucket = tx.bucket(ROOT_BUCKET, b"key").unwrap().unwrap();
        tx.set_fill_percent(bucket, 0.9);
        for i in batch * 100..((batch + 1) * 100).min(puts) {
            let mut key = (i as i64 + 2).to_be_bytes().to_vec();
            key.push(b'_');
            key.extend_from_slice(&0i64.to_be_bytes());
            tx.put(bucket, &key, &[b'v'; 1024]).unwrap();
        }
        tx.commit().unwrap();
    }
    let stats = db.stats();
    println!("{stats:?}\nsize {} in use {}", stats.size(), stats.size_in_use());
    println!("check: {:?}", db.view().check());
    std::fs::write(&out, db.snapshot_bytes().unwrap()).unwrap();
}

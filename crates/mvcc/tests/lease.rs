//! Leases: grant (with the minimum TTL), keys attached by puts, expiry on virtual time,
//! keep-alive, revocation deleting the keys in one revision, persistence across a reopen; and
//! the consistent index kept in `meta`.

use playground_bolt::SharedDisk;
use playground_mvcc::lease::{LeaseError, Lessor};
use playground_mvcc::store::Store;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn leases_expire_renew_and_revoke_their_keys() {
    let disk = SharedDisk::new();
    let mut store = Store::create(Box::new(disk.clone())).unwrap();
    let mut lessor = Lessor::new(2);
    assert_eq!(lessor.grant(&mut store, 7, 1, 0).unwrap().ttl, 2, "raised to the minimum TTL");
    assert_eq!(lessor.grant(&mut store, 7, 10, 0).err(), Some(LeaseError::Exists));
    assert_eq!(lessor.grant(&mut store, 8, 9_000_000_001, 0).err(), Some(LeaseError::TtlTooLarge));
    lessor.grant(&mut store, 9, 60, 0).unwrap();
    for key in ["a", "b"] {
        store.put(key.as_bytes(), b"v", 9).unwrap();
        lessor.attach(9, key.as_bytes()).unwrap();
    }
    assert_eq!(lessor.attach(42, b"a").err(), Some(LeaseError::NotFound));

    assert_eq!(lessor.expired(1_999), Vec::<i64>::new());
    assert_eq!(lessor.expired(2_000), [7]);
    assert_eq!(lessor.lookup(9).unwrap().remaining_seconds(30_500), 29);
    assert_eq!(lessor.renew(9, 30_000), Ok(60));
    assert_eq!(lessor.lookup(9).unwrap().remaining_seconds(30_500), 59);
    assert_eq!(
        lessor.renew(7, 5_000).err(),
        Some(LeaseError::NotFound),
        "an expired lease cannot be kept alive"
    );

    store.backend_mut().commit().unwrap();
    drop(store);
    let mut store = Store::open(Box::new(disk)).unwrap();
    let mut lessor = Lessor::recover(&store, 2, 100_000).unwrap();
    assert_eq!(lessor.lookup(9).unwrap().keys.len(), 2);
    let before = store.current_revision();
    assert_eq!(lessor.revoke(&mut store, 9).unwrap(), before + 1, "both keys go in one revision");
    assert_eq!(store.range(b"a", b"c", Default::default()).unwrap().count, 0);
    assert_eq!(lessor.revoke(&mut store, 9).err(), Some(LeaseError::NotFound));
    assert_eq!(LeaseError::NotFound.to_string(), "lease not found");
}

#[test]
fn the_consistent_index_survives_a_reopen() {
    let disk = SharedDisk::new();
    let mut store = Store::create(Box::new(disk.clone())).unwrap();
    assert_eq!(store.consistent_index().unwrap(), (0, 0));
    store.set_consistent_index(42, 3).unwrap();
    assert_eq!(store.consistent_index().unwrap(), (42, 3));
    store.backend_mut().commit().unwrap();
    drop(store);
    assert_eq!(Store::open(Box::new(disk)).unwrap().consistent_index().unwrap(), (42, 3));
}

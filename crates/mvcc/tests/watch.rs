//! Watchers: live events, catching up from an old revision, prev_kv, filters, ranges, and the
//! compacted-watch case.

use playground_bolt::MemDisk;
use playground_mvcc::store::Store;
use playground_mvcc::watch::{EventType, WatchRequest, Watchers};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn summary(
    responses: &[playground_mvcc::watch::WatchResponse],
) -> Vec<(i64, EventType, String, String, i64)> {
    responses
        .iter()
        .flat_map(|r| {
            r.events.iter().map(move |e| {
                (
                    r.watch_id,
                    e.kind,
                    String::from_utf8_lossy(&e.kv.key).into_owned(),
                    String::from_utf8_lossy(&e.kv.value).into_owned(),
                    e.kv.mod_revision,
                )
            })
        })
        .collect()
}

#[test]
fn live_events_for_a_key_and_a_prefix() {
    let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
    let mut watchers = Watchers::new();
    let foo = watchers.watch(&store, WatchRequest { key: b"foo".to_vec(), ..Default::default() });
    let prefix = watchers.watch(
        &store,
        WatchRequest { key: b"f".to_vec(), range_end: b"g".to_vec(), prev_kv: true, ..Default::default() },
    );
    assert!(watchers.poll(&store).unwrap().is_empty());
    store.put(b"foo", b"1", 0).unwrap();
    store.put(b"fab", b"2", 0).unwrap();
    store.put(b"zoo", b"3", 0).unwrap();
    store.delete_range(b"foo", b"").unwrap();
    let responses = watchers.poll(&store).unwrap();
    assert_eq!(
        summary(&responses),
        [
            (foo, EventType::Put, "foo".into(), "1".into(), 2),
            (foo, EventType::Delete, "foo".into(), "".into(), 5),
            (prefix, EventType::Put, "foo".into(), "1".into(), 2),
            (prefix, EventType::Put, "fab".into(), "2".into(), 3),
            (prefix, EventType::Delete, "foo".into(), "".into(), 5),
        ]
    );
    let deleted = &responses[1].events[2];
    assert_eq!(deleted.prev_kv.as_ref().unwrap().value, b"1");
    assert!(watchers.poll(&store).unwrap().is_empty(), "each event is sent once");
    assert!(watchers.cancel(foo));
    assert!(!watchers.cancel(foo));
}

#[test]
fn a_watch_from_an_old_revision_catches_up_then_follows() {
    let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
    for v in ["a", "b", "c"] {
        store.put(b"k", v.as_bytes(), 0).unwrap();
    }
    let mut watchers = Watchers::new();
    let id = watchers.watch(
        &store,
        WatchRequest { key: b"k".to_vec(), start_revision: 3, no_delete: true, ..Default::default() },
    );
    store.delete_range(b"k", b"").unwrap();
    store.put(b"k", b"d", 0).unwrap();
    let events = summary(&watchers.poll(&store).unwrap());
    assert_eq!(
        events,
        [
            (id, EventType::Put, "k".into(), "b".into(), 3),
            (id, EventType::Put, "k".into(), "c".into(), 4),
            (id, EventType::Put, "k".into(), "d".into(), 6)
        ]
    );
}

#[test]
fn a_watch_before_the_compact_revision_is_cancelled_with_it() {
    let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
    for v in ["a", "b", "c", "d"] {
        store.put(b"k", v.as_bytes(), 0).unwrap();
    }
    store.compact(4).unwrap();
    let mut watchers = Watchers::new();
    let old =
        watchers.watch(&store, WatchRequest { key: b"k".to_vec(), start_revision: 2, ..Default::default() });
    let at_compaction =
        watchers.watch(&store, WatchRequest { key: b"k".to_vec(), start_revision: 4, ..Default::default() });
    let responses = watchers.poll(&store).unwrap();
    assert_eq!(responses[0].watch_id, old);
    assert_eq!((responses[0].compact_revision, responses[0].canceled), (4, true));
    assert_eq!(
        summary(&responses[1..]),
        [
            (at_compaction, EventType::Put, "k".into(), "c".into(), 4),
            (at_compaction, EventType::Put, "k".into(), "d".into(), 5)
        ]
    );
    assert_eq!(watchers.len(), 1);
}

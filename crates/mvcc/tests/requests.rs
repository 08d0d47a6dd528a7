//! The KV API on the store, as etcd's server answers it: range options, put and delete with
//! prev_kv, and transactions (compares, branches, nesting, all-or-nothing).

use playground_bolt::MemDisk;
use playground_mvcc::request::*;
use playground_mvcc::store::{Error, Store};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn store_with(keys: &[(&str, &str)]) -> Store {
    let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
    for (k, v) in keys {
        store.put(k.as_bytes(), v.as_bytes(), 0).unwrap();
    }
    store
}

fn keys(response: &RangeResponse) -> Vec<String> {
    response.kvs.iter().map(|kv| String::from_utf8_lossy(&kv.key).into_owned()).collect()
}

fn prefix(p: &str) -> RangeRequest {
    let mut end = p.as_bytes().to_vec();
    *end.last_mut().unwrap() += 1;
    RangeRequest { key: p.as_bytes().to_vec(), range_end: end, ..Default::default() }
}

#[test]
fn range_options_as_etcd_applies_them() {
    // foo=3 versions, foo1, foo2 (twice), foo3: revisions 2..=8
    let store = store_with(&[
        ("foo", "a"),
        ("foo", "b"),
        ("foo1", "z"),
        ("foo2", "m"),
        ("foo2", "n"),
        ("foo3", "c"),
        ("foo", "c"),
    ]);
    let all = store.range_request(&prefix("foo")).unwrap();
    assert_eq!(
        (keys(&all), all.count, all.more, all.revision),
        (vec!["foo".into(), "foo1".into(), "foo2".into(), "foo3".into()], 4, false, 8)
    );

    let limited = store.range_request(&RangeRequest { limit: 2, ..prefix("foo") }).unwrap();
    assert_eq!((keys(&limited), limited.count, limited.more), (vec!["foo".into(), "foo1".into()], 4, true));

    let by_version = store
        .range_request(&RangeRequest {
            sort_target: SortTarget::Version,
            sort_order: SortOrder::Descend,
            ..prefix("foo")
        })
        .unwrap();
    assert_eq!(keys(&by_version), ["foo", "foo2", "foo1", "foo3"]);
    let by_value =
        store.range_request(&RangeRequest { sort_target: SortTarget::Value, ..prefix("foo") }).unwrap();
    assert_eq!(keys(&by_value), ["foo", "foo3", "foo2", "foo1"]);
    let descending = store
        .range_request(&RangeRequest { sort_order: SortOrder::Descend, limit: 1, ..prefix("foo") })
        .unwrap();
    assert_eq!((keys(&descending), descending.more), (vec!["foo3".into()], true));

    let keys_only = store.range_request(&RangeRequest { keys_only: true, ..prefix("foo") }).unwrap();
    assert!(keys_only.kvs.iter().all(|kv| kv.value.is_empty()));
    let count = store.range_request(&RangeRequest { count_only: true, ..prefix("foo") }).unwrap();
    assert_eq!((count.kvs.len(), count.count), (0, 4));

    let recent = store.range_request(&RangeRequest { min_mod_revision: 6, ..prefix("foo") }).unwrap();
    assert_eq!(keys(&recent), ["foo", "foo2", "foo3"]);
    let old = store.range_request(&RangeRequest { max_create_revision: 4, ..prefix("foo") }).unwrap();
    assert_eq!(keys(&old), ["foo", "foo1"]);

    let everything = store
        .range_request(&RangeRequest { key: vec![0], range_end: vec![0], ..Default::default() })
        .unwrap();
    assert_eq!(everything.count, 4);
    let at_three = store.range_request(&RangeRequest { revision: 3, ..prefix("foo") }).unwrap();
    assert_eq!((keys(&at_three), at_three.revision), (vec!["foo".into()], 8));
    assert_eq!(store.range_request(&RangeRequest { revision: 9, ..prefix("foo") }), Err(Error::FutureRev));
}

#[test]
fn put_and_delete_return_previous_values() {
    let mut store = store_with(&[("a", "1"), ("b", "2"), ("c", "3")]);
    let put = store
        .apply(&RequestOp::Put(PutRequest {
            key: b"a".to_vec(),
            value: b"9".to_vec().into(),
            prev_kv: true,
            ..Default::default()
        }))
        .unwrap();
    let ResponseOp::Put(put) = put else { panic!("a put response") };
    assert_eq!((put.revision, put.prev_kv.unwrap().value), (5, b"1".to_vec()));

    let ignore =
        RequestOp::Put(PutRequest { key: b"missing".to_vec(), ignore_value: true, ..Default::default() });
    assert_eq!(store.apply(&ignore), Err(Error::KeyNotFound));
    assert_eq!(store.current_revision(), 5);
    let keep = RequestOp::Put(PutRequest { key: b"b".to_vec(), ignore_value: true, ..Default::default() });
    store.apply(&keep).unwrap();
    assert_eq!(store.range(b"b", b"", Default::default()).unwrap().kvs[0].value, b"2");

    let delete = RequestOp::DeleteRange(DeleteRangeRequest {
        key: b"a".to_vec(),
        range_end: b"c".to_vec(),
        prev_kv: true,
    });
    let ResponseOp::DeleteRange(deleted) = store.apply(&delete).unwrap() else { panic!("a delete response") };
    assert_eq!((deleted.deleted, deleted.prev_kvs.len(), deleted.revision), (2, 2, 7));
    let ResponseOp::DeleteRange(none) = store.apply(&delete).unwrap() else { panic!("a delete response") };
    assert_eq!((none.deleted, none.revision), (0, 7));
}

fn compare(key: &str, result: CompareResult, target: CompareTarget) -> Compare {
    Compare { key: key.as_bytes().to_vec(), range_end: Vec::new(), result, target }
}

fn put(key: &str, value: &str) -> RequestOp {
    RequestOp::Put(PutRequest {
        key: key.as_bytes().to_vec(),
        value: value.as_bytes().to_vec().into(),
        ..Default::default()
    })
}

fn get(key: &str) -> RequestOp {
    RequestOp::Range(RangeRequest { key: key.as_bytes().to_vec(), ..Default::default() })
}

#[test]
fn transactions_choose_a_branch_and_take_one_revision() {
    let mut store = store_with(&[("user", "alice")]);
    // etcdctl txn: value("user") = "alice" → put user bob, put seen yes; else get user
    let txn = TxnRequest {
        compare: vec![compare("user", CompareResult::Equal, CompareTarget::Value(b"alice".to_vec()))],
        success: vec![put("user", "bob"), put("seen", "yes"), get("user")],
        failure: vec![get("user")],
    };
    let response = store.txn(txn.clone()).unwrap();
    assert!(response.succeeded);
    assert_eq!(response.revision, 3);
    let ResponseOp::Range(read) = &response.responses[2] else { panic!("a range response") };
    assert_eq!(read.kvs[0].value, b"bob", "a range inside a txn sees the txn's own writes");
    assert_eq!(store.range(b"seen", b"", Default::default()).unwrap().kvs[0].mod_revision, 3);

    let response = store.txn(txn).unwrap();
    assert!(!response.succeeded);
    assert_eq!(response.revision, 3, "a read-only branch takes no revision");

    // A value compare on a missing key fails; a version compare sees version 0.
    let missing = TxnRequest {
        compare: vec![compare("nokey", CompareResult::Equal, CompareTarget::Value(Vec::new()))],
        ..Default::default()
    };
    assert!(!store.txn(missing).unwrap().succeeded);
    let absent = TxnRequest {
        compare: vec![compare("nokey", CompareResult::Equal, CompareTarget::Version(0))],
        ..Default::default()
    };
    assert!(store.txn(absent).unwrap().succeeded);
    let newer = TxnRequest {
        compare: vec![compare("user", CompareResult::Greater, CompareTarget::Mod(2))],
        ..Default::default()
    };
    assert!(store.txn(newer).unwrap().succeeded);
}

#[test]
fn nested_compares_see_the_state_before_the_request_and_errors_apply_nothing() {
    let mut store = store_with(&[("k", "1")]);
    let inner = TxnRequest {
        compare: vec![compare("k", CompareResult::Equal, CompareTarget::Value(b"1".to_vec()))],
        success: vec![put("inner", "saw-old")],
        failure: vec![put("inner", "saw-new")],
    };
    let outer =
        TxnRequest { compare: vec![], success: vec![put("k", "2"), RequestOp::Txn(inner)], failure: vec![] };
    store.txn(outer).unwrap();
    assert_eq!(store.range(b"inner", b"", Default::default()).unwrap().kvs[0].value, b"saw-old");

    let before = store.current_revision();
    let bad = TxnRequest {
        compare: vec![],
        success: vec![
            put("x", "1"),
            RequestOp::Range(RangeRequest { key: b"k".to_vec(), revision: 99, ..Default::default() }),
        ],
        failure: vec![],
    };
    assert_eq!(store.txn(bad), Err(Error::FutureRev));
    assert_eq!(store.current_revision(), before);
    assert_eq!(store.range(b"x", b"", Default::default()).unwrap().count, 0);
}

#[test]
fn a_txn_may_not_put_a_key_twice_or_put_what_it_deletes() {
    let mut store = store_with(&[("a", "1")]);
    let before = store.current_revision();
    let twice = TxnRequest { compare: vec![], success: vec![put("k", "1"), put("k", "2")], failure: vec![] };
    assert_eq!(store.txn(twice), Err(Error::DuplicateKey));
    let deleted = RequestOp::DeleteRange(DeleteRangeRequest {
        key: b"a".to_vec(),
        range_end: b"z".to_vec(),
        prev_kv: false,
    });
    let put_and_delete =
        TxnRequest { compare: vec![], success: vec![deleted.clone(), put("k", "1")], failure: vec![] };
    assert_eq!(store.txn(put_and_delete), Err(Error::DuplicateKey));
    let nested = TxnRequest { compare: vec![], success: vec![put("k", "1")], failure: vec![] };
    let outer =
        TxnRequest { compare: vec![], success: vec![put("k", "0"), RequestOp::Txn(nested)], failure: vec![] };
    assert_eq!(store.txn(outer), Err(Error::DuplicateKey));
    assert_eq!(Error::DuplicateKey.to_string(), "duplicate key given in txn request");
    assert_eq!(store.current_revision(), before);
    // Overlapping deletes, and the same key in the two branches, are fine.
    let fine = TxnRequest {
        compare: vec![],
        success: vec![deleted.clone(), deleted, put("zz", "1")],
        failure: vec![put("zz", "2")],
    };
    assert!(store.txn(fine).unwrap().succeeded);
}

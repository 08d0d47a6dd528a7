//! Watchers, as etcd's watchable store serves them: a watcher asks for changes to a key or
//! range from a revision on, and is sent every event from there, catching up through history
//! first. A watcher whose start revision has been compacted away is told the compact revision
//! and cancelled.
//!
//! The world is single-threaded and virtual, so watchers pull: [`Watchers::poll`] reads each
//! watcher's events since its next revision from the `key` bucket. Catching up and following
//! live changes are the same path.

use std::collections::BTreeMap;

use crate::kv::KeyValue;
use crate::revision::Revision;
use crate::schema;
use crate::store::{RangeOptions, Result, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Put,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: EventType,
    /// For a delete: the key, with the deletion's revision as mod revision.
    pub kv: KeyValue,
    pub prev_kv: Option<KeyValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WatchRequest {
    pub key: Vec<u8>,
    /// As in a range: empty is the single key, `\0` every key from `key` on.
    pub range_end: Vec<u8>,
    /// 0: from the next revision.
    pub start_revision: i64,
    pub prev_kv: bool,
    pub no_put: bool,
    pub no_delete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WatchResponse {
    pub watch_id: i64,
    /// The store's revision when the response was made.
    pub revision: i64,
    pub events: Vec<Event>,
    /// Set when the watcher's start revision was compacted: it is cancelled.
    pub compact_revision: i64,
    pub canceled: bool,
}

#[derive(Debug, Clone)]
struct Watcher {
    request: WatchRequest,
    /// The first revision not yet sent.
    next_rev: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Watchers {
    watchers: BTreeMap<i64, Watcher>,
    next_id: i64,
}

impl Watchers {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a watcher; its events arrive through [`Watchers::poll`].
    pub fn watch(&mut self, store: &Store, request: WatchRequest) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let next_rev =
            if request.start_revision <= 0 { store.current_revision() + 1 } else { request.start_revision };
        self.watchers.insert(id, Watcher { request, next_rev });
        id
    }

    /// Stops a watcher; false if there was none.
    pub fn cancel(&mut self, id: i64) -> bool {
        self.watchers.remove(&id).is_some()
    }

    pub fn len(&self) -> usize {
        self.watchers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.watchers.is_empty()
    }

    /// Every watcher's new events, in watcher order; compacted watchers are cancelled.
    pub fn poll(&mut self, store: &Store) -> Result<Vec<WatchResponse>> {
        let current = store.current_revision();
        let compacted = store.compact_revision();
        let mut responses = Vec::new();
        let mut cancelled = Vec::new();
        for (&id, watcher) in &mut self.watchers {
            if watcher.next_rev < compacted {
                responses.push(WatchResponse {
                    watch_id: id,
                    revision: current,
                    events: Vec::new(),
                    compact_revision: compacted,
                    canceled: true,
                });
                cancelled.push(id);
                continue;
            }
            if watcher.next_rev > current {
                continue;
            }
            let events = events(store, &watcher.request, watcher.next_rev, current)?;
            watcher.next_rev = current + 1;
            if !events.is_empty() {
                responses.push(WatchResponse {
                    watch_id: id,
                    revision: current,
                    events,
                    compact_revision: 0,
                    canceled: false,
                });
            }
        }
        for id in cancelled {
            self.watchers.remove(&id);
        }
        Ok(responses)
    }
}

fn matches(request: &WatchRequest, key: &[u8]) -> bool {
    if request.range_end.is_empty() {
        key == request.key.as_slice()
    } else if request.range_end == [0] {
        key >= request.key.as_slice()
    } else {
        key >= request.key.as_slice() && key < request.range_end.as_slice()
    }
}

/// The events of revisions `from..=to` for the watched range, from the `key` bucket.
fn events(store: &Store, request: &WatchRequest, from: i64, to: i64) -> Result<Vec<Event>> {
    let start = Revision::new(from, 0).to_bytes(false);
    let end = (to + 1).to_be_bytes();
    let mut events = Vec::new();
    for (key, value) in store.backend().range(schema::KEY, &start, &end, 0)? {
        let Some((revision, tombstone)) = Revision::from_bytes(&key) else { continue };
        let Some(mut kv) = KeyValue::decode(&value) else { continue };
        if !matches(request, &kv.key) {
            continue;
        }
        let kind = if tombstone { EventType::Delete } else { EventType::Put };
        if (kind == EventType::Put && request.no_put) || (kind == EventType::Delete && request.no_delete) {
            continue;
        }
        if tombstone {
            kv.mod_revision = revision.main;
        }
        let prev_kv = if request.prev_kv {
            let options = RangeOptions { rev: revision.main - 1, ..Default::default() };
            store.range(&kv.key, b"", options).ok().and_then(|r| r.kvs.into_iter().next())
        } else {
            None
        };
        events.push(Event { kind, kv, prev_kv });
    }
    Ok(events)
}

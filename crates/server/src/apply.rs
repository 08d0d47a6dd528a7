//! One member's state machine, as etcd's apply loop: every committed request is applied on
//! every member in log order, and the member that proposed it answers its client. The quota is
//! checked again here (etcd's `quotaApplierV3`: the put is applied, yet answers "database space
//! exceeded"), and while a NOSPACE alarm stands the capped applier refuses puts, txns that put
//! and lease grants. A member whose apply ran out of space proposes the alarm itself.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use playground_bolt::SharedDisk;
use playground_mvcc::lease::Lessor;
use playground_mvcc::request::{RequestOp, ResponseOp};
use playground_mvcc::{schema, Store};
use playground_raft::Entry;
use playground_wire::{varint, Encoder};

use crate::error::Error;
use crate::flags::Flags;
use crate::log::Log;
use crate::observe::{EventKind, Sink};
use crate::quota;
use crate::raft_node::Application;
use crate::request::{AlarmAction, AlarmType, Envelope, Request};
use crate::version::EtcdVersion;

/// What a request answers once applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Kv(ResponseOp),
    Compaction,
    LeaseGrant { id: i64, ttl: i64 },
    LeaseRevoke,
    Alarm(Vec<(u64, AlarmType)>),
    Empty,
}

/// The result of one applied request with the store's revision after it.
pub type Applied = (Result<Response, Error>, i64);

/// The shortest lease TTL with etcd's default timings (1.5 election timeouts, in seconds).
const MIN_LEASE_TTL: i64 = 2;

pub struct EtcdMember {
    pub id: u64,
    disk: SharedDisk,
    pub store: Store,
    pub lessor: Lessor,
    /// The cluster's alarms as this member applied them (etcd's alarm store).
    pub alarms: BTreeSet<(u64, AlarmType)>,
    /// Results for requests this member proposed, by request id, until the client takes them.
    results: BTreeMap<u64, Applied>,
    /// Results held back until the alarm this member raised for them is applied (etcd answers
    /// the client only after its alarm request went through raft), by the alarm's request id.
    deferred: BTreeMap<u64, (u64, Applied)>,
    proposals: Vec<Vec<u8>>,
    flags: Rc<RefCell<Flags>>,
    log: Log,
    /// Ids for requests the apply loop proposes (alarms).
    next_id: u64,
    /// When the backend last committed: writes are batched for `--backend-batch-interval`.
    last_commit_micros: u64,
    /// Where it reports compactions, alarms and quota refusals for the page's timeline.
    sink: Sink,
    /// The entry being applied and when (what a report carries).
    applying: (u64, u64),
}

/// `AlarmMember` as the `alarm` bucket keys it (protobuf: memberID = 1, alarm = 2).
fn alarm_key(member: u64, alarm: AlarmType) -> Vec<u8> {
    let mut key = Encoder::with_capacity(13);
    key.varint(1, member).varint(2, alarm.number());
    key.into_bytes()
}

fn decode_alarm_key(key: &[u8]) -> Option<(u64, AlarmType)> {
    let mut rest = key.strip_prefix(&[0x08])?;
    let member = varint::take(&mut rest)?;
    match rest {
        [0x10, 1] => Some((member, AlarmType::NoSpace)),
        [0x10, 2] => Some((member, AlarmType::Corrupt)),
        _ => None,
    }
}

impl EtcdMember {
    pub fn open(
        id: u64,
        disk: SharedDisk,
        fresh: bool,
        flags: Rc<RefCell<Flags>>,
        log: Log,
        now_ms: u64,
    ) -> Option<Self> {
        let store =
            if fresh { Store::create(Box::new(disk.clone())) } else { Store::open(Box::new(disk.clone())) }
                .ok()?;
        let lessor = Lessor::recover(&store, MIN_LEASE_TTL, now_ms).ok()?;
        let alarms = store
            .backend()
            .range(schema::ALARM, &[], &[0xff; 16], 0)
            .ok()?
            .into_iter()
            .filter_map(|(key, _)| decode_alarm_key(&key))
            .collect();
        Some(EtcdMember {
            id,
            disk,
            store,
            lessor,
            alarms,
            results: BTreeMap::new(),
            deferred: BTreeMap::new(),
            proposals: Vec::new(),
            flags,
            log,
            next_id: 1,
            last_commit_micros: 0,
            sink: Sink::default(),
            applying: (0, 0),
        })
    }

    /// The member reporting its events into `sink`.
    pub(crate) fn observed(mut self, sink: Sink) -> Self {
        self.sink = sink;
        self
    }

    pub fn take_result(&mut self, id: u64) -> Option<Applied> {
        self.results.remove(&id)
    }

    pub fn has_result(&self, id: u64) -> bool {
        self.results.contains_key(&id)
    }

    pub fn has_alarm(&self, alarm: AlarmType) -> bool {
        self.alarms.iter().any(|(_, a)| *a == alarm)
    }

    pub fn version(&self) -> EtcdVersion {
        self.flags.borrow().version
    }

    pub fn quota(&self) -> Option<u64> {
        quota::quota_bytes(self.flags.borrow().quota_backend_bytes)
    }

    /// Commits the backend's batch (etcd's batch tx commit, every 100 ms by default).
    pub fn commit(&mut self, now_micros: u64) {
        let _ = self.store.backend_mut().commit();
        self.last_commit_micros = now_micros;
    }

    /// When the pending batch is due to commit, if anything is pending.
    pub fn commit_due_at(&self) -> Option<u64> {
        (self.store.backend().pending_writes() > 0)
            .then(|| self.last_commit_micros + self.flags.borrow().backend_batch_interval_ms * 1000)
    }

    pub fn db_size(&self) -> u64 {
        self.store.backend().size()
    }

    pub fn db_size_in_use(&self) -> u64 {
        self.store.backend().size_in_use()
    }

    /// etcd's defrag: the db copied into a fresh file, which replaces it.
    pub fn defrag(&mut self) -> Result<(), Error> {
        let _ = self.store.backend_mut().commit();
        // etcd's `db.tmp`, beside the db.
        let scratch = self.disk.sibling();
        self.store
            .backend_mut()
            .defrag(Box::new(scratch.clone()))
            .map_err(|e| Error::Internal(e.to_string()))?;
        // The copy, synced by its commit, is renamed over the db: a crash leaves one or the
        // other, never a mix (a db rewritten in place and torn by a crash would be both).
        self.disk.rename_from(&scratch);
        self.store = Store::open(Box::new(self.disk.clone())).map_err(Error::from)?;
        Ok(())
    }

    fn capped(&self) -> bool {
        self.has_alarm(AlarmType::NoSpace)
    }

    fn apply_request(&mut self, request: &Request, now_ms: u64) -> Result<Response, Error> {
        match request {
            Request::Kv(op) => {
                if self.capped() && quota::cost(request) > 0 {
                    return Err(Error::NoSpace);
                }
                let fits = quota::available(self.db_size(), self.quota(), request, self.version());
                if let RequestOp::Put(put) = op {
                    if put.lease != 0 && self.lessor.lookup(put.lease).is_none() {
                        return Err(Error::LeaseNotFound);
                    }
                }
                let response = self.store.apply(op)?;
                self.track_leases(op);
                if fits {
                    Ok(Response::Kv(response))
                } else {
                    Err(Error::NoSpace)
                }
            }
            Request::Compaction { revision, .. } => {
                let keys = self.store.key_index_len();
                self.store.compact(*revision)?;
                let keys_removed = keys.saturating_sub(self.store.key_index_len()) as u64;
                self.sink.kind(
                    self.applying.1,
                    self.id,
                    EventKind::Compacted { revision: *revision, keys_removed },
                );
                self.log.info(
                    self.id,
                    "finished scheduled compaction",
                    &[("compact-revision", revision.to_string())],
                );
                Ok(Response::Compaction)
            }
            Request::LeaseGrant { id, ttl } => {
                if self.capped() {
                    return Err(Error::NoSpace);
                }
                let fits = quota::available(self.db_size(), self.quota(), request, self.version());
                let ttl = self.lessor.grant(&mut self.store, *id, *ttl, now_ms)?.ttl;
                if fits {
                    Ok(Response::LeaseGrant { id: *id, ttl })
                } else {
                    Err(Error::NoSpace)
                }
            }
            Request::LeaseRevoke { id } => {
                self.lessor.revoke(&mut self.store, *id)?;
                Ok(Response::LeaseRevoke)
            }
            Request::Alarm { action, member, alarm } => {
                Ok(Response::Alarm(self.apply_alarm(*action, *member, *alarm)))
            }
            Request::ClusterVersionSet { version } => {
                // 3.6's storage version follows the cluster version once it is the release's.
                let release = self.version();
                if let Some(storage) = release.storage().filter(|_| version == release.api()) {
                    self.store.set_storage_version(storage);
                }
                Ok(Response::Empty)
            }
            Request::Publish { .. } => Ok(Response::Empty),
        }
    }

    /// Keeps the lessor's key sets in step with puts and deletes.
    fn track_leases(&mut self, op: &RequestOp) {
        match op {
            RequestOp::Put(put) if !put.ignore_lease => {
                let _ = self.lessor.attach(put.lease, &put.key);
            }
            RequestOp::DeleteRange(delete) if delete.range_end.is_empty() => self.lessor.detach(&delete.key),
            _ => {}
        }
    }

    fn apply_alarm(
        &mut self,
        action: AlarmAction,
        member: u64,
        alarm: Option<AlarmType>,
    ) -> Vec<(u64, AlarmType)> {
        match action {
            AlarmAction::Get => {
                self.alarms.iter().filter(|(_, a)| alarm.is_none_or(|want| want == *a)).copied().collect()
            }
            AlarmAction::Activate => {
                let Some(alarm) = alarm else { return Vec::new() };
                if !self.alarms.insert((member, alarm)) {
                    return Vec::new();
                }
                let _ =
                    self.store.backend_mut().put(schema::ALARM, alarm_key(member, alarm), Vec::new(), false);
                let (index, at) = self.applying;
                self.sink.once_for_entry(
                    index,
                    at,
                    member,
                    EventKind::AlarmRaised { alarm: alarm.name().into() },
                );
                self.log.warn(
                    self.id,
                    "alarm raised",
                    &[("alarm", alarm.name().into()), ("from", format!("{member:x}"))],
                );
                vec![(member, alarm)]
            }
            AlarmAction::Deactivate => {
                let Some(alarm) = alarm else { return Vec::new() };
                if !self.alarms.remove(&(member, alarm)) {
                    return Vec::new();
                }
                let _ = self.store.backend_mut().delete(schema::ALARM, alarm_key(member, alarm));
                let (index, at) = self.applying;
                self.sink.once_for_entry(
                    index,
                    at,
                    member,
                    EventKind::AlarmDisarmed { alarm: alarm.name().into() },
                );
                self.log.warn(
                    self.id,
                    "alarm disarmed",
                    &[("alarm", alarm.name().into()), ("from", format!("{member:x}"))],
                );
                vec![(member, alarm)]
            }
        }
    }

    /// Proposes this member's NOSPACE alarm; returns the request's id.
    fn propose_alarm(&mut self) -> u64 {
        let id = (self.id << 16) ^ (u64::MAX - self.next_id);
        self.next_id += 1;
        let request = Request::Alarm {
            action: AlarmAction::Activate,
            member: self.id,
            alarm: Some(AlarmType::NoSpace),
        };
        self.proposals.push(Envelope { id, origin: self.id, request }.encode());
        id
    }
}

impl Application for EtcdMember {
    fn apply(&mut self, entries: &[Entry], now_micros: u64) {
        let now_ms = now_micros / 1000;
        for entry in entries {
            // Recorded before the entry applies, as etcd's applyEntryNormal sets it: a commit in
            // the middle of a batch (a compaction commits at once) must not persist an entry's
            // writes with an older consistent index, or a restart applies the entry again.
            let _ = self.store.set_consistent_index(entry.index, entry.term);
            self.applying = (entry.index, now_micros);
            let Some(envelope) = Envelope::decode_entry(&entry.data) else { continue };
            let result = self.apply_request(&envelope.request, now_ms);
            let applied = (result, self.store.current_revision());
            if let Some((waiting, held)) = self.deferred.remove(&envelope.id) {
                self.results.insert(waiting, held);
            }
            if applied.0 == Err(Error::NoSpace)
                && !self.capped()
                && !matches!(envelope.request, Request::Alarm { .. })
            {
                // etcd: "message exceeded backend quota; raising alarm".
                self.log.warn(self.id, "message exceeded backend quota; raising alarm", &[]);
                self.sink.kind(now_micros, self.id, EventKind::QuotaExceeded { layer: "apply".into() });
                let alarm = self.propose_alarm();
                if envelope.origin == self.id {
                    self.deferred.insert(alarm, (envelope.id, applied));
                }
                continue;
            }
            if envelope.origin == self.id {
                self.results.insert(envelope.id, applied);
            }
        }
        if !entries.is_empty() {
            let (interval, limit) = {
                let flags = self.flags.borrow();
                (flags.backend_batch_interval_ms * 1000, flags.backend_batch_limit as usize)
            };
            if now_micros >= self.last_commit_micros + interval
                || self.store.backend().pending_writes() >= limit
            {
                self.commit(now_micros);
            }
        }
    }

    fn consistent_index(&self) -> u64 {
        self.store.consistent_index().map_or(0, |(index, _)| index)
    }

    fn snapshot_data(&mut self) -> Vec<u8> {
        self.commit(0);
        self.store.backend().db().snapshot_bytes().unwrap_or_default()
    }

    fn db_size(&self) -> u64 {
        EtcdMember::db_size(self)
    }

    fn check(&self) -> Vec<String> {
        self.store.backend().db().view().check()
    }

    fn take_proposals(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.proposals)
    }
}

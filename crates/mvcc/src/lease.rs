//! The lease store, as etcd's lessor keeps it: leases with a TTL, persisted in the `lease`
//! bucket as `leasepb.Lease`, keys attached to them, and revocation deleting those keys in one
//! write transaction. Time is the virtual world's, handed in as milliseconds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use playground_wire::{Decoder, Encoder, Field};

use crate::schema;
use crate::store::{self, RangeOptions, Store};

/// etcd's largest TTL (`MaxLeaseTTL`), in seconds.
pub const MAX_LEASE_TTL: i64 = 9_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseError {
    NotFound,
    Exists,
    TtlTooLarge,
    Store(store::Error),
}

impl fmt::Display for LeaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaseError::NotFound => f.write_str("lease not found"),
            LeaseError::Exists => f.write_str("lease already exists"),
            LeaseError::TtlTooLarge => f.write_str("too large lease TTL"),
            LeaseError::Store(error) => write!(f, "{error}"),
        }
    }
}

impl From<store::Error> for LeaseError {
    fn from(error: store::Error) -> Self {
        LeaseError::Store(error)
    }
}

impl From<playground_bolt::Error> for LeaseError {
    fn from(error: playground_bolt::Error) -> Self {
        LeaseError::Store(store::Error::Backend(error))
    }
}

pub type Result<T> = std::result::Result<T, LeaseError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub id: i64,
    /// Granted TTL, in seconds (raised to the minimum).
    pub ttl: i64,
    /// When it expires, in virtual milliseconds.
    pub expiry_ms: u64,
    pub keys: BTreeSet<Vec<u8>>,
}

impl Lease {
    /// Whole seconds left, as `LeaseTimeToLive` reports them (truncated; -1 once expired).
    pub fn remaining_seconds(&self, now_ms: u64) -> i64 {
        if now_ms >= self.expiry_ms {
            -1
        } else {
            ((self.expiry_ms - now_ms) / 1000) as i64
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Lessor {
    leases: BTreeMap<i64, Lease>,
    /// The shortest TTL granted: 1.5 election timeouts, rounded up to seconds (etcd: 2 s with
    /// the default 100 ms heartbeat and 10-tick election).
    pub min_ttl: i64,
}

/// `leasepb.Lease` as stored in the `lease` bucket (ID = 1, TTL = 2).
fn encode_lease(id: i64, ttl: i64) -> Vec<u8> {
    let mut out = Encoder::with_capacity(20);
    out.varint_nonzero(1, id as u64).varint_nonzero(2, ttl as u64);
    out.into_bytes()
}

fn decode_lease(bytes: &[u8]) -> Option<(i64, i64)> {
    let (mut id, mut ttl) = (0, 0);
    for field in Decoder::new(bytes) {
        match field.ok()? {
            Field::Varint(1, value) => id = value as i64,
            Field::Varint(2, value) => ttl = value as i64,
            _ => {}
        }
    }
    Some((id, ttl))
}

impl Lessor {
    pub fn new(min_ttl: i64) -> Self {
        Lessor { leases: BTreeMap::new(), min_ttl }
    }

    /// The leases persisted in a store, with the keys that name them (after a restart or a
    /// restore); every lease starts a full TTL from `now_ms`, as a new primary's do.
    pub fn recover(store: &Store, min_ttl: i64, now_ms: u64) -> Result<Lessor> {
        let mut lessor = Lessor::new(min_ttl);
        for (_, value) in store.backend().range(schema::LEASE, &[], &[0xff; 9], 0)? {
            if let Some((id, ttl)) = decode_lease(&value) {
                let expiry_ms = now_ms.saturating_add(ttl.max(0) as u64 * 1000);
                lessor.leases.insert(id, Lease { id, ttl, expiry_ms, keys: BTreeSet::new() });
            }
        }
        for kv in store.range(&[0], &[0], RangeOptions::default())?.kvs {
            if let Some(lease) = lessor.leases.get_mut(&kv.lease) {
                lease.keys.insert(kv.key);
            }
        }
        Ok(lessor)
    }

    pub fn grant(&mut self, store: &mut Store, id: i64, ttl: i64, now_ms: u64) -> Result<&Lease> {
        if id == 0 {
            return Err(LeaseError::NotFound);
        }
        if ttl > MAX_LEASE_TTL {
            return Err(LeaseError::TtlTooLarge);
        }
        if self.leases.contains_key(&id) {
            return Err(LeaseError::Exists);
        }
        let ttl = ttl.max(self.min_ttl);
        store.backend_mut().put(schema::LEASE, id.to_be_bytes().to_vec(), encode_lease(id, ttl), false)?;
        let expiry_ms = now_ms.saturating_add(ttl as u64 * 1000);
        Ok(self.leases.entry(id).or_insert(Lease { id, ttl, expiry_ms, keys: BTreeSet::new() }))
    }

    /// Deletes the lease and, in one write transaction, every key attached to it. Returns the
    /// revision after.
    pub fn revoke(&mut self, store: &mut Store, id: i64) -> Result<i64> {
        let lease = self.leases.remove(&id).ok_or(LeaseError::NotFound)?;
        let mut txn = store.write();
        for key in &lease.keys {
            txn.delete_range(key, b"")?;
        }
        let revision = txn.end();
        store.backend_mut().delete(schema::LEASE, id.to_be_bytes().to_vec())?;
        Ok(revision)
    }

    /// `LeaseKeepAlive`: the TTL starts again from now. Returns the TTL.
    pub fn renew(&mut self, id: i64, now_ms: u64) -> Result<i64> {
        let lease = self.leases.get_mut(&id).ok_or(LeaseError::NotFound)?;
        if now_ms >= lease.expiry_ms {
            return Err(LeaseError::NotFound);
        }
        lease.expiry_ms = now_ms.saturating_add(lease.ttl as u64 * 1000);
        Ok(lease.ttl)
    }

    /// Records that `key` was put with lease `id` (and no longer with its previous one).
    pub fn attach(&mut self, id: i64, key: &[u8]) -> Result<()> {
        for lease in self.leases.values_mut() {
            lease.keys.remove(key);
        }
        if id == 0 {
            return Ok(());
        }
        let lease = self.leases.get_mut(&id).ok_or(LeaseError::NotFound)?;
        lease.keys.insert(key.to_vec());
        Ok(())
    }

    /// Forgets deleted keys.
    pub fn detach(&mut self, key: &[u8]) {
        for lease in self.leases.values_mut() {
            lease.keys.remove(key);
        }
    }

    pub fn lookup(&self, id: i64) -> Option<&Lease> {
        self.leases.get(&id)
    }

    pub fn leases(&self) -> impl Iterator<Item = &Lease> {
        self.leases.values()
    }

    /// Leases whose time is up, in id order: the leader revokes them.
    pub fn expired(&self, now_ms: u64) -> Vec<i64> {
        self.leases.values().filter(|l| now_ms >= l.expiry_ms).map(|l| l.id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn lease_records_round_trip() {
        assert_eq!(decode_lease(&encode_lease(0x694d77aa9e38260f, 60)), Some((0x694d77aa9e38260f, 60)));
        assert_eq!(encode_lease(1, 2), [0x08, 0x01, 0x10, 0x02]);
    }
}

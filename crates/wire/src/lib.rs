//! The encodings etcd's on-disk formats share, written once: the protobuf wire format
//! ([`varint`], [`Encoder`], [`Decoder`]) and CRC-32C ([`crc`]).
//!
//! Where it sits: the bottom layer, below bolt, mvcc, raft, datadir and server, which all use
//! it (`mvccpb.KeyValue` and `leasepb.Lease` in the db, raftpb/walpb/snappb in the WAL and
//! snap files, `ConfChange`, the alarm bucket's keys, the playground's own entry envelope,
//! the WAL's crc chain and the hashkv/hash checksums). It depends on nothing but `crc32c`.
//!
//! Why a hand-written wire format and not prost: the messages etcd stores are few and flat,
//! and several are written the way gogo-proto does and prost does not (proto2 non-nullable
//! fields written even when zero, a length prefix written ahead of a payload the caller
//! streams). Structs for them with prost's derive would be more code than the field calls
//! here, and would add a proc-macro and `bytes` to the bottom of every build, wasm included.
//!
//! Why a crate for CRC-32C: `crc32c` uses the CPU's CRC-32C instruction (SSE 4.2, ARMv8) and
//! falls back to software elsewhere (wasm). The WAL checksums every record on every member,
//! megabyte values included, so this is the hot path.

pub mod crc;
mod decode;
mod encode;
pub mod varint;

pub use decode::{fields, DecodeError, Decoder, Field};
pub use encode::Encoder;

/// How a field's value is laid out after its tag (protobuf's wire types; the group types 3
/// and 4, which etcd's messages never use, are not read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireType {
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// A field's tag: its number and wire type in one varint.
pub fn tag(field: u64, wire_type: WireType) -> u64 {
    field << 3 | wire_type as u64
}

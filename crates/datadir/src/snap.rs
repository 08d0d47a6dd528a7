//! Raft snapshot files (`member/snap/TERM-INDEX.snap`): a `snappb.Snapshot` holding the
//! CRC-32C of a marshalled `raftpb.Snapshot` and the snapshot itself.

use playground_wire::{self as proto, crc, fields, Field};

pub fn file_name(term: u64, index: u64) -> String {
    format!("{term:016x}-{index:016x}.snap")
}

/// `raftpb.ConfState` with voters only (what a restore writes).
pub fn conf_state(voters: &[u64]) -> Vec<u8> {
    let mut writer = proto::Encoder::new();
    for &voter in voters {
        writer.varint(1, voter);
    }
    writer.varint(5, 0);
    writer.finish()
}

/// `raftpb.Snapshot { data, metadata { conf_state, index, term } }`.
pub fn raft_snapshot(data: &[u8], voters: &[u64], index: u64, term: u64) -> Vec<u8> {
    let metadata =
        proto::Encoder::new().bytes(1, &conf_state(voters)).varint(2, index).varint(3, term).finish();
    proto::Encoder::new().bytes(1, data).bytes(2, &metadata).finish()
}

/// The snap file's bytes for a marshalled raft snapshot.
pub fn encode(raft_snapshot: &[u8]) -> Vec<u8> {
    proto::Encoder::new().varint(1, u64::from(crc::update(0, raft_snapshot))).bytes(2, raft_snapshot).finish()
}

/// A `raftpb.Snapshot` read back: (data, voters, index, term).
pub fn parse_raft_snapshot(bytes: &[u8]) -> Option<(Vec<u8>, Vec<u64>, u64, u64)> {
    let (mut data, mut voters, mut index, mut term) = (Vec::new(), Vec::new(), 0, 0);
    for field in fields(bytes)? {
        match field {
            Field::Bytes(1, bytes) => data = bytes.to_vec(),
            Field::Bytes(2, metadata) => {
                for field in fields(metadata)? {
                    match field {
                        Field::Bytes(1, conf) => {
                            for field in fields(conf)? {
                                if let Field::Varint(1, voter) = field {
                                    voters.push(voter);
                                }
                            }
                        }
                        Field::Varint(2, value) => index = value,
                        Field::Varint(3, value) => term = value,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Some((data, voters, index, term))
}

/// The raft snapshot inside a snap file, if its crc holds (etcd: "snap: crc mismatch").
pub fn decode(file: &[u8]) -> Option<Vec<u8>> {
    let mut crc = None;
    let mut data = None;
    for field in fields(file)? {
        match field {
            Field::Varint(1, value) => crc = Some(value as u32),
            Field::Bytes(2, bytes) => data = Some(bytes.to_vec()),
            _ => {}
        }
    }
    let data = data?;
    (crc? == crc::update(0, &data)).then_some(data)
}

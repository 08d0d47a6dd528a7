//! etcd's write-ahead log format: each record is a `walpb.Record` (type, crc, data) framed by
//! a little-endian u64 length whose top byte carries the padding to 8-byte alignment; the crc
//! is a CRC-32C chained over every record's data since the start of the log.

use bytes::Bytes;
use playground_bolt::Chunk;
use playground_wire::{self as proto, crc, fields, Field};

pub const METADATA_TYPE: u64 = 1;
pub const ENTRY_TYPE: u64 = 2;
pub const STATE_TYPE: u64 = 3;
pub const CRC_TYPE: u64 = 4;
pub const SNAPSHOT_TYPE: u64 = 5;

/// A segment's file name: sequence and first raft index, in hex.
pub fn segment_name(seq: u64, index: u64) -> String {
    format!("{seq:016x}-{index:016x}.wal")
}

/// Writes records to a WAL segment.
#[derive(Debug, Default)]
pub struct Encoder {
    /// The records since the last shared data (every record, if none was shared).
    pub bytes: Vec<u8>,
    /// What comes before `bytes`: runs of records, and the shared data of records between them.
    before: Vec<Piece>,
    crc: u32,
}

#[derive(Debug)]
enum Piece {
    Copied(Vec<u8>),
    Shared(Bytes),
}

impl Encoder {
    /// A new segment whose first record carries `previous_crc` (0 for the first segment).
    pub fn new(previous_crc: u32) -> Self {
        let mut encoder = Encoder { crc: previous_crc, ..Encoder::default() };
        encoder.record(CRC_TYPE, &[]);
        encoder
    }

    /// Goes on appending to a segment whose records so far chain to `crc`.
    pub fn continuing(crc: u32) -> Self {
        Encoder { crc, ..Encoder::default() }
    }

    /// The chain's value after the last record.
    pub fn crc(&self) -> u32 {
        self.crc
    }

    /// The segment's bytes so far.
    pub fn len(&self) -> usize {
        let before: usize = self
            .before
            .iter()
            .map(|piece| match piece {
                Piece::Copied(bytes) => bytes.len(),
                Piece::Shared(bytes) => bytes.len(),
            })
            .sum();
        before + self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The segment's bytes so far, to write with [`playground_bolt::Disk::write_chunks`]:
    /// shared data stays shared.
    pub fn chunks(&self) -> Vec<Chunk<'_>> {
        let mut chunks: Vec<Chunk<'_>> = self
            .before
            .iter()
            .map(|piece| match piece {
                Piece::Copied(bytes) => Chunk::Copied(bytes),
                Piece::Shared(bytes) => Chunk::Shared(bytes),
            })
            .collect();
        chunks.push(Chunk::Copied(&self.bytes));
        chunks
    }

    pub fn record(&mut self, kind: u64, data: &[u8]) {
        self.record_parts(kind, &[data]);
    }

    /// A record whose data is `parts` one after another, written straight into the segment (a
    /// large entry is copied once, not assembled first).
    pub fn record_parts(&mut self, kind: u64, parts: &[&[u8]]) {
        self.frame(kind, parts, None);
    }

    /// A record whose data is `head` then `data`, `data` kept by reference (a large entry's
    /// data, which a simulated disk then shares with the raft log and the other members).
    pub fn record_shared(&mut self, kind: u64, head: &[u8], data: &Bytes) {
        self.frame(kind, &[head, data], Some(data));
    }

    /// Frames a record of `parts`; a `shared` last part goes to `before` by reference.
    fn frame(&mut self, kind: u64, parts: &[&[u8]], shared: Option<&Bytes>) {
        for part in parts {
            self.crc = crc::update(self.crc, part);
        }
        let total: usize = parts.iter().map(|p| p.len()).sum();
        let mut header = proto::Encoder::with_capacity(24);
        header.varint(1, kind).varint(2, u64::from(self.crc));
        if total > 0 {
            header.length_prefix(3, total);
        }
        let header = header.finish();
        let len = header.len() + total;
        let pad = (8 - len % 8) % 8;
        let mut len_field = len as u64;
        if pad != 0 {
            len_field |= (0x80 | pad as u64) << 56;
        }
        self.bytes.reserve(8 + len + pad);
        self.bytes.extend_from_slice(&len_field.to_le_bytes());
        self.bytes.extend_from_slice(&header);
        let copied = if shared.is_some() { &parts[..parts.len() - 1] } else { parts };
        for part in copied {
            self.bytes.extend_from_slice(part);
        }
        if let Some(shared) = shared {
            self.before.push(Piece::Copied(std::mem::take(&mut self.bytes)));
            self.before.push(Piece::Shared(shared.clone()));
        }
        self.bytes.resize(self.bytes.len() + pad, 0);
    }
}

/// A record read back from a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub kind: u64,
    pub crc: u32,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The last record is cut short: a torn write, which etcd repairs by truncating.
    Torn {
        offset: usize,
    },
    /// A record's crc does not continue the chain (etcd's "wal: crc mismatch").
    CrcMismatch {
        offset: usize,
    },
    Corrupt {
        offset: usize,
    },
    /// An entry after a gap in the log read from its snapshot (etcd's "wal: slice bounds out
    /// of range").
    SliceOutOfRange {
        index: u64,
    },
}

/// Every record of a segment, checking the crc chain; zero length marks preallocated space.
pub fn decode(bytes: &[u8]) -> Result<Vec<Record>, DecodeError> {
    let mut records = Vec::new();
    let mut at = 0;
    let mut chain = 0u32;
    while at + 8 <= bytes.len() {
        let len_field = u64::from_le_bytes(
            bytes[at..at + 8].try_into().map_err(|_| DecodeError::Corrupt { offset: at })?,
        );
        if len_field == 0 {
            break;
        }
        // A length past usize (wasm32) runs past the segment as surely as one past its end.
        let len = usize::try_from(len_field & 0x00FF_FFFF_FFFF_FFFF).unwrap_or(usize::MAX);
        let pad = if len_field >> 63 == 1 { ((len_field >> 56) & 0x7) as usize } else { 0 };
        let start = at + 8;
        let Some(end) = start.checked_add(len).and_then(|e| e.checked_add(pad)).filter(|&e| e <= bytes.len())
        else {
            return Err(DecodeError::Torn { offset: at });
        };
        let parsed = fields(&bytes[start..start + len]).ok_or(DecodeError::Corrupt { offset: at })?;
        let mut record = Record { kind: 0, crc: 0, data: Vec::new() };
        for field in parsed {
            match field {
                Field::Varint(1, kind) => record.kind = kind,
                Field::Varint(2, crc) => record.crc = crc as u32,
                Field::Bytes(3, data) => record.data = data.to_vec(),
                _ => {}
            }
        }
        if record.kind == CRC_TYPE {
            if chain != 0 && record.crc != chain {
                return Err(DecodeError::CrcMismatch { offset: at });
            }
            chain = record.crc;
        } else {
            chain = crc::update(chain, &record.data);
            if record.crc != chain {
                return Err(DecodeError::CrcMismatch { offset: at });
            }
        }
        records.push(record);
        at = end;
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn records_round_trip_with_the_crc_chain() {
        let mut encoder = Encoder::new(0);
        encoder.record(METADATA_TYPE, b"meta");
        encoder.record(ENTRY_TYPE, b"an entry of some length");
        assert_eq!(encoder.bytes.len() % 8, 0);
        let records = decode(&encoder.bytes).unwrap();
        assert_eq!(records.iter().map(|r| r.kind).collect::<Vec<_>>(), [CRC_TYPE, METADATA_TYPE, ENTRY_TYPE]);
        let mut torn = encoder.bytes.clone();
        torn.truncate(torn.len() - 3);
        assert!(matches!(decode(&torn), Err(DecodeError::Torn { .. })));
        let mut flipped = encoder.bytes.clone();
        let last = flipped.len() - 10;
        flipped[last] ^= 0x20;
        assert!(decode(&flipped).is_err());
    }

    #[test]
    fn a_length_of_2_pow_32_and_more_is_a_torn_record_not_a_short_one() {
        // On wasm32 the length once wrapped to its low 32 bits and read a record of 8 bytes.
        let mut encoder = Encoder::new(0);
        encoder.record(ENTRY_TYPE, b"eight by");
        let at = encoder.bytes.len();
        encoder.record(ENTRY_TYPE, b"tail");
        let mut bytes = encoder.bytes.clone();
        let len = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        bytes[at..at + 8].copy_from_slice(&(len | 1 << 32).to_le_bytes());
        assert_eq!(decode(&bytes), Err(DecodeError::Torn { offset: at }));
    }

    #[test]
    fn a_record_in_parts_is_the_record_of_the_parts_joined() {
        let (mut whole, mut parts) = (Encoder::new(7), Encoder::new(7));
        whole.record(ENTRY_TYPE, b"header and a longer payload");
        parts.record_parts(ENTRY_TYPE, &[b"header", b" and a longer payload"]);
        assert_eq!((whole.bytes, whole.crc), (parts.bytes, parts.crc));
    }

    #[test]
    fn a_record_with_shared_data_writes_the_bytes_of_one_copied() {
        let data = Bytes::from(vec![7u8; 20_000]);
        let (mut copied, mut shared) = (Encoder::new(3), Encoder::new(3));
        for encoder in [&mut copied, &mut shared] {
            encoder.record(METADATA_TYPE, b"meta");
        }
        copied.record_parts(ENTRY_TYPE, &[b"head", &data]);
        shared.record_shared(ENTRY_TYPE, b"head", &data);
        for encoder in [&mut copied, &mut shared] {
            encoder.record(STATE_TYPE, b"state");
        }
        let joined: Vec<u8> = shared.chunks().iter().flat_map(|c| c.bytes().to_vec()).collect();
        assert_eq!((joined.len(), shared.crc), (copied.bytes.len(), copied.crc));
        assert!(joined == copied.bytes);
        assert_eq!(shared.len(), copied.len());
        assert!(matches!(shared.chunks()[1], Chunk::Shared(_)));
    }
}

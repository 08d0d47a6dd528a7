//! Just enough protobuf to write and read the raft and WAL messages etcd stores on disk
//! (raftpb, walpb, snappb, etcdserverpb.Metadata). Proto2 fields that gogo-proto marks
//! non-nullable are always written, zero or not, as etcd writes them.

#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    /// A writer with room for `capacity` bytes (a message around a large payload).
    pub fn with_capacity(capacity: usize) -> Self {
        Writer { bytes: Vec::with_capacity(capacity) }
    }

    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.bytes.push(value as u8 | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    pub fn uint(&mut self, field: u64, value: u64) -> &mut Self {
        self.varint(field << 3);
        self.varint(value);
        self
    }

    /// The key and length of a length-delimited field whose `len` bytes the caller writes next.
    pub fn length_prefix(&mut self, field: u64, len: usize) -> &mut Self {
        self.varint(field << 3 | 2);
        self.varint(len as u64);
        self
    }

    pub fn bytes(&mut self, field: u64, data: &[u8]) -> &mut Self {
        self.varint(field << 3 | 2);
        self.varint(data.len() as u64);
        self.bytes.extend_from_slice(data);
        self
    }

    pub fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }
}

/// A field read back: its number and either a varint or a byte string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field<'a> {
    Varint(u64, u64),
    Bytes(u64, &'a [u8]),
}

/// The fields of a message, or `None` if it does not parse.
pub fn fields(bytes: &[u8]) -> Option<Vec<Field<'_>>> {
    let mut out = Vec::new();
    let mut at = 0;
    let varint = |at: &mut usize| -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *bytes.get(*at)?;
            *at += 1;
            value |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(value);
            }
        }
        None
    };
    while at < bytes.len() {
        let tag = varint(&mut at)?;
        match tag & 7 {
            0 => out.push(Field::Varint(tag >> 3, varint(&mut at)?)),
            2 => {
                let len = usize::try_from(varint(&mut at)?).ok()?;
                let data = bytes.get(at..at.checked_add(len)?)?;
                at += len;
                out.push(Field::Bytes(tag >> 3, data));
            }
            _ => return None,
        }
    }
    Some(out)
}

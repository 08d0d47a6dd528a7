//! Bytes built from pieces, some of them shared with whoever else holds them (a raft entry's
//! data): a value put with [`crate::WriteTx::put_pieces`], and the page it lands in, which
//! [`crate::Disk::write_chunks`] writes without copying the shared pieces.

use bytes::Bytes;

use crate::disk::{Chunk, SHARE_FROM};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Copied(Vec<u8>),
    Shared(Bytes),
}

/// Pieces one after another; consecutive copied bytes stay in one piece.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pieces(Vec<Piece>);

impl Pieces {
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `copied` bytes of copies before the first shared piece.
    pub fn with_capacity(copied: usize) -> Self {
        Pieces(vec![Piece::Copied(Vec::with_capacity(copied))])
    }

    /// The copied piece at the end, to append to (a new one after a shared piece).
    pub fn tail(&mut self) -> &mut Vec<u8> {
        if !matches!(self.0.last(), Some(Piece::Copied(_))) {
            self.0.push(Piece::Copied(Vec::new()));
        }
        match self.0.last_mut() {
            Some(Piece::Copied(tail)) => tail,
            _ => unreachable!("a copied piece was pushed above"),
        }
    }

    pub fn push_copied(&mut self, bytes: &[u8]) {
        self.tail().extend_from_slice(bytes);
    }

    /// Appends `bytes` by reference, or copied if they are too short to be worth sharing.
    pub fn push_shared(&mut self, bytes: &Bytes) {
        if bytes.len() < SHARE_FROM {
            self.push_copied(bytes);
        } else {
            self.0.push(Piece::Shared(bytes.clone()));
        }
    }

    /// Appends another's pieces, shared ones still shared.
    pub fn append(&mut self, other: &Pieces) {
        for piece in &other.0 {
            match piece {
                Piece::Copied(bytes) => self.push_copied(bytes),
                Piece::Shared(bytes) => self.push_shared(bytes),
            }
        }
    }

    /// Pads with zeros to `len` bytes (a page's length).
    pub fn pad_to(&mut self, len: usize) {
        let more = len.saturating_sub(self.len());
        if more > 0 {
            let tail = self.tail();
            tail.resize(tail.len() + more, 0);
        }
    }

    pub fn len(&self) -> usize {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Copied(bytes) => bytes.len(),
                Piece::Shared(bytes) => bytes.len(),
            })
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held by reference.
    pub fn shared_len(&self) -> usize {
        self.0.iter().map(|piece| if let Piece::Shared(bytes) = piece { bytes.len() } else { 0 }).sum()
    }

    /// The bytes joined, as a new buffer.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        for chunk in self.chunks() {
            out.extend_from_slice(chunk.bytes());
        }
        out
    }

    /// The bytes as one buffer if none is shared (no copy), else the pieces back.
    pub fn into_vec(self) -> Result<Vec<u8>, Pieces> {
        match <[Piece; 1]>::try_from(self.0) {
            Ok([Piece::Copied(bytes)]) => Ok(bytes),
            Ok([shared]) => Err(Pieces(vec![shared])),
            Err(pieces) if pieces.is_empty() => Ok(Vec::new()),
            Err(pieces) => Err(Pieces(pieces)),
        }
    }

    pub fn chunks(&self) -> Vec<Chunk<'_>> {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Copied(bytes) => Chunk::Copied(bytes),
                Piece::Shared(bytes) => Chunk::Shared(bytes),
            })
            .collect()
    }
}

impl From<Vec<u8>> for Pieces {
    fn from(bytes: Vec<u8>) -> Self {
        Pieces(vec![Piece::Copied(bytes)])
    }
}

//! Where a db file lives: the [`Disk`] trait, and [`MemDisk`], the simulated disk the browser
//! uses (what was written and what was made durable are kept apart, so a crash can drop what
//! was never synced). The native CLI implements the trait over a real file.

use crate::error::{Error, Result};

pub trait Disk {
    /// The file's length in bytes.
    fn len(&self) -> u64;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fills `buf` from `offset`; reading past the end is an error.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()>;
    /// Writes `data` at `offset`, growing the file as needed.
    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<()>;
    fn truncate(&mut self, len: u64) -> Result<()>;
    /// Makes everything written so far durable (fdatasync).
    fn sync(&mut self) -> Result<()>;
}

/// Counters of a [`MemDisk`]'s work, for the simulator's cost model and the UI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiskStats {
    pub reads: u64,
    pub bytes_read: u64,
    pub writes: u64,
    pub bytes_written: u64,
    pub syncs: u64,
}

/// An in-memory disk: `data` is what readers see, `durable` what survives [`MemDisk::crash`].
#[derive(Debug, Clone, Default)]
pub struct MemDisk {
    data: Vec<u8>,
    durable: Vec<u8>,
    stats: std::cell::Cell<DiskStats>,
}

impl MemDisk {
    pub fn new() -> Self {
        Self::default()
    }

    /// A disk holding `bytes`, all of it durable (a file loaded from outside).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        MemDisk { durable: bytes.clone(), data: bytes, stats: Default::default() }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.data
    }

    /// Loses everything written since the last sync, as a power cut would.
    pub fn crash(&mut self) {
        self.data = self.durable.clone();
    }

    pub fn stats(&self) -> DiskStats {
        self.stats.get()
    }
}

impl Disk for MemDisk {
    fn len(&self) -> u64 {
        self.data.len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        let start =
            usize::try_from(offset).map_err(|_| Error::Disk("read past the end of the file".into()))?;
        let end = start.checked_add(buf.len()).filter(|&end| end <= self.data.len());
        let Some(end) = end else {
            return Err(Error::Disk(format!(
                "read of {} bytes at {offset} past the end of the file ({} bytes)",
                buf.len(),
                self.data.len()
            )));
        };
        buf.copy_from_slice(&self.data[start..end]);
        let mut stats = self.stats.get();
        stats.reads += 1;
        stats.bytes_read += buf.len() as u64;
        self.stats.set(stats);
        Ok(())
    }

    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<()> {
        let start = usize::try_from(offset).map_err(|_| Error::Disk("write offset too large".into()))?;
        let end = start + data.len();
        if self.data.len() < end {
            self.data.resize(end, 0);
        }
        self.data[start..end].copy_from_slice(data);
        let mut stats = self.stats.get();
        stats.writes += 1;
        stats.bytes_written += data.len() as u64;
        self.stats.set(stats);
        Ok(())
    }

    fn truncate(&mut self, len: u64) -> Result<()> {
        let len = usize::try_from(len).map_err(|_| Error::Disk("truncate length too large".into()))?;
        self.data.resize(len, 0);
        Ok(())
    }

    fn sync(&mut self) -> Result<()> {
        self.durable.clone_from(&self.data);
        let mut stats = self.stats.get();
        stats.syncs += 1;
        self.stats.set(stats);
        Ok(())
    }
}

/// A [`MemDisk`] shared between a db and whoever simulates its faults (the simulator crashes
/// a host; tests crash mid-commit and reopen).
#[derive(Debug, Clone, Default)]
pub struct SharedDisk(pub std::rc::Rc<std::cell::RefCell<MemDisk>>);

impl SharedDisk {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn crash(&self) {
        self.0.borrow_mut().crash();
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.0.borrow().bytes().to_vec()
    }
}

impl Disk for SharedDisk {
    fn len(&self) -> u64 {
        self.0.borrow().len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        self.0.borrow().read_at(offset, buf)
    }
    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<()> {
        self.0.borrow_mut().write_at(offset, data)
    }
    fn truncate(&mut self, len: u64) -> Result<()> {
        self.0.borrow_mut().truncate(len)
    }
    fn sync(&mut self) -> Result<()> {
        self.0.borrow_mut().sync()
    }
}

//! Where a db file lives: the [`Disk`] trait, and [`MemDisk`], the simulated disk the browser
//! uses (what was written and what was made durable are kept apart, so a crash can drop what
//! was never synced). The native CLI implements the trait over a real file.
//!
//! A write can hand over bytes someone already holds ([`Chunk::Shared`], a raft entry's
//! data): a [`MemDisk`] then keeps the whole blocks it covers as references to those bytes,
//! so members' files holding the same large value cost about one copy of it.

use std::ops::Deref;

use bytes::Bytes;

use crate::error::{Error, Result};
use crate::pieces::Pieces;

/// Bytes handed to [`Disk::write_chunks`]: copied into the file, or shared with their holder.
#[derive(Debug, Clone, Copy)]
pub enum Chunk<'a> {
    Copied(&'a [u8]),
    Shared(&'a Bytes),
}

impl Chunk<'_> {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Chunk::Copied(bytes) => bytes,
            Chunk::Shared(bytes) => bytes,
        }
    }

    pub fn len(&self) -> usize {
        self.bytes().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Shared data shorter than this is copied: it could hold a whole block only by chance, and
/// a reference then costs more bookkeeping than the bytes it saves.
pub const SHARE_FROM: usize = 2 * BLOCK;

pub trait Disk {
    /// The file's length in bytes.
    fn len(&self) -> u64;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fills `buf` from `offset`; reading past the end is an error.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()>;
    /// `len` bytes at `offset`, as a new buffer.
    fn read_vec(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        self.read_at(offset, &mut buf)?;
        Ok(buf)
    }
    /// Appends `len` bytes at `offset` to `out`.
    fn read_append(&self, offset: u64, len: usize, out: &mut Vec<u8>) -> Result<()> {
        out.extend_from_slice(&self.read_vec(offset, len)?);
        Ok(())
    }
    /// [`Disk::read_append`] to pieces: a disk keeping shared bytes hands them on shared (a
    /// page rewritten with a large value still in it keeps referencing the value).
    fn read_pieces(&self, offset: u64, len: usize, out: &mut Pieces) -> Result<()> {
        self.read_append(offset, len, out.tail())
    }
    /// Writes `data` at `offset`, growing the file as needed.
    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<()>;
    /// Writes `chunks` one after another from `offset`, as one write of them joined (a disk
    /// that cannot keep shared bytes by reference copies them).
    fn write_chunks(&mut self, offset: u64, chunks: &[Chunk<'_>]) -> Result<()> {
        if let [only] = chunks {
            return self.write_at(offset, only.bytes());
        }
        let mut data = Vec::with_capacity(chunks.iter().map(Chunk::len).sum());
        for chunk in chunks {
            data.extend_from_slice(chunk.bytes());
        }
        self.write_at(offset, &data)
    }
    fn truncate(&mut self, len: u64) -> Result<()>;
    /// Makes everything written so far durable (fdatasync).
    fn sync(&mut self) -> Result<()>;
}

/// Counters of a [`MemDisk`]'s work, and the virtual time it took under its [`DiskCosts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiskStats {
    pub reads: u64,
    pub bytes_read: u64,
    pub writes: u64,
    pub bytes_written: u64,
    pub syncs: u64,
    /// Virtual time spent on the work above, in microseconds.
    pub busy_micros: u64,
}

/// What each operation of a simulated disk costs in virtual time. The default is a
/// consumer SSD: fdatasync a couple of milliseconds, as etcd's disk-latency guidance assumes;
/// the simulator slows a disk by raising these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskCosts {
    pub read_micros: u64,
    pub write_micros: u64,
    pub sync_micros: u64,
    /// Transfer rate, in bytes per millisecond.
    pub bytes_per_milli: u64,
}

impl Default for DiskCosts {
    fn default() -> Self {
        DiskCosts { read_micros: 20, write_micros: 20, sync_micros: 2_000, bytes_per_milli: 500_000 }
    }
}

impl DiskCosts {
    fn transfer(&self, bytes: usize) -> u64 {
        (bytes as u64 * 1000).checked_div(self.bytes_per_milli).unwrap_or(0)
    }
}

/// The volume a host's files live on, shared by them: it counts their operations (writes,
/// shrinking truncates, fsyncs) and can be armed to fail at one of them, as a machine dying
/// there. From the failing operation on nothing becomes durable (a failing fsync does not
/// complete): the process runs on in memory until whoever drives it crashes it
/// ([`MemDisk::crash`] then keeps what was synced before that operation).
#[derive(Debug, Default)]
pub struct Volume {
    ops: std::cell::Cell<u64>,
    fail_at: std::cell::Cell<Option<u64>>,
    /// A write failing there is torn: its first half lands.
    tears: std::cell::Cell<bool>,
    failed: std::cell::Cell<bool>,
}

impl Volume {
    pub fn new() -> std::rc::Rc<Volume> {
        std::rc::Rc::new(Volume::default())
    }

    /// Operations on the volume's files so far.
    pub fn ops(&self) -> u64 {
        self.ops.get()
    }

    /// The volume fails at its `op`-th operation (counted as [`Volume::ops`] counts).
    pub fn fail_at(&self, op: u64) {
        self.fail_at.set(Some(op));
        self.tears.set(false);
    }

    /// As [`Volume::fail_at`], and a write there is torn: the crash keeps its first half if
    /// it continues what the file had synced (the disk wrote part of it, in order).
    pub fn tear_at(&self, op: u64) {
        self.fail_at.set(Some(op));
        self.tears.set(true);
    }

    /// Whether a failure is armed (and not yet reset): only then can the volume fail.
    pub fn armed(&self) -> bool {
        self.fail_at.get().is_some()
    }

    /// Whether the armed operation came: nothing written since is durable.
    pub fn failed(&self) -> bool {
        self.failed.get()
    }

    /// Disarmed and working again (the host crashed and its files were cut back).
    pub fn reset(&self) {
        self.fail_at.set(None);
        self.tears.set(false);
        self.failed.set(false);
    }

    /// Counts an operation; true if it is the failing one and tears.
    fn count(&self) -> bool {
        let ops = self.ops.get() + 1;
        self.ops.set(ops);
        if self.fail_at.get() == Some(ops) {
            self.failed.set(true);
            return self.tears.get();
        }
        false
    }
}

/// Bytes per block of a [`MemDisk`]: the unit of growth and of the durable copies kept.
const BLOCK: usize = 4 * 1024;

/// A block's bytes: its own, or `buffer[at..at + BLOCK]` of bytes written as
/// [`Chunk::Shared`] (copied on the first write that changes part of it). The whole buffer is
/// kept so that a read of consecutive blocks can hand it on as one slice.
#[derive(Debug, Clone)]
enum BlockBytes {
    Owned(Box<[u8]>),
    Shared {
        buffer: Bytes,
        at: usize,
    },
    /// Never written, or cut off by a truncation: holds nothing until written (a file grown
    /// past free pages, as a db is, costs no memory for them).
    Zeros,
}

static ZEROS: [u8; BLOCK] = [0; BLOCK];

impl BlockBytes {
    fn zeroed() -> Self {
        BlockBytes::Zeros
    }

    fn to_mut(&mut self) -> &mut [u8] {
        match self {
            BlockBytes::Shared { buffer, at } => {
                *self = BlockBytes::Owned(buffer[*at..*at + BLOCK].to_vec().into_boxed_slice())
            }
            BlockBytes::Zeros => *self = BlockBytes::Owned(vec![0u8; BLOCK].into_boxed_slice()),
            BlockBytes::Owned(_) => {}
        }
        match self {
            BlockBytes::Owned(owned) => owned,
            _ => unreachable!("made owned above"),
        }
    }
}

impl Deref for BlockBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            BlockBytes::Owned(owned) => owned,
            BlockBytes::Shared { buffer, at } => &buffer[*at..*at + BLOCK],
            BlockBytes::Zeros => &ZEROS,
        }
    }
}

#[derive(Debug, Clone)]
struct Block {
    bytes: BlockBytes,
    /// The block as of the last sync, kept only while it differs (copy on first write).
    durable: Option<BlockBytes>,
    /// Written since the last sync (listed in `touched`).
    touched: bool,
}

/// An in-memory disk in 4 KiB blocks (a page, so a commit copies little to keep its undo).
/// What readers see and what survives [`MemDisk::crash`] are kept apart without a second copy of the file: a block written since
/// the last sync keeps its synced bytes until the next sync.
#[derive(Debug, Clone, Default)]
pub struct MemDisk {
    blocks: Vec<Block>,
    len: usize,
    durable_len: usize,
    /// Blocks holding a durable copy (or created since the last sync).
    touched: Vec<usize>,
    stats: std::cell::Cell<DiskStats>,
    pub costs: DiskCosts,
    /// The volume the file is on, if it shares one with other files.
    volume: Option<std::rc::Rc<Volume>>,
    /// The part of a torn write a crash keeps: offset and bytes.
    torn: Option<(u64, Vec<u8>)>,
}

impl MemDisk {
    pub fn new() -> Self {
        Self::default()
    }

    /// A new, empty file on `volume`.
    pub fn on(volume: &std::rc::Rc<Volume>) -> Self {
        MemDisk { volume: Some(volume.clone()), ..Self::default() }
    }

    /// The volume the file is on (None: a file of its own).
    pub fn volume(&self) -> Option<&std::rc::Rc<Volume>> {
        self.volume.as_ref()
    }

    /// Whether the file's volume failed: what is written now never becomes durable.
    pub fn failed(&self) -> bool {
        self.volume.as_ref().is_some_and(|v| v.failed())
    }

    /// Counts an operation on the volume; true if it is a failing one that tears.
    fn count_op(&self) -> bool {
        self.volume.as_ref().is_some_and(|volume| volume.count())
    }

    /// A disk holding `bytes`, all of it durable (a file loaded from outside).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        let mut disk = MemDisk::new();
        let _ = disk.write_at(0, &bytes);
        let _ = disk.sync();
        disk.stats.set(DiskStats::default());
        disk
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut bytes = vec![0u8; self.len];
        let _ = self.read_at(0, &mut bytes);
        bytes
    }

    /// Loses everything written since the last sync, as a power cut would.
    pub fn crash(&mut self) {
        for &index in &self.touched {
            if let Some(block) = self.blocks.get_mut(index) {
                block.touched = false;
                match block.durable.take() {
                    Some(durable) => block.bytes = durable,
                    None => block.bytes = BlockBytes::zeroed(),
                }
            }
        }
        self.touched.clear();
        self.len = self.durable_len;
        self.blocks.truncate(self.len.div_ceil(BLOCK));
        if let Some((offset, bytes)) = self.torn.take().filter(|(offset, _)| *offset <= self.len as u64) {
            // Off its volume for the moment: this write and sync are the disk's, not the host's.
            let volume = self.volume.take();
            let _ = self.write_at(offset, &bytes);
            let _ = self.sync();
            self.volume = volume;
        }
    }

    pub fn stats(&self) -> DiskStats {
        self.stats.get()
    }

    /// Blocks of the file that reference shared bytes rather than holding a copy.
    pub fn shared_blocks(&self) -> usize {
        self.blocks.iter().filter(|block| matches!(block.bytes, BlockBytes::Shared { .. })).count()
    }

    /// Writes `data` at `start` (the file already counted the write); whole blocks of
    /// `shared`, the same bytes, are kept by reference.
    fn put(&mut self, start: usize, data: &[u8], shared: Option<&Bytes>) {
        let mut done = 0;
        while done < data.len() {
            let at = start + done;
            let (index, within) = (at / BLOCK, at % BLOCK);
            let n = (BLOCK - within).min(data.len() - done);
            let piece = &data[done..done + n];
            // A whole block is built from the data itself: a new one is not zeroed first, and
            // an old one's synced bytes move aside rather than being copied.
            let whole = (n == BLOCK).then(|| match shared {
                Some(shared) => BlockBytes::Shared { buffer: shared.clone(), at: done },
                None => BlockBytes::Owned(piece.to_vec().into_boxed_slice()),
            });
            done += n;
            while self.blocks.len() < index {
                self.push_zeroed();
            }
            if self.blocks.len() == index {
                let bytes = whole.unwrap_or_else(|| {
                    let mut bytes = BlockBytes::zeroed();
                    bytes.to_mut()[within..within + n].copy_from_slice(piece);
                    bytes
                });
                self.touched.push(index);
                self.blocks.push(Block { bytes, durable: None, touched: true });
                continue;
            }
            let keeps_synced = index * BLOCK < self.durable_len;
            let block = &mut self.blocks[index];
            let first_write = !block.touched;
            if first_write {
                block.touched = true;
                self.touched.push(index);
            }
            match whole {
                Some(bytes) => {
                    let old = std::mem::replace(&mut block.bytes, bytes);
                    if first_write && keeps_synced {
                        block.durable = Some(old);
                    }
                }
                None => {
                    if first_write && keeps_synced {
                        block.durable = Some(block.bytes.clone());
                    }
                    block.bytes.to_mut()[within..within + n].copy_from_slice(piece);
                }
            }
        }
    }

    /// A new zeroed block at the end, written since the last sync.
    fn push_zeroed(&mut self) {
        self.touched.push(self.blocks.len());
        self.blocks.push(Block { bytes: BlockBytes::zeroed(), durable: None, touched: true });
    }

    fn count(&self, f: impl FnOnce(&mut DiskStats)) {
        let mut stats = self.stats.get();
        f(&mut stats);
        self.stats.set(stats);
    }

    /// One read of `len` bytes, whichever way it handed them out.
    fn count_read(&self, len: usize) {
        let cost = self.costs.read_micros + self.costs.transfer(len);
        self.count(|s| {
            s.reads += 1;
            s.bytes_read += len as u64;
            s.busy_micros += cost;
        });
    }
}

impl Disk for MemDisk {
    fn len(&self) -> u64 {
        self.len as u64
    }

    /// Copies block by block into a buffer filled as it grows (no zeroing first).
    fn read_vec(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(len);
        self.read_append(offset, len, &mut buf)?;
        Ok(buf)
    }

    fn read_pieces(&self, offset: u64, len: usize, out: &mut Pieces) -> Result<()> {
        let start = usize::try_from(offset).ok();
        if start.and_then(|s| s.checked_add(len)).is_none_or(|end| end > self.len) {
            return self.read_append(offset, len, out.tail());
        }
        let start = start.unwrap_or(0);
        // A run of consecutive bytes of one shared buffer: the buffer and the range in it.
        let mut run: Option<(&Bytes, usize, usize)> = None;
        let mut done = 0;
        while done < len {
            let at = start + done;
            let (index, within) = (at / BLOCK, at % BLOCK);
            let n = (BLOCK - within).min(len - done);
            match &self.blocks[index].bytes {
                BlockBytes::Shared { buffer, at } => {
                    let (from, to) = (at + within, at + within + n);
                    match &mut run {
                        Some((held, _, end)) if held.as_ptr() == buffer.as_ptr() && *end == from => *end = to,
                        _ => {
                            if let Some((held, from, to)) = run.take() {
                                out.push_shared(&held.slice(from..to));
                            }
                            run = Some((buffer, from, to));
                        }
                    }
                }
                bytes => {
                    if let Some((held, from, to)) = run.take() {
                        out.push_shared(&held.slice(from..to));
                    }
                    out.push_copied(&bytes[within..within + n]);
                }
            }
            done += n;
        }
        if let Some((held, from, to)) = run {
            out.push_shared(&held.slice(from..to));
        }
        self.count_read(len);
        Ok(())
    }

    fn read_append(&self, offset: u64, len: usize, out: &mut Vec<u8>) -> Result<()> {
        let start = usize::try_from(offset).ok();
        if start.and_then(|s| s.checked_add(len)).is_none_or(|end| end > self.len) {
            let mut buf = vec![0u8; len];
            self.read_at(offset, &mut buf)?;
            out.extend_from_slice(&buf);
            return Ok(());
        }
        let start = start.unwrap_or(0);
        let mut done = 0;
        while done < len {
            let at = start + done;
            let (index, within) = (at / BLOCK, at % BLOCK);
            let n = (BLOCK - within).min(len - done);
            out.extend_from_slice(&self.blocks[index].bytes[within..within + n]);
            done += n;
        }
        self.count_read(len);
        Ok(())
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        let start = usize::try_from(offset).ok();
        let end = start.and_then(|s| s.checked_add(buf.len())).filter(|&end| end <= self.len);
        let (Some(start), Some(_)) = (start, end) else {
            return Err(Error::Disk(format!(
                "read of {} bytes at {offset} past the end of the file ({} bytes)",
                buf.len(),
                self.len
            )));
        };
        let mut done = 0;
        while done < buf.len() {
            let at = start + done;
            let (index, within) = (at / BLOCK, at % BLOCK);
            let n = (BLOCK - within).min(buf.len() - done);
            buf[done..done + n].copy_from_slice(&self.blocks[index].bytes[within..within + n]);
            done += n;
        }
        self.count_read(buf.len());
        Ok(())
    }

    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<()> {
        self.write_chunks(offset, &[Chunk::Copied(data)])
    }

    fn write_chunks(&mut self, offset: u64, chunks: &[Chunk<'_>]) -> Result<()> {
        let total: usize = chunks.iter().map(Chunk::len).sum();
        let start = usize::try_from(offset).map_err(|_| Error::Disk("write offset too large".into()))?;
        let end =
            start.checked_add(total).ok_or_else(|| Error::Disk("write past the largest file".into()))?;
        if self.count_op() {
            let mut half = Vec::with_capacity(total / 2);
            for chunk in chunks {
                let room = total / 2 - half.len();
                half.extend_from_slice(&chunk.bytes()[..chunk.len().min(room)]);
            }
            self.torn = Some((offset, half));
        }
        let mut at = start;
        for chunk in chunks {
            let shared = match chunk {
                Chunk::Shared(bytes) => Some(*bytes),
                Chunk::Copied(_) => None,
            };
            self.put(at, chunk.bytes(), shared);
            at += chunk.len();
        }
        // Growing with nothing to write (truncate's way to extend) still adds zeroed blocks.
        while self.blocks.len() * BLOCK < end {
            self.push_zeroed();
        }
        self.len = self.len.max(end);
        let cost = self.costs.write_micros + self.costs.transfer(total);
        self.count(|s| {
            s.writes += 1;
            s.bytes_written += total as u64;
            s.busy_micros += cost;
        });
        Ok(())
    }

    fn truncate(&mut self, len: u64) -> Result<()> {
        let len = usize::try_from(len).map_err(|_| Error::Disk("truncate length too large".into()))?;
        if len > self.len {
            // Growing: new blocks are zeros (a shrink zeroed what it cut off).
            self.write_at(len as u64, &[])?;
        } else {
            self.count_op();
            // Bytes past the new end read as zeros if the file grows again.
            let mut at = len;
            while at < self.len.min(self.blocks.len() * BLOCK) {
                let (index, within) = (at / BLOCK, at % BLOCK);
                let n = BLOCK - within;
                if !self.blocks[index].touched {
                    self.blocks[index].durable = Some(self.blocks[index].bytes.clone());
                    self.blocks[index].touched = true;
                    self.touched.push(index);
                }
                if within == 0 {
                    self.blocks[index].bytes = BlockBytes::zeroed();
                } else {
                    self.blocks[index].bytes.to_mut()[within..].fill(0);
                }
                at += n;
            }
        }
        self.len = len;
        Ok(())
    }

    fn sync(&mut self) -> Result<()> {
        // A failed volume's fsync never completes: the machine is going down.
        self.count_op();
        if self.failed() {
            return Ok(());
        }
        for &index in &self.touched {
            if let Some(block) = self.blocks.get_mut(index) {
                block.durable = None;
                block.touched = false;
            }
        }
        self.touched.clear();
        self.durable_len = self.len;
        let cost = self.costs.sync_micros;
        self.count(|s| {
            s.syncs += 1;
            s.busy_micros += cost;
        });
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

    /// A new, empty file on `volume`.
    pub fn on(volume: &std::rc::Rc<Volume>) -> Self {
        SharedDisk(std::rc::Rc::new(std::cell::RefCell::new(MemDisk::on(volume))))
    }

    /// A new, empty file on the same volume as this one (a file of its own if it has none).
    pub fn sibling(&self) -> Self {
        match self.0.borrow().volume() {
            Some(volume) => SharedDisk::on(volume),
            None => SharedDisk::new(),
        }
    }

    /// Whether the file's volume failed (see [`Volume`]).
    pub fn failed(&self) -> bool {
        self.0.borrow().failed()
    }

    /// `rename(from, self)`: this file becomes `from` (its bytes, and what of them is
    /// durable), atomically, and `from` is gone (left empty). A dying host renames nothing: its
    /// volume failed at this operation or before, and the file stays as it was.
    pub fn rename_from(&self, from: &SharedDisk) {
        if self.0.borrow().count_op() || self.failed() {
            return;
        }
        let moved = std::mem::take(&mut *from.0.borrow_mut());
        *self.0.borrow_mut() = moved;
    }

    pub fn crash(&self) {
        self.0.borrow_mut().crash();
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.0.borrow().bytes()
    }
}

impl Disk for SharedDisk {
    fn len(&self) -> u64 {
        self.0.borrow().len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        self.0.borrow().read_at(offset, buf)
    }
    fn read_vec(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        self.0.borrow().read_vec(offset, len)
    }
    fn read_append(&self, offset: u64, len: usize, out: &mut Vec<u8>) -> Result<()> {
        self.0.borrow().read_append(offset, len, out)
    }
    fn read_pieces(&self, offset: u64, len: usize, out: &mut Pieces) -> Result<()> {
        self.0.borrow().read_pieces(offset, len, out)
    }
    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<()> {
        self.0.borrow_mut().write_at(offset, data)
    }
    fn write_chunks(&mut self, offset: u64, chunks: &[Chunk<'_>]) -> Result<()> {
        self.0.borrow_mut().write_chunks(offset, chunks)
    }
    fn truncate(&mut self, len: u64) -> Result<()> {
        self.0.borrow_mut().truncate(len)
    }
    fn sync(&mut self) -> Result<()> {
        self.0.borrow_mut().sync()
    }
}

//! Opening a db file and reading it: meta selection as bbolt does it, read transactions over a
//! consistent meta, bucket lookup and iteration, `check()` of every invariant bbolt's own
//! `tx.Check` verifies, and the page listing `bbolt pages` prints.

use std::collections::{BTreeMap, BTreeSet};

use crate::disk::Disk;
use crate::error::{Error, Result};
use crate::format::*;
use crate::freelist::Freelist;
use crate::page::{Meta, PageType, PageView};

/// A visitor of bucket entries: `(key, value, is_bucket)`, returning false to stop.
pub type Visit<'a> = dyn FnMut(&[u8], &[u8], bool) -> bool + 'a;

/// How deep a B+tree (or nesting of buckets) may go before a file is called corrupt: real trees
/// are a handful of levels; a cycle in a damaged file would otherwise never end.
const MAX_DEPTH: usize = 64;

pub struct Db {
    pub(crate) disk: Box<dyn Disk>,
    pub(crate) page_size: usize,
    pub(crate) meta: Meta,
    pub(crate) freelist: Freelist,
    pub(crate) options: Options,
    /// Open readers by the txid they read at: pages they may see stay pending.
    pub(crate) readers: BTreeMap<u64, usize>,
}

/// How a db is opened (the bbolt options etcd sets).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Do not write the freelist at commit; rebuild it on open (etcd: true).
    pub no_freelist_sync: bool,
}

impl Default for Options {
    fn default() -> Self {
        // etcd's backend settings.
        Options { no_freelist_sync: true }
    }
}

/// Figures about the db, as bbolt's `db.Stats()` and `tx.Size()` give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    pub page_size: u64,
    /// The high water mark: pages in use by the file.
    pub page_count: u64,
    pub free_page_n: u64,
    pub pending_page_n: u64,
    pub txid: u64,
}

impl Stats {
    /// `tx.Size()`: what etcd reports as the db size.
    pub fn size(&self) -> u64 {
        self.page_count * self.page_size
    }

    /// What etcd reports as size in use: the size less the free (not pending) pages.
    pub fn size_in_use(&self) -> u64 {
        self.size() - self.free_page_n * self.page_size
    }
}

/// Where a bucket's tree starts: a page, or a page stored inline in its parent's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketRoot {
    Page(u64),
    Inline(Vec<u8>),
}

/// A bucket's figures as bbolt's `Bucket.Stats()` computes them (with its nested buckets).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BucketStats {
    pub branch_page_n: u64,
    pub branch_overflow_n: u64,
    pub leaf_page_n: u64,
    pub leaf_overflow_n: u64,
    pub key_n: u64,
    pub depth: u64,
    pub branch_alloc: u64,
    pub branch_inuse: u64,
    pub leaf_alloc: u64,
    pub leaf_inuse: u64,
    pub bucket_n: u64,
    pub inline_bucket_n: u64,
    pub inline_bucket_inuse: u64,
}

impl BucketStats {
    /// bbolt's `BucketStats.Add`: sums, except depth, which is the larger.
    pub fn add(&mut self, other: &BucketStats) {
        self.branch_page_n += other.branch_page_n;
        self.branch_overflow_n += other.branch_overflow_n;
        self.leaf_page_n += other.leaf_page_n;
        self.leaf_overflow_n += other.leaf_overflow_n;
        self.key_n += other.key_n;
        self.depth = self.depth.max(other.depth);
        self.branch_alloc += other.branch_alloc;
        self.branch_inuse += other.branch_inuse;
        self.leaf_alloc += other.leaf_alloc;
        self.leaf_inuse += other.leaf_inuse;
        self.bucket_n += other.bucket_n;
        self.inline_bucket_n += other.inline_bucket_n;
        self.inline_bucket_inuse += other.inline_bucket_inuse;
    }
}

/// What a page of the file holds, for the UI's page map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    Meta,
    Freelist,
    /// Reusable now.
    Free,
    /// Freed by a recent transaction, kept while a reader may still see it.
    Pending,
    Branch,
    Leaf,
    /// A continuation of the page `of` (a large value or node).
    Overflow {
        of: u64,
    },
    /// Below the high water mark but neither reached nor free (a corrupt file).
    Lost,
}

/// One page of the map: its kind, and the bucket whose tree holds it (`None`: the root bucket's
/// own pages, or no bucket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageUse {
    pub id: u64,
    pub kind: PageKind,
    pub bucket: Option<String>,
}

/// One row of `bbolt pages`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInfo {
    pub id: u64,
    /// bbolt's type name, or "free" for a page on the freelist.
    pub kind: String,
    pub count: u16,
    pub overflow: u32,
}

impl Db {
    /// Opens the db on `disk` with etcd's options.
    pub fn open(disk: Box<dyn Disk>) -> Result<Db> {
        Self::open_with(disk, Options::default())
    }

    /// A new, empty db on an empty `disk`: two meta pages, a freelist page and an empty root
    /// leaf, as bbolt initialises a file.
    pub fn create(disk: Box<dyn Disk>, options: Options) -> Result<Db> {
        Self::create_with_page_size(disk, options, DEFAULT_PAGE_SIZE)
    }

    /// [`Db::create`] with pages of `page_size` bytes (bbolt's `Options.PageSize`; a power of
    /// two from 512 to 64 KiB): small files for tests and the fuzz seeds.
    pub fn create_with_page_size(mut disk: Box<dyn Disk>, options: Options, page_size: usize) -> Result<Db> {
        if !(MIN_PAGE_SIZE..=MAX_PAGE_SIZE).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(Error::Invalid);
        }
        let mut file = vec![0u8; 4 * page_size];
        for txid in [0u64, 1] {
            let meta = Meta {
                magic: MAGIC,
                version: VERSION,
                page_size: page_size as u32,
                flags: 0,
                root: 3,
                sequence: 0,
                freelist: 2,
                pgid: 4,
                txid,
                checksum: 0,
            };
            let at = txid as usize * page_size;
            file[at..at + page_size].copy_from_slice(&meta.encode(page_size));
        }
        for (id, flags) in [(2u64, FREELIST_PAGE_FLAG), (3, LEAF_PAGE_FLAG)] {
            let at = id as usize * page_size;
            file[at..at + 8].copy_from_slice(&id.to_le_bytes());
            file[at + 8..at + 10].copy_from_slice(&flags.to_le_bytes());
        }
        disk.truncate(0)?;
        disk.write_at(0, &file)?;
        disk.sync()?;
        Self::load(disk, options)
    }

    /// Opens the db on `disk`, choosing the valid meta page with the higher transaction id.
    pub fn open_with(disk: Box<dyn Disk>, options: Options) -> Result<Db> {
        // bbolt reads a whole default page of header first; a shorter existing file is not a
        // database (a file it has just initialised is not read back this way).
        let len = disk.len();
        if len > 0 && len < DEFAULT_PAGE_SIZE as u64 {
            return Err(Error::Invalid);
        }
        Self::load(disk, options)
    }

    fn load(disk: Box<dyn Disk>, options: Options) -> Result<Db> {
        let len = disk.len();
        let first = read_vec(disk.as_ref(), 0, (DEFAULT_PAGE_SIZE as u64).min(len) as usize)?;
        // The page size comes from meta 0, or from meta 1 at the default offset if 0 is damaged.
        let page_size = match Meta::validate(&first) {
            Ok(meta) => meta.page_size as usize,
            Err(_) if len >= 2 * DEFAULT_PAGE_SIZE as u64 => {
                let second = read_vec(disk.as_ref(), DEFAULT_PAGE_SIZE as u64, DEFAULT_PAGE_SIZE)?;
                match Meta::validate(&second) {
                    Ok(meta) => meta.page_size as usize,
                    Err(_) => return Err(Meta::validate(&first).err().unwrap_or(Error::Invalid)),
                }
            }
            Err(Error::FileTooSmall) => return Err(Error::FileTooSmall),
            Err(error) => return Err(error),
        };
        if !(MIN_PAGE_SIZE..=MAX_PAGE_SIZE).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(Error::Invalid);
        }
        if len < 2 * page_size as u64 {
            return Err(Error::FileTooSmall);
        }
        let metas = [0u64, 1].map(|id| {
            read_vec(disk.as_ref(), id * page_size as u64, page_size).and_then(|page| Meta::validate(&page))
        });
        let meta = match metas {
            [Ok(a), Ok(b)] => {
                if b.txid > a.txid {
                    b
                } else {
                    a
                }
            }
            [Ok(a), Err(_)] => a,
            [Err(_), Ok(b)] => b,
            [Err(error), Err(_)] => return Err(error),
        };
        if meta.root >= meta.pgid || (meta.freelist != PGID_NO_FREELIST && meta.freelist >= meta.pgid) {
            return Err(Error::Corrupt(format!(
                "meta of txid {} points past its high water mark {}",
                meta.txid, meta.pgid
            )));
        }
        // Every page below the high water mark is in the file (bbolt grows the file before it
        // writes a meta). One past the end would have the freelist rebuild, check and the page
        // map walk pages that are not there: hours and gigabytes for a damaged pgid.
        let pages_in_file = len / page_size as u64;
        if meta.pgid > pages_in_file {
            return Err(Error::Corrupt(format!(
                "meta of txid {} has high water mark {} past the end of the file ({pages_in_file} pages of {page_size} bytes)",
                meta.txid, meta.pgid
            )));
        }
        let mut db =
            Db { disk, page_size, meta, freelist: Freelist::default(), options, readers: BTreeMap::new() };
        db.freelist = Freelist::from_free(db.view().free_pages()?);
        Ok(db)
    }

    pub fn stats(&self) -> Stats {
        Stats {
            page_size: self.page_size as u64,
            page_count: self.meta.pgid,
            free_page_n: self.freelist.free_count(),
            pending_page_n: self.freelist.pending_count(),
            txid: self.meta.txid,
        }
    }

    /// Registers a long-lived reader at the current transaction: pages freed from now on stay
    /// pending until [`Db::unpin_reader`].
    pub fn pin_reader(&mut self) -> u64 {
        *self.readers.entry(self.meta.txid).or_default() += 1;
        self.meta.txid
    }

    pub fn unpin_reader(&mut self, txid: u64) {
        if let Some(count) = self.readers.get_mut(&txid) {
            *count -= 1;
            if *count == 0 {
                self.readers.remove(&txid);
            }
        }
    }

    /// The db's bytes up to the high water mark, as `tx.WriteTo` streams them for a snapshot:
    /// both meta pages carry the current meta.
    pub fn snapshot_bytes(&self) -> Result<Vec<u8>> {
        let size = self.meta.pgid as usize * self.page_size;
        let mut bytes = read_vec(self.disk.as_ref(), 0, size)?;
        for id in [0usize, 1] {
            let mut meta = self.meta;
            meta.txid = self.meta.txid - (self.meta.txid % 2) + id as u64;
            let mut page = meta.encode(self.page_size);
            // Both copies hold this transaction's meta; only the page id differs.
            page[0..8].copy_from_slice(&(id as u64).to_le_bytes());
            let mut exact = self.meta;
            exact.checksum = 0;
            let encoded = exact.encode(self.page_size);
            page[PAGE_HEADER_SIZE..PAGE_HEADER_SIZE + META_SIZE]
                .copy_from_slice(&encoded[PAGE_HEADER_SIZE..PAGE_HEADER_SIZE + META_SIZE]);
            bytes[id * self.page_size..(id + 1) * self.page_size].copy_from_slice(&page);
        }
        Ok(bytes)
    }

    /// Every page below the high water mark: meta, freelist, free, pending, or part of a
    /// bucket's tree (with the bucket's name, nested buckets as `parent/child`).
    pub fn page_map(&self) -> Result<Vec<PageUse>> {
        let tx = self.view();
        let mut map: Vec<PageUse> =
            (0..self.meta.pgid).map(|id| PageUse { id, kind: PageKind::Lost, bucket: None }).collect();
        for id in META_PAGE_IDS {
            if let Some(page) = map.get_mut(id as usize) {
                page.kind = PageKind::Meta;
            }
        }
        if self.meta.freelist != PGID_NO_FREELIST {
            let overflow = PageView::parse(&tx.page(self.meta.freelist)?)?.overflow;
            for i in 0..=u64::from(overflow) {
                if let Some(page) = map.get_mut((self.meta.freelist + i) as usize) {
                    page.kind = if i == 0 {
                        PageKind::Freelist
                    } else {
                        PageKind::Overflow { of: self.meta.freelist }
                    };
                }
            }
        }
        for id in self.freelist.free_ids() {
            if let Some(page) = map.get_mut(id as usize) {
                page.kind = PageKind::Free;
            }
        }
        for id in 0..self.meta.pgid {
            if self.freelist.is_pending(id) {
                map[id as usize].kind = PageKind::Pending;
            }
        }
        tx.map_bucket(&tx.root(), None, &mut map, 0)?;
        Ok(map)
    }

    pub fn disk(&self) -> &dyn Disk {
        self.disk.as_ref()
    }

    /// The whole file as it is on its disk.
    pub fn file_bytes(&self) -> Result<Vec<u8>> {
        read_vec(self.disk.as_ref(), 0, self.disk.len() as usize)
    }

    /// Closes and opens the db again, as a process restart would: the freelist is rebuilt and
    /// pages pending for readers become free.
    pub fn reopen(self) -> Result<Db> {
        let options = self.options;
        Db::open_with(self.disk, options)
    }
}

/// Reads a page and its overflow pages from `disk`, checked against the high water mark.
pub(crate) fn read_page(disk: &dyn Disk, page_size: usize, hwm: u64, id: u64) -> Result<Vec<u8>> {
    if id >= hwm {
        return Err(Error::Corrupt(format!("page {id} is past the high water mark {hwm}")));
    }
    let offset = id * page_size as u64;
    let head = read_vec(disk, offset, PAGE_HEADER_SIZE)?;
    let header = PageView::parse(&head)?;
    if header.id != id {
        return Err(Error::Corrupt(format!("page {id} identifies itself as page {}", header.id)));
    }
    let span = u64::from(header.overflow) + 1;
    if id + span > hwm {
        return Err(Error::Corrupt(format!(
            "page {id} claims {} overflow pages past the high water mark {hwm}",
            header.overflow
        )));
    }
    read_vec(disk, offset, span as usize * page_size)
}

/// An element of a large leaf, read without its value.
pub(crate) struct LeafKey {
    pub flags: u32,
    pub key: Vec<u8>,
    /// Where the value lies in the file, and its length.
    pub value_offset: u64,
    pub value_len: usize,
}

/// A leaf page spanning overflow pages (large values), read as its header, element table and
/// keys: the values stay in the file. Returns the overflow count and the elements; None for
/// any other page (the general path reads it, and reports what is wrong with it).
pub(crate) fn read_large_leaf_keys(
    disk: &dyn Disk,
    page_size: usize,
    hwm: u64,
    id: u64,
) -> Result<Option<(u32, Vec<LeafKey>)>> {
    if id >= hwm {
        return Err(Error::Corrupt(format!("page {id} is past the high water mark {hwm}")));
    }
    let offset = id * page_size as u64;
    let head = read_vec(disk, offset, PAGE_HEADER_SIZE)?;
    let header = PageView::parse(&head)?;
    if header.overflow == 0 || header.page_type() != PageType::Leaf || header.id != id {
        return Ok(None);
    }
    let span = (u64::from(header.overflow) + 1) * page_size as u64;
    if id + u64::from(header.overflow) + 1 > hwm {
        return Ok(None);
    }
    let count = header.count as usize;
    let table = read_vec(disk, offset + PAGE_HEADER_SIZE as u64, count * LEAF_ELEMENT_SIZE)?;
    let mut elements = Vec::with_capacity(count);
    for (i, element) in table.chunks_exact(LEAF_ELEMENT_SIZE).enumerate() {
        let field = |at: usize| {
            u64::from(u32::from_le_bytes([element[at], element[at + 1], element[at + 2], element[at + 3]]))
        };
        let (flags, pos, key_len, value_len) = (field(0) as u32, field(4), field(8), field(12));
        let start = (PAGE_HEADER_SIZE + i * LEAF_ELEMENT_SIZE) as u64 + pos;
        if start + key_len + value_len > span {
            return Err(Error::Corrupt(format!("page {id}: a leaf element outside the page")));
        }
        elements.push(LeafKey {
            flags,
            key: read_vec(disk, offset + start, key_len as usize)?,
            value_offset: offset + start + key_len,
            value_len: value_len as usize,
        });
    }
    Ok(Some((header.overflow, elements)))
}

impl Db {
    pub fn page_size(&self) -> usize {
        self.page_size
    }

    pub fn meta(&self) -> Meta {
        self.meta
    }

    /// A read transaction at the current meta.
    pub fn view(&self) -> Tx<'_> {
        Tx { db: self, meta: self.meta }
    }
}

fn read_vec(disk: &dyn Disk, offset: u64, len: usize) -> Result<Vec<u8>> {
    disk.read_vec(offset, len)
}

/// A read-only view of the db as of one meta page.
pub struct Tx<'db> {
    db: &'db Db,
    meta: Meta,
}

impl Tx<'_> {
    pub fn meta(&self) -> Meta {
        self.meta
    }

    /// The file size this transaction's pages need: high water mark times page size, as
    /// bbolt's `tx.Size()` reports it (etcd's "total size").
    pub fn size(&self) -> u64 {
        self.meta.pgid * self.db.page_size as u64
    }

    /// A page and its overflow pages, checked against the high water mark and its own id.
    pub fn page(&self, id: u64) -> Result<Vec<u8>> {
        read_page(self.db.disk.as_ref(), self.db.page_size, self.meta.pgid, id)
    }

    /// The root bucket: the tree of top-level buckets.
    pub fn root(&self) -> BucketRoot {
        BucketRoot::Page(self.meta.root)
    }

    /// The free page ids: those the freelist page lists, or, when the freelist is not synced
    /// to disk (etcd opens bbolt with `NoFreelistSync`), every page from 2 up to the high water
    /// mark that no bucket reaches, as bbolt rebuilds it on open.
    pub fn free_pages(&self) -> Result<Vec<u64>> {
        if self.meta.freelist == PGID_NO_FREELIST {
            let mut reachable = BTreeMap::new();
            let mut ignored = Vec::new();
            self.check_bucket(&self.root(), &mut reachable, &BTreeSet::new(), &mut ignored, 0);
            return Ok((2..self.meta.pgid).filter(|id| !reachable.contains_key(id)).collect());
        }
        let bytes = self.page(self.meta.freelist)?;
        let page = PageView::parse(&bytes)?;
        if page.page_type() != PageType::Freelist {
            return Err(Error::Corrupt(format!("page {} is not a freelist page", self.meta.freelist)));
        }
        page.freelist_ids()
    }

    /// Calls `f(key, value, is_bucket)` for every entry of a bucket, in key order; `f` returning
    /// false stops the walk.
    pub fn for_each(&self, root: &BucketRoot, f: &mut Visit<'_>) -> Result<()> {
        match root {
            BucketRoot::Inline(bytes) => {
                let page = PageView::parse(bytes)?;
                for element in page.leaf_elements()? {
                    if !f(element.key, element.value, element.is_bucket()) {
                        break;
                    }
                }
                Ok(())
            }
            BucketRoot::Page(id) => self.walk(*id, 0, f).map(|_| ()),
        }
    }

    /// Like [`Tx::for_each`], from the first key `>= start` on (a cursor seek: subtrees wholly
    /// before `start` are not read).
    pub fn for_each_from(&self, root: &BucketRoot, start: &[u8], f: &mut Visit<'_>) -> Result<()> {
        match root {
            BucketRoot::Inline(_) => self.for_each(root, &mut |k, v, b| k < start || f(k, v, b)),
            BucketRoot::Page(id) => self.walk_from(*id, start, 0, false, f).map(|_| ()),
        }
    }

    /// Like [`Tx::for_each_from`] for keys alone: `f(key, is_bucket)`. Large leaves are read
    /// without their values.
    pub fn for_each_key_from(
        &self,
        root: &BucketRoot,
        start: &[u8],
        f: &mut dyn FnMut(&[u8], bool) -> bool,
    ) -> Result<()> {
        match root {
            BucketRoot::Inline(_) => self.for_each_from(root, start, &mut |k, _, b| f(k, b)),
            BucketRoot::Page(id) => self.walk_from(*id, start, 0, true, &mut |k, _, b| f(k, b)).map(|_| ()),
        }
    }

    /// Walks from the first key `>= start`; with `keys_only`, large leaves' values are not read
    /// (`f` sees them empty).
    fn walk_from(
        &self,
        id: u64,
        start: &[u8],
        depth: usize,
        keys_only: bool,
        f: &mut Visit<'_>,
    ) -> Result<bool> {
        if depth > MAX_DEPTH {
            return Err(Error::Corrupt(format!("page {id}: tree deeper than {MAX_DEPTH} levels")));
        }
        if keys_only {
            let leaf = read_large_leaf_keys(self.db.disk.as_ref(), self.db.page_size, self.meta.pgid, id)?;
            if let Some((_, elements)) = leaf {
                for element in elements {
                    let is_bucket = element.flags & BUCKET_LEAF_FLAG != 0;
                    if element.key.as_slice() >= start && !f(&element.key, &[], is_bucket) {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
        }
        let bytes = self.page(id)?;
        let page = PageView::parse(&bytes)?;
        match page.page_type() {
            PageType::Branch => {
                let elements = page.branch_elements()?;
                let first = elements.iter().rposition(|e| e.key <= start).unwrap_or(0);
                for element in &elements[first..] {
                    if !self.walk_from(element.child, start, depth + 1, keys_only, f)? {
                        return Ok(false);
                    }
                }
            }
            PageType::Leaf => {
                for element in page.leaf_elements()? {
                    if element.key >= start && !f(element.key, element.value, element.is_bucket()) {
                        return Ok(false);
                    }
                }
            }
            other => {
                return Err(Error::Corrupt(format!("page {id}: a {} page inside a bucket", other.name())))
            }
        }
        Ok(true)
    }

    /// In-order walk from page `id`; Ok(false) once `f` asked to stop.
    fn walk(&self, id: u64, depth: usize, f: &mut Visit<'_>) -> Result<bool> {
        if depth > MAX_DEPTH {
            return Err(Error::Corrupt(format!("page {id}: tree deeper than {MAX_DEPTH} levels")));
        }
        let bytes = self.page(id)?;
        let page = PageView::parse(&bytes)?;
        match page.page_type() {
            PageType::Branch => {
                for element in page.branch_elements()? {
                    if !self.walk(element.child, depth + 1, f)? {
                        return Ok(false);
                    }
                }
            }
            PageType::Leaf => {
                for element in page.leaf_elements()? {
                    if !f(element.key, element.value, element.is_bucket()) {
                        return Ok(false);
                    }
                }
            }
            other => {
                return Err(Error::Corrupt(format!("page {id}: a {} page inside a bucket", other.name())))
            }
        }
        Ok(true)
    }

    /// The value stored under `key` in a bucket: `(value, is_bucket)`.
    pub fn get(&self, root: &BucketRoot, key: &[u8]) -> Result<Option<(Vec<u8>, bool)>> {
        let mut found = None;
        let mut id = match root {
            BucketRoot::Inline(bytes) => {
                let page = PageView::parse(bytes)?;
                for element in page.leaf_elements()? {
                    if element.key == key {
                        return Ok(Some((element.value.to_vec(), element.is_bucket())));
                    }
                }
                return Ok(None);
            }
            BucketRoot::Page(id) => *id,
        };
        for _ in 0..=MAX_DEPTH {
            let bytes = self.page(id)?;
            let page = PageView::parse(&bytes)?;
            match page.page_type() {
                PageType::Branch => {
                    // The last child whose first key is <= key (or the first child).
                    let elements = page.branch_elements()?;
                    let index = elements.iter().rposition(|e| e.key <= key).unwrap_or(0);
                    match elements.get(index) {
                        Some(element) => id = element.child,
                        None => return Ok(None),
                    }
                }
                PageType::Leaf => {
                    for element in page.leaf_elements()? {
                        if element.key == key {
                            found = Some((element.value.to_vec(), element.is_bucket()));
                            break;
                        }
                    }
                    return Ok(found);
                }
                other => {
                    return Err(Error::Corrupt(format!("page {id}: a {} page inside a bucket", other.name())))
                }
            }
        }
        Err(Error::Corrupt(format!("tree deeper than {MAX_DEPTH} levels")))
    }

    /// The nested bucket `name` of a bucket, if there is one.
    pub fn bucket(&self, parent: &BucketRoot, name: &[u8]) -> Result<Option<BucketRoot>> {
        match self.get(parent, name)? {
            Some((value, true)) => bucket_root(&value).map(Some),
            _ => Ok(None),
        }
    }

    /// The names of a bucket's nested buckets, in order.
    pub fn bucket_names(&self, parent: &BucketRoot) -> Result<Vec<Vec<u8>>> {
        let mut names = Vec::new();
        self.for_each(parent, &mut |key, _, is_bucket| {
            if is_bucket {
                names.push(key.to_vec());
            }
            true
        })?;
        Ok(names)
    }

    /// Each page id below the high water mark with its type, as `bbolt pages` lists them
    /// (overflow pages are folded into the page they extend).
    pub fn pages(&self) -> Result<Vec<PageInfo>> {
        let free: BTreeSet<u64> = self.free_pages()?.into_iter().collect();
        let mut pages = Vec::new();
        let mut id = 0;
        while id < self.meta.pgid {
            if free.contains(&id) {
                pages.push(PageInfo { id, kind: "free".into(), count: 0, overflow: 0 });
                id += 1;
                continue;
            }
            let head = read_vec(self.db.disk.as_ref(), id * self.db.page_size as u64, PAGE_HEADER_SIZE)?;
            let page = PageView::parse(&head)?;
            pages.push(PageInfo {
                id,
                kind: page.page_type().name(),
                count: page.count,
                overflow: page.overflow,
            });
            id += 1 + u64::from(page.overflow);
        }
        Ok(pages)
    }

    /// A bucket's page, key and fill figures, nested buckets included.
    pub fn bucket_stats(&self, root: &BucketRoot) -> Result<BucketStats> {
        self.bucket_stats_at(root, 0)
    }

    fn bucket_stats_at(&self, root: &BucketRoot, nesting: usize) -> Result<BucketStats> {
        if nesting > MAX_DEPTH {
            return Err(Error::Corrupt(format!("buckets nested deeper than {MAX_DEPTH} levels")));
        }
        let mut stats = BucketStats { bucket_n: 1, ..BucketStats::default() };
        let mut nested = BucketStats::default();
        match root {
            BucketRoot::Inline(bytes) => {
                stats.inline_bucket_n = 1;
                let page = PageView::parse(bytes)?;
                stats.key_n += u64::from(page.count);
                stats.inline_bucket_inuse += used_bytes(&page)?;
                stats.depth = 1;
            }
            BucketRoot::Page(id) => self.page_stats(*id, 0, nesting, &mut stats, &mut nested)?,
        }
        let page_size = self.db.page_size as u64;
        stats.branch_alloc = (stats.branch_page_n + stats.branch_overflow_n) * page_size;
        stats.leaf_alloc = (stats.leaf_page_n + stats.leaf_overflow_n) * page_size;
        stats.depth += nested.depth;
        stats.add(&nested);
        Ok(stats)
    }

    fn page_stats(
        &self,
        id: u64,
        depth: usize,
        nesting: usize,
        stats: &mut BucketStats,
        nested: &mut BucketStats,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Error::Corrupt(format!("page {id}: tree deeper than {MAX_DEPTH} levels")));
        }
        let bytes = self.page(id)?;
        let page = PageView::parse(&bytes)?;
        match page.page_type() {
            PageType::Leaf => {
                stats.key_n += u64::from(page.count);
                stats.leaf_page_n += 1;
                stats.leaf_inuse += used_bytes(&page)?;
                stats.leaf_overflow_n += u64::from(page.overflow);
                for element in page.leaf_elements()? {
                    if element.is_bucket() {
                        nested.add(&self.bucket_stats_at(&bucket_root(element.value)?, nesting + 1)?);
                    }
                }
            }
            PageType::Branch => {
                stats.branch_page_n += 1;
                stats.branch_inuse += used_bytes(&page)?;
                stats.branch_overflow_n += u64::from(page.overflow);
                for element in page.branch_elements()? {
                    self.page_stats(element.child, depth + 1, nesting, stats, nested)?;
                }
            }
            other => {
                return Err(Error::Corrupt(format!("page {id}: a {} page inside a bucket", other.name())))
            }
        }
        stats.depth = stats.depth.max(depth as u64 + 1);
        Ok(())
    }

    fn map_bucket(
        &self,
        root: &BucketRoot,
        name: Option<&str>,
        map: &mut [PageUse],
        nesting: usize,
    ) -> Result<()> {
        if nesting > MAX_DEPTH {
            return Err(Error::Corrupt(format!("buckets nested deeper than {MAX_DEPTH} levels")));
        }
        if let BucketRoot::Page(id) = root {
            self.map_pages(*id, name, map, 0)?;
        }
        let mut children = Vec::new();
        self.for_each(root, &mut |key, value, is_bucket| {
            if is_bucket {
                children.push((String::from_utf8_lossy(key).into_owned(), bucket_root(value)));
            }
            true
        })?;
        for (child, root) in children {
            let path = match name {
                Some(parent) => format!("{parent}/{child}"),
                None => child,
            };
            self.map_bucket(&root?, Some(&path), map, nesting + 1)?;
        }
        Ok(())
    }

    fn map_pages(&self, id: u64, name: Option<&str>, map: &mut [PageUse], depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Error::Corrupt(format!("page {id}: tree deeper than {MAX_DEPTH} levels")));
        }
        let bytes = self.page(id)?;
        let page = PageView::parse(&bytes)?;
        let kind = match page.page_type() {
            PageType::Branch => PageKind::Branch,
            PageType::Leaf => PageKind::Leaf,
            other => {
                return Err(Error::Corrupt(format!("page {id}: a {} page inside a bucket", other.name())))
            }
        };
        for i in 0..=u64::from(page.overflow) {
            if let Some(entry) = map.get_mut((id + i) as usize) {
                entry.kind = if i == 0 { kind.clone() } else { PageKind::Overflow { of: id } };
                entry.bucket = name.map(str::to_string);
            }
        }
        if kind == PageKind::Branch {
            for element in page.branch_elements()? {
                self.map_pages(element.child, name, map, depth + 1)?;
            }
        }
        Ok(())
    }

    /// Every invariant bbolt's `tx.Check` verifies, with its messages: freelist without
    /// duplicates, every page below the high water mark either reachable exactly once or free,
    /// only branch and leaf pages inside buckets, keys in order. Empty means consistent.
    pub fn check(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let mut freed = BTreeSet::new();
        match self.free_pages() {
            Ok(ids) => {
                for id in ids {
                    if !freed.insert(id) {
                        errors.push(format!("page {id}: already freed"));
                    }
                }
            }
            Err(error) => errors.push(error.to_string()),
        }
        let mut reachable: BTreeMap<u64, u64> = BTreeMap::new();
        reachable.insert(0, 0);
        reachable.insert(1, 1);
        if self.meta.freelist != PGID_NO_FREELIST {
            let overflow = self.page(self.meta.freelist).map(|b| PageView::parse(&b).map(|p| p.overflow));
            let overflow = match overflow {
                Ok(Ok(overflow)) => overflow,
                Ok(Err(error)) | Err(error) => {
                    errors.push(error.to_string());
                    0
                }
            };
            for i in 0..=u64::from(overflow) {
                reachable.insert(self.meta.freelist + i, self.meta.freelist);
            }
        }
        self.check_bucket(&self.root(), &mut reachable, &freed, &mut errors, 0);
        for id in 0..self.meta.pgid {
            if !reachable.contains_key(&id) && !freed.contains(&id) {
                errors.push(format!("page {id}: unreachable unfreed"));
            }
        }
        errors
    }

    fn check_bucket(
        &self,
        root: &BucketRoot,
        reachable: &mut BTreeMap<u64, u64>,
        freed: &BTreeSet<u64>,
        errors: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            errors.push(format!("buckets nested deeper than {MAX_DEPTH} levels"));
            return;
        }
        if let BucketRoot::Page(id) = root {
            // A root already reached is a cycle or a shared subtree: its pages are reported as
            // multiple references, and its buckets are not walked again (a bucket holding
            // itself twice would be walked 2^depth times).
            let seen = reachable.contains_key(id);
            self.check_pages(*id, &mut Vec::new(), reachable, freed, errors);
            if seen {
                return;
            }
            self.check_key_order(*id, None, None, &mut Vec::new(), errors);
        }
        let mut children = Vec::new();
        let walked = self.for_each(root, &mut |key, value, is_bucket| {
            if is_bucket {
                children.push((key.to_vec(), bucket_root(value)));
            }
            true
        });
        if let Err(error) = walked {
            errors.push(error.to_string());
        }
        for (name, child) in children {
            match child {
                Ok(child) => self.check_bucket(&child, reachable, freed, errors, depth + 1),
                Err(error) => errors.push(format!("bucket {}: {error}", String::from_utf8_lossy(&name))),
            }
        }
    }

    fn check_pages(
        &self,
        id: u64,
        stack: &mut Vec<u64>,
        reachable: &mut BTreeMap<u64, u64>,
        freed: &BTreeSet<u64>,
        errors: &mut Vec<String>,
    ) {
        stack.push(id);
        if stack.len() > MAX_DEPTH {
            errors.push(format!("page {id}: tree deeper than {MAX_DEPTH} levels (stack: {stack:?})"));
            stack.pop();
            return;
        }
        let bytes = match self.page(id) {
            Ok(bytes) => bytes,
            Err(error) => {
                errors.push(error.to_string());
                stack.pop();
                return;
            }
        };
        let page = match PageView::parse(&bytes) {
            Ok(page) => page,
            Err(error) => {
                errors.push(error.to_string());
                stack.pop();
                return;
            }
        };
        for i in 0..=u64::from(page.overflow) {
            let overflow_id = id + i;
            if reachable.insert(overflow_id, id).is_some() {
                errors.push(format!("page {overflow_id}: multiple references (stack: {stack:?})"));
            }
        }
        if freed.contains(&id) {
            errors.push(format!("page {id}: reachable freed"));
        }
        match page.page_type() {
            PageType::Branch => match page.branch_elements() {
                Ok(elements) => {
                    for element in elements {
                        self.check_pages(element.child, stack, reachable, freed, errors);
                    }
                }
                Err(error) => errors.push(error.to_string()),
            },
            PageType::Leaf => {}
            other => errors.push(format!("page {id}: invalid type: {} (stack: {stack:?})", other.name())),
        }
        stack.pop();
    }

    /// Keys strictly increasing within each page and within the range the parent gives it;
    /// returns the largest key of the subtree.
    fn check_key_order(
        &self,
        id: u64,
        min: Option<Vec<u8>>,
        max_open: Option<Vec<u8>>,
        stack: &mut Vec<u64>,
        errors: &mut Vec<String>,
    ) -> Option<Vec<u8>> {
        if stack.len() > MAX_DEPTH {
            return None;
        }
        let bytes = self.page(id).ok()?;
        let page = PageView::parse(&bytes).ok()?;
        stack.push(id);
        let mut largest = None;
        match page.page_type() {
            PageType::Branch => {
                let elements = page.branch_elements().unwrap_or_default();
                let mut running = min;
                for (i, element) in elements.iter().enumerate() {
                    verify_key_order(
                        id,
                        "branch",
                        i,
                        element.key,
                        running.as_deref(),
                        max_open.as_deref(),
                        stack,
                        errors,
                    );
                    let next_max = elements.get(i + 1).map(|e| e.key.to_vec()).or_else(|| max_open.clone());
                    largest = self.check_key_order(
                        element.child,
                        Some(element.key.to_vec()),
                        next_max,
                        stack,
                        errors,
                    );
                    running = largest.clone();
                }
            }
            PageType::Leaf => {
                let elements = page.leaf_elements().unwrap_or_default();
                let mut running = min;
                for (i, element) in elements.iter().enumerate() {
                    verify_key_order(
                        id,
                        "leaf",
                        i,
                        element.key,
                        running.as_deref(),
                        max_open.as_deref(),
                        stack,
                        errors,
                    );
                    running = Some(element.key.to_vec());
                }
                largest = elements.last().map(|e| e.key.to_vec());
            }
            _ => {}
        }
        stack.pop();
        largest
    }
}

#[allow(clippy::too_many_arguments)]
fn verify_key_order(
    id: u64,
    kind: &str,
    index: usize,
    key: &[u8],
    previous: Option<&[u8]>,
    max_open: Option<&[u8]>,
    stack: &[u64],
    errors: &mut Vec<String>,
) {
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    if let Some(previous) = previous {
        if index == 0 && previous > key {
            errors.push(format!(
                "the first key[{index}]=(hex){} on {kind} page({id}) needs to be >= the key in the ancestor ({}). Stack: {stack:?}",
                hex(key),
                hex(previous)
            ));
        }
        if index > 0 && previous >= key {
            let found = if previous > key { "<" } else { "=" };
            errors.push(format!(
                "key[{index}]=(hex){} on {kind} page({id}) needs to be > (found {found}) than previous element (hex){}. Stack: {stack:?}",
                hex(key),
                hex(previous)
            ));
        }
    }
    if let Some(max) = max_open {
        if key >= max {
            errors.push(format!(
                "key[{index}]=(hex){} on {kind} page({id}) needs to be < than key of the next element in ancestor (hex){}. Pages stack: {stack:?}",
                hex(key),
                hex(max)
            ));
        }
    }
}

/// Bytes a leaf or branch page uses: up to the end of its last element's data.
fn used_bytes(page: &PageView<'_>) -> Result<u64> {
    let mut used = PAGE_HEADER_SIZE as u64;
    let Some(last) = (page.count as usize).checked_sub(1) else { return Ok(used) };
    let end = if page.page_type() == PageType::Leaf {
        let element = page.leaf_element(last)?;
        element.value.as_ptr() as usize + element.value.len() - page.bytes().as_ptr() as usize
    } else {
        let element = page.branch_element(last)?;
        element.key.as_ptr() as usize + element.key.len() - page.bytes().as_ptr() as usize
    };
    used = used.max(end as u64);
    Ok(used)
}

/// A bucket value: its header, and for an inline bucket the page after it.
pub fn bucket_root(value: &[u8]) -> Result<BucketRoot> {
    let root =
        u64_at(value, 0).ok_or_else(|| Error::Corrupt("a bucket value shorter than its header".into()))?;
    if root == 0 {
        Ok(BucketRoot::Inline(value[BUCKET_HEADER_SIZE.min(value.len())..].to_vec()))
    } else {
        Ok(BucketRoot::Page(root))
    }
}

//! Decoding pages: every offset is checked against the page's bytes, so a corrupt or hostile
//! file gives [`Error::Corrupt`], never a panic.

use crate::error::{Error, Result};
use crate::format::*;

/// A page's bytes (with its overflow pages) and its header.
#[derive(Debug, Clone, Copy)]
pub struct PageView<'a> {
    pub id: u64,
    pub flags: u16,
    pub count: u16,
    pub overflow: u32,
    bytes: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageType {
    Branch,
    Leaf,
    Meta,
    Freelist,
    Unknown(u16),
}

impl PageType {
    pub fn from_flags(flags: u16) -> PageType {
        match flags {
            BRANCH_PAGE_FLAG => PageType::Branch,
            LEAF_PAGE_FLAG => PageType::Leaf,
            META_PAGE_FLAG => PageType::Meta,
            FREELIST_PAGE_FLAG => PageType::Freelist,
            other => PageType::Unknown(other),
        }
    }

    /// bbolt's name for the type, as `bbolt pages` prints it.
    pub fn name(self) -> String {
        match self {
            PageType::Branch => "branch".into(),
            PageType::Leaf => "leaf".into(),
            PageType::Meta => "meta".into(),
            PageType::Freelist => "freelist".into(),
            PageType::Unknown(flags) => format!("unknown<{flags:02x}>"),
        }
    }
}

/// A leaf element: a key with a value, or with a nested bucket's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeafElement<'a> {
    pub flags: u32,
    pub key: &'a [u8],
    pub value: &'a [u8],
}

impl LeafElement<'_> {
    pub fn is_bucket(&self) -> bool {
        self.flags & BUCKET_LEAF_FLAG != 0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BranchElement<'a> {
    pub key: &'a [u8],
    pub child: u64,
}

fn corrupt(id: u64, what: impl std::fmt::Display) -> Error {
    Error::Corrupt(format!("page {id}: {what}"))
}

impl<'a> PageView<'a> {
    /// Reads the header of the page at the start of `bytes`.
    pub fn parse(bytes: &'a [u8]) -> Result<PageView<'a>> {
        let header =
            (|| Some((u64_at(bytes, 0)?, u16_at(bytes, 8)?, u16_at(bytes, 10)?, u32_at(bytes, 12)?)))();
        let Some((id, flags, count, overflow)) = header else {
            return Err(Error::Corrupt(format!("a page of {} bytes has no header", bytes.len())));
        };
        Ok(PageView { id, flags, count, overflow, bytes })
    }

    pub fn page_type(&self) -> PageType {
        PageType::from_flags(self.flags)
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    pub fn leaf_element(&self, index: usize) -> Result<LeafElement<'a>> {
        let at = PAGE_HEADER_SIZE + index * LEAF_ELEMENT_SIZE;
        let fields = (|| {
            Some((
                u32_at(self.bytes, at)?,
                u32_at(self.bytes, at + 4)?,
                u32_at(self.bytes, at + 8)?,
                u32_at(self.bytes, at + 12)?,
            ))
        })();
        let Some((flags, pos, ksize, vsize)) = fields else {
            return Err(corrupt(self.id, format_args!("leaf element {index} lies outside the page")));
        };
        let key_start = at.checked_add(pos as usize);
        let key_end = key_start.and_then(|s| s.checked_add(ksize as usize));
        let value_end = key_end.and_then(|e| e.checked_add(vsize as usize));
        match (key_start, key_end, value_end) {
            (Some(ks), Some(ke), Some(ve)) if ve <= self.bytes.len() => {
                Ok(LeafElement { flags, key: &self.bytes[ks..ke], value: &self.bytes[ke..ve] })
            }
            _ => Err(corrupt(
                self.id,
                format_args!("leaf element {index}'s key or value lies outside the page"),
            )),
        }
    }

    pub fn branch_element(&self, index: usize) -> Result<BranchElement<'a>> {
        let at = PAGE_HEADER_SIZE + index * BRANCH_ELEMENT_SIZE;
        let fields =
            (|| Some((u32_at(self.bytes, at)?, u32_at(self.bytes, at + 4)?, u64_at(self.bytes, at + 8)?)))();
        let Some((pos, ksize, child)) = fields else {
            return Err(corrupt(self.id, format_args!("branch element {index} lies outside the page")));
        };
        let start = at.checked_add(pos as usize);
        let end = start.and_then(|s| s.checked_add(ksize as usize));
        match (start, end) {
            (Some(s), Some(e)) if e <= self.bytes.len() => {
                Ok(BranchElement { key: &self.bytes[s..e], child })
            }
            _ => Err(corrupt(self.id, format_args!("branch element {index}'s key lies outside the page"))),
        }
    }

    pub fn leaf_elements(&self) -> Result<Vec<LeafElement<'a>>> {
        (0..self.count as usize).map(|i| self.leaf_element(i)).collect()
    }

    pub fn branch_elements(&self) -> Result<Vec<BranchElement<'a>>> {
        (0..self.count as usize).map(|i| self.branch_element(i)).collect()
    }

    /// The page ids a freelist page lists.
    pub fn freelist_ids(&self) -> Result<Vec<u64>> {
        let (count, start) = if self.count == MAX_HEADER_COUNT {
            let count = u64_at(self.bytes, PAGE_HEADER_SIZE)
                .ok_or_else(|| corrupt(self.id, "freelist count missing"))?;
            (count, PAGE_HEADER_SIZE + PGID_SIZE)
        } else {
            (u64::from(self.count), PAGE_HEADER_SIZE)
        };
        let room = (self.bytes.len().saturating_sub(start) / PGID_SIZE) as u64;
        if count > room {
            return Err(corrupt(self.id, format_args!("freelist of {count} ids does not fit the page")));
        }
        Ok((0..count as usize).filter_map(|i| u64_at(self.bytes, start + i * PGID_SIZE)).collect())
    }
}

/// A meta page's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub magic: u32,
    pub version: u32,
    pub page_size: u32,
    pub flags: u32,
    pub root: u64,
    pub sequence: u64,
    pub freelist: u64,
    /// The high water mark: pages at or above it are not in the file's use.
    pub pgid: u64,
    pub txid: u64,
    pub checksum: u64,
}

impl Meta {
    /// Decodes the meta from a meta page's bytes.
    pub fn parse(page: &[u8]) -> Result<Meta> {
        let at = PAGE_HEADER_SIZE;
        let field = |offset: usize| u64_at(page, at + offset);
        let word = |offset: usize| u32_at(page, at + offset);
        let parsed = (|| {
            Some(Meta {
                magic: word(0)?,
                version: word(4)?,
                page_size: word(8)?,
                flags: word(12)?,
                root: field(16)?,
                sequence: field(24)?,
                freelist: field(32)?,
                pgid: field(40)?,
                txid: field(48)?,
                checksum: field(56)?,
            })
        })();
        parsed.ok_or(Error::FileTooSmall)
    }

    /// The checksum the fields should carry.
    pub fn sum(page: &[u8]) -> u64 {
        let start = PAGE_HEADER_SIZE;
        page.get(start..start + META_CHECKSUMMED_SIZE).map(fnv64a).unwrap_or(0)
    }

    /// bbolt's validation order: magic, version, checksum.
    pub fn validate(page: &[u8]) -> Result<Meta> {
        let meta = Meta::parse(page)?;
        if meta.magic != MAGIC {
            return Err(Error::Invalid);
        }
        if meta.version != VERSION {
            return Err(Error::VersionMismatch);
        }
        if meta.checksum != Meta::sum(page) {
            return Err(Error::Checksum);
        }
        Ok(meta)
    }

    /// The meta encoded as a whole meta page for `txid`'s slot (page `txid % 2`).
    pub fn encode(&self, page_size: usize) -> Vec<u8> {
        let mut page = vec![0u8; page_size];
        page[0..8].copy_from_slice(&(self.txid % 2).to_le_bytes());
        page[8..10].copy_from_slice(&META_PAGE_FLAG.to_le_bytes());
        let mut at = PAGE_HEADER_SIZE;
        for word in [self.magic, self.version, self.page_size, self.flags] {
            page[at..at + 4].copy_from_slice(&word.to_le_bytes());
            at += 4;
        }
        for field in [self.root, self.sequence, self.freelist, self.pgid, self.txid] {
            page[at..at + 8].copy_from_slice(&field.to_le_bytes());
            at += 8;
        }
        let checksum = Meta::sum(&page);
        page[at..at + 8].copy_from_slice(&checksum.to_le_bytes());
        page
    }
}

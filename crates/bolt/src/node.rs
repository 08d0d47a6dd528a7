//! In-memory nodes of a write transaction: pages read into editable form, split and written
//! back at commit (copy-on-write, as bbolt's `node`).

use std::borrow::Cow;

use crate::disk::Disk;
use crate::format::*;
use crate::page::PageView;
use crate::pieces::Pieces;

pub(crate) type NodeId = usize;
pub(crate) type BucketId = usize;

/// A leaf value: in memory, or still where a page of the file holds it. Large leaves are
/// read key by key and their values copied only when written again or asked for (bbolt reads
/// them in place from its mmap); the page stays intact meanwhile, since pages live at the
/// start of a transaction are never reallocated before a later one.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Bytes(Vec<u8>),
    /// Put with shared pieces, which the page keeps shared.
    Pieces(Pieces),
    InFile {
        offset: u64,
        len: usize,
    },
}

impl Default for Value {
    fn default() -> Self {
        Value::Bytes(Vec::new())
    }
}

impl Value {
    pub fn len(&self) -> usize {
        match self {
            Value::Bytes(bytes) => bytes.len(),
            Value::Pieces(pieces) => pieces.len(),
            Value::InFile { len, .. } => *len,
        }
    }

    pub fn read<'a>(&'a self, disk: &dyn Disk) -> crate::Result<Cow<'a, [u8]>> {
        match self {
            Value::Bytes(bytes) => Ok(Cow::Borrowed(bytes)),
            Value::Pieces(pieces) => Ok(Cow::Owned(pieces.to_vec())),
            Value::InFile { offset, len } => disk.read_vec(*offset, *len).map(Cow::Owned),
        }
    }

    /// Shared bytes of the value (which a page written from it keeps shared).
    pub fn shared_len(&self) -> usize {
        match self {
            Value::Pieces(pieces) => pieces.shared_len(),
            _ => 0,
        }
    }

    fn append_to(&self, disk: &dyn Disk, out: &mut Pieces) -> crate::Result<()> {
        match self {
            Value::Bytes(bytes) => {
                out.push_copied(bytes);
                Ok(())
            }
            Value::Pieces(pieces) => {
                out.append(pieces);
                Ok(())
            }
            Value::InFile { offset, len } => disk.read_pieces(*offset, *len, out),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Inode {
    pub flags: u32,
    pub key: Vec<u8>,
    /// Leaf value (a bucket header for a bucket entry); empty in branches.
    pub value: Value,
    /// Child page, in branches.
    pub pgid: u64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub bucket: BucketId,
    pub is_leaf: bool,
    /// Lost an element: check at commit whether to merge it with a sibling.
    pub unbalanced: bool,
    pub spilled: bool,
    /// The first key when the node was read: how its parent knows it.
    pub key: Vec<u8>,
    /// The page it came from (0: not written yet).
    pub pgid: u64,
    /// That page's overflow count: freeing it needs no second read of a large page.
    pub overflow: u32,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    pub inodes: Vec<Inode>,
    /// Merged away or collapsed: no longer part of the tree.
    pub removed: bool,
}

impl Node {
    pub fn from_page(bucket: BucketId, page: &PageView<'_>, parent: Option<NodeId>) -> crate::Result<Node> {
        let is_leaf = page.page_type() == crate::PageType::Leaf;
        let inodes = if is_leaf {
            page.leaf_elements()?
                .into_iter()
                .map(|e| Inode {
                    flags: e.flags,
                    key: e.key.to_vec(),
                    value: Value::Bytes(e.value.to_vec()),
                    pgid: 0,
                })
                .collect()
        } else {
            page.branch_elements()?
                .into_iter()
                .map(|e| Inode { flags: 0, key: e.key.to_vec(), value: Value::default(), pgid: e.child })
                .collect::<Vec<_>>()
        };
        let key = inodes.first().map(|i: &Inode| i.key.clone()).unwrap_or_default();
        Ok(Node {
            bucket,
            is_leaf,
            key,
            pgid: page.id,
            overflow: page.overflow,
            parent,
            inodes,
            ..Node::default()
        })
    }

    fn element_size(&self) -> usize {
        if self.is_leaf {
            LEAF_ELEMENT_SIZE
        } else {
            BRANCH_ELEMENT_SIZE
        }
    }

    pub fn inode_size(&self, inode: &Inode) -> usize {
        self.element_size() + inode.key.len() + inode.value.len()
    }

    /// Bytes the node takes as a page.
    pub fn size(&self) -> usize {
        PAGE_HEADER_SIZE + self.inodes.iter().map(|i| self.inode_size(i)).sum::<usize>()
    }

    pub fn size_less_than(&self, limit: usize) -> bool {
        let mut size = PAGE_HEADER_SIZE;
        for inode in &self.inodes {
            size += self.inode_size(inode);
            if size >= limit {
                return false;
            }
        }
        true
    }

    pub fn min_keys(&self) -> usize {
        if self.is_leaf {
            1
        } else {
            2
        }
    }

    /// Index of the first inode whose key is >= `key`, and whether it is equal.
    pub fn search(&self, key: &[u8]) -> (usize, bool) {
        let index = self.inodes.partition_point(|i| i.key.as_slice() < key);
        (index, self.inodes.get(index).is_some_and(|i| i.key == key))
    }

    /// The child to descend into for `key` in a branch.
    pub fn child_index_for(&self, key: &[u8]) -> usize {
        let (index, exact) = self.search(key);
        if !exact && index > 0 {
            index - 1
        } else {
            index.min(self.inodes.len().saturating_sub(1))
        }
    }

    /// Inserts or replaces the inode known as `old_key`.
    pub fn put(&mut self, old_key: &[u8], new_key: &[u8], value: Vec<u8>, pgid: u64, flags: u32) {
        self.put_value(old_key, new_key, Value::Bytes(value), pgid, flags);
    }

    /// [`Node::put`] of a value in any form.
    pub fn put_value(&mut self, old_key: &[u8], new_key: &[u8], value: Value, pgid: u64, flags: u32) {
        let (index, exact) = self.search(old_key);
        if !exact {
            self.inodes.insert(index, Inode::default());
        }
        let inode = &mut self.inodes[index];
        inode.flags = flags;
        inode.key = new_key.to_vec();
        inode.value = value;
        inode.pgid = pgid;
    }

    pub fn delete(&mut self, key: &[u8]) {
        let (index, exact) = self.search(key);
        if exact {
            self.inodes.remove(index);
            self.unbalanced = true;
        }
    }

    /// Where the node should be cut so the first part fills `threshold` bytes (keeping at
    /// least two keys on each side), as bbolt's `splitIndex`.
    pub fn split_index(&self, threshold: usize) -> usize {
        let mut size = PAGE_HEADER_SIZE;
        let mut index = 0;
        for i in 0..self.inodes.len().saturating_sub(MIN_KEYS_PER_PAGE) {
            index = i;
            let element = self.inode_size(&self.inodes[i]);
            if i >= MIN_KEYS_PER_PAGE && size + element > threshold {
                break;
            }
            size += element;
        }
        index
    }

    /// Appends the node as a page with header `id` and `overflow`: header, element table,
    /// then each key and value (those still in the file read from `disk` straight into `out`).
    /// The caller pads the page to its length.
    pub fn encode_into(
        &self,
        id: u64,
        overflow: u32,
        pieces: &mut Pieces,
        disk: &dyn Disk,
    ) -> crate::Result<()> {
        let flags = if self.is_leaf { LEAF_PAGE_FLAG } else { BRANCH_PAGE_FLAG };
        let out = pieces.tail();
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&flags.to_le_bytes());
        out.extend_from_slice(&(self.inodes.len() as u16).to_le_bytes());
        out.extend_from_slice(&overflow.to_le_bytes());
        let table = self.element_size() * self.inodes.len();
        // An element's position counts from the element itself to its key.
        let mut data = table;
        for (i, inode) in self.inodes.iter().enumerate() {
            let pos = (data - i * self.element_size()) as u32;
            if self.is_leaf {
                out.extend_from_slice(&inode.flags.to_le_bytes());
                out.extend_from_slice(&pos.to_le_bytes());
                out.extend_from_slice(&(inode.key.len() as u32).to_le_bytes());
                out.extend_from_slice(&(inode.value.len() as u32).to_le_bytes());
            } else {
                out.extend_from_slice(&pos.to_le_bytes());
                out.extend_from_slice(&(inode.key.len() as u32).to_le_bytes());
                out.extend_from_slice(&inode.pgid.to_le_bytes());
            }
            data += inode.key.len() + inode.value.len();
        }
        for inode in &self.inodes {
            pieces.push_copied(&inode.key);
            inode.value.append_to(disk, pieces)?;
        }
        Ok(())
    }

    /// Points every value at its place in the page written at `offset` (as
    /// [`Node::encode_into`] laid it out), letting go of the bytes held in memory.
    pub fn values_in_file(&mut self, offset: u64) {
        let mut at = offset + (PAGE_HEADER_SIZE + self.element_size() * self.inodes.len()) as u64;
        for inode in &mut self.inodes {
            at += inode.key.len() as u64;
            let len = inode.value.len();
            inode.value = Value::InFile { offset: at, len };
            at += len as u64;
        }
    }
}

//! Write transactions: bbolt's copy-on-write B+tree. Pages touched by a change are read into
//! [`Node`]s; at commit, nodes that lost elements are merged with siblings (rebalance), then
//! every changed node is split to fit pages, written to newly allocated pages, and its old page
//! is freed (pending until no reader can see it). Small buckets live inline in their parent's
//! value. The meta page written last, after a sync, is the commit point.
//!
//! The algorithms follow bbolt's (node.go, bucket.go, tx.go, freelist.go) so that page counts,
//! and with them etcd's db size and size in use, track real etcd. Iteration that is map order
//! in Go (child buckets, materialised nodes) is key or page order here, for determinism.

use std::collections::BTreeMap;

use crate::db::{read_large_leaf_keys, read_page, Db};
use crate::error::{Error, Result};
use crate::format::*;
use crate::freelist::Freelist;
use crate::node::{BucketId, Inode, Node, NodeId, Value};
use crate::page::{PageType, PageView};
use crate::pieces::Pieces;

/// A visitor of bucket entries in a write transaction: `(key, value, is_bucket)`.
pub type EntryVisitor<'a> = dyn FnMut(&[u8], &[u8], bool) + 'a;

/// The root bucket's id in a transaction's bucket table.
pub const ROOT_BUCKET: BucketId = 0;

#[derive(Debug, Clone)]
struct BucketState {
    /// Root page (0: inline, stored in the parent's value).
    root: u64,
    sequence: u64,
    /// The inline page, for an inline bucket read from its parent.
    inline: Option<Vec<u8>>,
    root_node: Option<NodeId>,
    /// Nodes read from pages, by page id (0: the inline root).
    nodes: BTreeMap<u64, NodeId>,
    /// Child buckets opened in this transaction, by name.
    children: BTreeMap<Vec<u8>, BucketId>,
    fill_percent: f64,
}

impl BucketState {
    fn new(root: u64, sequence: u64, inline: Option<Vec<u8>>) -> Self {
        BucketState {
            root,
            sequence,
            inline,
            root_node: None,
            nodes: BTreeMap::new(),
            children: BTreeMap::new(),
            fill_percent: DEFAULT_FILL_PERCENT,
        }
    }
}

/// A read-write transaction. Dropping it without [`WriteTx::commit`] rolls it back.
pub struct WriteTx<'db> {
    db: &'db mut Db,
    meta: crate::Meta,
    /// The freelist as it was at the start, restored on rollback.
    saved_freelist: Option<Freelist>,
    nodes: Vec<Node>,
    buckets: Vec<BucketState>,
    /// Pages written by this transaction, by id (each with its overflow pages).
    dirty: BTreeMap<u64, Pieces>,
}

impl Db {
    /// Begins the (single) write transaction. Pages freed by transactions no open reader can
    /// see become reusable first.
    pub fn begin_write(&mut self) -> WriteTx<'_> {
        let oldest_reader = self.readers.keys().next().copied().unwrap_or(u64::MAX);
        self.freelist.release_before(oldest_reader.min(self.meta.txid + 1));
        let mut meta = self.meta;
        meta.txid += 1;
        let saved = self.freelist.clone();
        let root = BucketState::new(meta.root, meta.sequence, None);
        WriteTx {
            db: self,
            meta,
            saved_freelist: Some(saved),
            nodes: Vec::new(),
            buckets: vec![root],
            dirty: BTreeMap::new(),
        }
    }
}

/// etcd's defrag copies this many keys per transaction (`defragLimit`).
pub const DEFRAG_LIMIT: usize = 10_000;

impl Db {
    /// Copies every bucket, in key order, into a new db on `disk`, committing every `limit` keys
    /// with split pages filled to 90 %: etcd's defrag (`defragdb`). The new file holds the data
    /// and little free space; the old one is untouched.
    pub fn compact_into(
        &self,
        disk: Box<dyn crate::Disk>,
        options: crate::Options,
        limit: usize,
    ) -> Result<Db> {
        let mut out = Db::create(disk, options)?;
        let tx = self.view();
        let root = tx.root();
        let mut wtx = out.begin_write();
        let mut count = 0;
        for name in tx.bucket_names(&root)? {
            let Some(source) = tx.bucket(&root, &name)? else { continue };
            let mut entries = Vec::new();
            tx.for_each(&source, &mut |key, value, is_bucket| {
                entries.push((key.to_vec(), value.to_vec(), is_bucket));
                true
            })?;
            let mut bucket = wtx.create_bucket_if_not_exists(ROOT_BUCKET, &name)?;
            wtx.set_fill_percent(bucket, 0.9);
            for (key, value, is_bucket) in entries {
                count += 1;
                if count > limit {
                    wtx.commit()?;
                    wtx = out.begin_write();
                    bucket = wtx.bucket(ROOT_BUCKET, &name)?.ok_or(Error::BucketNotFound)?;
                    wtx.set_fill_percent(bucket, 0.9);
                    count = 0;
                }
                if is_bucket {
                    // etcd's schema has no nested buckets; keep one as it is rather than lose it.
                    let nested = wtx.create_bucket(bucket, &key)?;
                    let child = crate::db::bucket_root(&value)?;
                    let mut inner = Vec::new();
                    tx.for_each(&child, &mut |k, v, _| {
                        inner.push((k.to_vec(), v.to_vec()));
                        true
                    })?;
                    for (k, v) in inner {
                        wtx.put(nested, &k, &v)?;
                    }
                } else {
                    wtx.put(bucket, &key, &value)?;
                }
            }
        }
        wtx.commit()?;
        Ok(out)
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if let Some(saved) = self.saved_freelist.take() {
            self.db.freelist = saved;
        }
    }
}

impl WriteTx<'_> {
    pub fn txid(&self) -> u64 {
        self.meta.txid
    }

    /// `tx.Size()` as of this transaction's changes so far.
    pub fn size(&self) -> u64 {
        self.meta.pgid * self.db.page_size as u64
    }

    fn page_size(&self) -> usize {
        self.db.page_size
    }

    fn page(&self, id: u64) -> Result<Vec<u8>> {
        if let Some(bytes) = self.dirty.get(&id) {
            return Ok(bytes.to_vec());
        }
        read_page(self.db.disk.as_ref(), self.db.page_size, self.db.meta.pgid, id)
    }

    // ---- buckets -----------------------------------------------------------------------

    /// Opens the child bucket `name` of `parent`.
    pub fn bucket(&mut self, parent: BucketId, name: &[u8]) -> Result<Option<BucketId>> {
        if let Some(&id) = self.buckets[parent].children.get(name) {
            return Ok(Some(id));
        }
        let Some((value, flags)) = self.lookup(parent, name)? else { return Ok(None) };
        if flags & BUCKET_LEAF_FLAG == 0 {
            return Ok(None);
        }
        let root = u64_at(&value, 0).ok_or_else(|| Error::Corrupt("short bucket header".into()))?;
        let sequence = u64_at(&value, 8).ok_or_else(|| Error::Corrupt("short bucket header".into()))?;
        let inline = (root == 0).then(|| value[BUCKET_HEADER_SIZE.min(value.len())..].to_vec());
        self.buckets.push(BucketState::new(root, sequence, inline));
        let id = self.buckets.len() - 1;
        self.buckets[parent].children.insert(name.to_vec(), id);
        Ok(Some(id))
    }

    /// Creates the child bucket `name` of `parent`, empty and inline.
    pub fn create_bucket(&mut self, parent: BucketId, name: &[u8]) -> Result<BucketId> {
        if name.is_empty() {
            return Err(Error::BucketNameRequired);
        }
        if let Some((_, flags)) = self.lookup(parent, name)? {
            return Err(if flags & BUCKET_LEAF_FLAG != 0 {
                Error::BucketExists
            } else {
                Error::IncompatibleValue
            });
        }
        let mut value = vec![0u8; BUCKET_HEADER_SIZE + PAGE_HEADER_SIZE];
        value[BUCKET_HEADER_SIZE + 8..BUCKET_HEADER_SIZE + 10].copy_from_slice(&LEAF_PAGE_FLAG.to_le_bytes());
        let leaf = self.seek_leaf(parent, name)?;
        self.nodes[leaf].put(name, name, value, 0, BUCKET_LEAF_FLAG);
        self.bucket(parent, name)?.ok_or(Error::BucketNotFound)
    }

    pub fn create_bucket_if_not_exists(&mut self, parent: BucketId, name: &[u8]) -> Result<BucketId> {
        match self.bucket(parent, name)? {
            Some(id) => Ok(id),
            None => self.create_bucket(parent, name),
        }
    }

    /// Deletes the child bucket `name` and everything in it.
    pub fn delete_bucket(&mut self, parent: BucketId, name: &[u8]) -> Result<()> {
        match self.lookup(parent, name)? {
            None => return Err(Error::BucketNotFound),
            Some((_, flags)) if flags & BUCKET_LEAF_FLAG == 0 => return Err(Error::IncompatibleValue),
            Some(_) => {}
        }
        let child = self.bucket(parent, name)?.ok_or(Error::BucketNotFound)?;
        for grandchild in self.bucket_names(child)? {
            self.delete_bucket(child, &grandchild)?;
        }
        self.free_bucket(child)?;
        self.buckets[parent].children.remove(name);
        let leaf = self.seek_leaf(parent, name)?;
        self.nodes[leaf].delete(name);
        Ok(())
    }

    pub fn set_fill_percent(&mut self, bucket: BucketId, fill_percent: f64) {
        self.buckets[bucket].fill_percent = fill_percent;
    }

    /// The names of `bucket`'s child buckets, in order.
    pub fn bucket_names(&self, bucket: BucketId) -> Result<Vec<Vec<u8>>> {
        let mut names = Vec::new();
        self.for_each(bucket, &mut |key, _, is_bucket| {
            if is_bucket {
                names.push(key.to_vec());
            }
        })?;
        Ok(names)
    }

    // ---- keys --------------------------------------------------------------------------

    pub fn put(&mut self, bucket: BucketId, key: &[u8], value: &[u8]) -> Result<()> {
        self.put_owned(bucket, key, value.to_vec())
    }

    /// [`WriteTx::put`] taking the value by value (a large one is not copied again).
    pub fn put_owned(&mut self, bucket: BucketId, key: &[u8], value: Vec<u8>) -> Result<()> {
        self.put_value(bucket, key, Value::Bytes(value))
    }

    /// [`WriteTx::put`] of a value in pieces: its shared pieces stay shared in the page written
    /// (on a disk that keeps shared bytes, one copy however many files hold them).
    pub fn put_pieces(&mut self, bucket: BucketId, key: &[u8], value: Pieces) -> Result<()> {
        match value.into_vec() {
            Ok(bytes) => self.put_value(bucket, key, Value::Bytes(bytes)),
            Err(pieces) => self.put_value(bucket, key, Value::Pieces(pieces)),
        }
    }

    fn put_value(&mut self, bucket: BucketId, key: &[u8], value: Value) -> Result<()> {
        if key.is_empty() {
            return Err(Error::KeyRequired);
        }
        if key.len() > MAX_KEY_SIZE {
            return Err(Error::KeyTooLarge);
        }
        if value.len() > MAX_VALUE_SIZE {
            return Err(Error::ValueTooLarge);
        }
        let leaf = self.seek_leaf(bucket, key)?;
        let node = &mut self.nodes[leaf];
        let (index, exact) = node.search(key);
        if exact && node.inodes[index].flags & BUCKET_LEAF_FLAG != 0 {
            return Err(Error::IncompatibleValue);
        }
        node.put_value(key, key, value, 0, 0);
        Ok(())
    }

    /// Removes `key`; absent keys are no change (and, as in bbolt, touch no page).
    pub fn delete(&mut self, bucket: BucketId, key: &[u8]) -> Result<()> {
        match self.lookup_with(bucket, key, false, |_, flags| flags)? {
            None => Ok(()),
            Some(flags) if flags & BUCKET_LEAF_FLAG != 0 => Err(Error::IncompatibleValue),
            Some(_) => {
                let leaf = self.seek_leaf(bucket, key)?;
                self.nodes[leaf].delete(key);
                Ok(())
            }
        }
    }

    pub fn get(&self, bucket: BucketId, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self
            .lookup(bucket, key)?
            .filter(|(_, flags)| flags & BUCKET_LEAF_FLAG == 0)
            .map(|(value, _)| value))
    }

    /// Every entry of a bucket in key order: `f(key, value, is_bucket)`.
    pub fn for_each(&self, bucket: BucketId, f: &mut EntryVisitor<'_>) -> Result<()> {
        let state = &self.buckets[bucket];
        if let Some(&node) = state.nodes.get(&state.root) {
            return self.walk_node(bucket, node, f, 0);
        }
        match &state.inline {
            Some(page) if state.root == 0 => {
                for element in PageView::parse(page)?.leaf_elements()? {
                    f(element.key, element.value, element.is_bucket());
                }
                Ok(())
            }
            _ => self.walk_page(bucket, state.root, f, 0),
        }
    }

    fn walk_node(
        &self,
        bucket: BucketId,
        node: NodeId,
        f: &mut EntryVisitor<'_>,
        depth: usize,
    ) -> Result<()> {
        check_depth(depth)?;
        let node = &self.nodes[node];
        for inode in &node.inodes {
            if node.is_leaf {
                let value = inode.value.read(self.db.disk.as_ref())?;
                f(&inode.key, &value, inode.flags & BUCKET_LEAF_FLAG != 0);
            } else if let Some(&child) = self.buckets[bucket].nodes.get(&inode.pgid) {
                self.walk_node(bucket, child, f, depth + 1)?;
            } else {
                self.walk_page(bucket, inode.pgid, f, depth + 1)?;
            }
        }
        Ok(())
    }

    fn walk_page(&self, bucket: BucketId, id: u64, f: &mut EntryVisitor<'_>, depth: usize) -> Result<()> {
        check_depth(depth)?;
        if let Some(&node) = self.buckets[bucket].nodes.get(&id) {
            return self.walk_node(bucket, node, f, depth);
        }
        let bytes = self.page(id)?;
        let page = PageView::parse(&bytes)?;
        match page.page_type() {
            PageType::Leaf => {
                for element in page.leaf_elements()? {
                    f(element.key, element.value, element.is_bucket());
                }
            }
            PageType::Branch => {
                for element in page.branch_elements()? {
                    self.walk_page(bucket, element.child, f, depth + 1)?;
                }
            }
            other => {
                return Err(Error::Corrupt(format!("page {id}: a {} page inside a bucket", other.name())))
            }
        }
        Ok(())
    }

    /// The value and flags under `key`, read through materialised nodes where there are any and
    /// pages elsewhere, without materialising anything (a read changes no page).
    fn lookup(&self, bucket: BucketId, key: &[u8]) -> Result<Option<(Vec<u8>, u32)>> {
        self.lookup_with(bucket, key, true, |value, flags| (value.to_vec(), flags))
    }

    /// [`WriteTx::lookup`] handing the value to `found` in place; without `needs_value`, `found`
    /// sees it empty and it is not read (large leaves are then read as keys alone).
    fn lookup_with<T>(
        &self,
        bucket: BucketId,
        key: &[u8],
        needs_value: bool,
        found: impl FnOnce(&[u8], u32) -> T,
    ) -> Result<Option<T>> {
        let disk = self.db.disk.as_ref();
        let state = &self.buckets[bucket];
        let mut current = state.root;
        for _ in 0..=MAX_TREE_DEPTH {
            if let Some(&node) = state.nodes.get(&current) {
                let node = &self.nodes[node];
                if node.is_leaf {
                    let (index, exact) = node.search(key);
                    if !exact {
                        return Ok(None);
                    }
                    let inode = &node.inodes[index];
                    if !needs_value {
                        return Ok(Some(found(&[], inode.flags)));
                    }
                    return Ok(Some(found(&inode.value.read(disk)?, inode.flags)));
                }
                if node.inodes.is_empty() {
                    return Ok(None);
                }
                current = node.inodes[node.child_index_for(key)].pgid;
                continue;
            }
            if state.inline.is_none() {
                let leaf = read_large_leaf_keys(disk, self.db.page_size, self.db.meta.pgid, current)?;
                if let Some((_, elements)) = leaf {
                    let Some(element) = elements.into_iter().find(|e| e.key == key) else { return Ok(None) };
                    if !needs_value {
                        return Ok(Some(found(&[], element.flags)));
                    }
                    let value = disk.read_vec(element.value_offset, element.value_len)?;
                    return Ok(Some(found(&value, element.flags)));
                }
            }
            let bytes = match (&state.inline, current) {
                (Some(page), 0) => page.clone(),
                _ => self.page(current)?,
            };
            let page = PageView::parse(&bytes)?;
            match page.page_type() {
                PageType::Leaf => {
                    for element in page.leaf_elements()? {
                        if element.key == key {
                            return Ok(Some(found(element.value, element.flags)));
                        }
                    }
                    return Ok(None);
                }
                PageType::Branch => {
                    let elements = page.branch_elements()?;
                    let index = elements.iter().rposition(|e| e.key <= key).unwrap_or(0);
                    match elements.get(index) {
                        Some(element) => current = element.child,
                        None => return Ok(None),
                    }
                }
                other => {
                    return Err(Error::Corrupt(format!(
                        "page {current}: a {} page inside a bucket",
                        other.name()
                    )))
                }
            }
        }
        Err(Error::Corrupt(format!("tree deeper than {MAX_TREE_DEPTH} levels")))
    }

    // ---- nodes -------------------------------------------------------------------------

    /// The node for page `pgid` of `bucket`, read from its page the first time.
    fn node(&mut self, bucket: BucketId, pgid: u64, parent: Option<NodeId>) -> Result<NodeId> {
        if let Some(&id) = self.buckets[bucket].nodes.get(&pgid) {
            return Ok(id);
        }
        let state = &self.buckets[bucket];
        if state.inline.is_none() && !self.dirty.contains_key(&pgid) {
            if let Some(node) = self.large_leaf_from_disk(bucket, pgid, parent)? {
                return Ok(self.add_node(bucket, pgid, parent, node));
            }
        }
        let state = &self.buckets[bucket];
        let bytes = match (&state.inline, pgid) {
            (Some(page), 0) => page.clone(),
            _ => self.page(pgid)?,
        };
        let page = PageView::parse(&bytes)?;
        if !matches!(page.page_type(), PageType::Leaf | PageType::Branch) {
            return Err(Error::Corrupt(format!(
                "page {pgid}: a {} page inside a bucket",
                page.page_type().name()
            )));
        }
        let mut node = Node::from_page(bucket, &page, parent)?;
        node.pgid = pgid;
        Ok(self.add_node(bucket, pgid, parent, node))
    }

    fn add_node(&mut self, bucket: BucketId, pgid: u64, parent: Option<NodeId>, node: Node) -> NodeId {
        self.nodes.push(node);
        let id = self.nodes.len() - 1;
        match parent {
            Some(parent) => self.nodes[parent].children.push(id),
            None => self.buckets[bucket].root_node = Some(id),
        }
        self.buckets[bucket].nodes.insert(pgid, id);
        id
    }

    /// A leaf page that spans overflow pages (large values), read as its keys with each value
    /// left in the file. None for any other page.
    fn large_leaf_from_disk(
        &self,
        bucket: BucketId,
        pgid: u64,
        parent: Option<NodeId>,
    ) -> Result<Option<Node>> {
        let leaf = read_large_leaf_keys(self.db.disk.as_ref(), self.db.page_size, self.db.meta.pgid, pgid)?;
        let Some((overflow, elements)) = leaf else { return Ok(None) };
        let inodes: Vec<Inode> = elements
            .into_iter()
            .map(|e| Inode {
                flags: e.flags,
                key: e.key,
                value: Value::InFile { offset: e.value_offset, len: e.value_len },
                pgid: 0,
            })
            .collect();
        let key = inodes.first().map(|i| i.key.clone()).unwrap_or_default();
        Ok(Some(Node { bucket, is_leaf: true, key, pgid, overflow, parent, inodes, ..Node::default() }))
    }

    /// Materialises the path from `bucket`'s root to the leaf where `key` belongs.
    fn seek_leaf(&mut self, bucket: BucketId, key: &[u8]) -> Result<NodeId> {
        let root = self.buckets[bucket].root;
        let mut node = self.node(bucket, root, None)?;
        for _ in 0..=MAX_TREE_DEPTH {
            if self.nodes[node].is_leaf {
                return Ok(node);
            }
            let current = &self.nodes[node];
            if current.inodes.is_empty() {
                return Err(Error::Corrupt(format!("page {}: an empty branch", current.pgid)));
            }
            let child = current.inodes[current.child_index_for(key)].pgid;
            node = self.node(bucket, child, Some(node))?;
        }
        Err(Error::Corrupt(format!("tree deeper than {MAX_TREE_DEPTH} levels")))
    }

    fn free_node(&mut self, node: NodeId) -> Result<()> {
        let pgid = self.nodes[node].pgid;
        if pgid != 0 {
            let overflow = self.nodes[node].overflow;
            self.db.freelist.free(self.meta.txid, pgid, overflow);
            self.nodes[node].pgid = 0;
        }
        Ok(())
    }

    /// Frees every page of a bucket (it is being deleted or inlined).
    fn free_bucket(&mut self, bucket: BucketId) -> Result<()> {
        let root = self.buckets[bucket].root;
        if root == 0 {
            return Ok(());
        }
        self.free_tree(bucket, root, 0)?;
        self.buckets[bucket].root = 0;
        Ok(())
    }

    fn free_tree(&mut self, bucket: BucketId, pgid: u64, depth: usize) -> Result<()> {
        check_depth(depth)?;
        if let Some(&node) = self.buckets[bucket].nodes.get(&pgid) {
            let children: Vec<u64> = if self.nodes[node].is_leaf {
                Vec::new()
            } else {
                self.nodes[node].inodes.iter().map(|i| i.pgid).collect()
            };
            self.free_node(node)?;
            for child in children {
                self.free_tree(bucket, child, depth + 1)?;
            }
            return Ok(());
        }
        let bytes = self.page(pgid)?;
        let page = PageView::parse(&bytes)?;
        self.db.freelist.free(self.meta.txid, pgid, page.overflow);
        if page.page_type() == PageType::Branch {
            for element in page.branch_elements()? {
                self.free_tree(bucket, element.child, depth + 1)?;
            }
        }
        Ok(())
    }

    // ---- commit: rebalance -------------------------------------------------------------

    fn rebalance_bucket(&mut self, bucket: BucketId) -> Result<()> {
        let nodes: Vec<NodeId> = self.buckets[bucket].nodes.values().copied().collect();
        for node in nodes {
            self.rebalance_node(node)?;
        }
        let children: Vec<BucketId> = self.buckets[bucket].children.values().copied().collect();
        for child in children {
            self.rebalance_bucket(child)?;
        }
        Ok(())
    }

    fn rebalance_node(&mut self, node: NodeId) -> Result<()> {
        if !self.nodes[node].unbalanced || self.nodes[node].removed {
            return Ok(());
        }
        self.nodes[node].unbalanced = false;
        // bbolt 1.3: a node above a quarter page with enough keys stays as it is.
        let threshold = self.page_size() / 4;
        let n = &self.nodes[node];
        if n.size() > threshold && n.inodes.len() > n.min_keys() {
            return Ok(());
        }
        let bucket = n.bucket;
        let Some(parent) = n.parent else {
            // The root: a branch with one child collapses into that child.
            if !n.is_leaf && n.inodes.len() == 1 {
                let child = self.node(bucket, self.nodes[node].inodes[0].pgid, Some(node))?;
                let (is_leaf, inodes, children) = {
                    let c = &mut self.nodes[child];
                    (c.is_leaf, std::mem::take(&mut c.inodes), std::mem::take(&mut c.children))
                };
                for &grandchild in &children {
                    self.nodes[grandchild].parent = Some(node);
                }
                let root = &mut self.nodes[node];
                root.is_leaf = is_leaf;
                root.inodes = inodes;
                root.children = children;
                let child_pgid = self.nodes[child].pgid;
                self.nodes[child].parent = None;
                self.nodes[child].removed = true;
                self.buckets[bucket].nodes.remove(&child_pgid);
                self.free_node(child)?;
            }
            return Ok(());
        };
        if self.nodes[node].inodes.is_empty() {
            let key = self.nodes[node].key.clone();
            self.nodes[parent].delete(&key);
            self.remove_child(parent, node);
            let pgid = self.nodes[node].pgid;
            self.buckets[bucket].nodes.remove(&pgid);
            self.nodes[node].removed = true;
            self.free_node(node)?;
            return self.rebalance_node(parent);
        }
        if self.nodes[parent].inodes.len() < 2 {
            return Err(Error::Corrupt("a branch with a single child below the root".into()));
        }
        let index = self.child_index(parent, node);
        let (left, right) = if index == 0 {
            (node, self.node(bucket, self.nodes[parent].inodes[1].pgid, Some(parent))?)
        } else {
            (self.node(bucket, self.nodes[parent].inodes[index - 1].pgid, Some(parent))?, node)
        };
        // Children of the right node move to the left node.
        let moved: Vec<u64> = self.nodes[right].inodes.iter().map(|i| i.pgid).collect();
        for pgid in moved {
            if let Some(&child) = self.buckets[bucket].nodes.get(&pgid) {
                if let Some(old_parent) = self.nodes[child].parent {
                    self.remove_child(old_parent, child);
                }
                self.nodes[child].parent = Some(left);
                self.nodes[left].children.push(child);
            }
        }
        let inodes = std::mem::take(&mut self.nodes[right].inodes);
        self.nodes[left].inodes.extend(inodes);
        let right_key = self.nodes[right].key.clone();
        self.nodes[parent].delete(&right_key);
        self.remove_child(parent, right);
        let right_pgid = self.nodes[right].pgid;
        self.buckets[bucket].nodes.remove(&right_pgid);
        self.nodes[right].removed = true;
        self.free_node(right)?;
        self.rebalance_node(parent)
    }

    fn child_index(&self, parent: NodeId, child: NodeId) -> usize {
        self.nodes[parent].search(&self.nodes[child].key).0
    }

    fn remove_child(&mut self, parent: NodeId, child: NodeId) {
        self.nodes[parent].children.retain(|&c| c != child);
    }

    // ---- commit: spill -----------------------------------------------------------------

    fn spill_bucket(&mut self, bucket: BucketId) -> Result<()> {
        let children: Vec<(Vec<u8>, BucketId)> =
            self.buckets[bucket].children.iter().map(|(name, &id)| (name.clone(), id)).collect();
        for (name, child) in children {
            let value = if self.inlineable(child) {
                self.free_bucket(child)?;
                self.inline_value(child)?
            } else {
                self.spill_bucket(child)?;
                let state = &self.buckets[child];
                let mut header = Vec::with_capacity(BUCKET_HEADER_SIZE);
                header.extend_from_slice(&state.root.to_le_bytes());
                header.extend_from_slice(&state.sequence.to_le_bytes());
                header
            };
            if self.buckets[child].root_node.is_none() {
                continue;
            }
            let leaf = self.seek_leaf(bucket, &name)?;
            self.nodes[leaf].put(&name, &name, value, 0, BUCKET_LEAF_FLAG);
        }
        let Some(root) = self.buckets[bucket].root_node else { return Ok(()) };
        self.spill_node(root)?;
        let mut top = root;
        while let Some(parent) = self.nodes[top].parent {
            top = parent;
        }
        self.buckets[bucket].root_node = Some(top);
        self.buckets[bucket].root = self.nodes[top].pgid;
        Ok(())
    }

    /// A bucket fits inline: one leaf, no child buckets, at most a quarter page.
    fn inlineable(&self, bucket: BucketId) -> bool {
        let Some(root) = self.buckets[bucket].root_node else { return false };
        let node = &self.nodes[root];
        if !node.is_leaf {
            return false;
        }
        let mut size = PAGE_HEADER_SIZE;
        for inode in &node.inodes {
            size += LEAF_ELEMENT_SIZE + inode.key.len() + inode.value.len();
            if inode.flags & BUCKET_LEAF_FLAG != 0 || size > self.page_size() / 4 {
                return false;
            }
        }
        true
    }

    /// The parent's value for an inline bucket: the header (root 0), then the leaf as a page.
    fn inline_value(&self, bucket: BucketId) -> Result<Vec<u8>> {
        let state = &self.buckets[bucket];
        let node = state.root_node.map(|n| &self.nodes[n]);
        let size = node.map_or(PAGE_HEADER_SIZE, Node::size);
        let mut value = Pieces::with_capacity(BUCKET_HEADER_SIZE + size);
        value.push_copied(&0u64.to_le_bytes());
        value.push_copied(&state.sequence.to_le_bytes());
        if let Some(node) = node {
            node.encode_into(0, 0, &mut value, self.db.disk.as_ref())?;
        }
        value.pad_to(BUCKET_HEADER_SIZE + size);
        // An inline bucket holds only small values, but one put in pieces may be shared.
        Ok(value.into_vec().unwrap_or_else(|pieces| pieces.to_vec()))
    }

    fn spill_node(&mut self, node: NodeId) -> Result<()> {
        if self.nodes[node].spilled {
            return Ok(());
        }
        let mut children = self.nodes[node].children.clone();
        children.sort_by(|&a, &b| {
            let key = |n: NodeId| self.nodes[n].inodes.first().map(|i| i.key.clone()).unwrap_or_default();
            key(a).cmp(&key(b))
        });
        // Spilling a child can split it, adding siblings here: re-read the list each time.
        self.nodes[node].children = children;
        let mut i = 0;
        while i < self.nodes[node].children.len() {
            let child = self.nodes[node].children[i];
            self.spill_node(child)?;
            i += 1;
        }
        self.nodes[node].children.clear();
        for part in self.split(node) {
            if self.nodes[part].pgid > 0 {
                self.free_node(part)?;
            }
            let size = self.nodes[part].size();
            let count = size.div_ceil(self.page_size()) as u64;
            let id = self.allocate(count);
            let overflow = (count.max(1) - 1) as u32;
            self.nodes[part].pgid = id;
            self.nodes[part].overflow = overflow;
            let len = count.max(1) as usize * self.page_size();
            let shared: usize = self.nodes[part].inodes.iter().map(|inode| inode.value.shared_len()).sum();
            let mut page = Pieces::with_capacity(len - shared);
            self.nodes[part].encode_into(id, overflow, &mut page, self.db.disk.as_ref())?;
            page.pad_to(len);
            if overflow > 0 && self.nodes[part].is_leaf {
                // The values are in the page now: their buffers go at once, not at the end of
                // the commit (a 1 MiB put would otherwise be held twice until then). Nothing
                // reads a spilled node's values again in this transaction.
                let offset = id * self.page_size() as u64;
                self.nodes[part].values_in_file(offset);
            }
            self.dirty.insert(id, page);
            self.nodes[part].spilled = true;
            if let Some(parent) = self.nodes[part].parent {
                let first = self.nodes[part].inodes.first().map(|i| i.key.clone()).unwrap_or_default();
                let old_key = if self.nodes[part].key.is_empty() {
                    first.clone()
                } else {
                    self.nodes[part].key.clone()
                };
                self.nodes[parent].put(&old_key, &first, Vec::new(), id, 0);
                self.nodes[part].key = first;
            }
        }
        // The root split, making a new root above it: spill that too.
        if let Some(parent) = self.nodes[node].parent {
            if self.nodes[parent].pgid == 0 {
                self.nodes[node].children.clear();
                return self.spill_node(parent);
            }
        }
        Ok(())
    }

    /// Splits a node into page-sized nodes; the first is the node itself.
    fn split(&mut self, node: NodeId) -> Vec<NodeId> {
        let mut parts = vec![node];
        let mut current = node;
        while let Some(next) = self.split_two(current) {
            parts.push(next);
            current = next;
        }
        parts
    }

    fn split_two(&mut self, node: NodeId) -> Option<NodeId> {
        let page_size = self.page_size();
        let n = &self.nodes[node];
        if n.inodes.len() <= MIN_KEYS_PER_PAGE * 2 || n.size_less_than(page_size) {
            return None;
        }
        let fill = self.buckets[n.bucket].fill_percent.clamp(MIN_FILL_PERCENT, MAX_FILL_PERCENT);
        let threshold = (page_size as f64 * fill) as usize;
        let index = n.split_index(threshold);
        let bucket = n.bucket;
        let is_leaf = n.is_leaf;
        let parent = match n.parent {
            Some(parent) => parent,
            None => {
                self.nodes.push(Node { bucket, is_leaf: false, children: vec![node], ..Node::default() });
                let parent = self.nodes.len() - 1;
                self.nodes[node].parent = Some(parent);
                parent
            }
        };
        let tail = self.nodes[node].inodes.split_off(index);
        self.nodes.push(Node { bucket, is_leaf, parent: Some(parent), inodes: tail, ..Node::default() });
        let next = self.nodes.len() - 1;
        self.nodes[parent].children.push(next);
        Some(next)
    }

    /// `count` contiguous pages, from the freelist or past the high water mark.
    fn allocate(&mut self, count: u64) -> u64 {
        self.db.freelist.allocate(count).unwrap_or_else(|| {
            let id = self.meta.pgid;
            self.meta.pgid += count;
            id
        })
    }

    /// Writes every change, syncs, then writes and syncs the meta page: the commit point.
    pub fn commit(mut self) -> Result<()> {
        self.rebalance_bucket(ROOT_BUCKET)?;
        self.spill_bucket(ROOT_BUCKET)?;
        self.meta.root = self.buckets[ROOT_BUCKET].root;
        if self.meta.freelist != PGID_NO_FREELIST {
            let old = self.meta.freelist;
            let overflow = PageView::parse(&self.page(old)?)?.overflow;
            self.db.freelist.free(self.meta.txid, old, overflow);
        }
        if self.db.options.no_freelist_sync {
            self.meta.freelist = PGID_NO_FREELIST;
        } else {
            // Sized for every id plus the count word, before allocating (which may take one).
            let ids = self.db.freelist.all_ids().len() + 1;
            let count = ((PAGE_HEADER_SIZE + ids * PGID_SIZE) / self.page_size()) as u64 + 1;
            let id = self.allocate(count);
            let ids = self.db.freelist.all_ids();
            let mut page = vec![0u8; count as usize * self.page_size()];
            page[0..8].copy_from_slice(&id.to_le_bytes());
            page[12..16].copy_from_slice(&((count - 1) as u32).to_le_bytes());
            write_freelist(&mut page, &ids);
            self.dirty.insert(id, Pieces::from(page));
            self.meta.freelist = id;
        }
        let page_size = self.page_size() as u64;
        for (id, page) in &self.dirty {
            self.db.disk.write_chunks(id * page_size, &page.chunks())?;
        }
        let file_len = self.meta.pgid * page_size;
        if self.db.disk.len() < file_len {
            self.db.disk.truncate(file_len)?;
        }
        self.db.disk.sync()?;
        let meta_page = self.meta.encode(self.page_size());
        self.db.disk.write_at((self.meta.txid % 2) * page_size, &meta_page)?;
        self.db.disk.sync()?;
        self.db.meta = self.meta;
        self.saved_freelist = None;
        Ok(())
    }

    /// Abandons every change.
    pub fn rollback(self) {}
}

fn write_freelist(page: &mut [u8], ids: &[u64]) {
    page[8..10].copy_from_slice(&FREELIST_PAGE_FLAG.to_le_bytes());
    let mut at = PAGE_HEADER_SIZE;
    if ids.len() < usize::from(MAX_HEADER_COUNT) {
        page[10..12].copy_from_slice(&(ids.len() as u16).to_le_bytes());
    } else {
        page[10..12].copy_from_slice(&MAX_HEADER_COUNT.to_le_bytes());
        page[at..at + 8].copy_from_slice(&(ids.len() as u64).to_le_bytes());
        at += PGID_SIZE;
    }
    for id in ids {
        page[at..at + 8].copy_from_slice(&id.to_le_bytes());
        at += PGID_SIZE;
    }
}

/// Trees deeper than this are corrupt (real ones are a handful of levels).
const MAX_TREE_DEPTH: usize = 64;

fn check_depth(depth: usize) -> Result<()> {
    if depth > MAX_TREE_DEPTH {
        return Err(Error::Corrupt(format!("tree deeper than {MAX_TREE_DEPTH} levels")));
    }
    Ok(())
}

//! A member's db file as the page shows it: every page below the high water mark with its kind
//! and the bucket whose tree holds it, from bbolt's own accounting (`Db::page_map`), so it
//! agrees with `bbolt pages` on a `snapshot save` of the same member.

use playground_bolt::PageKind;
use playground_raft::NodeId;
use serde::Serialize;

use super::Cluster;

/// One page: its kind as bbolt's page types name them (`meta`, `freelist`, `branch`, `leaf`,
/// `overflow`, `free`, `pending`, or `lost` in a corrupt file), and the owning bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageCell {
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
}

/// The kinds a page map counts, in the order the page lists them.
pub const PAGE_KINDS: [&str; 7] = ["meta", "freelist", "branch", "leaf", "overflow", "free", "pending"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageMap {
    pub member: String,
    pub page_size: usize,
    pub pages: Vec<PageCell>,
    /// Pages of each kind of [`PAGE_KINDS`], in that order.
    pub counts: [usize; 7],
    /// Free and pending pages: what a defrag gives back (the file shrinks to the pages in use).
    pub reclaimable_bytes: u64,
}

fn kind_name(kind: &PageKind) -> &'static str {
    match kind {
        PageKind::Meta => "meta",
        PageKind::Freelist => "freelist",
        PageKind::Branch => "branch",
        PageKind::Leaf => "leaf",
        PageKind::Overflow { .. } => "overflow",
        PageKind::Free => "free",
        PageKind::Pending => "pending",
        PageKind::Lost => "lost",
    }
}

impl Cluster {
    /// The member's db as a map of its pages; `None` when the member is down or its file does
    /// not read (a corrupt db keeps the member down anyway).
    pub fn page_map(&self, member: NodeId) -> Option<PageMap> {
        let state = self.member(member)?;
        let db = state.store.backend().db();
        let pages: Vec<PageCell> = db
            .page_map()
            .ok()?
            .into_iter()
            .map(|page| PageCell { kind: kind_name(&page.kind), bucket: page.bucket })
            .collect();
        let mut counts = [0; 7];
        for page in &pages {
            if let Some(i) = PAGE_KINDS.iter().position(|k| *k == page.kind) {
                counts[i] += 1;
            }
        }
        let reclaimable = (counts[5] + counts[6]) as u64 * db.page_size() as u64;
        Some(PageMap {
            member: self.member_name(member),
            page_size: db.page_size(),
            pages,
            counts,
            reclaimable_bytes: reclaimable,
        })
    }
}

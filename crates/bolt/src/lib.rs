//! A page store in bbolt's on-disk format (version 2), the format of etcd's backend `db` file,
//! so that "db size" and "size in use" come from real page accounting and snapshot files move
//! between the playground and real etcd.
//!
//! Written for the playground rather than wrapped: bbolt is Go, and the playground needs the
//! store deterministic, over a simulated [`Disk`], observable (page maps, stats) and compiled
//! to wasm. The format facts come from bbolt's source; the code is ours. The on-disk layout is
//! in [`format`], one module of named constants.
//!
//! Reading: opening a file (meta selection as bbolt does it), read transactions, bucket lookup
//! and iteration, `check()`, the page listing. Writing: copy-on-write transactions with
//! bbolt's split, rebalance, inline-bucket and freelist rules (see [`write`]).

pub mod db;
pub mod disk;
pub mod error;
#[cfg(not(target_arch = "wasm32"))]
pub mod file_disk;
pub mod format;
pub mod freelist;
mod node;
pub mod page;
pub mod pieces;
pub mod write;

pub use db::{bucket_root, BucketRoot, BucketStats, Db, Options, PageInfo, PageKind, PageUse, Stats, Tx};
pub use disk::{Chunk, Disk, DiskCosts, DiskStats, MemDisk, SharedDisk, Volume, SHARE_FROM};
pub use error::{Error, Result};
#[cfg(not(target_arch = "wasm32"))]
pub use file_disk::FileDisk;
pub use page::{Meta, PageType, PageView};
pub use pieces::{Piece, Pieces};
pub use write::{WriteTx, DEFRAG_LIMIT, ROOT_BUCKET};

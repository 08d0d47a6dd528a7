//! The terminal language of the etcd playground: a POSIX-shell subset large enough that the
//! command blocks of etcd's maintenance guide paste and run verbatim, with the coreutils they
//! use (GNU behaviour and messages) and a registry that later crates extend with `etcd`,
//! `etcdctl`, `etcdutl`, `bbolt` and the playground's own verbs. The web terminal and the native
//! CLI run the same [`Shell`].
//!
//! The parser is our own rather than a crate such as `brush-parser`: that parser alone adds
//! about 150 KB gzip to the wasm bundle (measured, see `shared/toolchain.md`), and a small
//! parser lets every error carry bash's own words, report "incomplete" for the terminal's `> `
//! continuation prompt, and bound its recursion against hostile input. Regexes come from
//! `regex-lite` (small in wasm), randomness from a seeded ChaCha RNG (`dd if=/dev/urandom` is
//! reproducible), and time from a [`World`] the simulator provides: nothing here reads a clock
//! or the OS's randomness.
//!
//! Deliberately absent: pathname globbing (`*` stays literal), functions, here-documents
//! (a clear error), background jobs (`&` runs in the foreground), `case`.

pub mod arith;
pub mod ast;
mod builtins;
mod bytes;
mod command;
mod complete;
mod fs;
pub mod golden;
mod io;
pub mod parse;
mod record;
pub mod session;
mod shell;
mod state;
mod world;

pub use builtins::echo::shell_quote;
pub use builtins::SHELL_WORDS;
pub use command::{Command, CommandResult, Context, FnCommand, Registry, Status, Stop};
pub use complete::Completion;
pub use fs::{resolve, FileSystem, FsError, MemFs, Metadata};
pub use io::{Stream, Terminal, Transcript};
pub use record::Executed;
pub use session::{Entry, EntryKind, Session};
pub use shell::{is_incomplete, Options, Outcome, Shell};
pub use state::Limits;
pub use world::{IdleWorld, World};

/// The escape sequence `clear` writes; terminals empty their screen on it.
pub const CLEAR_SEQUENCE: &str = builtins::CLEAR_SEQUENCE;

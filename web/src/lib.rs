//! The etcd playground's page: Leptos in client-side rendering. The terminal is the main
//! element, the live member views beside it, all over one [`playground::Playground`]
//! view-model provided through context ([`context`]); [`api`] is the JavaScript API for
//! headless and embedded use, and drives the same object the page shows; [`embed`] mounts
//! independent playgrounds into other pages (`<etcd-playground>`).

pub mod alerts;
pub mod api;
pub mod app;
pub mod charts;
pub mod context;
pub mod embed;
pub mod files;
pub mod journal;
pub mod keyspace;
pub mod lessons;
pub mod lessons_panel;
pub mod members;
pub mod page_map;
pub mod panels;
pub mod playground;
pub mod recovery;
pub mod scheme;
pub mod server_log;
pub mod share;
pub mod share_link;
pub mod storage;
pub mod terminal;
pub mod time_controls;
pub mod timeline;

/// The terminal session over the playground's world (the shell with the etcd tools).
pub type Session = playground_shell::Session<playground_ctl::PlaygroundWorld>;

pub use app::App;
pub use terminal::Terminal;

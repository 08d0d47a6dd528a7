//! The etcd playground's page: Leptos in client-side rendering. The terminal is the main
//! element, the live member views beside it; [`api`] is the JavaScript API for headless and
//! embedded use. The page holds no logic of its own: input goes to a
//! [`playground_shell::Session`], and the views render what the session's cluster reports.

pub mod api;
pub mod app;
pub mod members;
pub mod storage;
pub mod terminal;

/// The terminal session over the playground's world (the shell with the etcd tools).
pub type Session = playground_shell::Session<playground_ctl::PlaygroundWorld>;

pub use app::App;
pub use terminal::Terminal;

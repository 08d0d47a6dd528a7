//! The etcd playground's page: Leptos in client-side rendering. The terminal is the main
//! element; the panel area beside it receives the cluster views as the engine crates arrive.
//! The page holds no logic of its own: input goes to a [`playground_shell::Session`], and the
//! view renders what the session holds.

pub mod app;
pub mod storage;
pub mod terminal;

pub use app::App;
pub use terminal::Terminal;

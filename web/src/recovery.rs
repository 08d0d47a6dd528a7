//! The page never stays dead. When the engine traps (a panic, memory exhausted), every later
//! call into the wasm instance fails, so recovery cannot be Rust's: the error listener in
//! `index.html` (plain JavaScript) records the failure in sessionStorage and reloads the page.
//! What it needs to come back is kept here beforehand: the terminal saves its scrollback after
//! every action and the line it is about to run, and the fresh playground opens with both and a
//! notice that says what happened. sessionStorage keeps it to this tab; a later visit starts clean.

use playground_shell::{Entry, EntryKind};
use serde::{Deserialize, Serialize};

/// Written by `index.html`'s listener: the error that stopped the engine.
pub const CRASH_KEY: &str = "etcd-playground.crash";
pub const SCROLLBACK_KEY: &str = "etcd-playground.scrollback";
pub const RUNNING_KEY: &str = "etcd-playground.running";

/// The newest scrollback kept for a restart, in bytes of text (sessionStorage holds ~5 MB).
const SCROLLBACK_LIMIT: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedEntry {
    pub kind: String,
    pub text: String,
}

/// What a restart after a failure brings back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    pub error: String,
    pub entries: Vec<(EntryKind, String)>,
    /// The line that was running when the engine stopped, if any.
    pub running: Option<String>,
}

impl Recovered {
    /// The notice printed after the restored scrollback.
    pub fn notice(&self) -> String {
        let during = self
            .running
            .as_deref()
            .map(|line| format!(" while running `{}`", clip(line)))
            .unwrap_or_default();
        format!(
            "etcd-playground: the engine stopped{during}: {}\n\
             etcd-playground: a fresh playground was started; the scrollback and history are kept.\n",
            clip(self.error.trim())
        )
    }
}

/// A notice quotes at most this many characters of a line or an error (a pasted block or a
/// tampered storage entry can be far longer).
const NOTICE_QUOTE_CHARS: usize = 200;

fn clip(text: &str) -> String {
    match text.char_indices().nth(NOTICE_QUOTE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The newest entries whose text fits the limit, oldest first.
pub fn encode(entries: &[Entry]) -> String {
    let mut kept = Vec::new();
    let mut bytes = 0;
    for entry in entries.iter().rev() {
        bytes += entry.text.len();
        if bytes > SCROLLBACK_LIMIT {
            break;
        }
        kept.push(SavedEntry { kind: entry.kind.class().to_string(), text: entry.text.clone() });
    }
    kept.reverse();
    serde_json::to_string(&kept).unwrap_or_default()
}

/// Saved entries back; anything unreadable is dropped rather than shown.
pub fn decode(text: &str) -> Vec<(EntryKind, String)> {
    let saved: Vec<SavedEntry> = serde_json::from_str(text).unwrap_or_default();
    saved
        .into_iter()
        .filter_map(|entry| {
            let kind = match entry.kind.as_str() {
                "input" => EntryKind::Input,
                "stdout" => EntryKind::Stdout,
                "stderr" => EntryKind::Stderr,
                _ => return None,
            };
            Some((kind, entry.text))
        })
        .collect()
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn save_scrollback(entries: &[Entry]) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(SCROLLBACK_KEY, &encode(entries));
    }
}

/// The line about to run, or none once it has finished.
pub fn save_running(line: Option<&str>) {
    if let Some(storage) = session_storage() {
        let _ = match line {
            Some(line) => storage.set_item(RUNNING_KEY, line),
            None => storage.remove_item(RUNNING_KEY),
        };
    }
}

/// After a failure: what to bring back, once (the keys are cleared).
pub fn take() -> Option<Recovered> {
    let storage = session_storage()?;
    let error = storage.get_item(CRASH_KEY).ok().flatten()?;
    let entries = storage.get_item(SCROLLBACK_KEY).ok().flatten().map(|t| decode(&t)).unwrap_or_default();
    let running = storage.get_item(RUNNING_KEY).ok().flatten().filter(|line| !line.trim().is_empty());
    for key in [CRASH_KEY, SCROLLBACK_KEY, RUNNING_KEY] {
        let _ = storage.remove_item(key);
    }
    Some(Recovered { error, entries, running })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, kind: EntryKind, text: &str) -> Entry {
        Entry { id, kind, text: text.to_string() }
    }

    #[test]
    fn scrollback_round_trips_and_keeps_the_newest_within_the_limit() {
        let entries = vec![
            entry(0, EntryKind::Stdout, "banner\n"),
            entry(1, EntryKind::Input, "$ etcdctl put a 1\n"),
            entry(2, EntryKind::Stderr, "Error: \"quoted\" ✓\n"),
        ];
        assert_eq!(
            decode(&encode(&entries)),
            entries.iter().map(|e| (e.kind, e.text.clone())).collect::<Vec<_>>()
        );
        let big = "x".repeat(SCROLLBACK_LIMIT / 2 + 1);
        let many: Vec<Entry> = (0..3).map(|i| entry(i, EntryKind::Stdout, &format!("{i}{big}"))).collect();
        let kept = decode(&encode(&many));
        assert_eq!(kept.len(), 1);
        assert!(kept[0].1.starts_with('2'));
    }

    #[test]
    fn unreadable_saved_scrollback_is_dropped() {
        assert!(decode("not json").is_empty());
        assert_eq!(decode(r#"[{"kind":"bogus","text":"x"},{"kind":"stdout","text":"y"}]"#).len(), 1);
    }

    #[test]
    fn the_notice_quotes_long_errors_and_lines_clipped() {
        let recovered =
            Recovered { error: "e".repeat(100_000), entries: Vec::new(), running: Some("é".repeat(5_000)) };
        let notice = recovered.notice();
        assert!(notice.len() < 1_000, "{} bytes", notice.len());
        assert!(notice.contains(&format!("`{}…`", "é".repeat(200))));
    }

    #[test]
    fn the_notice_names_the_line_and_the_error() {
        let recovered = Recovered {
            error: "RuntimeError: unreachable\n".into(),
            entries: Vec::new(),
            running: Some("etcdctl put a 1".into()),
        };
        assert_eq!(
            recovered.notice(),
            "etcd-playground: the engine stopped while running `etcdctl put a 1`: RuntimeError: unreachable\n\
             etcd-playground: a fresh playground was started; the scrollback and history are kept.\n"
        );
    }
}

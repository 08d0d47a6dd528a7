//! What the page keeps in the browser across reloads: the terminal's history, in localStorage,
//! one command per line. Storage that is missing or refused (private windows, quotas) is simply
//! not used.

pub const HISTORY_KEY: &str = "etcd-playground.history";
pub const SCHEME_KEY: &str = "etcd-playground.scheme";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load_history() -> Vec<String> {
    local_storage()
        .and_then(|storage| storage.get_item(HISTORY_KEY).ok().flatten())
        .map(|text| text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Saves history; a multi-line command is kept as its lines joined by `; `-free newlines, so
/// each stored line is one entry.
pub fn save_history(history: &[String]) {
    if let Some(storage) = local_storage() {
        let text: Vec<String> = history.iter().map(|line| line.replace('\n', " ")).collect();
        let _ = storage.set_item(HISTORY_KEY, &text.join("\n"));
    }
}

pub fn load(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

pub fn save(key: &str, value: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, value);
    }
}

/// The seed from `?seed=N`, or 1.
/// `?etcd=3.5`: the release the page plays (3.6 when absent or unknown).
pub fn version_from_url() -> playground_server::EtcdVersion {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("etcd"))
        .and_then(|name| playground_server::EtcdVersion::parse(&name))
        .unwrap_or_default()
}

pub fn seed_from_url() -> u64 {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("seed"))
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(1)
}

//! The page layout: the terminal, and the panel area for the cluster views.

use leptos::prelude::*;

use crate::storage::seed_from_url;
use crate::terminal::Terminal;

#[component]
pub fn App() -> impl IntoView {
    let seed = seed_from_url();
    view! {
        <div class="layout">
            <header class="topbar">
                <span class="brand">"etcd playground"</span>
                <span class="seed" data-testid="seed">"seed " {seed}</span>
            </header>
            <main class="main">
                <Terminal seed=seed />
                <aside class="panels" data-testid="panels" aria-label="Cluster views">
                    <h2>"Cluster"</h2>
                    <p class="muted">
                        "Member cards, gauges and timelines appear here once the virtual "
                        "cluster runs in the page. The terminal already speaks the shell: try "
                        <code>"help"</code> ", " <code>"seq 1 3 | wc -l"</code> " or "
                        <code>"echo $((16*1024*1024))"</code> "."
                    </p>
                    <h2>"Keys"</h2>
                    <dl class="keys">
                        <dt>"↑ ↓"</dt><dd>"history (kept across reloads)"</dd>
                        <dt>"Tab"</dt><dd>"complete commands, flags and file names"</dd>
                        <dt>"Ctrl-C"</dt><dd>"abandon the line"</dd>
                        <dt>"Ctrl-L"</dt><dd>"clear the screen"</dd>
                    </dl>
                </aside>
            </main>
        </div>
    }
}

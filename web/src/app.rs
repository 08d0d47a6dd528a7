//! The page layout: the terminal beside the live member views, all over the one playground
//! provided through context. While playing, the driver lets virtual time pass every frame
//! (100 ms of wall time, times the speed); paused, time stands still.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::charts::Cursor;
use crate::context::PlaygroundContext;
use crate::members::MemberCards;
use crate::panels::{PanelState, PanelTabs};
use crate::playground::{Playground, SharedPlayground, FRAME};
use crate::scheme::{Scheme, SchemeToggle};
use crate::storage::seed_from_url;
use crate::terminal::Terminal;
use crate::time_controls::TimeControls;

#[component]
pub fn App() -> impl IntoView {
    let seed = seed_from_url();
    let playground = match Playground::new(seed, &[]) {
        Ok(playground) => playground,
        // The default flags always parse; a shell with no cluster would still be a page.
        Err(_) => Playground::with_shell(seed, playground_ctl::shell(seed)),
    };
    let context = PlaygroundContext::provide_for_page(SharedPlayground::new(playground));
    PanelState::provide();
    Cursor::provide();
    Scheme::provide();
    // The frame driver lives as long as the page.
    Interval::new(FRAME.as_millis() as u32, move || {
        if context.shared().with(|p| p.driver.playing) {
            context.update(|p| p.frame());
        }
    })
    .forget();
    view! {
        <div class="layout">
            <header class="topbar">
                <span class="brand">"etcd playground"</span>
                <span class="seed" data-testid="seed">"seed " {seed}</span>
                <TimeControls />
                <SchemeToggle />
            </header>
            <main class="main">
                <Terminal seed=seed playground=context.shared() />
                <aside class="panels" data-testid="panels" aria-label="Cluster views">
                    <MemberCards />
                    <PanelTabs />
                    <details class="help">
                        <summary>"Try"</summary>
                        <p class="muted">
                            <code>"etcdctl put foo bar"</code> ", " <code>"etcdctl endpoint status -w table"</code> ", "
                            <code>"etcd --quota-backend-bytes=$((16*1024*1024))"</code> ", "
                            <code>"playground kill infra2"</code> " or " <code>"help"</code> "."
                        </p>
                        <dl class="keys">
                            <dt>"↑ ↓"</dt><dd>"history (kept across reloads)"</dd>
                            <dt>"Tab"</dt><dd>"complete commands, flags and file names"</dd>
                            <dt>"Ctrl-C"</dt><dd>"abandon the line"</dd>
                            <dt>"Ctrl-L"</dt><dd>"clear the screen"</dd>
                        </dl>
                    </details>
                </aside>
            </main>
        </div>
    }
}

//! The layout: the terminal beside the live member views, all over one playground provided
//! through context. The page and an embedded playground (crate::embed) share it, so the views
//! are built once; the page adds the help and keeps the visitor's choices. While playing, the
//! driver lets virtual time pass every frame (100 ms of wall time, times the speed); paused,
//! time stands still.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::charts::Cursor;
use crate::context::PlaygroundContext;
use crate::files::{self, FileTransfer};
use crate::lessons_panel::LessonPanel;
use crate::members::MemberCards;
use crate::panels::{PanelState, PanelTabs};
use crate::playground::{Playground, SharedPlayground, FRAME};
use crate::scheme::{Scheme, SchemeToggle};
use crate::share::{playground_from_url, ShareControls};
use crate::storage::{seed_from_url, version_from_url};
use crate::terminal::Terminal;
use crate::time_controls::TimeControls;

/// Which views show beside the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panels {
    Terminal,
    Cards,
    All,
}

impl Panels {
    pub fn parse(name: &str) -> Option<Panels> {
        match name {
            "terminal" => Some(Panels::Terminal),
            "cards" => Some(Panels::Cards),
            "all" | "charts" => Some(Panels::All),
            _ => None,
        }
    }
}

/// Where a layout lives: the page (it owns the window, the visitor's storage and the JS API's
/// `page()`), or a box in someone else's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    Page,
    Embedded { panels: Panels, scheme: Option<Scheme> },
}

#[component]
pub fn App() -> impl IntoView {
    let version = version_from_url();
    let (seed, playground, share_error) = playground_from_url(seed_from_url(), version);
    let playground = match playground {
        Ok(playground) => playground,
        // The default flags always parse; a shell with no cluster would still be a page.
        Err(_) => Playground::with_shell(seed, playground_ctl::shell_of(seed, version)),
    };
    let shared = SharedPlayground::new(playground);
    // The frame driver lives as long as the page.
    drive(shared.clone()).forget();
    view! { <Layout shared seed host=Host::Page share_error /> }
}

/// Lets virtual time pass every frame while `shared` is playing.
pub fn drive(shared: SharedPlayground) -> Interval {
    Interval::new(FRAME.as_millis() as u32, move || {
        if shared.with(|p| p.driver.playing) {
            shared.update(|p| p.frame());
        }
    })
}

#[component]
pub fn Layout(
    shared: SharedPlayground,
    seed: u64,
    host: Host,
    /// Why the URL's share link could not be opened.
    #[prop(default = None)]
    share_error: Option<String>,
) -> impl IntoView {
    let page = host == Host::Page;
    let (context, scheme, panels) = match host {
        Host::Page => (PlaygroundContext::provide_for_page(shared), Scheme::provide(), Panels::All),
        Host::Embedded { panels, scheme } => {
            let context = PlaygroundContext::new(shared);
            provide_context(context);
            (context, Scheme::provide_embedded(scheme), panels)
        }
    };
    PanelState::provide();
    Cursor::provide();
    view! {
        <div
            class="layout"
            class:embedded=!page
            data-testid=(!page).then_some("embedded-playground")
            data-scheme=move || scheme.get().name()
        >
            <header class="topbar">
                <span class="brand">"etcd playground"</span>
                <span class="seed" data-testid="seed">"seed " {seed}</span>
                <span class="seed" data-testid="etcd-version" title="The etcd release this cluster plays (?etcd=3.5 or playground version 3.5 for the other)">
                    "etcd " {move || context.read(|p| p.etcd_version())}
                </span>
                <TimeControls />
                <ShareControls context share=page error=share_error />
                <FileTransfer snapshots=page />
                <SchemeToggle />
            </header>
            <main class="main" on:dragover=files::on_dragover on:drop=move |ev| files::on_drop(context, ev)>
                <Terminal seed=seed persist=page autofocus=page playground=context.shared() />
                {(panels != Panels::Terminal).then(|| view! {
                    <aside class="panels" data-testid="panels" aria-label="Cluster views">
                        {page.then(|| view! { <LessonPanel /> })}
                        <MemberCards />
                        {(panels == Panels::All).then(|| view! { <PanelTabs /> })}
                        {page.then(help)}
                    </aside>
                })}
            </main>
        </div>
    }
}

fn help() -> impl IntoView {
    view! {
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
    }
}

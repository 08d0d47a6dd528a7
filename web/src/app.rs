//! The page layout: the terminal beside the live member views, over one session whose shell
//! drives the virtual cluster. Virtual time runs while playing (a tick every 100 ms of wall
//! time, times the speed) and stops when paused.

use std::time::Duration;

use leptos::prelude::*;
use playground_server::{LogLine, MemberState};

use crate::Session;

use crate::members::{MemberCards, ServerLog, TimeControls};
use crate::storage::seed_from_url;
use crate::terminal::Terminal;

/// Wall time between two steps of virtual time while playing.
const FRAME: Duration = Duration::from_millis(100);

/// Server log lines the page keeps in view.
const LOG_LINES: usize = 14;

/// The members, the clock and the newest server log lines as the session's cluster reports them.
fn read(session: &mut Session) -> (Vec<MemberState>, u64, Vec<LogLine>) {
    match session.shell_mut().world_mut().cluster() {
        Some(cluster) => {
            let log = cluster.log();
            let lines = log.since(log.len().saturating_sub(LOG_LINES));
            (cluster.member_states(), cluster.now_micros(), lines)
        }
        None => (Vec::new(), 0, Vec::new()),
    }
}

#[component]
pub fn App() -> impl IntoView {
    let seed = seed_from_url();
    let session = StoredValue::new_local(Session::new(playground_ctl::shell(seed)));
    let (initial, start, lines) = session.try_update_value(read).unwrap_or_default();
    let members = RwSignal::new(initial);
    let now = RwSignal::new(start);
    let log = RwSignal::new(lines);
    let playing = RwSignal::new(true);
    let speed = RwSignal::new(1u32);
    let refresh = move || {
        if let Some((states, micros, lines)) = session.try_update_value(read) {
            members.set(states);
            now.set(micros);
            if log.with_untracked(|old| old != &lines) {
                log.set(lines);
            }
        }
    };
    let on_change = Callback::new(move |_| refresh());
    let _ = set_interval_with_handle(
        move || {
            if !playing.get_untracked() {
                return;
            }
            let step = FRAME * speed.get_untracked();
            session.update_value(|s| {
                if let Some(cluster) = s.shell_mut().world_mut().cluster() {
                    cluster.advance(step.as_micros() as u64);
                }
            });
            refresh();
        },
        FRAME,
    );
    view! {
        <div class="layout">
            <header class="topbar">
                <span class="brand">"etcd playground"</span>
                <span class="seed" data-testid="seed">"seed " {seed}</span>
                <TimeControls playing=playing speed=speed now=now />
            </header>
            <main class="main">
                <Terminal seed=seed session=session on_change=on_change />
                <aside class="panels" data-testid="panels" aria-label="Cluster views">
                    <h2>"Members"</h2>
                    <MemberCards members=members />
                    <h2>"Server log"</h2>
                    <ServerLog lines=log />
                    <h2>"Try"</h2>
                    <p class="muted">
                        <code>"etcdctl put foo bar"</code> ", " <code>"etcdctl endpoint status -w table"</code> ", "
                        <code>"etcd --quota-backend-bytes=$((16*1024*1024))"</code> ", "
                        <code>"playground kill infra2"</code> " or " <code>"help"</code> "."
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

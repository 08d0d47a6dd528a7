//! The live cluster views: one card per member (role, term, raft and applied index, revision and
//! compact revision, a db size / in use / quota gauge, alarms, up or down) and the time
//! controls. They read [`MemberState`]s the server exposes; nothing is computed here.

use leptos::prelude::*;
use playground_server::{LogLine, MemberState};

/// Bytes as a short figure (`20 kB`, `17 MB`), as etcdctl's tables print sizes.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 || value >= 10.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `1h02m03s` of virtual time.
pub fn clock(micros: u64) -> String {
    let seconds = micros / 1_000_000;
    format!("{}h{:02}m{:02}s", seconds / 3600, seconds / 60 % 60, seconds % 60)
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 100.0 / whole as f64).min(100.0)
    }
}

#[component]
fn MemberCard(state: MemberState) -> impl IntoView {
    let id = state.name.clone();
    let tid = move |what: &str| format!("member-{id}-{what}");
    let over = state.quota > 0 && state.db_size >= state.quota;
    let class = format!(
        "member {} {}{}",
        state.role,
        if state.up { "up" } else { "down" },
        if state.alarms.is_empty() { "" } else { " alarmed" }
    );
    let size_width = format!("width: {:.1}%", percent(state.db_size, state.quota));
    let use_width = format!("width: {:.1}%", percent(state.db_size_in_use, state.quota));
    let alarms = if state.alarms.is_empty() { "none".to_string() } else { state.alarms.join(", ") };
    view! {
        <article class=class data-testid=format!("member-{}", state.name)>
            <header>
                <span class="name">{state.name.clone()}</span>
                <span class="role" data-testid=tid("role")>{state.role}</span>
                <span class="updown" data-testid=tid("up")>{if state.up { "up" } else { "down" }}</span>
            </header>
            <div class="endpoint">{state.client_url.clone()}" · "{format!("{:x}", state.id)}</div>
            <dl class="figures">
                <dt>"term"</dt><dd data-testid=tid("term")>{state.term}</dd>
                <dt>"raft index"</dt><dd data-testid=tid("raft-index")>{state.raft_index}</dd>
                <dt>"applied"</dt><dd data-testid=tid("applied-index")>{state.applied_index}</dd>
                <dt>"revision"</dt><dd data-testid=tid("revision")>{state.revision}</dd>
                <dt>"compacted"</dt><dd data-testid=tid("compact-revision")>{state.compact_revision}</dd>
                <dt>"snapshot"</dt><dd data-testid=tid("snapshot-index")>{state.snapshot_index}</dd>
                <dt>"log"</dt><dd data-testid=tid("log-entries") title="raft entries held in memory">{state.log_entries}</dd>
                <dt>"log mem"</dt><dd data-testid=tid("log-bytes") data-bytes=state.log_bytes>{size(state.log_bytes)}</dd>
            </dl>
            <div class="gauge" class:over=over data-testid=tid("gauge") title="db size and size in use against the quota">
                <div class="size" style=size_width></div>
                <div class="in-use" style=use_width></div>
            </div>
            <div class="gauge-legend">
                <span>"db "<b data-testid=tid("db-size") data-bytes=state.db_size>{size(state.db_size)}</b></span>
                <span>"in use "<b data-testid=tid("db-in-use") data-bytes=state.db_size_in_use>{size(state.db_size_in_use)}</b></span>
                <span>"quota "<b data-testid=tid("quota") data-bytes=state.quota>{size(state.quota)}</b></span>
            </div>
            <div class="alarms" data-testid=tid("alarms")>"alarms: "{alarms}</div>
        </article>
    }
}

#[component]
pub fn MemberCards(members: RwSignal<Vec<MemberState>>) -> impl IntoView {
    view! {
        <div class="members" data-testid="members">
            {move || members.get().into_iter().map(|state| view! { <MemberCard state=state /> }).collect_view()}
        </div>
    }
}

/// The newest lines of the members' server log: elections, snapshots, compactions, alarms,
/// defrags, as etcd logs them.
#[component]
pub fn ServerLog(lines: RwSignal<Vec<LogLine>>) -> impl IntoView {
    view! {
        <ol class="server-log" data-testid="server-log">
            {move || {
                lines
                    .get()
                    .into_iter()
                    .rev()
                    .map(|line| {
                        let member = format!("{:x}", line.member);
                        let short = member.get(..6).unwrap_or(&member).to_string();
                        view! {
                            <li class=line.level title=line.json()>
                                <span class="at">{clock(line.at_micros)}</span>
                                <span class="who">{short}</span>
                                <span class="msg">{line.msg.clone()}</span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}

#[component]
pub fn TimeControls(playing: RwSignal<bool>, speed: RwSignal<u32>, now: RwSignal<u64>) -> impl IntoView {
    view! {
        <div class="time" data-testid="time-controls">
            <button
                data-testid="play-pause"
                on:click=move |_| playing.update(|p| *p = !*p)
                aria-label=move || if playing.get() { "Pause virtual time" } else { "Run virtual time" }
            >
                {move || if playing.get() { "❚❚ pause" } else { "▶ play" }}
            </button>
            <label>
                "speed "
                <select
                    data-testid="speed"
                    on:change=move |ev| speed.set(event_target_value(&ev).parse().unwrap_or(1))
                >
                    <option value="1" selected>"1×"</option>
                    <option value="10">"10×"</option>
                    <option value="60">"60×"</option>
                    <option value="600">"600×"</option>
                </select>
            </label>
            <span class="clock" data-testid="virtual-time">{move || clock(now.get())}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_clocks_read_as_etcdctl_and_a_watch_do() {
        assert_eq!(size(20480), "20 kB");
        assert_eq!(size(16_777_216), "17 MB");
        assert_eq!(size(1_073_152), "1.1 MB");
        assert_eq!(clock(3_723_000_000), "1h02m03s");
    }
}

//! The live cluster views: one card per member (role, term, raft and applied index, revision and
//! compact revision, a db size / in use / quota gauge, alarms, up or down), the server log and
//! the time controls. They read the playground from context ([`MemberState`]s the server
//! exposes); nothing is computed here.

use leptos::prelude::*;
use playground_server::MemberState;

use crate::context::PlaygroundContext;
use crate::playground::SPEEDS;

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

/// One member's card. It re-renders only when that member's state changed: `state` is a memo
/// over the playground, keyed by the member's id.
#[component]
fn MemberCard(name: String, state: Memo<Option<MemberState>>) -> impl IntoView {
    let tid = {
        let name = name.clone();
        move |what: &str| format!("member-{name}-{what}")
    };
    let read = move |f: fn(&MemberState) -> String| move || state.with(|s| s.as_ref().map(f).unwrap_or_default());
    let class = move || {
        state.with(|s| {
            s.as_ref().map_or_else(String::new, |s| {
                format!(
                    "member {} {}{}",
                    s.role,
                    if s.up { "up" } else { "down" },
                    if s.alarms.is_empty() { "" } else { " alarmed" }
                )
            })
        })
    };
    let over = move || state.with(|s| s.as_ref().is_some_and(|s| s.quota > 0 && s.db_size >= s.quota));
    let width = move |part: fn(&MemberState) -> u64| {
        move || state.with(|s| s.as_ref().map_or(String::new(), |s| format!("width: {:.1}%", percent(part(s), s.quota))))
    };
    let bytes = move |part: fn(&MemberState) -> u64| move || state.with(|s| s.as_ref().map_or(0, part));
    view! {
        <article class=class data-testid=format!("member-{name}")>
            <header>
                <span class="name">{name.clone()}</span>
                <span class="role" data-testid=tid("role")>{read(|s| s.role.to_string())}</span>
                <span class="updown" data-testid=tid("up")>{read(|s| if s.up { "up" } else { "down" }.to_string())}</span>
            </header>
            <div class="endpoint">{read(|s| format!("{} · {:x}", s.client_url, s.id))}</div>
            <dl class="figures">
                <dt>"term"</dt><dd data-testid=tid("term")>{read(|s| s.term.to_string())}</dd>
                <dt>"raft index"</dt><dd data-testid=tid("raft-index")>{read(|s| s.raft_index.to_string())}</dd>
                <dt>"applied"</dt><dd data-testid=tid("applied-index")>{read(|s| s.applied_index.to_string())}</dd>
                <dt>"revision"</dt><dd data-testid=tid("revision")>{read(|s| s.revision.to_string())}</dd>
                <dt>"compacted"</dt><dd data-testid=tid("compact-revision")>{read(|s| s.compact_revision.to_string())}</dd>
                <dt>"snapshot"</dt><dd data-testid=tid("snapshot-index")>{read(|s| s.snapshot_index.to_string())}</dd>
                <dt>"log"</dt><dd data-testid=tid("log-entries") title="raft entries held in memory">{read(|s| s.log_entries.to_string())}</dd>
                <dt>"log mem"</dt><dd data-testid=tid("log-bytes") data-bytes=bytes(|s| s.log_bytes)>{read(|s| size(s.log_bytes))}</dd>
            </dl>
            <div class="gauge" class:over=over data-testid=tid("gauge") title="db size and size in use against the quota">
                <div class="size" style=width(|s| s.db_size)></div>
                <div class="in-use" style=width(|s| s.db_size_in_use)></div>
            </div>
            <div class="gauge-legend">
                <span>"db "<b data-testid=tid("db-size") data-bytes=bytes(|s| s.db_size)>{read(|s| size(s.db_size))}</b></span>
                <span>"in use "<b data-testid=tid("db-in-use") data-bytes=bytes(|s| s.db_size_in_use)>{read(|s| size(s.db_size_in_use))}</b></span>
                <span>"quota "<b data-testid=tid("quota") data-bytes=bytes(|s| s.quota)>{read(|s| size(s.quota))}</b></span>
            </div>
            <div class="alarms" data-testid=tid("alarms")>
                "alarms: "{read(|s| if s.alarms.is_empty() { "none".to_string() } else { s.alarms.join(", ") })}
            </div>
        </article>
    }
}

/// One card per member, keyed by member id: a member joining or leaving adds or drops its
/// card, and a card whose member did not change does not re-render.
#[component]
pub fn MemberCards() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let members = Memo::new(move |_| context.read(|p| p.members()));
    let ids = Memo::new(move |_| members.with(|ms| ms.iter().map(|m| (m.id, m.name.clone())).collect::<Vec<_>>()));
    view! {
        <div class="members" data-testid="members">
            <For
                each=move || ids.get()
                key=|(id, _)| *id
                children=move |(id, name)| {
                    let state = Memo::new(move |_| members.with(|ms| ms.iter().find(|m| m.id == id).cloned()));
                    view! { <MemberCard name=name state=state /> }
                }
            />
        </div>
    }
}

/// Server log lines the page keeps in view.
const LOG_LINES: usize = 14;

/// The newest lines of the members' server log: elections, snapshots, compactions, alarms,
/// defrags, as etcd logs them.
#[component]
pub fn ServerLog() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let lines = Memo::new(move |_| context.read(|p| p.log_tail(LOG_LINES)));
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

/// Play/pause, the speed and the virtual clock: the driver's state lives in the playground, so
/// the JavaScript API and these controls agree.
#[component]
pub fn TimeControls() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let playing = Memo::new(move |_| context.read(|p| p.driver.playing));
    let now = Memo::new(move |_| context.read(|p| p.now_micros()));
    let options = SPEEDS.map(|speed| {
        let selected = speed == 1;
        view! { <option value=speed.to_string() selected=selected>{format!("{speed}×")}</option> }
    });
    view! {
        <div class="time" data-testid="time-controls">
            <button
                data-testid="play-pause"
                on:click=move |_| context.update(|p| p.driver.playing = !p.driver.playing)
                aria-label=move || if playing.get() { "Pause virtual time" } else { "Run virtual time" }
            >
                {move || if playing.get() { "❚❚ pause" } else { "▶ play" }}
            </button>
            <label>
                "speed "
                <select
                    data-testid="speed"
                    on:change=move |ev| {
                        let speed = event_target_value(&ev).parse().unwrap_or(1);
                        context.update(|p| p.driver.set_speed(speed));
                    }
                >
                    {options}
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

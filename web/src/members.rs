//! One card per member: role, term, raft and applied index, revision and compact revision, a db
//! size / in use / quota gauge, alarms, up or down, and buttons for the faults and maintenance
//! an operator practises. The cards read [`MemberState`]s from the playground in context; a
//! button runs its terminal command through the terminal, so people see the CLI it stands for.

use leptos::prelude::*;
use playground_server::MemberState;

use crate::context::PlaygroundContext;

/// Bytes as a short figure (`20 kB`, `17 MB`), as etcdctl's tables print sizes.
pub fn size(bytes: u64) -> String {
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
fn MemberCard(
    name: String,
    state: Memo<Option<MemberState>>,
    leader_url: Memo<Option<String>>,
) -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let tid = {
        let name = name.clone();
        move |what: &str| format!("member-{name}-{what}")
    };
    let read =
        move |f: fn(&MemberState) -> String| move || state.with(|s| s.as_ref().map(f).unwrap_or_default());
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
        move || {
            state.with(|s| {
                s.as_ref().map_or(String::new(), |s| format!("width: {:.1}%", percent(part(s), s.quota)))
            })
        }
    };
    let bytes = move |part: fn(&MemberState) -> u64| move || state.with(|s| s.as_ref().map_or(0, part));
    view! {
        <article class=class data-testid=format!("member-{name}")>
            <header>
                <span class="name">{name.clone()}</span>
                <span class="role" data-testid=tid("role")>{read(|s| s.role.to_string())}</span>
                <span class="updown" data-testid=tid("up")>{read(|s| if s.up { "up" } else { "down" }.to_string())}</span>
            </header>
            <div class="endpoint" title=read(|s| format!("member id {:x}", s.id))>
                {read(|s| s.client_url.trim_start_matches("http://").to_string())}
            </div>
            <dl class="figures">
                <dt>"term"</dt><dd data-testid=tid("term")>{read(|s| s.term.to_string())}</dd>
                <dt title="raft index">"raft"</dt><dd data-testid=tid("raft-index")>{read(|s| s.raft_index.to_string())}</dd>
                <dt>"applied"</dt><dd data-testid=tid("applied-index")>{read(|s| s.applied_index.to_string())}</dd>
                <dt title="revision">"rev"</dt><dd data-testid=tid("revision")>{read(|s| s.revision.to_string())}</dd>
                <dt title="compact revision">"compact"</dt><dd data-testid=tid("compact-revision")>{read(|s| s.compact_revision.to_string())}</dd>
                <dt title="snapshot index">"snap"</dt><dd data-testid=tid("snapshot-index")>{read(|s| s.snapshot_index.to_string())}</dd>
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
            <MemberButtons name=name.clone() state=state leader_url=leader_url context=context />
        </article>
    }
}

/// The terminal command each button of a member's card runs, or `None` where it does not
/// apply (restart a member that runs, move the leadership to the leader).
pub fn button_command(action: &str, member: &MemberState, leader_url: Option<&str>) -> Option<String> {
    let name = &member.name;
    match action {
        "kill" => member.up.then(|| format!("playground kill {name}")),
        "restart" if member.role == "unstarted" => Some(format!("playground start {name}")),
        "restart" => (!member.up).then(|| format!("playground restart {name}")),
        "isolate" => member.up.then(|| format!("playground isolate {name}")),
        "heal" => Some("playground heal".to_string()),
        "slow-disk" => member.up.then(|| format!("playground slow-disk {name} 10")),
        "defrag" => member.up.then(|| format!("etcdctl --endpoints={} defrag", member.client_url)),
        "move-leader" => match leader_url {
            Some(leader) if member.up && member.role == "follower" => {
                Some(format!("etcdctl --endpoints={leader} move-leader {:x}", member.id))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The card's buttons: labels, and the action names their test ids end with.
const BUTTONS: [(&str, &str, &str); 7] = [
    ("kill", "kill", "the member's host goes down"),
    ("restart", "restart", "start the member again from its data directory"),
    ("isolate", "isolate", "cut the member off the network"),
    ("heal", "heal", "restore every link"),
    ("slow-disk", "slow", "multiply the member's disk latencies by 10"),
    ("defrag", "defrag", "defragment this member's db"),
    ("move-leader", "lead", "move the leadership here"),
];

#[component]
fn MemberButtons(
    name: String,
    state: Memo<Option<MemberState>>,
    leader_url: Memo<Option<String>>,
    context: PlaygroundContext,
) -> impl IntoView {
    let buttons = BUTTONS.map(|(action, label, what)| {
        let command = Memo::new(move |_| {
            state.with(|s| {
                s.as_ref().and_then(|s| leader_url.with(|l| button_command(action, s, l.as_deref())))
            })
        });
        view! {
            <button
                data-testid=format!("member-{name}-{action}")
                disabled=move || command.with(Option::is_none)
                title=move || command.get().map_or_else(|| what.to_string(), |c| format!("{what}: {c}"))
                on:click=move |_| {
                    if let Some(line) = command.get_untracked() {
                        context.update(|p| p.run_in_terminal(&line));
                    }
                }
            >
                {label}
            </button>
        }
    });
    view! { <div class="member-buttons">{buttons}</div> }
}

/// One card per member, keyed by member id: a member joining or leaving adds or drops its
/// card, and a card whose member did not change does not re-render.
#[component]
pub fn MemberCards() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let members = Memo::new(move |_| context.read(|p| p.members()));
    let ids =
        Memo::new(move |_| members.with(|ms| ms.iter().map(|m| (m.id, m.name.clone())).collect::<Vec<_>>()));
    let leader_url = Memo::new(move |_| {
        members.with(|ms| ms.iter().find(|m| m.role == "leader" && m.up).map(|m| m.client_url.clone()))
    });
    view! {
        <div class="members" data-testid="members">
            <For
                each=move || ids.get()
                key=|(id, _)| *id
                children=move |(id, name)| {
                    let state = Memo::new(move |_| members.with(|ms| ms.iter().find(|m| m.id == id).cloned()));
                    view! { <MemberCard name=name state=state leader_url=leader_url /> }
                }
            />
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

    #[test]
    fn each_button_names_the_command_it_runs() {
        let mut playground = crate::playground::Playground::new(1, &[]).unwrap();
        playground.advance(3_000_000);
        let members = playground.members();
        let leader = members.iter().find(|m| m.role == "leader").unwrap();
        let follower = members.iter().find(|m| m.role == "follower").unwrap();
        let url = Some(leader.client_url.as_str());
        assert_eq!(button_command("kill", follower, url), Some(format!("playground kill {}", follower.name)));
        assert_eq!(button_command("restart", follower, url), None);
        assert_eq!(button_command("move-leader", leader, url), None);
        let line = button_command("move-leader", follower, url).unwrap();
        playground.run_in_terminal(&line);
        let echoed: String = playground.session().entries().map(|e| e.text.clone()).collect();
        assert!(echoed.contains(&line), "{echoed}");
        assert!(echoed.contains("Leadership transferred from"), "{echoed}");
        let defrag = button_command("defrag", follower, url).unwrap();
        assert_eq!(defrag, format!("etcdctl --endpoints={} defrag", follower.client_url));
        playground.run_in_terminal(&defrag);
        let echoed: String = playground.session().entries().map(|e| e.text.clone()).collect();
        assert!(echoed.contains("Finished defragmenting etcd member["), "{echoed}");
    }
}

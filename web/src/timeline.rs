//! The timeline of what happened: compactions, defrags, raft snapshots, elections, alarms,
//! alerts, faults and quota refusals, one lane per member and one for the cluster. What lasts
//! is drawn as a span: a defrag (it blocks its member), an alarm until disarmed, an alert
//! while firing. Hover tells the details and the command that caused it; a click moves the
//! charts' cursor there.

use std::collections::VecDeque;

use leptos::prelude::*;
use playground_server::{Event, EventKind};

use crate::charts::scale::TimeWindow;
use crate::charts::Cursor;
use crate::members::{clock, size};

/// The most items drawn at once (the newest): enough to read, few enough to stay quick.
pub const MAX_ITEMS: usize = 400;

/// One mark on the timeline: an event, or a pair of events that open and close a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub seq: u64,
    /// The category: `compaction`, `defrag`, `snapshot`, `election`, `alarm`, `alert`, `fault`, `quota`.
    pub kind: &'static str,
    /// A member's name, or `cluster`.
    pub lane: String,
    pub at: u64,
    /// Where a span ends; `None` for an instant, `Some(now)` for a span still open.
    pub until: Option<u64>,
    pub label: String,
    pub command: Option<String>,
}

/// What an event says, in a line.
pub fn describe(kind: &EventKind) -> String {
    match kind {
        EventKind::CompactionScheduled { revision, mode } => {
            format!("{mode} compaction scheduled at revision {revision}")
        }
        EventKind::Compacted { revision, keys_removed } => {
            format!("compacted at revision {revision} ({keys_removed} keys removed)")
        }
        EventKind::DefragStarted { size_before } => format!("defrag started ({})", size(*size_before)),
        EventKind::DefragFinished { size_before, size_after, blocked_micros } => format!(
            "defragmented {} → {} (blocked {:.1} s)",
            size(*size_before),
            size(*size_after),
            *blocked_micros as f64 / 1e6
        ),
        EventKind::SnapshotTaken { index } => format!("raft snapshot taken at index {index}"),
        EventKind::SnapshotSent { to, index } => format!("raft snapshot {index} sent to {to}"),
        EventKind::SnapshotReceived { from, index } => format!("raft snapshot {index} received from {from}"),
        EventKind::SnapshotApplied { index } => format!("raft snapshot {index} applied"),
        EventKind::SnapshotSaved { path, size: bytes } => {
            format!("snapshot saved to {path} ({})", size(*bytes))
        }
        EventKind::Election { term, leader } => format!("{leader} elected leader at term {term}"),
        EventKind::AlarmRaised { alarm } => format!("alarm {alarm} raised"),
        EventKind::AlarmDisarmed { alarm } => format!("alarm {alarm} disarmed"),
        EventKind::QuotaExceeded { layer } => format!("database space exceeded ({layer})"),
        EventKind::AlertFiring { name, severity, summary } => {
            format!("{name} firing ({severity}): {summary}")
        }
        EventKind::AlertResolved { name } => format!("{name} resolved"),
        other => fault_label(other),
    }
}

fn fault_label(kind: &EventKind) -> String {
    let json = serde_json::to_value(kind).ok();
    let name = json.as_ref().and_then(|v| v.get("type")).and_then(|t| t.as_str()).unwrap_or("fault");
    // `memberKilled` reads `member killed`.
    let mut words = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            words.push(' ');
            words.push(c.to_ascii_lowercase());
        } else {
            words.push(c);
        }
    }
    words
}

/// The events as timeline items, oldest first: a span's closing event joins its opening one,
/// and a span still open reaches to `now`.
pub fn items<'a>(events: impl IntoIterator<Item = &'a Event>, now: u64) -> Vec<Item> {
    build(events, now).0
}

/// The timeline's items kept between frames: rebuilt only when the events changed, so a frame
/// with no new event (virtual time running on, or paused) only reaches the open spans to now.
#[derive(Debug, Default)]
pub struct ItemCache {
    /// What identifies the events the items were built from: their count, the first and the
    /// newest seq, and the newest one's instant (a reset cluster numbers its events anew).
    key: Option<(usize, u64, u64, u64)>,
    items: Vec<Item>,
    /// Indices of the spans still open.
    open: Vec<usize>,
    /// How many times the items were built (what the tests read).
    pub builds: u64,
}

impl ItemCache {
    /// The items for `events` (the history's bounded list, oldest first) at `now`.
    pub fn refresh(&mut self, events: &VecDeque<Event>, now: u64) -> &[Item] {
        let key = match (events.front(), events.back()) {
            (Some(first), Some(last)) => (events.len(), first.seq, last.seq, last.at_micros),
            _ => (0, 0, 0, 0),
        };
        if self.key == Some(key) {
            for &index in &self.open {
                let item = &mut self.items[index];
                item.until = Some(now.max(item.at));
            }
        } else {
            (self.items, self.open) = build(events, now);
            self.key = Some(key);
            self.builds += 1;
        }
        &self.items
    }
}

/// [`items`], with the indices of the spans left open.
fn build<'a>(events: impl IntoIterator<Item = &'a Event>, now: u64) -> (Vec<Item>, Vec<usize>) {
    let mut items: Vec<Item> = Vec::new();
    // Open spans: (lane, what closes it, index into items).
    let mut open: Vec<(String, String, usize)> = Vec::new();
    for event in events {
        let lane = event.member.clone().unwrap_or_else(|| "cluster".to_string());
        let key = match &event.kind {
            EventKind::DefragStarted { .. } | EventKind::DefragFinished { .. } => Some("defrag".to_string()),
            EventKind::AlarmRaised { alarm } | EventKind::AlarmDisarmed { alarm } => {
                Some(format!("alarm {alarm}"))
            }
            EventKind::AlertFiring { name, .. } | EventKind::AlertResolved { name } => {
                Some(format!("alert {name}"))
            }
            _ => None,
        };
        let closes = matches!(
            event.kind,
            EventKind::DefragFinished { .. }
                | EventKind::AlarmDisarmed { .. }
                | EventKind::AlertResolved { .. }
        );
        let opens = matches!(
            event.kind,
            EventKind::DefragStarted { .. } | EventKind::AlarmRaised { .. } | EventKind::AlertFiring { .. }
        );
        // An alarm belongs to a member (etcd keeps one per member and type), an alert to its
        // instance: a span closes on the lane it opened on.
        let same_span = |(l, k, _): &(String, String, usize)| Some(k) == key.as_ref() && *l == lane;
        if closes {
            if let Some(i) = open.iter().position(same_span) {
                let (_, _, index) = open.remove(i);
                let item = &mut items[index];
                item.until = Some(event.at_micros.max(item.at));
                item.label = format!("{}; {}", item.label, describe(&event.kind));
                continue;
            }
        }
        if opens && open.iter().any(same_span) {
            // Raised again while raised: still one span.
            continue;
        }
        let from = match &event.kind {
            // Its start fell out of the bounded event list: the span from what it blocked.
            EventKind::DefragFinished { blocked_micros, .. } => {
                event.at_micros.saturating_sub(*blocked_micros)
            }
            _ => event.at_micros,
        };
        items.push(Item {
            seq: event.seq,
            kind: event.kind.category(),
            lane: lane.clone(),
            at: from,
            until: (closes && from < event.at_micros).then_some(event.at_micros),
            label: describe(&event.kind),
            command: event.command.clone(),
        });
        if opens {
            open.push((lane, key.unwrap_or_default(), items.len() - 1));
        }
    }
    let open: Vec<usize> = open.into_iter().map(|(_, _, index)| index).collect();
    for &index in &open {
        items[index].until = Some(now.max(items[index].at));
    }
    (items, open)
}

/// The items that show in `window`, newest [`MAX_ITEMS`] of them.
pub fn visible(items: &[Item], window: TimeWindow) -> Vec<Item> {
    let shows = |i: &&Item| i.until.unwrap_or(i.at) >= window.start && i.at <= window.end;
    let count = items.iter().filter(shows).count();
    items.iter().filter(shows).skip(count.saturating_sub(MAX_ITEMS)).cloned().collect()
}

#[component]
pub fn Timeline(#[prop(into)] window: Signal<Option<TimeWindow>>) -> impl IntoView {
    let context = expect_context::<crate::context::PlaygroundContext>();
    let cursor = expect_context::<Cursor>();
    let detail = RwSignal::new(String::new());
    let lanes = Memo::new(move |_| {
        let mut lanes = vec!["cluster".to_string()];
        lanes.extend(context.read(|p| p.members()).into_iter().map(|m| m.name));
        lanes
    });
    let shown = Memo::new(move |_| {
        let window = window.get()?;
        Some((window, context.read(|p| visible(p.timeline_items(), window))))
    });
    let percent = |window: TimeWindow, at: u64| (window.x(at, 100.0)).clamp(0.0, 100.0);
    let lane_rows = move || {
        let Some((window, items)) = shown.get() else { return Vec::new() };
        lanes
            .get()
            .into_iter()
            .map(|lane| {
                let marks = items
                    .iter()
                    .filter(|item| item.lane == lane || (!lanes.with_untracked(|l| l.contains(&item.lane)) && lane == "cluster"))
                    .map(|item| {
                        let left = percent(window, item.at);
                        let width = item.until.map(|until| (percent(window, until) - left).max(0.4));
                        let style = match width {
                            Some(width) => format!("left: {left:.3}%; width: {width:.3}%"),
                            None => format!("left: {left:.3}%"),
                        };
                        let command = item.command.as_ref().map(|c| format!("\n$ {c}")).unwrap_or_default();
                        let title = format!("{} {} {}{command}", clock(item.at), item.lane, item.label);
                        let (at, hover) = (item.at, title.clone());
                        view! {
                            <button
                                class=format!("tl-event kind-{}{}", item.kind, if width.is_some() { " span" } else { "" })
                                data-testid="timeline-event"
                                data-kind=item.kind
                                data-member=item.lane.clone()
                                data-at-micros=item.at
                                data-until-micros=item.until
                                data-seq=item.seq
                                style=style
                                title=title
                                aria-label=hover.clone()
                                on:mouseenter=move |_| detail.set(hover.clone())
                                on:focus={
                                    let title = format!("{} {}", clock(at), item.label);
                                    move |_| detail.set(title.clone())
                                }
                                on:click=move |_| cursor.0.set(Some(at))
                            ></button>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="tl-lane" data-lane=lane.clone()>
                        <span class="tl-name">{lane.clone()}</span>
                        <div class="tl-track">{marks}</div>
                    </div>
                }
            })
            .collect::<Vec<_>>()
    };
    let cursor_rule = move || {
        let (window, _) = shown.get()?;
        let at = cursor.0.get()?;
        (at >= window.start && at <= window.end).then(
            || view! { <div class="tl-cursor" style=format!("left: {:.3}%", percent(window, at))></div> },
        )
    };
    view! {
        <section class="timeline" data-testid="timeline" aria-label="Timeline of events">
            <h3>"Timeline"</h3>
            <div class="tl-lanes">
                {lane_rows}
                <div class="tl-cursor-layer">{cursor_rule}</div>
            </div>
            <p class="tl-detail muted" data-testid="timeline-detail">{move || detail.get()}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: u64, at: u64, member: Option<&str>, kind: EventKind) -> Event {
        Event { seq, at_micros: at, member: member.map(str::to_string), command: None, kind }
    }

    #[test]
    fn spans_join_their_opening_and_closing_events() {
        let events = [
            event(1, 10, Some("infra1"), EventKind::AlarmRaised { alarm: "NOSPACE".into() }),
            event(2, 20, Some("infra1"), EventKind::DefragStarted { size_before: 100 }),
            event(
                3,
                25,
                Some("infra1"),
                EventKind::DefragFinished { size_before: 100, size_after: 10, blocked_micros: 5 },
            ),
            event(4, 30, Some("infra1"), EventKind::AlarmDisarmed { alarm: "NOSPACE".into() }),
            event(5, 40, Some("infra2"), EventKind::DefragStarted { size_before: 100 }),
            event(6, 50, None, EventKind::Election { term: 3, leader: "infra3".into() }),
        ];
        let items = items(&events, 60);
        let spans: Vec<_> = items.iter().map(|i| (i.kind, i.lane.as_str(), i.at, i.until)).collect();
        assert_eq!(
            spans,
            [
                ("alarm", "infra1", 10, Some(30)),
                ("defrag", "infra1", 20, Some(25)),
                ("defrag", "infra2", 40, Some(60)),
                ("election", "cluster", 50, None),
            ]
        );
        assert_eq!(items[0].label, "alarm NOSPACE raised; alarm NOSPACE disarmed");
    }

    #[test]
    fn a_defrag_whose_start_was_dropped_still_spans_what_it_blocked() {
        let events = [event(
            9,
            100,
            Some("infra1"),
            EventKind::DefragFinished { size_before: 1, size_after: 1, blocked_micros: 40 },
        )];
        let items = items(&events, 200);
        assert_eq!((items[0].at, items[0].until), (60, Some(100)));
        assert_eq!(fault_label(&EventKind::MemberKilled), "member killed");
    }

    #[test]
    fn only_the_newest_items_in_the_window_show() {
        let events: Vec<Event> = (0..1000).map(|i| event(i, i * 10, None, EventKind::Healed)).collect();
        let shown = visible(&items(&events, 10_000), TimeWindow { start: 0, end: 10_000 });
        assert_eq!(shown.len(), MAX_ITEMS);
        assert_eq!(shown.last().unwrap().seq, 999);
        let early = visible(&items(&events, 10_000), TimeWindow { start: 0, end: 95 });
        assert_eq!(early.len(), 10);
    }

    #[test]
    fn the_cache_rebuilds_only_when_an_event_comes() {
        let mut events: VecDeque<Event> = VecDeque::new();
        events.push_back(event(1, 10, Some("infra1"), EventKind::DefragStarted { size_before: 100 }));
        let mut cache = ItemCache::default();
        assert_eq!(cache.refresh(&events, 20)[0].until, Some(20));
        // Idle frames: the open span follows now, nothing is rebuilt.
        assert_eq!(cache.refresh(&events, 30)[0].until, Some(30));
        assert_eq!(cache.refresh(&events, 40)[0].until, Some(40));
        assert_eq!(cache.builds, 1);
        events.push_back(event(
            2,
            45,
            Some("infra1"),
            EventKind::DefragFinished { size_before: 100, size_after: 10, blocked_micros: 35 },
        ));
        let items = cache.refresh(&events, 50).to_vec();
        assert_eq!(cache.builds, 2);
        assert_eq!((items.len(), items[0].until), (1, Some(45)));
        assert_eq!(cache.refresh(&events, 60)[0].until, Some(45), "a closed span stays closed");
        // A reset cluster's first events, numbered anew, are not taken for the old ones.
        let reset: VecDeque<Event> = [event(1, 5, None, EventKind::Healed)].into();
        assert_eq!(cache.refresh(&reset, 6)[0].kind, "fault");
        assert_eq!(cache.builds, 3);
    }
}

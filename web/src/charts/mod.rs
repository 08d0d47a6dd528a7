//! Charts over virtual time, drawn with plotters on canvases: DB Size (the mixin dashboard's
//! panel: db size and size in use per member against the quota), revision and compact
//! revision, the raft log against `--snapshot-count`, and the mixin's Raft Proposals, Total
//! Leader Elections Per Day and Disk Sync Duration panels, per member. One cursor is shared by
//! every chart and the timeline: hovering a chart, or clicking an event, moves it, and each
//! chart's legend reads its figures at that instant.

pub mod figure;
pub mod history;
pub mod palette;
pub mod scale;

use leptos::html;
use leptos::prelude::*;

use crate::context::PlaygroundContext;
use crate::scheme::Scheme;
use crate::timeline::Timeline;
use figure::{draw, Figure, PLOT_LEFT, PLOT_RIGHT};
use history::{drops, steps_up, Figures};
use palette::Palette;
use scale::value_at;

/// The instant the charts and the timeline point at; `None` follows the newest sample.
#[derive(Clone, Copy)]
pub struct Cursor(pub RwSignal<Option<u64>>);

impl Cursor {
    pub fn provide() -> Cursor {
        let cursor = Cursor(RwSignal::new(None));
        provide_context(cursor);
        cursor
    }
}

/// The windows the charts offer: test id value, label, span (`None`: the whole history).
pub const WINDOWS: [(&str, &str, Option<u64>); 4] = [
    ("all", "all", None),
    ("10h", "last 10 h", Some(10 * 3_600_000_000)),
    ("1h", "last 1 h", Some(3_600_000_000)),
    ("10m", "last 10 min", Some(600_000_000)),
];

/// Which of a figure's lines a legend reads, by the figure.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    DbSize,
    Revision,
    RaftLog,
    Proposals,
    Elections,
    DiskSync,
}

impl Which {
    const ALL: [Which; 6] =
        [Which::DbSize, Which::Revision, Which::RaftLog, Which::Proposals, Which::Elections, Which::DiskSync];

    fn test_id(self) -> &'static str {
        match self {
            Which::DbSize => "chart-db-size",
            Which::Revision => "chart-revision",
            Which::RaftLog => "chart-raft-log",
            Which::Proposals => "chart-raft-proposals",
            Which::Elections => "chart-leader-elections",
            Which::DiskSync => "chart-disk-sync",
        }
    }

    /// The mixin dashboard's panel titles where it has the panel.
    fn title(self) -> &'static str {
        match self {
            Which::DbSize => "DB Size",
            Which::Revision => "Revision",
            Which::RaftLog => "Raft log: entries since the last snapshot",
            Which::Proposals => "Raft Proposals (per second; pending: proposals)",
            Which::Elections => "Total Leader Elections Per Day",
            Which::DiskSync => "Disk Sync Duration (WAL fsync, 99th percentile)",
        }
    }

    fn figure(self, figures: &Figures) -> &Figure {
        match self {
            Which::DbSize => &figures.db_size,
            Which::Revision => &figures.revision,
            Which::RaftLog => &figures.raft_log,
            Which::Proposals => &figures.proposals,
            Which::Elections => &figures.elections,
            Which::DiskSync => &figures.disk_sync,
        }
    }
}

#[component]
pub fn ChartsPanel() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let window = RwSignal::new(None::<u64>);
    let figures = Memo::new(move |_| {
        let last = window.get();
        context.read(|p| p.figures(last))
    });
    let options = WINDOWS.map(|(id, label, _)| view! { <option value=id>{label}</option> });
    view! {
        <section class="charts" data-testid="charts">
            <label class="chart-window">
                "window "
                <select
                    data-testid="chart-window"
                    on:change=move |ev| {
                        let id = event_target_value(&ev);
                        window.set(WINDOWS.iter().find(|w| w.0 == id).and_then(|w| w.2));
                    }
                >
                    {options}
                </select>
            </label>
            <div class="chart-grid">
                {Which::ALL.map(|which| view! { <Chart which=which figures=figures /> })}
            </div>
            <Timeline window=Signal::derive(move || figures.with(|f| f.as_ref().map(|f| f.window))) />
        </section>
    }
}

#[component]
fn Chart(which: Which, figures: Memo<Option<Figures>>) -> impl IntoView {
    let cursor = expect_context::<Cursor>();
    let scheme = expect_context::<RwSignal<Scheme>>();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    Effect::new(move |_| {
        let palette = Palette::for_scheme(scheme.get());
        let at = cursor.0.get();
        figures.with(|figures| {
            if let (Some(canvas), Some(figures)) = (canvas_ref.get(), figures.as_ref()) {
                let _ = draw(&canvas, which.figure(figures), figures.window, at, &palette);
            }
        });
    });
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some(canvas) = canvas_ref.get_untracked() else { return };
        let width = f64::from(canvas.client_width()) - PLOT_LEFT - PLOT_RIGHT;
        let at = figures
            .with_untracked(|f| f.as_ref().map(|f| f.window.at(f64::from(ev.offset_x()) - PLOT_LEFT, width)));
        cursor.0.set(at);
    };
    // The DOM figures tests and screen readers read: spans, marks and steps on the chart itself.
    let spans = move |kind: figure::SpanKind| {
        figures.with(|f| {
            f.as_ref().map_or(0, |f| which.figure(f).spans.iter().filter(|s| s.kind == kind).count())
        })
    };
    let marks = move || figures.with(|f| f.as_ref().map_or(0, |f| which.figure(f).marks.len()));
    let steps = move || {
        figures.with(|f| {
            f.as_ref().map_or(0, |f| {
                which
                    .figure(f)
                    .lines
                    .iter()
                    .filter(|l| l.stroke.is_faint())
                    .map(|l| steps_up(&l.points))
                    .max()
                    .unwrap_or(0)
            })
        })
    };
    let teeth = move || {
        figures.with(|f| {
            f.as_ref().map_or(0, |f| {
                which
                    .figure(f)
                    .lines
                    .iter()
                    .filter(|l| !l.stroke.is_faint())
                    .map(|l| drops(&l.points))
                    .max()
                    .unwrap_or(0)
            })
        })
    };
    let limit =
        move || figures.with(|f| f.as_ref().and_then(|f| which.figure(f).limit.as_ref().map(|l| l.0 as u64)));
    view! {
        <figure class="chart">
            <figcaption>{which.title()}</figcaption>
            <canvas
                node_ref=canvas_ref
                data-testid=which.test_id()
                data-alarm-spans=move || spans(figure::SpanKind::Alarm)
                data-defrag-spans=move || spans(figure::SpanKind::Defrag)
                data-marks=marks
                data-steps=steps
                data-drops=teeth
                data-limit=limit
                role="img"
                aria-label=which.title()
                on:mousemove=on_move
            ></canvas>
            <Legend which=which figures=figures />
        </figure>
    }
}

/// A legend value as tests read it: whole numbers as integers, fractions (rates, seconds) to
/// six decimals.
fn data_value(value: f64) -> String {
    ((value * 1e6).round() / 1e6).to_string()
}

/// Every line's value at the cursor (or the newest), with its colour.
#[component]
fn Legend(which: Which, figures: Memo<Option<Figures>>) -> impl IntoView {
    let cursor = expect_context::<Cursor>();
    let scheme = expect_context::<RwSignal<Scheme>>();
    let rows = move || {
        let palette = Palette::for_scheme(scheme.get());
        let at = cursor.0.get();
        figures.with(|figures| {
            let Some(figures) = figures.as_ref() else { return Vec::new() };
            let figure = which.figure(figures);
            let at = at.unwrap_or(figures.window.end);
            figure
                .lines
                .iter()
                .map(|line| {
                    let value = value_at(&line.points, at).filter(|v| !v.is_nan());
                    let down = value_at(&line.points, at).is_some_and(f64::is_nan);
                    let text = match value {
                        Some(v) => figure.unit.format(v),
                        None if down => "down".to_string(),
                        None => "–".to_string(),
                    };
                    let swatch = line.stroke.swatch(&Palette::css(palette.series(line.colour)));
                    view! {
                        <li data-series=line.label.clone() data-value=value.map(data_value)>
                            <span class="swatch" style=swatch></span>
                            {line.label.clone()} " " <b>{text}</b>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let at = move || {
        let at = cursor.0.get().or_else(|| figures.with(|f| f.as_ref().map(|f| f.window.end)));
        at.map(crate::members::clock).unwrap_or_default()
    };
    view! {
        <div class="legend" data-testid=format!("{}-legend", which.test_id())>
            <span class="muted at">{at}</span>
            <ul>{rows}</ul>
        </div>
    }
}

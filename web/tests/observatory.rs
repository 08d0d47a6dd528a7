//! The observatory's logic, compiled to wasm and run in the browser as the page runs it: chart
//! scales and thinning, timeline spans, and the server log's collapsing of repeated lines.

use playground_web::charts::scale::{thin, time_step, value_at, value_axis, TimeWindow};
use playground_web::server_log::collapse;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn value_axes_end_on_a_round_number_above_the_maximum() {
    assert_eq!(value_axis(17.0, 4), (20.0, 5.0));
    let quota = 16.0 * 1024.0 * 1024.0;
    let (top, step) = value_axis(quota * 1.05, 4);
    assert!(top >= quota * 1.05 && top <= quota * 1.05 + step, "{top} {step}");
    assert_eq!(value_axis(-3.0, 4), (1.0, 0.5));
}

#[wasm_bindgen_test]
fn time_axes_tick_on_clock_units() {
    assert_eq!(time_step(10 * 60_000_000, 5), 120_000_000);
    assert_eq!(time_step(3 * 3_600_000_000, 6), 1_800_000_000);
}

#[wasm_bindgen_test]
fn a_day_of_samples_thins_to_the_pixels_that_show_it_keeping_spikes() {
    let day: Vec<(u64, f64)> = (0..86_400u64).map(|s| (s * 1_000_000, (s % 60) as f64)).collect();
    let window = TimeWindow::new(0, 86_399_000_000);
    let mut spiky = day.clone();
    spiky[40_000].1 = 1e9;
    let thinned = thin(&spiky, window, 600);
    assert!(thinned.len() <= 1200, "{}", thinned.len());
    assert!(thinned.windows(2).all(|w| w[0].0 <= w[1].0));
    assert!(thinned.contains(&(40_000_000_000, 1e9)));
    assert_eq!(value_at(&day, 90_500_000), Some(30.0));
    assert_eq!(value_at(&day[1..], 0), None);
}

#[wasm_bindgen_test]
fn the_server_log_collapses_runs_of_one_line() {
    use playground_server::LogLine;
    let line = |member, msg: &str| LogLine {
        at_micros: 0,
        member,
        level: "warn",
        msg: msg.into(),
        fields: Vec::new(),
    };
    let lines: Vec<LogLine> = (0..9).map(|i| line(i % 3, "alarm raised")).chain([line(1, "other")]).collect();
    let runs = collapse(&lines);
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[0].count, runs[0].members.clone()), (9, vec![0, 1, 2]));
    assert_eq!(runs[1].count, 1);
}

#[wasm_bindgen_test]
fn the_timeline_joins_a_defrag_and_an_alarm_into_spans() {
    use playground_server::{Event, EventKind};
    use playground_web::timeline::items;
    let event = |seq, at, member: &str, kind| Event {
        seq,
        at_micros: at,
        member: Some(member.into()),
        command: Some("etcdctl defrag".into()),
        kind,
    };
    let events = [
        event(1, 5, "infra1", EventKind::AlarmRaised { alarm: "NOSPACE".into() }),
        event(2, 10, "infra1", EventKind::DefragStarted { size_before: 9 }),
        event(
            3,
            30,
            "infra1",
            EventKind::DefragFinished { size_before: 9, size_after: 1, blocked_micros: 20 },
        ),
    ];
    let shown = items(&events, 100);
    assert_eq!(shown.len(), 2);
    assert_eq!((shown[0].kind, shown[0].until), ("alarm", Some(100)), "an alarm not disarmed is open");
    assert_eq!((shown[1].kind, shown[1].at, shown[1].until), ("defrag", 10, Some(30)));
    assert_eq!(shown[1].command.as_deref(), Some("etcdctl defrag"));
}

#[wasm_bindgen_test]
fn the_history_ring_coarsens_into_a_fixed_budget_in_wasm() {
    use playground_server::observe::ring::Ring;
    use playground_server::Sample;
    let mut ring = Ring::new(10, 3);
    for i in 0..1000u64 {
        ring.push(Sample { at_micros: i * 1_000_000, span_micros: 0, members: Vec::new() });
    }
    let samples = ring.samples();
    assert!(samples.len() <= 30, "{}", samples.len());
    assert!(samples.windows(2).all(|w| w[0].at_micros < w[1].at_micros));
    assert_eq!(samples.last().unwrap().at_micros, 999_000_000);
    assert!(samples[0].span_micros > 0, "the oldest are merged");
}

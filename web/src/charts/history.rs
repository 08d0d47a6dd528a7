//! The charts' figures read off the engine's sampled history and event stream: db size against
//! size in use and the quota (alarm spans shaded, compactions marked, defrags as spans),
//! revision against compact revision, raft entries since the last snapshot against
//! `--snapshot-count` (the sawtooth, snapshots marked), and the mixin dashboard's Raft
//! Proposals, Total Leader Elections Per Day and Disk Sync Duration.

use playground_server::{Event, EventKind, MemberSample, Sample};

use super::figure::{Figure, Line, Mark, MarkKind, Span, SpanKind, Stroke, Unit};
use super::scale::TimeWindow;

/// The window of the mixin's leader elections panel (`changes(...[1d])`).
pub const ELECTIONS_WINDOW_MICROS: u64 = 24 * 3_600_000_000;

/// The charts, over one window.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub window: TimeWindow,
    pub members: Vec<String>,
    pub db_size: Figure,
    pub revision: Figure,
    pub raft_log: Figure,
    pub proposals: Figure,
    pub elections: Figure,
    pub disk_sync: Figure,
}

/// A figure of a member's sample (a plain function, not a closure: one copy of the code that
/// reads series serves every chart).
type Read = fn(&MemberSample) -> f64;
type Counter = fn(&MemberSample) -> u64;

/// One member's value in every sample (time-ordered), NaN while it was down; a sample missing
/// the member (added later, or removed) has no point.
fn series(samples: &[&Sample], member: &str, value: Read) -> Vec<(u64, f64)> {
    samples
        .iter()
        .filter_map(|s| {
            let m = s.members.iter().find(|m| m.name == member)?;
            Some((s.at_micros, if m.up { value(m) } else { f64::NAN }))
        })
        .collect()
}

/// A counter's rise per second of virtual time between a member's consecutive samples, each
/// rate at the later sample (held until the next, as a sampled gauge is). A merged sample's
/// counters are those at the end of its span, so two samples are timed end to end and a
/// coarse stretch reads as its average rate. Down (or absent) in either sample: NaN, a gap,
/// so a restart does not average the downtime in; a counter that fell (a restarted member
/// reloading an older index) reads 0, never negative.
pub fn rate(samples: &[&Sample], member: &str, counter: Counter) -> Vec<(u64, f64)> {
    let mut points = Vec::with_capacity(samples.len());
    let mut previous: Option<(u64, u64)> = None;
    for sample in samples {
        let Some(m) = sample.members.iter().find(|m| m.name == member) else {
            previous = None;
            continue;
        };
        let now = (sample.end_micros(), counter(m));
        let value = match previous.filter(|_| m.up) {
            Some((then, before)) if now.0 > then => {
                now.1.saturating_sub(before) as f64 / ((now.0 - then) as f64 / 1e6)
            }
            _ => f64::NAN,
        };
        points.push((sample.at_micros, value));
        previous = m.up.then_some(now);
    }
    points
}

/// A counter's increase over the `window` before each of a member's samples (the mixin's
/// `changes(...[1d])` of a counter that only rises): its value less its value at the last
/// sample a window earlier, or less zero while the history is younger than the window (the
/// playground's counters start with the cluster). NaN while the member was down.
pub fn increase(samples: &[&Sample], member: &str, window: u64, counter: Counter) -> Vec<(u64, f64)> {
    let mut points = Vec::with_capacity(samples.len());
    // The member's (end, counter) at every sample, to find each window's base.
    let mut seen: Vec<(u64, u64)> = Vec::with_capacity(samples.len());
    let mut base = 0;
    for sample in samples {
        let Some(m) = sample.members.iter().find(|m| m.name == member) else { continue };
        let end = sample.end_micros();
        seen.push((end, counter(m)));
        while base + 1 < seen.len() && seen[base + 1].0 + window <= end {
            base += 1;
        }
        let before = if seen[base].0 + window <= end { seen[base].1 } else { 0 };
        let value = if m.up { counter(m).saturating_sub(before) as f64 } else { f64::NAN };
        points.push((sample.at_micros, value));
    }
    points
}

/// The names of every member the samples hold, in the order they first appear.
fn member_names(samples: &[&Sample]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for sample in samples {
        for member in &sample.members {
            if !names.contains(&member.name) {
                names.push(member.name.clone());
            }
        }
    }
    names
}

/// A member's raft entries applied since its last snapshot. Samples alone would miss most teeth
/// of the sawtooth (a fill loop snapshots many times a second), so each snapshot the member
/// took adds its own two points: the entries it covered, then none.
pub fn since_snapshot(samples: &[&Sample], events: &[&Event], member: &str) -> Vec<(u64, f64)> {
    let sampled = samples.iter().filter_map(|s| {
        let m = s.members.iter().find(|m| m.name == member)?;
        let since = if m.up { m.applied_index.saturating_sub(m.snapshot_index) as f64 } else { f64::NAN };
        Some((s.at_micros, 2u8, since, m.snapshot_index))
    });
    let mut points: Vec<(u64, u8, f64, u64)> = sampled.collect();
    let mut taken: Vec<(u64, u64)> = events
        .iter()
        .filter(|e| e.member.as_deref() == Some(member))
        .filter_map(|e| match e.kind {
            EventKind::SnapshotTaken { index } => Some((e.at_micros, index)),
            _ => None,
        })
        .collect();
    taken.sort();
    for (n, &(at, index)) in taken.iter().enumerate() {
        // The snapshot before it: the previous one taken, else the last sample's.
        let previous = match n {
            0 => {
                let before = points.partition_point(|p| p.0 < at);
                (before > 0).then(|| points[before - 1].3)
            }
            _ => Some(taken[n - 1].1),
        };
        if let Some(previous) = previous {
            points.push((at, 0, index.saturating_sub(previous) as f64, previous));
        }
        points.push((at, 1, 0.0, index));
    }
    points.sort_by_key(|p| (p.0, p.1));
    points.into_iter().map(|(at, _, value, _)| (at, value)).collect()
}

/// Stretches where any member held an alarm (alarms are cluster-wide: every member applies them).
pub fn alarm_spans(samples: &[&Sample], now: u64) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut open: Option<u64> = None;
    for sample in samples {
        let alarmed = sample.members.iter().any(|m| !m.alarms.is_empty());
        match (alarmed, open) {
            (true, None) => open = Some(sample.at_micros),
            (false, Some(from)) => {
                spans.push(Span { from, to: sample.at_micros, kind: SpanKind::Alarm });
                open = None;
            }
            _ => {}
        }
    }
    if let Some(from) = open {
        spans.push(Span { from, to: now, kind: SpanKind::Alarm });
    }
    spans
}

/// Each defrag as the span it blocked its member, one still running reaching to `now`.
pub fn defrag_spans(events: &[&Event], now: u64) -> Vec<(Option<String>, Span)> {
    let mut spans: Vec<(Option<String>, Span)> = Vec::new();
    let mut running: Vec<(Option<String>, u64)> = Vec::new();
    for event in events {
        match &event.kind {
            EventKind::DefragStarted { .. } => running.push((event.member.clone(), event.at_micros)),
            EventKind::DefragFinished { blocked_micros, .. } => {
                let from = match running.iter().position(|(m, _)| *m == event.member) {
                    Some(i) => running.remove(i).1,
                    None => event.at_micros.saturating_sub(*blocked_micros),
                };
                let span = Span { from, to: event.at_micros.max(from), kind: SpanKind::Defrag };
                spans.push((event.member.clone(), span));
            }
            _ => {}
        }
    }
    spans.extend(running.into_iter().map(|(m, from)| (m, Span { from, to: now, kind: SpanKind::Defrag })));
    spans
}

fn marks(events: &[&Event], pick: impl Fn(&EventKind) -> Option<MarkKind>) -> Vec<Mark> {
    events.iter().filter_map(|e| pick(&e.kind).map(|kind| Mark { at: e.at_micros, kind })).collect()
}

/// The figures over the whole history up to `now`, or its last `last_micros` if given.
pub fn figures(
    samples: &[&Sample],
    events: &[&Event],
    snapshot_count: u64,
    now: u64,
    last_micros: Option<u64>,
) -> Figures {
    let first = samples.first().map_or(now, |s| s.at_micros);
    let start = match last_micros {
        Some(span) => now.saturating_sub(span).max(first),
        None => first,
    };
    let window = TimeWindow::new(start, now);
    let members = member_names(samples);
    let quota = samples.last().and_then(|s| s.members.iter().map(|m| m.quota).max()).unwrap_or(0);
    let compactions =
        marks(events, |k| matches!(k, EventKind::Compacted { .. }).then_some(MarkKind::Compaction));
    let snapshots =
        marks(events, |k| matches!(k, EventKind::SnapshotTaken { .. }).then_some(MarkKind::Snapshot));

    let mut db_lines = Vec::new();
    let mut revision_lines = Vec::new();
    let mut raft_lines = Vec::new();
    let mut proposal_lines = Vec::new();
    let mut election_lines = Vec::new();
    let mut sync_lines = Vec::new();
    for (i, name) in members.iter().enumerate() {
        let line = |what: &str, stroke: Stroke, points: Vec<(u64, f64)>| Line {
            label: format!("{name} {what}"),
            colour: i,
            stroke,
            points,
        };
        db_lines.push(line("db size", Stroke::Bold, series(samples, name, |m| m.db_size as f64)));
        db_lines.push(line("in use", Stroke::Faint, series(samples, name, |m| m.db_size_in_use as f64)));
        revision_lines.push(line("revision", Stroke::Bold, series(samples, name, |m| m.revision as f64)));
        revision_lines.push(line(
            "compact revision",
            Stroke::Faint,
            series(samples, name, |m| m.compact_revision as f64),
        ));
        raft_lines.push(line("entries since snapshot", Stroke::Bold, since_snapshot(samples, events, name)));
        // The mixin's legends: Proposal Commit Rate, Apply Rate, Failure Rate, Pending Total.
        proposal_lines.push(line("commit rate", Stroke::Bold, rate(samples, name, |m| m.raft_index)));
        proposal_lines.push(line("apply rate", Stroke::Faint, rate(samples, name, |m| m.applied_index)));
        proposal_lines.push(line(
            "failure rate",
            Stroke::Dashed,
            rate(samples, name, |m| m.proposals_failed),
        ));
        proposal_lines.push(line(
            "pending",
            Stroke::Dotted,
            series(samples, name, |m| m.proposals_pending as f64),
        ));
        election_lines.push(line(
            "leader elections",
            Stroke::Bold,
            increase(samples, name, ELECTIONS_WINDOW_MICROS, |m| m.leader_changes),
        ));
        sync_lines.push(line(
            "WAL fsync",
            Stroke::Bold,
            series(samples, name, |m| m.fsync_p99_micros as f64 / 1e6),
        ));
    }
    let mut db_spans = alarm_spans(samples, now);
    db_spans.extend(defrag_spans(events, now).into_iter().map(|(_, span)| span));
    Figures {
        window,
        members,
        db_size: Figure {
            unit: Unit::Bytes,
            lines: db_lines,
            limit: (quota > 0).then(|| (quota as f64, format!("quota {}", crate::members::size(quota)))),
            spans: db_spans,
            marks: compactions.clone(),
        },
        revision: Figure {
            unit: Unit::Count,
            lines: revision_lines,
            limit: None,
            spans: Vec::new(),
            marks: compactions,
        },
        raft_log: Figure {
            unit: Unit::Count,
            lines: raft_lines,
            limit: (snapshot_count > 0)
                .then(|| (snapshot_count as f64, format!("--snapshot-count {snapshot_count}"))),
            spans: Vec::new(),
            marks: snapshots,
        },
        proposals: Figure::plain(Unit::Short, proposal_lines),
        elections: Figure::plain(Unit::Count, election_lines),
        disk_sync: Figure::plain(Unit::Seconds, sync_lines),
    }
}

/// How many times a line stepped up (the compact revision moving with each compaction).
pub fn steps_up(points: &[(u64, f64)]) -> usize {
    points.windows(2).filter(|w| w[1].1 > w[0].1).count()
}

/// How many times a line dropped (the raft log after each snapshot: the sawtooth's teeth).
pub fn drops(points: &[(u64, f64)]) -> usize {
    points.windows(2).filter(|w| w[1].1 < w[0].1).count()
}

#[cfg(test)]
mod tests {
    use playground_server::MemberSample;

    use super::*;

    fn sample(at: u64, applied: u64, snapshot: u64, alarm: bool) -> Sample {
        let member = MemberSample {
            name: "infra1".into(),
            up: true,
            applied_index: applied,
            snapshot_index: snapshot,
            db_size: at * 10,
            quota: 1000,
            alarms: if alarm { vec!["NOSPACE".into()] } else { Vec::new() },
            ..MemberSample::default()
        };
        Sample { at_micros: at, span_micros: 0, members: vec![member] }
    }

    fn taken(at: u64, index: u64) -> Event {
        Event {
            seq: at,
            at_micros: at,
            member: Some("infra1".into()),
            command: None,
            kind: EventKind::SnapshotTaken { index },
        }
    }

    #[test]
    fn each_snapshot_is_a_tooth_even_between_samples() {
        let owned = [sample(0, 50, 0, false), sample(1_000_000, 330, 300, false)];
        let samples: Vec<&Sample> = owned.iter().collect();
        let events = [taken(300_000, 100), taken(600_000, 200), taken(900_000, 300)];
        let refs: Vec<&Event> = events.iter().collect();
        let points = since_snapshot(&samples, &refs, "infra1");
        assert_eq!(
            points,
            [
                (0, 50.0),
                (300_000, 100.0),
                (300_000, 0.0),
                (600_000, 100.0),
                (600_000, 0.0),
                (900_000, 100.0),
                (900_000, 0.0),
                (1_000_000, 30.0)
            ]
        );
        assert_eq!(drops(&points), 3);
    }

    /// A member's sample covering `[at, at + span]`, up or down, with its counters.
    fn counted(at: u64, span: u64, up: bool, index: u64, changes: u64) -> Sample {
        let member = MemberSample {
            name: "infra1".into(),
            up,
            raft_index: index,
            leader_changes: changes,
            ..MemberSample::default()
        };
        Sample { at_micros: at, span_micros: span, members: vec![member] }
    }

    const S: u64 = 1_000_000;

    #[test]
    fn rates_time_merged_samples_end_to_end() {
        // Ten entries a second throughout: a coarse sample of 8 s (merged, its counter that of
        // its end), then raw ones. Timed by their starts the first raw rate would read 10/8.
        let owned =
            [counted(0, 7 * S, true, 70, 0), counted(8 * S, 0, true, 80, 0), counted(9 * S, 0, true, 90, 0)];
        let samples: Vec<&Sample> = owned.iter().collect();
        let points = rate(&samples, "infra1", |m| m.raft_index);
        assert!(points[0].1.is_nan(), "no rate before the first sample");
        assert_eq!(&points[1..], [(8 * S, 10.0), (9 * S, 10.0)]);
        // Two coarse samples: the later one's average over its own span.
        let owned = [counted(0, 3 * S, true, 30, 0), counted(4 * S, 3 * S, true, 70, 0)];
        let samples: Vec<&Sample> = owned.iter().collect();
        assert_eq!(rate(&samples, "infra1", |m| m.raft_index)[1], (4 * S, 10.0));
    }

    #[test]
    fn rates_gap_across_a_restart_and_never_go_negative() {
        let owned = [
            counted(0, 0, true, 100, 0),
            counted(S, 0, false, 100, 0),
            counted(30 * S, 0, false, 100, 0),
            // Back up, caught up with what was committed while down: no rate yet, so the
            // downtime's entries are not read as one second's.
            counted(31 * S, 0, true, 400, 0),
            counted(32 * S, 0, true, 405, 0),
            // A counter that fell (an older index reloaded) reads 0.
            counted(33 * S, 0, true, 390, 0),
            counted(34 * S, 0, true, 392, 0),
        ];
        let samples: Vec<&Sample> = owned.iter().collect();
        let points = rate(&samples, "infra1", |m| m.raft_index);
        let values: Vec<f64> = points.iter().map(|p| p.1).collect();
        assert!(values[..4].iter().all(|v| v.is_nan()), "{values:?}");
        assert_eq!(&values[4..], [5.0, 0.0, 2.0]);
        assert!(rate(&samples, "infra9", |m| m.raft_index).is_empty());
    }

    #[test]
    fn leader_elections_count_the_changes_seen_in_the_last_day() {
        let hour = 3600 * S;
        let owned = [
            counted(0, 0, true, 0, 1),
            counted(hour, 0, true, 0, 2),
            counted(2 * hour, 0, false, 0, 2),
            // Merged samples hold the counter at their span's end.
            counted(3 * hour, 20 * hour, true, 0, 5),
            counted(26 * hour, 0, true, 0, 6),
        ];
        let samples: Vec<&Sample> = owned.iter().collect();
        let points = increase(&samples, "infra1", ELECTIONS_WINDOW_MICROS, |m| m.leader_changes);
        let values: Vec<f64> = points.iter().map(|p| p.1).collect();
        // Younger than a day: every change since the cluster started; down: a gap. At 26 h the
        // base is the last sample ending a day before or earlier (2 h: down, its counter at 2).
        assert_eq!(values[..2], [1.0, 2.0]);
        assert!(values[2].is_nan());
        assert_eq!(values[3..], [5.0, 4.0]);
    }

    #[test]
    fn alarm_spans_run_from_the_first_alarmed_sample_to_the_first_clear_one() {
        let owned = [
            sample(0, 0, 0, false),
            sample(10, 0, 0, true),
            sample(20, 0, 0, true),
            sample(30, 0, 0, false),
            sample(40, 0, 0, true),
        ];
        let samples: Vec<&Sample> = owned.iter().collect();
        let spans: Vec<(u64, u64)> = alarm_spans(&samples, 50).iter().map(|s| (s.from, s.to)).collect();
        assert_eq!(spans, [(10, 30), (40, 50)]);
        let figures = figures(&samples, &[], 100, 50, None);
        assert_eq!(figures.db_size.limit.as_ref().map(|l| l.0), Some(1000.0));
        assert_eq!(figures.db_size.spans.len(), 2);
        assert_eq!(figures.raft_log.limit.as_ref().map(|l| l.0), Some(100.0));
        assert_eq!(figures.members, ["infra1"]);
        let labels: Vec<&str> = figures.proposals.lines.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(
            labels,
            ["infra1 commit rate", "infra1 apply rate", "infra1 failure rate", "infra1 pending"]
        );
        assert_eq!(figures.elections.lines[0].label, "infra1 leader elections");
        assert_eq!(figures.disk_sync.unit, Unit::Seconds);
        assert_eq!(steps_up(&[(0, 1.0), (1, 1.0), (2, 3.0), (3, 5.0)]), 2);
    }
}

//! The charts' figures read off the engine's sampled history and event stream: db size against
//! size in use and the quota (alarm spans shaded, compactions marked, defrags as spans),
//! revision against compact revision, and raft entries since the last snapshot against
//! `--snapshot-count` (the sawtooth, snapshots marked).

use playground_server::{Event, EventKind, Sample};

use super::figure::{Figure, Line, Mark, MarkKind, Span, SpanKind, Unit};
use super::scale::TimeWindow;

/// The three charts, over one window.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub window: TimeWindow,
    pub members: Vec<String>,
    pub db_size: Figure,
    pub revision: Figure,
    pub raft_log: Figure,
}

/// One member's value in every sample (time-ordered), NaN while it was down; a sample missing
/// the member (added later, or removed) has no point.
fn series(samples: &[&Sample], member: &str, value: impl Fn(&playground_server::MemberSample) -> f64) -> Vec<(u64, f64)> {
    samples
        .iter()
        .filter_map(|s| {
            let m = s.members.iter().find(|m| m.name == member)?;
            Some((s.at_micros, if m.up { value(m) } else { f64::NAN }))
        })
        .collect()
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
pub fn figures(samples: &[&Sample], events: &[&Event], snapshot_count: u64, now: u64, last_micros: Option<u64>) -> Figures {
    let first = samples.first().map_or(now, |s| s.at_micros);
    let start = match last_micros {
        Some(span) => now.saturating_sub(span).max(first),
        None => first,
    };
    let window = TimeWindow::new(start, now);
    let members = member_names(samples);
    let quota = samples.last().and_then(|s| s.members.iter().map(|m| m.quota).max()).unwrap_or(0);
    let compactions = marks(events, |k| matches!(k, EventKind::Compacted { .. }).then_some(MarkKind::Compaction));
    let snapshots = marks(events, |k| matches!(k, EventKind::SnapshotTaken { .. }).then_some(MarkKind::Snapshot));

    let mut db_lines = Vec::new();
    let mut revision_lines = Vec::new();
    let mut raft_lines = Vec::new();
    for (i, name) in members.iter().enumerate() {
        db_lines.push(Line { label: format!("{name} db size"), colour: i, faint: false, points: series(samples, name, |m| m.db_size as f64) });
        db_lines.push(Line { label: format!("{name} in use"), colour: i, faint: true, points: series(samples, name, |m| m.db_size_in_use as f64) });
        revision_lines.push(Line { label: format!("{name} revision"), colour: i, faint: false, points: series(samples, name, |m| m.revision as f64) });
        revision_lines.push(Line { label: format!("{name} compact revision"), colour: i, faint: true, points: series(samples, name, |m| m.compact_revision as f64) });
        raft_lines.push(Line {
            label: format!("{name} entries since snapshot"),
            colour: i,
            faint: false,
            points: since_snapshot(samples, events, name),
        });
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
        revision: Figure { unit: Unit::Count, lines: revision_lines, limit: None, spans: Vec::new(), marks: compactions },
        raft_log: Figure {
            unit: Unit::Count,
            lines: raft_lines,
            limit: (snapshot_count > 0).then(|| (snapshot_count as f64, format!("--snapshot-count {snapshot_count}"))),
            spans: Vec::new(),
            marks: snapshots,
        },
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
        Event { seq: at, at_micros: at, member: Some("infra1".into()), command: None, kind: EventKind::SnapshotTaken { index } }
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
            [(0, 50.0), (300_000, 100.0), (300_000, 0.0), (600_000, 100.0), (600_000, 0.0), (900_000, 100.0), (900_000, 0.0), (1_000_000, 30.0)]
        );
        assert_eq!(drops(&points), 3);
    }

    #[test]
    fn alarm_spans_run_from_the_first_alarmed_sample_to_the_first_clear_one() {
        let owned = [sample(0, 0, 0, false), sample(10, 0, 0, true), sample(20, 0, 0, true), sample(30, 0, 0, false), sample(40, 0, 0, true)];
        let samples: Vec<&Sample> = owned.iter().collect();
        let spans: Vec<(u64, u64)> = alarm_spans(&samples, 50).iter().map(|s| (s.from, s.to)).collect();
        assert_eq!(spans, [(10, 30), (40, 50)]);
        let figures = figures(&samples, &[], 100, 50, None);
        assert_eq!(figures.db_size.limit.as_ref().map(|l| l.0), Some(1000.0));
        assert_eq!(figures.db_size.spans.len(), 2);
        assert_eq!(figures.raft_log.limit.as_ref().map(|l| l.0), Some(100.0));
        assert_eq!(figures.members, ["infra1"]);
        assert_eq!(steps_up(&[(0, 1.0), (1, 1.0), (2, 3.0), (3, 5.0)]), 2);
    }
}

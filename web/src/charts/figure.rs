//! What one chart shows, as plain data (lines, shaded spans, marks), and its drawing on a canvas
//! through plotters. Building a [`Figure`] from the history is [`super::history`]'s job; this
//! file only knows how to draw one.

use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use super::palette::Palette;
use super::scale::{thin, time_step, value_axis, TimeWindow};
use crate::members::{clock, size};

/// The plot area's margins in CSS pixels: the value labels' width on the left, room for the
/// last time label on the right. Hovering maps x to time through them.
pub const PLOT_LEFT: f64 = 58.0;
pub const PLOT_RIGHT: f64 = 28.0;

/// How a chart's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    /// Whole numbers.
    Count,
    /// Grafana's `short`: plain numbers, fractions kept (rates per second beside a count).
    Short,
    /// Grafana's `s`: durations, read in µs, ms or s.
    Seconds,
}

impl Unit {
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Bytes => size(value.max(0.0) as u64),
            Unit::Count | Unit::Short if value.abs() >= 10_000.0 => format!("{:.0}k", value / 1000.0),
            Unit::Count => format!("{value:.0}"),
            Unit::Short => decimals(value),
            Unit::Seconds if value == 0.0 => "0 s".to_string(),
            Unit::Seconds if value.abs() < 1e-3 => format!("{} µs", decimals(value * 1e6)),
            Unit::Seconds if value.abs() < 1.0 => format!("{} ms", decimals(value * 1e3)),
            Unit::Seconds => format!("{} s", decimals(value)),
        }
    }
}

/// Three significant figures at most, without trailing zeros: 3, 0.25, 12.5, 600.
fn decimals(value: f64) -> String {
    let places = match value.abs() {
        v if v >= 100.0 => 0,
        v if v >= 10.0 => 1,
        _ => 2,
    };
    let text = format!("{value:.places$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// How a line is drawn: a member's main figure bold, a secondary one of the same member
/// fainter (size in use beside db size), further ones dashed or dotted (a failure rate and
/// pending proposals beside the commit and apply rates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    Bold,
    Faint,
    Dashed,
    Dotted,
}

impl Stroke {
    pub fn is_faint(self) -> bool {
        self != Stroke::Bold
    }

    /// The legend's swatch for a line of `colour` (CSS).
    pub fn swatch(self, colour: &str) -> String {
        match self {
            Stroke::Bold => format!("background: {colour}"),
            Stroke::Faint => format!("background: {colour}; opacity: 0.55"),
            Stroke::Dashed => format!("border-top: 2px dashed {colour}; height: 0"),
            Stroke::Dotted => format!("border-top: 2px dotted {colour}; height: 0"),
        }
    }
}

/// One series: a member's figure over time (`points` time-ordered, held until the next point).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    /// Index into the palette's series colours (one per member).
    pub colour: usize,
    pub stroke: Stroke,
    /// NaN where the member was down (no figures to read).
    pub points: Vec<(u64, f64)>,
}

/// A stretch of time shaded behind the lines: an alarm raised until disarmed, a defrag blocking.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub from: u64,
    pub to: u64,
    pub kind: SpanKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    Alarm,
    Defrag,
}

/// An instant marked with a thin vertical line: a compaction, a raft snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub at: u64,
    pub kind: MarkKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    Compaction,
    Snapshot,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub unit: Unit,
    pub lines: Vec<Line>,
    /// A horizontal limit drawn across (the quota, `--snapshot-count`), with its label.
    pub limit: Option<(f64, String)>,
    pub spans: Vec<Span>,
    pub marks: Vec<Mark>,
}

impl Figure {
    /// A figure of lines only: no limit, spans or marks.
    pub fn plain(unit: Unit, lines: Vec<Line>) -> Figure {
        Figure { unit, lines, limit: None, spans: Vec::new(), marks: Vec::new() }
    }

    /// The largest value to fit: every line and the limit.
    pub fn max(&self) -> f64 {
        let lines = self.lines.iter().flat_map(|l| l.points.iter().map(|p| p.1));
        lines.chain(self.limit.as_ref().map(|l| l.0)).fold(0.0, f64::max)
    }
}

/// Draws `figure` over `window` on `canvas`, sized to its CSS box at the device's pixel ratio,
/// with the shared cursor's instant as a vertical rule.
pub fn draw(
    canvas: &HtmlCanvasElement,
    figure: &Figure,
    window: TimeWindow,
    cursor: Option<u64>,
    palette: &Palette,
) -> Result<(), String> {
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
    let css_width = canvas.client_width().max(100) as f64;
    let css_height = canvas.client_height().max(60) as f64;
    canvas.set_width((css_width * ratio) as u32);
    canvas.set_height((css_height * ratio) as u32);
    let px = |css: f64| (css * ratio).round() as u32;
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&palette.background).map_err(|e| e.to_string())?;

    // A limit far above the lines (the 2 GiB default quota over a few kB) would flatten them: it
    // is left off the scale and named in a corner instead.
    let lines_max = figure.lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)).fold(0.0, f64::max);
    let off_scale = figure.limit.as_ref().filter(|(limit, _)| *limit > 4.0 * lines_max.max(1.0));
    let fit = if off_scale.is_some() { lines_max } else { figure.max() };
    // Counts are whole: a small count's axis runs to at least 4, so no tick falls between two.
    let fit = if figure.unit == Unit::Count { fit.max(4.0) } else { fit };
    let (top, _) = value_axis(fit * 1.05, 4);
    let ticks = time_ticks(window, 6);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(px(6.0))
        .margin_right(px(PLOT_RIGHT))
        .x_label_area_size(px(18.0))
        .y_label_area_size(px(PLOT_LEFT))
        .build_cartesian_2d((window.start..window.end).with_key_points(ticks), 0f64..top)
        .map_err(|e| e.to_string())?;
    let font = ("monospace", 10.5 * ratio).into_font().color(&palette.muted);
    let unit = figure.unit;
    chart
        .configure_mesh()
        .y_labels(5)
        .x_label_formatter(&|at| clock(*at))
        .y_label_formatter(&|v| unit.format(*v))
        .label_style(font.clone())
        .axis_style(palette.border)
        .bold_line_style(palette.grid)
        .light_line_style(palette.background)
        .draw()
        .map_err(|e| e.to_string())?;

    let spans = figure.spans.iter().map(|span| {
        let colour = match span.kind {
            SpanKind::Alarm => palette.alarm.mix(0.22),
            SpanKind::Defrag => palette.defrag.mix(0.30),
        };
        Rectangle::new([(span.from.max(window.start), 0.0), (span.to.min(window.end), top)], colour.filled())
    });
    chart.draw_series(spans).map_err(|e| e.to_string())?;
    // A faint rule through the chart for each mark, and the mark's colour as a dot on top.
    let shown: Vec<&Mark> =
        figure.marks.iter().filter(|m| m.at >= window.start && m.at <= window.end).collect();
    let rule_style = palette.muted.mix(0.35).stroke_width(px(1.0));
    let rules = shown.iter().map(|mark| PathElement::new(vec![(mark.at, 0.0), (mark.at, top)], rule_style));
    chart.draw_series(rules).map_err(|e| e.to_string())?;
    let dots = shown.iter().map(|mark| {
        let colour = match mark.kind {
            MarkKind::Compaction => palette.compaction,
            MarkKind::Snapshot => palette.snapshot,
        };
        Circle::new((mark.at, top), px(3.0), colour.filled())
    });
    chart.draw_series(dots).map_err(|e| e.to_string())?;
    if let Some((_, label)) = off_scale {
        let text =
            Text::new(format!("{label} (above)"), (window.start, top), font.clone().color(&palette.limit));
        chart.draw_series(std::iter::once(text)).map_err(|e| e.to_string())?;
    } else if let Some((limit, label)) = &figure.limit {
        let style = palette.limit.stroke_width(px(1.0));
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(window.start, *limit), (window.end, *limit)],
                style,
            )))
            .map_err(|e| e.to_string())?;
        let text = Text::new(label.clone(), (window.start, *limit), font.clone().color(&palette.limit));
        chart.draw_series(std::iter::once(text)).map_err(|e| e.to_string())?;
    }
    let buckets = css_width as usize;
    for line in &figure.lines {
        let colour = palette.series(line.colour);
        let style = match line.stroke {
            Stroke::Bold => colour.stroke_width(px(1.6)),
            Stroke::Faint => colour.mix(0.55).stroke_width(px(1.0)),
            Stroke::Dashed | Stroke::Dotted => colour.stroke_width(px(1.2)),
        };
        // Dash and gap lengths in device pixels.
        let pattern = match line.stroke {
            Stroke::Dashed => Some((5.0 * ratio, 3.0 * ratio)),
            Stroke::Dotted => Some((1.5 * ratio, 2.5 * ratio)),
            _ => None,
        };
        for (run, end) in runs(&line.points, window.end) {
            let points = steps(&thin(run, window, buckets), end);
            let Some((on, off)) = pattern else {
                chart.draw_series(LineSeries::new(points, style)).map_err(|e| e.to_string())?;
                continue;
            };
            // Dashes as plain paths, the element the rules use: no second series type to ship.
            let (width, height) = chart.plotting_area().dim_in_pixel();
            let scale = (
                (window.end - window.start) as f64 / f64::from(width.max(1)),
                top / f64::from(height.max(1)),
            );
            for dash in dashes(&points, scale, on, off) {
                chart
                    .draw_series(std::iter::once(PathElement::new(dash, style)))
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    if let Some(at) = cursor.filter(|at| *at >= window.start && *at <= window.end) {
        let rule = PathElement::new(vec![(at, 0.0), (at, top)], palette.text.mix(0.6).stroke_width(px(1.0)));
        chart.draw_series(std::iter::once(rule)).map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

/// The stretches of a line between gaps (a member down has no figures: NaN), each with where
/// it ends: the gap's start, or `end`.
pub fn runs(points: &[(u64, f64)], end: u64) -> Vec<(&[(u64, f64)], u64)> {
    let mut runs = Vec::new();
    let mut start = 0;
    for (i, point) in points.iter().enumerate() {
        if point.1.is_nan() {
            if i > start {
                runs.push((&points[start..i], point.0));
            }
            start = i + 1;
        }
    }
    if start < points.len() {
        runs.push((&points[start..], end));
    }
    runs
}

/// `points` (a polyline) cut into dashes `on` pixels long with gaps of `off`, where `scale` is
/// the time and the value one pixel spans along x and y.
fn dashes(points: &[(u64, f64)], scale: (f64, f64), on: f64, off: f64) -> Vec<Vec<(u64, f64)>> {
    let mut out = Vec::new();
    let mut dash: Vec<(u64, f64)> = Vec::new();
    // How far into the current dash-and-gap period the pen is, in pixels.
    let mut phase = 0.0;
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (dx, dy) = ((b.0 - a.0) as f64 / scale.0, (b.1 - a.1) / scale.1);
        let length = dx.hypot(dy);
        let at = |t: f64| (a.0 + ((b.0 - a.0) as f64 * t / length) as u64, a.1 + (b.1 - a.1) * t / length);
        let mut t = 0.0;
        while t < length {
            let drawing = phase < on;
            let step = if drawing { on - phase } else { on + off - phase }.min(length - t);
            if drawing && dash.is_empty() {
                dash.push(at(t));
            }
            t += step;
            phase += step;
            if drawing {
                dash.push(at(t));
                if phase >= on {
                    out.push(std::mem::take(&mut dash));
                }
            } else if phase >= on + off {
                phase = 0.0;
            }
        }
    }
    if dash.len() > 1 {
        out.push(dash);
    }
    out
}

/// A sampled gauge holds its value until the next sample: drawn as steps, and carried to `end`.
fn steps(points: &[(u64, f64)], end: u64) -> Vec<(u64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2 + 1);
    for (i, &(at, value)) in points.iter().enumerate() {
        if i > 0 {
            out.push((at, points[i - 1].1));
        }
        out.push((at, value));
    }
    if let Some(&(at, value)) = points.last() {
        if at < end {
            out.push((end, value));
        }
    }
    out
}

/// Ticks on whole clock units across the window.
fn time_ticks(window: TimeWindow, count: usize) -> Vec<u64> {
    let step = time_step(window.end - window.start, count);
    let first = window.start.div_ceil(step) * step;
    (0..).map(|i| first + i * step).take_while(|t| *t <= window.end).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_breaks_where_its_member_was_down() {
        let points = [(0, 1.0), (10, 2.0), (20, f64::NAN), (30, f64::NAN), (40, 5.0)];
        let runs = runs(&points, 100);
        assert_eq!(runs.len(), 2);
        assert_eq!((runs[0].0, runs[0].1), (&points[..2], 20));
        assert_eq!((runs[1].0, runs[1].1), (&points[4..], 100));
        assert!(super::super::scale::value_at(&points, 35).is_some_and(f64::is_nan));
        // A gauge holds until the next sample, then carries to the end.
        assert_eq!(steps(&[(0, 1.0), (10, 2.0)], 30), vec![(0, 1.0), (10, 1.0), (10, 2.0), (30, 2.0)]);
        assert_eq!(Unit::Count.format(12_345.0), "12k");
        assert_eq!(Unit::Bytes.format(16.0 * 1024.0 * 1024.0), "17 MB");
    }

    #[test]
    fn dashes_follow_the_line_around_its_steps() {
        // A step 10 px along, 10 px up and 10 px along: dashes of 4 with gaps of 2.
        let points = [(0, 0.0), (10, 0.0), (10, 10.0), (20, 10.0)];
        let cut = dashes(&points, (1.0, 1.0), 4.0, 2.0);
        assert_eq!(cut[0], [(0, 0.0), (4, 0.0)]);
        assert_eq!(cut[1], [(6, 0.0), (10, 0.0)]);
        // A dash turns the corner with the line.
        assert_eq!(cut[2], [(10, 2.0), (10, 6.0)]);
        assert_eq!(cut[3], [(10, 8.0), (10, 10.0), (12, 10.0)]);
        assert_eq!(cut.len(), 5);
        assert_eq!(cut[4], [(14, 10.0), (18, 10.0)]);
        assert!(dashes(&points[..1], (1.0, 1.0), 4.0, 2.0).is_empty());
    }

    #[test]
    fn rates_and_durations_read_as_grafana_shows_them() {
        assert_eq!(Unit::Short.format(3.0), "3");
        assert_eq!(Unit::Short.format(0.25), "0.25");
        assert_eq!(Unit::Short.format(12.52), "12.5");
        assert_eq!(Unit::Short.format(1.0 / 3.0), "0.33");
        assert_eq!(Unit::Seconds.format(0.002), "2 ms");
        assert_eq!(Unit::Seconds.format(0.6), "600 ms");
        assert_eq!(Unit::Seconds.format(1.5), "1.5 s");
        assert_eq!(Unit::Seconds.format(0.0005), "500 µs");
        assert_eq!(Unit::Seconds.format(0.0), "0 s");
    }
}

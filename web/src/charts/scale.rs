//! The arithmetic under the charts, kept apart from drawing so it is tested without a canvas:
//! the time window, value ranges with round ticks, and thinning a series to the pixels that
//! show it.

/// The span of virtual time a chart shows, in microseconds; never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    pub start: u64,
    pub end: u64,
}

impl TimeWindow {
    /// The window from `start` to `end`; a zero-length window is widened to one second so a
    /// single sample still has somewhere to stand.
    pub fn new(start: u64, end: u64) -> TimeWindow {
        let end = end.max(start.saturating_add(1_000_000));
        TimeWindow { start, end }
    }

    /// Where `at` falls across `width` pixels (outside the window it lands outside `0..=width`).
    pub fn x(&self, at: u64, width: f64) -> f64 {
        (at as f64 - self.start as f64) / (self.end - self.start) as f64 * width
    }

    /// The instant under pixel `x` of `width`, clamped to the window.
    pub fn at(&self, x: f64, width: f64) -> u64 {
        if width <= 0.0 {
            return self.start;
        }
        let fraction = (x / width).clamp(0.0, 1.0);
        self.start + ((self.end - self.start) as f64 * fraction).round() as u64
    }
}

/// A value axis from zero (every figure charted is a size or a count) to a round number at or
/// above `max`, with the tick step that divides it into at most `ticks` parts.
pub fn value_axis(max: f64, ticks: usize) -> (f64, f64) {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let step = nice_step(max / ticks.max(1) as f64);
    ((max / step).ceil() * step, step)
}

/// The smallest of 1, 2 and 5 times a power of ten at or above `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    for factor in [1.0, 2.0, 5.0, 10.0] {
        if factor * magnitude >= raw * (1.0 - 1e-9) {
            return factor * magnitude;
        }
    }
    10.0 * magnitude
}

/// A tick step for a time axis of `span` microseconds: a whole number of seconds, minutes or
/// hours, so labels read as clock times.
pub fn time_step(span: u64, ticks: usize) -> u64 {
    const STEPS: [u64; 14] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 2 * 3600];
    let raw = span / ticks.max(1) as u64;
    STEPS
        .iter()
        .map(|s| s * 1_000_000)
        .find(|&s| s >= raw)
        .unwrap_or_else(|| raw.div_ceil(3_600_000_000) * 3_600_000_000)
}

/// Thins `points` (time-ordered) to at most two per bucket of `buckets` across `window`: the
/// lowest and highest of each, in time order, so a spike or a drop narrower than a pixel still
/// shows. Points outside the window are dropped, except the last one before it, which carries
/// the line in from the left edge.
pub fn thin(points: &[(u64, f64)], window: TimeWindow, buckets: usize) -> Vec<(u64, f64)> {
    let buckets = buckets.max(1);
    let first = points.partition_point(|(at, _)| *at < window.start);
    let mut out = Vec::with_capacity(buckets * 2 + 1);
    if first > 0 {
        out.push(points[first - 1]);
    }
    let mut current: Option<Bucket> = None;
    for &(at, value) in &points[first..] {
        if at > window.end {
            break;
        }
        let index = ((window.x(at, 1.0) * buckets as f64) as usize).min(buckets - 1);
        match &mut current {
            Some(bucket) if bucket.index == index => {
                if value < bucket.low.1 {
                    bucket.low = (at, value);
                }
                if value > bucket.high.1 {
                    bucket.high = (at, value);
                }
            }
            _ => {
                if let Some(done) = current.take() {
                    push_pair(&mut out, done.low, done.high);
                }
                current = Some(Bucket { index, low: (at, value), high: (at, value) });
            }
        }
    }
    if let Some(done) = current {
        push_pair(&mut out, done.low, done.high);
    }
    out
}

/// The lowest and highest point of one pixel's worth of a series.
struct Bucket {
    index: usize,
    low: (u64, f64),
    high: (u64, f64),
}

fn push_pair(out: &mut Vec<(u64, f64)>, low: (u64, f64), high: (u64, f64)) {
    if low == high {
        out.push(low);
    } else if low.0 <= high.0 {
        out.extend([low, high]);
    } else {
        out.extend([high, low]);
    }
}

/// The value a step series (time-ordered) holds at `at`: the last point at or before it.
pub fn value_at(points: &[(u64, f64)], at: u64) -> Option<f64> {
    let i = points.partition_point(|(t, _)| *t <= at);
    (i > 0).then(|| points[i - 1].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers_covering_the_maximum() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(1.3), 2.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(2_000_000.0), 2_000_000.0);
        assert_eq!(value_axis(17.0, 4), (20.0, 5.0));
        assert_eq!(value_axis(0.0, 4), (1.0, 0.5));
        assert_eq!(value_axis(f64::NAN, 4), (1.0, 0.5));
        let (top, step) = value_axis(16.0 * 1024.0 * 1024.0, 4);
        assert!(top >= 16.0 * 1024.0 * 1024.0 && step == 5_000_000.0);
    }

    #[test]
    fn time_ticks_are_clock_units() {
        assert_eq!(time_step(60_000_000, 6), 10_000_000);
        assert_eq!(time_step(3 * 3_600_000_000, 6), 1_800_000_000);
        assert_eq!(time_step(48 * 3_600_000_000, 6), 8 * 3_600_000_000);
    }

    #[test]
    fn the_window_maps_time_to_pixels_and_back() {
        let window = TimeWindow::new(1_000_000, 11_000_000);
        assert_eq!(window.x(6_000_000, 200.0), 100.0);
        assert_eq!(window.at(100.0, 200.0), 6_000_000);
        assert_eq!(window.at(-5.0, 200.0), 1_000_000);
        assert_eq!(window.at(500.0, 200.0), 11_000_000);
        assert_eq!(TimeWindow::new(5, 5).end, 1_000_005);
    }

    #[test]
    fn thinning_keeps_each_buckets_extremes_in_time_order() {
        let points: Vec<(u64, f64)> = (0..1000).map(|i| (i * 1000, (i % 10) as f64)).collect();
        let window = TimeWindow::new(0, 999_000);
        let thinned = thin(&points, window, 50);
        assert!(thinned.len() <= 100, "{}", thinned.len());
        assert!(thinned.windows(2).all(|w| w[0].0 <= w[1].0));
        assert_eq!(thinned.iter().map(|p| p.1).fold(f64::MIN, f64::max), 9.0);
        assert_eq!(thinned.iter().map(|p| p.1).fold(f64::MAX, f64::min), 0.0);
        // A one-sample spike survives thinning.
        let mut spiky = points.clone();
        spiky[500].1 = 100.0;
        assert!(thin(&spiky, window, 50).iter().any(|p| p.1 == 100.0));
    }

    #[test]
    fn thinning_carries_the_line_in_from_before_the_window() {
        let points = [(0, 1.0), (10, 2.0), (20, 3.0), (30, 4.0)];
        let thinned = thin(&points, TimeWindow { start: 15, end: 25 }, 10);
        assert_eq!(thinned, vec![(10, 2.0), (20, 3.0)]);
        assert_eq!(value_at(&points, 25), Some(3.0));
        assert_eq!(value_at(&points, 0), Some(1.0));
        assert_eq!(thin(&[], TimeWindow::new(0, 10), 10), vec![]);
    }
}

//! The figures a benchmark prints, read back from its output, and their medians side by side.
//! A figure line is `LABEL: NUMBER UNIT ...` (the guide bench's and its wasm twin's format);
//! a `(NUMBER s filling)` in it is a second figure, the fill loop alone.

use std::collections::BTreeMap;

/// One printed figure: what it measures, its unit, its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub label: String,
    pub unit: String,
    pub value: f64,
}

/// The figures in `output`, in the order printed.
pub fn parse(output: &str) -> Vec<Figure> {
    let mut figures = Vec::new();
    for line in output.lines() {
        let Some((label, rest)) = split_figure(line) else { continue };
        let mut words = rest.split_whitespace();
        let (Some(value), Some(unit)) = (words.next().and_then(|w| w.parse().ok()), words.next()) else {
            continue;
        };
        figures.push(Figure { label: label.to_string(), unit: unit.to_string(), value });
        if let Some(filling) = rest.split('(').nth(1).and_then(|p| p.strip_suffix(" s filling)")) {
            if let Ok(value) = filling.trim().parse() {
                let label = format!("{label} (filling only)");
                figures.push(Figure { label, unit: "s".into(), value });
            }
        }
    }
    figures
}

/// `LABEL: REST` where REST starts with a number; the first such colon of the line.
fn split_figure(line: &str) -> Option<(&str, &str)> {
    let mut from = 0;
    while let Some(at) = line[from..].find(':') {
        let (label, rest) = (&line[..from + at], line[from + at + 1..].trim_start());
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Some((label.trim(), rest));
        }
        from += at + 1;
    }
    None
}

/// Every run's values for each figure, keyed by label, in first-seen order.
#[derive(Default)]
pub struct Samples {
    order: Vec<(String, String)>,
    values: BTreeMap<String, Vec<f64>>,
}

impl Samples {
    pub fn add(&mut self, figures: &[Figure]) {
        for figure in figures {
            if !self.values.contains_key(&figure.label) {
                self.order.push((figure.label.clone(), figure.unit.clone()));
            }
            self.values.entry(figure.label.clone()).or_default().push(figure.value);
        }
    }

    fn get(&self, label: &str) -> &[f64] {
        self.values.get(label).map(Vec::as_slice).unwrap_or(&[])
    }
}

pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// Old and new medians side by side, with new/old and each side's spread (min..max).
pub fn print_table(title: &str, old_name: &str, old: &Samples, new: &Samples) {
    println!("\n{title}");
    println!(
        "  {:<68} {:>14} {:>12} {:>9}   spread old | new (min..max)",
        "figure (median)",
        format!("old {old_name}"),
        "new",
        "new/old"
    );
    let mut order = old.order.clone();
    order.extend(new.order.iter().filter(|entry| !old.order.contains(entry)).cloned());
    for (label, unit) in order {
        let (a, b) = (old.get(&label), new.get(&label));
        let ratio = match (median(a), median(b)) {
            (Some(x), Some(y)) if x != 0.0 => format!("{:.3}", y / x),
            _ => "-".into(),
        };
        // For times lower is better, for rates higher.
        let better = if unit == "s" { "lower is better" } else { "higher is better" };
        println!(
            "  {:<68} {:>14} {:>12} {:>9}   {} | {}   ({unit}, {better}, runs {}|{})",
            label,
            show(median(a)),
            show(median(b)),
            ratio,
            spread(a),
            spread(b),
            a.len(),
            b.len()
        );
    }
}

fn show(value: Option<f64>) -> String {
    match value {
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.3}"),
        None => "-".into(),
    }
}

fn spread(values: &[f64]) -> String {
    let min = values.iter().copied().min_by(f64::total_cmp);
    let max = values.iter().copied().max_by(f64::total_cmp);
    format!("{}..{}", show(min), show(max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_guide_bench_lines() {
        let output = "puts through the 3-member virtual cluster, 1 client:       1234 puts/s   (20000 x 256 B, 1.00 s)\n\
            the guide's 16 MiB fill loop + recovery, playground:       0.512 s of wall time (0.400 s filling)\n\
            wasm: the guide's 16 MiB fill loop + recovery: 0.700 s of wall time\n\
            running 1 test\n";
        let figures = parse(output);
        let labels: Vec<_> = figures.iter().map(|f| (f.label.as_str(), f.unit.as_str(), f.value)).collect();
        assert_eq!(
            labels,
            [
                ("puts through the 3-member virtual cluster, 1 client", "puts/s", 1234.0),
                ("the guide's 16 MiB fill loop + recovery, playground", "s", 0.512),
                ("the guide's 16 MiB fill loop + recovery, playground (filling only)", "s", 0.4),
                ("wasm: the guide's 16 MiB fill loop + recovery", "s", 0.7),
            ]
        );
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}

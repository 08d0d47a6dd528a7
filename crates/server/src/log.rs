//! The members' server logs, in etcd 3.5's zap JSON form, stamped with virtual time. The
//! terminal's `etcd` prints them; the UI's timeline reads them.

use std::cell::RefCell;
use std::rc::Rc;

/// The virtual clock's zero, as wall time: 2026-01-01T00:00:00Z (seconds since the Unix epoch).
pub const EPOCH_UNIX_SECONDS: u64 = 1_767_225_600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at_micros: u64,
    pub member: u64,
    pub level: &'static str,
    pub msg: String,
    pub fields: Vec<(&'static str, String)>,
}

/// A shared, append-only log the members write to.
#[derive(Debug, Clone, Default)]
pub struct Log {
    lines: Rc<RefCell<Vec<LogLine>>>,
    now: Rc<RefCell<u64>>,
}

impl Log {
    pub fn set_now(&self, micros: u64) {
        *self.now.borrow_mut() = micros;
    }

    pub fn push(&self, member: u64, level: &'static str, msg: &str, fields: &[(&'static str, String)]) {
        let at_micros = *self.now.borrow();
        self.lines.borrow_mut().push(LogLine {
            at_micros,
            member,
            level,
            msg: msg.into(),
            fields: fields.to_vec(),
        });
    }

    /// A line stamped with the virtual time it happened at (events the world reports later).
    pub fn push_at(&self, at_micros: u64, member: u64, msg: &str, fields: &[(&'static str, String)]) {
        let line = LogLine { at_micros, member, level: "info", msg: msg.into(), fields: fields.to_vec() };
        let mut lines = self.lines.borrow_mut();
        // Kept in time order: after every line stamped at or before it.
        let at = lines.partition_point(|l| l.at_micros <= at_micros);
        lines.insert(at, line);
    }

    pub fn info(&self, member: u64, msg: &str, fields: &[(&'static str, String)]) {
        self.push(member, "info", msg, fields);
    }

    pub fn warn(&self, member: u64, msg: &str, fields: &[(&'static str, String)]) {
        self.push(member, "warn", msg, fields);
    }

    pub fn len(&self) -> usize {
        self.lines.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Lines from `from` on.
    pub fn since(&self, from: usize) -> Vec<LogLine> {
        self.lines.borrow().get(from..).map(<[LogLine]>::to_vec).unwrap_or_default()
    }
}

/// `2026-01-01T00:00:00.000Z` for a virtual time.
pub fn timestamp(micros: u64) -> String {
    let seconds = EPOCH_UNIX_SECONDS + micros / 1_000_000;
    let millis = (micros / 1000) % 1000;
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// `text` as a JSON string literal, escaped as zap's JSON encoder escapes it (no HTML
/// escapes, unlike Go's `encoding/json`: this is why zap lines are not written through
/// serde with the Go formatter).
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A field's value in a zap line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZapValue<'a> {
    Str(&'a str),
    /// A number, written as given (zap's epoch-float timestamps, counts).
    Number(&'a str),
    /// A list of strings (`["http://localhost:2380"]`).
    Strs(&'a [String]),
}

fn zap_value(out: &mut String, value: &ZapValue<'_>, separator: &str) {
    match value {
        ZapValue::Str(text) => out.push_str(&json_string(text)),
        ZapValue::Number(number) => out.push_str(number),
        ZapValue::Strs(items) => {
            out.push('[');
            for (at, item) in items.iter().enumerate() {
                if at > 0 {
                    out.push_str(separator);
                }
                out.push_str(&json_string(item));
            }
            out.push(']');
        }
    }
}

/// One line of zap's console encoder, as etcdutl logs (no newline): the time to the second,
/// level, caller and message tab-separated, then the fields as JSON with spaces after `:` and
/// `,` (left out when there are none).
pub fn zap_console_line(
    at_micros: u64,
    level: &str,
    caller: &str,
    msg: &str,
    fields: &[(&str, ZapValue<'_>)],
) -> String {
    let ts = timestamp(at_micros);
    let mut out = format!("{}Z\t{level}\t{caller}\t{msg}", &ts[..19]);
    if !fields.is_empty() {
        out.push('\t');
        zap_object(&mut out, fields, ": ", ", ");
    }
    out
}

/// One zap JSON line (no newline), its fields in the order given.
pub fn zap_line(fields: &[(&str, ZapValue<'_>)]) -> String {
    let mut out = String::new();
    zap_object(&mut out, fields, ":", ",");
    out
}

/// The fields as a JSON object in the order given; the JSON and console encoders differ only
/// in the spacing after `:` and `,`.
fn zap_object(out: &mut String, fields: &[(&str, ZapValue<'_>)], colon: &str, comma: &str) {
    out.push('{');
    for (at, (name, value)) in fields.iter().enumerate() {
        if at > 0 {
            out.push_str(comma);
        }
        out.push_str(&json_string(name));
        out.push_str(colon);
        zap_value(out, value, comma);
    }
    out.push('}');
}

impl LogLine {
    /// The line as etcd 3.5's zap logger writes it.
    pub fn json(&self) -> String {
        let ts = timestamp(self.at_micros);
        let member = format!("{:x}", self.member);
        let mut fields = vec![
            ("level", ZapValue::Str(self.level)),
            ("ts", ZapValue::Str(&ts)),
            ("msg", ZapValue::Str(&self.msg)),
            ("local-member-id", ZapValue::Str(&member)),
        ];
        for (name, value) in &self.fields {
            let value =
                if value.parse::<i64>().is_ok() { ZapValue::Number(value) } else { ZapValue::Str(value) };
            fields.push((name, value));
        }
        zap_line(&fields)
    }
}

/// The virtual time as zap's epoch float (`1795520461.389864`), as etcdctl's snapshot lines
/// stamp it.
pub fn unix_seconds(micros: u64) -> String {
    format!("{}.{:06}", EPOCH_UNIX_SECONDS + micros / 1_000_000, micros % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_civil_dates() {
        assert_eq!(timestamp(0), "2026-01-01T00:00:00.000Z");
        assert_eq!(timestamp(86_400_000_000 * 59 + 3_723_456_000), "2026-03-01T01:02:03.456Z");
    }
}

//! The Go parsers etcdctl's flags and arguments go through (`strconv.ParseInt`,
//! `strconv.ParseBool`, `time.ParseDuration`, `%q`), with their error texts: etcdctl prints them
//! inside its own messages.

use std::fmt;

/// Go's `%q` of bytes as a string.
pub(crate) fn quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

/// Why a number or boolean did not parse (`strconv.ErrSyntax`, `strconv.ErrRange`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumErrorKind {
    Syntax,
    Range,
}

/// `strconv.NumError`: `strconv.ParseInt: parsing "abc": invalid syntax`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumError {
    pub func: &'static str,
    pub input: String,
    pub kind: NumErrorKind,
}

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.kind {
            NumErrorKind::Syntax => "invalid syntax",
            NumErrorKind::Range => "value out of range",
        };
        write!(f, "strconv.{}: parsing {}: {why}", self.func, quote(self.input.as_bytes()))
    }
}

/// `strconv.ParseInt(text, base, 64)`; base 0 reads Go's prefixes (`0x`, `0o`, `0b`, `0`) and
/// underscores between digits, as pflag's int flags do.
pub(crate) fn parse_int(text: &str, base: u32) -> Result<i64, NumError> {
    let error = |kind| NumError { func: "ParseInt", input: text.to_string(), kind };
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits, prefixed) = if base != 0 {
        (base, body, false)
    } else {
        let lower = body.to_ascii_lowercase();
        if lower.starts_with("0x") {
            (16, &body[2..], true)
        } else if lower.starts_with("0o") {
            (8, &body[2..], true)
        } else if lower.starts_with("0b") {
            (2, &body[2..], true)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..], true)
        } else {
            (10, body, false)
        }
    };
    // Underscores (base 0 only) separate digits: none first (unless after a prefix), last or doubled.
    if base == 0 && digits.contains('_') {
        let bytes = digits.as_bytes();
        let ok = bytes.iter().enumerate().all(|(i, &b)| {
            b != b'_' || ((i > 0 && bytes[i - 1] != b'_') || (i == 0 && prefixed)) && i + 1 < bytes.len()
        });
        if !ok {
            return Err(error(NumErrorKind::Syntax));
        }
    }
    let digits: String = digits.chars().filter(|&c| !(base == 0 && c == '_')).collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(error(NumErrorKind::Syntax));
    }
    let magnitude = u128::from_str_radix(&digits, radix).unwrap_or(u128::MAX);
    let limit = if negative { 1u128 << 63 } else { (1u128 << 63) - 1 };
    if magnitude > limit {
        return Err(error(NumErrorKind::Range));
    }
    Ok(if negative { (magnitude as i128).wrapping_neg() as i64 } else { magnitude as i64 })
}

/// `strconv.ParseBool`.
pub(crate) fn parse_bool(text: &str) -> Result<bool, NumError> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(NumError { func: "ParseBool", input: text.to_string(), kind: NumErrorKind::Syntax }),
    }
}

/// `time.ParseDuration`'s errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DurationError {
    Invalid(String),
    MissingUnit(String),
    UnknownUnit { unit: String, text: String },
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Invalid(text) => write!(f, "time: invalid duration {}", quote(text.as_bytes())),
            DurationError::MissingUnit(text) => {
                write!(f, "time: missing unit in duration {}", quote(text.as_bytes()))
            }
            DurationError::UnknownUnit { unit, text } => write!(
                f,
                "time: unknown unit {} in duration {}",
                quote(unit.as_bytes()),
                quote(text.as_bytes())
            ),
        }
    }
}

/// `time.ParseDuration`: nanoseconds, negative allowed (`-1s`), a sum of decimal numbers each
/// with a unit (`1h2m3.5s`); at most ±2^63-1 ns.
pub(crate) fn parse_duration(text: &str) -> Result<i64, DurationError> {
    let invalid = || DurationError::Invalid(text.to_string());
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let (int, tail) = rest.split_at(int_len);
        let (frac, tail) = match tail.strip_prefix('.') {
            Some(after) => {
                let len = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
                after.split_at(len)
            }
            None => ("", tail),
        };
        if int.is_empty() && frac.is_empty() {
            return Err(invalid());
        }
        let unit_len = tail.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let scale: u128 = match unit {
            "" => return Err(DurationError::MissingUnit(text.to_string())),
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(DurationError::UnknownUnit { unit: unit.to_string(), text: text.to_string() }),
        };
        let whole: u128 = if int.is_empty() { 0 } else { int.parse().map_err(|_| invalid())? };
        let mut part = whole.checked_mul(scale).ok_or_else(invalid)?;
        // The fraction's digits, each a tenth of the last, as far as they still count.
        let mut unit_share = scale;
        for digit in frac.bytes() {
            unit_share /= 10;
            part += u128::from(digit - b'0') * unit_share;
        }
        total = total.checked_add(part).ok_or_else(invalid)?;
        if total > i64::MAX as u128 {
            return Err(invalid());
        }
        rest = tail;
    }
    Ok(if negative { -(total as i64) } else { total as i64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_quoted_as_go_quotes_them() {
        assert_eq!(quote(b"foo"), "\"foo\"");
        assert_eq!(quote(b"a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(quote(b"\x01\xff"), "\"\\x01\\xff\"");
    }

    #[test]
    fn ints_as_strconv_reads_them() {
        assert_eq!(parse_int("0x2", 0), Ok(2));
        assert_eq!(parse_int("1_0", 0), Ok(10));
        assert_eq!(parse_int("010", 0), Ok(8));
        assert_eq!(parse_int("-9223372036854775808", 0), Ok(i64::MIN));
        assert_eq!(parse_int("ff", 16), Ok(255));
        assert_eq!(
            parse_int("abc", 0).unwrap_err().to_string(),
            "strconv.ParseInt: parsing \"abc\": invalid syntax"
        );
        assert_eq!(
            parse_int("99999999999999999999", 0).unwrap_err().to_string(),
            "strconv.ParseInt: parsing \"99999999999999999999\": value out of range"
        );
        assert_eq!(parse_int("", 0).unwrap_err().kind, NumErrorKind::Syntax);
        assert_eq!(parse_int("1__0", 0).unwrap_err().kind, NumErrorKind::Syntax);
        assert_eq!(parse_int("0x", 0).unwrap_err().kind, NumErrorKind::Syntax);
    }

    #[test]
    fn durations_as_time_reads_them() {
        assert_eq!(parse_duration("0"), Ok(0));
        assert_eq!(parse_duration("-1s"), Ok(-1_000_000_000));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_duration("1h2m"), Ok(3_720_000_000_000));
        assert_eq!(parse_duration("abc").unwrap_err().to_string(), "time: invalid duration \"abc\"");
        assert_eq!(parse_duration("1").unwrap_err().to_string(), "time: missing unit in duration \"1\"");
        assert_eq!(
            parse_duration("1x").unwrap_err().to_string(),
            "time: unknown unit \"x\" in duration \"1x\""
        );
        assert!(parse_duration("9999999999h").is_err());
    }
}

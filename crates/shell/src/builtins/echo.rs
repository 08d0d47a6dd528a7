//! `echo` and `printf`, as bash's built-ins behave.

use crate::command::{CommandResult, Context, Stop};
use crate::world::World;

/// bash's `echo`: `-n`, `-e`, `-E` (escapes off by default), options only while every letter
/// is one of those.
pub fn echo<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let mut newline = true;
    let mut escapes = false;
    let mut words = &args[1..];
    while let Some((first, rest)) = words.split_first() {
        let Some(flags) = first.strip_prefix('-') else {
            break;
        };
        if flags.is_empty() || !flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            break;
        }
        for flag in flags.chars() {
            match flag {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        words = rest;
    }
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        if escapes {
            if unescape(word.as_bytes(), &mut out, Escapes::Echo) {
                cx.out(out)?;
                return Ok(0);
            }
        } else {
            out.extend_from_slice(word.as_bytes());
        }
    }
    if newline {
        out.push(b'\n');
    }
    cx.out(out)?;
    Ok(0)
}

#[derive(Clone, Copy, PartialEq)]
enum Escapes {
    /// `echo -e` and `printf %b`: `\0nnn` octal.
    Echo,
    /// A printf format: `\nnn` octal.
    Format,
}

/// Expands backslash escapes into `out`; true when `\c` asked to stop all output.
fn unescape(text: &[u8], out: &mut Vec<u8>, style: Escapes) -> bool {
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if b != b'\\' || i + 1 == text.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let c = text[i + 1];
        i += 2;
        let simple = match c {
            b'a' => Some(7),
            b'b' => Some(8),
            b'e' | b'E' => Some(0x1b),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(11),
            b'\\' => Some(b'\\'),
            b'"' if style == Escapes::Format => Some(b'"'),
            b'\'' if style == Escapes::Format => Some(b'\''),
            _ => None,
        };
        if let Some(byte) = simple {
            out.push(byte);
            continue;
        }
        match c {
            b'c' => return true,
            b'0'..=b'7' => {
                // `\0nnn` for echo, `\nnn` for formats.
                let (start, max) = if style == Escapes::Echo && c == b'0' { (i, 3) } else { (i - 1, 3) };
                let digits = text[start..].iter().take(max).take_while(|d| (b'0'..=b'7').contains(d)).count();
                let value = text[start..start + digits].iter().fold(0u32, |v, d| v * 8 + u32::from(d - b'0'));
                out.push(value as u8);
                i = start + digits;
            }
            b'x' => {
                let digits = text[i..].iter().take(2).take_while(|d| d.is_ascii_hexdigit()).count();
                if digits == 0 {
                    out.extend_from_slice(b"\\x");
                    continue;
                }
                let hex = std::str::from_utf8(&text[i..i + digits]).unwrap_or("0");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                i += digits;
            }
            b'u' | b'U' => {
                let max = if c == b'u' { 4 } else { 8 };
                let digits = text[i..].iter().take(max).take_while(|d| d.is_ascii_hexdigit()).count();
                let hex = std::str::from_utf8(&text[i..i + digits]).unwrap_or("");
                match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.extend_from_slice(ch.to_string().as_bytes()),
                    None => out.extend_from_slice(&text[i - 2..i + digits]),
                }
                i += digits;
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    false
}

/// bash's `printf FORMAT [ARGS...]`: the format is reused while arguments remain.
pub fn printf<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let mut rest = &args[1..];
    if rest.first().map(String::as_str) == Some("--") {
        rest = &rest[1..];
    }
    let Some((format, mut operands)) = rest.split_first() else {
        cx.err("printf: usage: printf [-v var] format [arguments]\n")?;
        return Ok(2);
    };
    let mut out = Vec::new();
    let mut status = 0;
    loop {
        let before = operands.len();
        let stop = format_once(format.as_bytes(), &mut operands, &mut out, &mut status, cx)?;
        if stop || operands.is_empty() || operands.len() == before {
            break;
        }
    }
    cx.out(out)?;
    Ok(status)
}

#[derive(Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alternate: bool,
    zero: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

impl Spec {
    /// What goes before a signed number's digits: `-`, or what `+` and ` ` ask for.
    fn sign(&self, negative: bool) -> &'static str {
        if negative {
            "-"
        } else if self.plus {
            "+"
        } else if self.space {
            " "
        } else {
            ""
        }
    }
}

/// One pass over the format; true when `\c` ended all output.
fn format_once<W: World>(
    format: &[u8],
    operands: &mut &[String],
    out: &mut Vec<u8>,
    status: &mut i32,
    cx: &mut Context<'_, W>,
) -> Result<bool, Stop> {
    let next = |operands: &mut &[String]| -> Option<String> {
        let (first, rest) = operands.split_first()?;
        *operands = rest;
        Some(first.clone())
    };
    let mut i = 0;
    while i < format.len() {
        match format[i] {
            b'\\' => {
                let end = (i + 2).min(format.len());
                let mut len = end - i;
                if matches!(format.get(i + 1), Some(b'0'..=b'7')) {
                    len =
                        1 + format[i + 1..].iter().take(3).take_while(|d| (b'0'..=b'7').contains(d)).count();
                } else if format.get(i + 1) == Some(&b'x') {
                    len = 2 + format[i + 2..].iter().take(2).take_while(|d| d.is_ascii_hexdigit()).count();
                }
                if unescape(&format[i..i + len], out, Escapes::Format) {
                    return Ok(true);
                }
                i += len;
            }
            b'%' => {
                i += 1;
                let mut spec = Spec::default();
                while let Some(&flag) = format.get(i) {
                    match flag {
                        b'-' => spec.left = true,
                        b'+' => spec.plus = true,
                        b' ' => spec.space = true,
                        b'#' => spec.alternate = true,
                        b'0' => spec.zero = true,
                        _ => break,
                    }
                    i += 1;
                }
                let number = |i: &mut usize, operands: &mut &[String]| -> Option<usize> {
                    if format.get(*i) == Some(&b'*') {
                        *i += 1;
                        let arg = next(operands).unwrap_or_default();
                        return Some(parse_integer(&arg).map_or(0, |v| v.max(0) as usize));
                    }
                    let digits = format[*i..].iter().take_while(|d| d.is_ascii_digit()).count();
                    let text = std::str::from_utf8(&format[*i..*i + digits]).ok()?;
                    *i += digits;
                    text.parse().ok()
                };
                spec.width = number(&mut i, operands);
                if format.get(i) == Some(&b'.') {
                    i += 1;
                    spec.precision = Some(number(&mut i, operands).unwrap_or(0));
                }
                while matches!(format.get(i), Some(b'l' | b'h' | b'L' | b'q' | b'j' | b'z' | b't'))
                    && format.get(i) != Some(&b'q')
                {
                    i += 1;
                }
                let Some(&conversion) = format.get(i) else {
                    out.push(b'%');
                    break;
                };
                i += 1;
                if conversion == b'%' {
                    out.push(b'%');
                    continue;
                }
                let arg = next(operands);
                // Checked before anything is allocated: C's printf refuses a field past
                // INT_MAX (bash then prints nothing for it), and the input's budget the rest.
                let precision = if conversion == b's' { 0 } else { spec.precision.unwrap_or(0) };
                let field = spec.width.unwrap_or(0).max(precision);
                if field > i32::MAX as usize {
                    continue;
                }
                cx.reserve(out.len() + field)?;
                let text = match conversion {
                    b's' => {
                        let mut s = arg.unwrap_or_default();
                        if let Some(p) = spec.precision {
                            s = s.chars().take(p).collect();
                        }
                        s.into_bytes()
                    }
                    b'b' => {
                        let mut expanded = Vec::new();
                        let stop = unescape(arg.unwrap_or_default().as_bytes(), &mut expanded, Escapes::Echo);
                        pad(&spec, expanded, out);
                        if stop {
                            return Ok(true);
                        }
                        continue;
                    }
                    b'q' => shell_quote(&arg.unwrap_or_default()).into_bytes(),
                    b'c' => arg
                        .unwrap_or_default()
                        .chars()
                        .next()
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                        .into_bytes(),
                    b'd' | b'i' | b'u' | b'o' | b'x' | b'X' => {
                        let value = number_arg(arg.as_deref(), status, cx, parse_integer)?;
                        format_integer(value, conversion, &spec).into_bytes()
                    }
                    b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => {
                        let value = number_arg(arg.as_deref(), status, cx, parse_float)?;
                        format_float(value, conversion, &spec).into_bytes()
                    }
                    other => {
                        cx.err(format!("bash: printf: `{}': invalid format character\n", other as char))?;
                        *status = 1;
                        return Ok(true);
                    }
                };
                pad(&spec, text, out);
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(false)
}

fn number_arg<T: Default, W: World>(
    arg: Option<&str>,
    status: &mut i32,
    cx: &mut Context<'_, W>,
    parse: fn(&str) -> Result<T, Option<T>>,
) -> Result<T, Stop> {
    let Some(arg) = arg else {
        return Ok(T::default());
    };
    match parse(arg) {
        Ok(value) => Ok(value),
        Err(partial) => {
            cx.err(format!("bash: printf: {arg}: invalid number\n"))?;
            *status = 1;
            Ok(partial.unwrap_or_default())
        }
    }
}

/// An integer operand: decimal, `0x` hex, `0` octal, or `'c` for a character's code. On
/// failure, the value of the valid prefix, if any.
fn parse_integer(text: &str) -> Result<i64, Option<i64>> {
    let trimmed = text.trim_start();
    if let Some(ch) = trimmed.strip_prefix(['\'', '"']) {
        return Ok(ch.chars().next().map_or(0, |c| c as i64));
    }
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let (radix, digits) = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        (16, hex)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    let valid = digits.chars().take_while(|c| c.is_digit(radix)).count();
    let value = i64::from_str_radix(&digits[..valid], radix).unwrap_or(if valid == 0 { 0 } else { i64::MAX });
    let value = if negative { value.wrapping_neg() } else { value };
    if valid == digits.len() && valid > 0 {
        Ok(value)
    } else {
        Err((valid > 0).then_some(value))
    }
}

fn parse_float(text: &str) -> Result<f64, Option<f64>> {
    let trimmed = text.trim();
    if let Some(ch) = trimmed.strip_prefix(['\'', '"']) {
        return Ok(ch.chars().next().map_or(0.0, |c| c as u32 as f64));
    }
    if let Ok(value) = parse_integer(trimmed) {
        if !trimmed.contains(['.', 'e', 'E']) || trimmed.starts_with("0x") {
            return Ok(value as f64);
        }
    }
    trimmed.parse::<f64>().map_err(|_| None)
}

fn format_integer(value: i64, conversion: u8, spec: &Spec) -> String {
    let unsigned = value as u64;
    let (sign, mut digits, prefix) = match conversion {
        b'd' | b'i' => (spec.sign(value < 0), value.unsigned_abs().to_string(), ""),
        b'u' => ("", unsigned.to_string(), ""),
        b'o' => ("", format!("{unsigned:o}"), if spec.alternate && unsigned != 0 { "0" } else { "" }),
        b'x' => ("", format!("{unsigned:x}"), if spec.alternate && unsigned != 0 { "0x" } else { "" }),
        _ => ("", format!("{unsigned:X}"), if spec.alternate && unsigned != 0 { "0X" } else { "" }),
    };
    if let Some(precision) = spec.precision {
        if digits.len() < precision {
            digits = format!("{}{digits}", "0".repeat(precision - digits.len()));
        }
        if precision == 0 && value == 0 {
            digits.clear();
        }
    }
    zero_pad(sign, prefix, digits, spec, spec.precision.is_none())
}

/// Zero padding goes between the sign and the digits; with `-` or a precision it is spaces.
fn zero_pad(sign: &str, prefix: &str, digits: String, spec: &Spec, allowed: bool) -> String {
    let len = sign.len() + prefix.len() + digits.len();
    match spec.width {
        Some(width) if spec.zero && !spec.left && allowed && width > len => {
            format!("{sign}{prefix}{}{digits}", "0".repeat(width - len))
        }
        _ => format!("{sign}{prefix}{digits}"),
    }
}

fn format_float(value: f64, conversion: u8, spec: &Spec) -> String {
    let precision = spec.precision.unwrap_or(6);
    let sign = spec.sign(value.is_sign_negative() && !value.is_nan());
    let magnitude = value.abs();
    let mut body = match conversion.to_ascii_lowercase() {
        _ if !magnitude.is_finite() => if magnitude.is_nan() { "nan" } else { "inf" }.to_string(),
        b'f' => fixed(magnitude, precision),
        b'e' => format_e(magnitude, precision),
        _ => format_g(magnitude, precision, spec.alternate),
    };
    if conversion.is_ascii_uppercase() {
        body = body.to_ascii_uppercase();
    }
    zero_pad(sign, "", body, spec, magnitude.is_finite())
}

/// Digits an `f64` can have after the point (its exact decimal expansion ends within 1,074);
/// past them every digit is `0`, and Rust's formatter refuses precisions above 65,535.
const EXACT_DIGITS: usize = 1_100;

/// C's `%.*f`, for any precision.
pub(crate) fn fixed(value: f64, decimals: usize) -> String {
    if decimals <= EXACT_DIGITS || !value.is_finite() {
        return format!("{value:.decimals$}");
    }
    let mut text = format!("{value:.EXACT_DIGITS$}");
    text.push_str(&"0".repeat(decimals - EXACT_DIGITS));
    text
}

/// C's `%.*e`: one digit, a point, `precision` digits, and an exponent of at least two digits.
fn format_e(value: f64, precision: usize) -> String {
    let exact = precision.min(EXACT_DIGITS);
    let rust = format!("{value:.exact$e}");
    let (mantissa, exponent) = rust.split_once('e').unwrap_or((&rust, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if exponent < 0 { '-' } else { '+' };
    let zeros = "0".repeat(precision - exact);
    format!("{mantissa}{zeros}e{sign}{:02}", exponent.abs())
}

/// C's `%.*g`: `%e` or `%f`, whichever suits the exponent, trailing zeros removed.
pub(crate) fn format_g(value: f64, precision: usize, keep_zeros: bool) -> String {
    let p = precision.max(1);
    let e_form = format_e(value, p - 1);
    let exponent: i32 = e_form.rsplit_once('e').and_then(|(_, e)| e.parse().ok()).unwrap_or(0);
    let mut text = if exponent < -4 || exponent as i64 >= p as i64 {
        e_form
    } else {
        let decimals = (p as i64 - 1 - exponent as i64).max(0) as usize;
        fixed(value, decimals)
    };
    if !keep_zeros {
        let (number, exponent) = match text.find('e') {
            Some(i) => (text[..i].to_string(), text[i..].to_string()),
            None => (text.clone(), String::new()),
        };
        let number = if number.contains('.') {
            number.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            number
        };
        text = number + &exponent;
    }
    text
}

fn pad(spec: &Spec, text: Vec<u8>, out: &mut Vec<u8>) {
    let len = String::from_utf8_lossy(&text).chars().count();
    let fill = spec.width.unwrap_or(0).saturating_sub(len);
    if !spec.left {
        out.resize(out.len() + fill, b' ');
    }
    out.extend_from_slice(&text);
    if spec.left {
        out.resize(out.len() + fill, b' ');
    }
}

/// `%q`: the argument quoted so the shell would read it back as one word.
pub fn shell_quote(text: &str) -> String {
    if text.is_empty() {
        return "''".to_string();
    }
    if text.chars().all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c)) {
        return text.to_string();
    }
    let mut quoted = String::new();
    for c in text.chars() {
        if !(c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c)) {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn c_float_formats() {
        assert_eq!(format_e(1234.5, 6), "1.234500e+03");
        assert_eq!(format_g(0.0001, 6, false), "0.0001");
        assert_eq!(format_g(1e20, 6, false), "1e+20");
        assert_eq!(format_g(100000.0, 6, false), "100000");
        assert_eq!(format_g(3.24159, 3, false), "3.24");
        assert_eq!(format_g(0.000525322, 6, false), "0.000525322");
        assert_eq!(format_g(2.9574e-05, 6, false), "2.9574e-05");
    }

    #[test]
    fn integer_operands() {
        assert_eq!(parse_integer("42"), Ok(42));
        assert_eq!(parse_integer("0x1f"), Ok(31));
        assert_eq!(parse_integer("010"), Ok(8));
        assert_eq!(parse_integer("'A"), Ok(65));
        assert_eq!(parse_integer("-3"), Ok(-3));
        assert_eq!(parse_integer("x"), Err(None));
        assert_eq!(parse_integer("12ab"), Err(Some(12)));
    }
}

//! Text utilities: `cat`, `head`, `tail`, `wc`, `seq`, `tee`, with GNU coreutils' behaviour.

use super::{inputs, inputs_prefix, lines, try_help};
use crate::command::{CommandResult, Context};
use crate::world::World;

/// Splits GNU-style arguments into flags (with any attached or following value) and operands.
/// `takes_value` lists the short flags that take a value (`-n 5`, `-n5`).
pub(super) struct Args {
    pub(super) flags: Vec<(char, Option<String>)>,
    pub(super) operands: Vec<String>,
}

pub(super) fn parse_args(args: &[String], takes_value: &str) -> Result<Args, String> {
    let mut flags = Vec::new();
    let mut operands = Vec::new();
    let mut iter = args[1..].iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            operands.extend(iter.by_ref().cloned());
            break;
        }
        let Some(body) = arg.strip_prefix('-').filter(|b| !b.is_empty()) else {
            operands.push(arg.clone());
            continue;
        };
        if let Some(long) = body.strip_prefix('-') {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let short = match name {
                "lines" => 'n',
                "bytes" => 'c',
                "number" => 'n',
                "separator" => 's',
                "equal-width" => 'w',
                "append" => 'a',
                _ => return Err(format!("unrecognized option '--{name}'")),
            };
            let value = match value {
                Some(v) => Some(v),
                None if takes_value.contains(short) => iter.next().cloned(),
                None => None,
            };
            flags.push((short, value));
            continue;
        }
        // `-5` is `-n 5` for head and tail.
        if body.bytes().all(|b| b.is_ascii_digit()) && takes_value.contains('n') {
            flags.push(('n', Some(body.to_string())));
            continue;
        }
        for (i, c) in body.char_indices() {
            if takes_value.contains(c) {
                let attached = &body[i + c.len_utf8()..];
                let value =
                    if attached.is_empty() { iter.next().cloned() } else { Some(attached.to_string()) };
                match value {
                    Some(value) => flags.push((c, Some(value))),
                    None => return Err(format!("option requires an argument -- '{c}'")),
                }
                break;
            }
            flags.push((c, None));
        }
    }
    Ok(Args { flags, operands })
}

pub(super) fn usage_error<W: World>(cx: &mut Context<'_, W>, name: &str, message: &str) -> CommandResult {
    cx.err(format!("{name}: {message}\n"))?;
    try_help(cx, name)?;
    Ok(1)
}

pub(super) fn check_flags<W: World>(
    cx: &mut Context<'_, W>,
    name: &str,
    args: &Args,
    allowed: &str,
) -> Result<bool, crate::Stop> {
    for (flag, _) in &args.flags {
        if !allowed.contains(*flag) {
            usage_error(cx, name, &format!("invalid option -- '{flag}'"))?;
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn cat<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let parsed = match parse_args(args, "") {
        Ok(parsed) => parsed,
        Err(message) => return usage_error(cx, "cat", &message),
    };
    if !check_flags(cx, "cat", &parsed, "n")? {
        return Ok(1);
    }
    let number = !parsed.flags.is_empty();
    let (contents, failed) = inputs(cx, &parsed.operands, |file, error| format!("cat: {file}: {error}"))?;
    let mut line_no = 0;
    for (_, data) in contents {
        if number {
            let mut out = Vec::with_capacity(data.len() + data.len() / 8);
            for line in lines(&data) {
                line_no += 1;
                out.extend_from_slice(format!("{line_no:6}\t").as_bytes());
                out.extend_from_slice(line);
            }
            cx.out(out)?;
        } else {
            cx.out(data)?;
        }
    }
    Ok(i32::from(failed))
}

/// A count for head or tail: `N`, with GNU's multiplier suffixes, optionally `+N` / `-N`.
fn parse_count(text: &str) -> Option<(char, u64)> {
    let (sign, digits) = match text.chars().next()? {
        c @ ('+' | '-') => (c, &text[1..]),
        _ => (' ', text),
    };
    let split = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    let number: u64 = digits[..split].parse().ok()?;
    let multiplier: u64 = match &digits[split..] {
        "" => 1,
        "b" => 512,
        "kB" => 1000,
        "K" | "KiB" | "k" => 1024,
        "MB" => 1000 * 1000,
        "M" | "MiB" => 1 << 20,
        "GB" => 1000 * 1000 * 1000,
        "G" | "GiB" => 1 << 30,
        _ => return None,
    };
    Some((sign, number.checked_mul(multiplier)?))
}

/// Shared by head and tail: parses `-n`/`-c`, then calls `select` on each input.
fn head_tail<W: World>(
    cx: &mut Context<'_, W>,
    args: &[String],
    name: &str,
    select: fn(&[u8], bool, char, u64) -> Vec<u8>,
) -> CommandResult {
    let parsed = match parse_args(args, "nc") {
        Ok(parsed) => parsed,
        Err(message) => return usage_error(cx, name, &message),
    };
    if !check_flags(cx, name, &parsed, "ncqv")? {
        return Ok(1);
    }
    let mut bytes = false;
    let mut count = (' ', 10);
    for (flag, value) in &parsed.flags {
        if let ('n' | 'c', Some(value)) = (flag, value) {
            bytes = *flag == 'c';
            match parse_count(value) {
                Some(c) => count = c,
                None => {
                    let what = if bytes { "bytes" } else { "lines" };
                    cx.err(format!("{name}: invalid number of {what}: ‘{value}’\n"))?;
                    return Ok(1);
                }
            }
        }
    }
    let quiet = parsed.flags.iter().any(|(f, _)| *f == 'q');
    let verbose = parsed.flags.iter().any(|(f, _)| *f == 'v');
    // `head -c N` needs only N bytes of each file (a device may never end).
    let prefix = (name == "head" && bytes && count.0 != '-').then_some(count.1 as usize);
    let (contents, failed) = inputs_prefix(cx, &parsed.operands, prefix, |file, error| {
        format!("{name}: cannot open '{file}' for reading: {error}")
    })?;
    let headers = verbose || (!quiet && parsed.operands.len() > 1);
    for (i, (file, data)) in contents.iter().enumerate() {
        if headers {
            let shown = if file == "-" { "standard input" } else { file };
            cx.out(format!("{}==> {shown} <==\n", if i > 0 { "\n" } else { "" }))?;
        }
        cx.out(select(data, bytes, count.0, count.1))?;
    }
    Ok(i32::from(failed))
}

pub fn head<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    head_tail(cx, args, "head", |data, bytes, sign, n| {
        let n = n as usize;
        if bytes {
            let end = if sign == '-' { data.len().saturating_sub(n) } else { n.min(data.len()) };
            return data[..end].to_vec();
        }
        let all: Vec<&[u8]> = lines(data).collect();
        let keep = if sign == '-' { all.len().saturating_sub(n) } else { n.min(all.len()) };
        all[..keep].concat()
    })
}

pub fn tail<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    head_tail(cx, args, "tail", |data, bytes, sign, n| {
        let n = n as usize;
        if bytes {
            let start =
                if sign == '+' { n.saturating_sub(1).min(data.len()) } else { data.len().saturating_sub(n) };
            return data[start..].to_vec();
        }
        let all: Vec<&[u8]> = lines(data).collect();
        let start =
            if sign == '+' { n.saturating_sub(1).min(all.len()) } else { all.len().saturating_sub(n) };
        all[start..].concat()
    })
}

pub fn wc<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let parsed = match parse_args(args, "") {
        Ok(parsed) => parsed,
        Err(message) => return usage_error(cx, "wc", &message),
    };
    if !check_flags(cx, "wc", &parsed, "lwcmL")? {
        return Ok(1);
    }
    let mut selected: Vec<char> =
        "lwcm".chars().filter(|c| parsed.flags.iter().any(|(f, _)| f == c)).collect();
    if selected.is_empty() {
        selected = vec!['l', 'w', 'c'];
    }
    let (contents, failed) = inputs(cx, &parsed.operands, |file, error| format!("wc: {file}: {error}"))?;
    let count = |data: &[u8]| -> Vec<u64> {
        selected
            .iter()
            .map(|c| match c {
                'l' => data.iter().filter(|&&b| b == b'\n').count() as u64,
                'w' => String::from_utf8_lossy(data).split_whitespace().count() as u64,
                'm' => String::from_utf8_lossy(data).chars().count() as u64,
                _ => data.len() as u64,
            })
            .collect()
    };
    let rows: Vec<(String, Vec<u64>)> =
        contents.iter().map(|(file, data)| (file.clone(), count(data))).collect();
    let mut totals = vec![0u64; selected.len()];
    for (_, counts) in &rows {
        for (t, c) in totals.iter_mut().zip(counts) {
            *t += c;
        }
    }
    // GNU sizes the columns from the inputs' byte sizes; for stdin it cannot, and uses 7.
    let from_stdin = contents.iter().any(|(f, _)| f == "-");
    let total_bytes: u64 = contents.iter().map(|(_, d)| d.len() as u64).sum();
    let width = if from_stdin && (selected.len() > 1 || rows.len() > 1) {
        7
    } else if rows.len() == 1 && selected.len() == 1 {
        1
    } else {
        total_bytes.to_string().len()
    };
    let mut out = String::new();
    let mut line = |counts: &[u64], name: &str| {
        let cells: Vec<String> = counts.iter().map(|c| format!("{c:>width$}")).collect();
        out.push_str(&cells.join(" "));
        if name != "-" {
            out.push(' ');
            out.push_str(name);
        }
        out.push('\n');
    };
    for (file, counts) in &rows {
        let shown = if parsed.operands.is_empty() { "-" } else { file.as_str() };
        line(counts, shown);
    }
    if rows.len() > 1 {
        line(&totals, "total");
    }
    cx.out(out)?;
    Ok(i32::from(failed))
}

/// `seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST`
pub fn seq<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let mut separator = "\n".to_string();
    let mut equal_width = false;
    let mut numbers = Vec::new();
    let mut iter = args[1..].iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-s" => match iter.next() {
                Some(sep) => separator = sep.clone(),
                None => return usage_error(cx, "seq", "option requires an argument -- 's'"),
            },
            "-w" => equal_width = true,
            s if s.starts_with("-s") => separator = s[2..].to_string(),
            s if s.starts_with('-')
                && s.len() > 1
                && !s[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.') =>
            {
                return usage_error(cx, "seq", &format!("invalid option -- '{}'", &s[1..2]));
            }
            _ => numbers.push(arg.clone()),
        }
    }
    if numbers.is_empty() {
        return usage_error(cx, "seq", "missing operand");
    }
    if numbers.len() > 3 {
        return usage_error(cx, "seq", &format!("extra operand ‘{}’", numbers[3]));
    }
    let mut values = Vec::new();
    for number in &numbers {
        match number.parse::<f64>() {
            Ok(v) if v.is_finite() => values.push(v),
            _ => return usage_error(cx, "seq", &format!("invalid floating point argument: ‘{number}’")),
        }
    }
    let decimals =
        numbers.iter().map(|n| n.split_once('.').map_or(0, |(_, frac)| frac.len())).max().unwrap_or(0);
    let (first, step, last) = match values.as_slice() {
        [last] => (1.0, 1.0, *last),
        [first, last] => (*first, 1.0, *last),
        [first, step, last] => (*first, *step, *last),
        _ => unreachable!("between one and three operands"),
    };
    if step == 0.0 {
        return usage_error(cx, "seq", &format!("invalid Zero increment value: ‘{}’", numbers[1]));
    }
    let format = |v: f64| super::fixed(v, decimals);
    // Each line is at least `decimals` long: checked before the first is built.
    cx.reserve(decimals)?;
    let width = if equal_width { format(first).len().max(format(last).len()) } else { 0 };
    let mut out = String::new();
    let mut i = 0u64;
    let mut previous = None;
    loop {
        let value = first + step * i as f64;
        if (step > 0.0 && value > last) || (step < 0.0 && value < last) {
            break;
        }
        // An increment too small to change the value (`seq 1e300 1e300`) ends the sequence
        // after the value it cannot leave, as GNU seq does.
        if previous == Some(value) {
            break;
        }
        previous = Some(value);
        if i > 0 {
            out.push_str(&separator);
        }
        let text = format(value);
        if text.len() < width {
            let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |d| ("-", d));
            out.push_str(&format!("{sign}{}{digits}", "0".repeat(width - text.len())));
        } else {
            out.push_str(&text);
        }
        i += 1;
        if out.len() >= 64 * 1024 || decimals > 64 * 1024 {
            cx.out(std::mem::take(&mut out))?;
        }
    }
    if i > 0 {
        out.push('\n');
    }
    cx.out(out)?;
    Ok(0)
}

pub fn tee<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let parsed = match parse_args(args, "") {
        Ok(parsed) => parsed,
        Err(message) => return usage_error(cx, "tee", &message),
    };
    if !check_flags(cx, "tee", &parsed, "a")? {
        return Ok(1);
    }
    let append = !parsed.flags.is_empty();
    let data = cx.stdin().to_vec();
    let mut status = 0;
    for file in &parsed.operands {
        let path = cx.resolve(file);
        if let Err(error) = cx.fs().write(&path, &data, append) {
            cx.err(format!("tee: {file}: {error}\n"))?;
            status = 1;
        }
    }
    cx.out(data)?;
    Ok(status)
}

/// A `tr` set: characters with `\n`, `\t`, `\\` escapes and `a-z` ranges expanded.
fn tr_set(text: &str) -> Vec<char> {
    let mut chars = Vec::new();
    let mut iter = text.chars().peekable();
    while let Some(c) = iter.next() {
        let c = if c == '\\' {
            match iter.next() {
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some(other) => other,
                None => '\\',
            }
        } else {
            c
        };
        if iter.peek() == Some(&'-') {
            let mut ahead = iter.clone();
            ahead.next();
            if let Some(end) = ahead.next() {
                if end >= c {
                    chars.extend(c..=end);
                    iter = ahead;
                    continue;
                }
            }
        }
        chars.push(c);
    }
    chars
}

/// `tr SET1 SET2` translates, `tr -d SET1` deletes (GNU: SET2 is padded with its last char).
pub fn tr<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let (delete, sets): (bool, Vec<&String>) = match args.get(1).map(String::as_str) {
        Some("-d") => (true, args[2..].iter().collect()),
        _ => (false, args[1..].iter().collect()),
    };
    let needed = if delete { 1 } else { 2 };
    if sets.len() < needed {
        let message = match (sets.first(), delete) {
            (None, _) => "missing operand".to_string(),
            (Some(set), false) => {
                format!("missing operand after ‘{set}’\nTwo strings must be given when translating.")
            }
            (Some(_), true) => "missing operand".to_string(),
        };
        cx.error("tr", message)?;
        cx.err("Try 'tr --help' for more information.\n")?;
        return Ok(1);
    }
    let from = tr_set(sets[0]);
    let to = if delete { Vec::new() } else { tr_set(sets[1]) };
    let input = String::from_utf8_lossy(cx.stdin()).into_owned();
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match from.iter().rposition(|&f| f == c) {
            Some(_) if delete => {}
            Some(i) => out.push(*to.get(i).or(to.last()).unwrap_or(&c)),
            None => out.push(c),
        }
    }
    cx.out(out)?;
    Ok(0)
}

/// `sort [-r] [-n] [-u] [FILE...]`: lines in byte order (the C locale), numbers with -n.
pub fn sort<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let (mut reverse, mut numeric, mut unique) = (false, false, false);
    let mut files = Vec::new();
    for arg in &args[1..] {
        match arg.as_str() {
            "-r" => reverse = true,
            "-n" => numeric = true,
            "-u" => unique = true,
            "-rn" | "-nr" => (reverse, numeric) = (true, true),
            other if other.starts_with('-') && other.len() > 1 => {
                cx.error("sort", format!("invalid option -- '{}'", other.trim_start_matches('-')))?;
                cx.err("Try 'sort --help' for more information.\n")?;
                return Ok(2);
            }
            other => files.push(other.to_string()),
        }
    }
    let mut input = Vec::new();
    if files.is_empty() {
        input.extend_from_slice(cx.stdin());
    }
    for file in &files {
        match cx.read_file(file) {
            Ok(bytes) => input.extend_from_slice(&bytes),
            Err(error) => {
                cx.error("sort", format!("cannot read: {file}: {error}"))?;
                return Ok(2);
            }
        }
    }
    let text = String::from_utf8_lossy(&input).into_owned();
    let mut lines: Vec<&str> = text.lines().collect();
    let number = |line: &str| {
        let digits: String = line
            .trim_start()
            .chars()
            .enumerate()
            .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
            .map(|(_, c)| c)
            .collect();
        digits.parse::<i64>().unwrap_or(0)
    };
    if numeric {
        lines.sort_by(|a, b| number(a).cmp(&number(b)).then_with(|| a.cmp(b)));
    } else {
        lines.sort();
    }
    if reverse {
        lines.reverse();
    }
    if unique {
        lines.dedup_by(|a, b| if numeric { number(a) == number(b) } else { a == b });
    }
    let mut out = lines.join("\n");
    if !lines.is_empty() {
        out.push('\n');
    }
    cx.out(out)?;
    Ok(0)
}

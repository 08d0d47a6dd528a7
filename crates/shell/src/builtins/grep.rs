//! `grep`, `egrep`, `fgrep`: GNU grep's options that scripts around etcdctl use, over
//! `regex-lite` (small in wasm; POSIX basic syntax is translated to it).

use regex_lite::{Regex, RegexBuilder};

use super::{inputs, lines};
use crate::command::{CommandResult, Context};
use crate::world::World;

pub const FLAGS: &[&str] =
    &["-o", "-v", "-i", "-c", "-E", "-F", "-q", "-n", "-w", "-x", "-l", "-h", "-H", "-s", "-e"];

#[derive(Clone, Copy, PartialEq)]
enum Syntax {
    Basic,
    Extended,
    Fixed,
}

pub fn grep<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    run(cx, args, Syntax::Basic)
}

pub fn egrep<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    run(cx, args, Syntax::Extended)
}

pub fn fgrep<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    run(cx, args, Syntax::Fixed)
}

#[derive(Default)]
struct Options {
    only_matching: bool,
    invert: bool,
    ignore_case: bool,
    count: bool,
    quiet: bool,
    line_number: bool,
    word: bool,
    line: bool,
    files_with_matches: bool,
    no_filename: bool,
    with_filename: bool,
    no_messages: bool,
}

fn usage<W: World>(cx: &mut Context<'_, W>) -> CommandResult {
    cx.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n")?;
    Ok(2)
}

fn run<W: World>(cx: &mut Context<'_, W>, args: &[String], mut syntax: Syntax) -> CommandResult {
    let mut options = Options::default();
    let mut patterns: Vec<String> = Vec::new();
    let mut operands = Vec::new();
    let mut iter = args[1..].iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            operands.extend(iter.by_ref().cloned());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            match long {
                "only-matching" => options.only_matching = true,
                "invert-match" => options.invert = true,
                "ignore-case" => options.ignore_case = true,
                "count" => options.count = true,
                "quiet" | "silent" => options.quiet = true,
                "line-number" => options.line_number = true,
                "extended-regexp" => syntax = Syntax::Extended,
                "fixed-strings" => syntax = Syntax::Fixed,
                "word-regexp" => options.word = true,
                "line-regexp" => options.line = true,
                _ => {
                    cx.err(format!("grep: unrecognized option '--{long}'\n"))?;
                    return usage(cx);
                }
            }
            continue;
        }
        let Some(flags) = arg.strip_prefix('-').filter(|f| !f.is_empty()) else {
            operands.push(arg.clone());
            continue;
        };
        for (i, flag) in flags.char_indices() {
            match flag {
                'o' => options.only_matching = true,
                'v' => options.invert = true,
                'i' | 'y' => options.ignore_case = true,
                'c' => options.count = true,
                'q' => options.quiet = true,
                'n' => options.line_number = true,
                'w' => options.word = true,
                'x' => options.line = true,
                'l' => options.files_with_matches = true,
                'h' => options.no_filename = true,
                'H' => options.with_filename = true,
                's' => options.no_messages = true,
                'E' => syntax = Syntax::Extended,
                'F' => syntax = Syntax::Fixed,
                'G' => syntax = Syntax::Basic,
                'e' => {
                    let attached = &flags[i + 1..];
                    let pattern =
                        if attached.is_empty() { iter.next().cloned() } else { Some(attached.to_string()) };
                    match pattern {
                        Some(p) => patterns.push(p),
                        None => {
                            cx.err("grep: option requires an argument -- 'e'\n")?;
                            return usage(cx);
                        }
                    }
                    break;
                }
                other => {
                    cx.err(format!("grep: invalid option -- '{other}'\n"))?;
                    return usage(cx);
                }
            }
        }
    }
    if patterns.is_empty() {
        if operands.is_empty() {
            return usage(cx);
        }
        patterns.push(operands.remove(0));
    }
    let regex = match compile(&patterns, syntax, &options) {
        Ok(regex) => regex,
        Err(message) => {
            cx.err(format!("grep: {message}\n"))?;
            return Ok(2);
        }
    };
    let quiet_errors = options.no_messages;
    let (contents, failed) =
        inputs(
            cx,
            &operands,
            |file, error| {
                if quiet_errors {
                    String::new()
                } else {
                    format!("grep: {file}: {error}")
                }
            },
        )?;
    let show_names = options.with_filename || (operands.len() > 1 && !options.no_filename);
    let mut any = false;
    for (file, data) in &contents {
        let name = if file == "-" { "(standard input)" } else { file.as_str() };
        let (out, matched) = search(data, &regex, &options, show_names.then_some(name));
        any |= matched > 0;
        if options.quiet {
            if any {
                return Ok(0);
            }
            continue;
        }
        if options.files_with_matches {
            if matched > 0 {
                cx.out(format!("{name}\n"))?;
            }
            continue;
        }
        if options.count {
            let prefix = if show_names { format!("{name}:") } else { String::new() };
            cx.out(format!("{prefix}{matched}\n"))?;
            continue;
        }
        if data.contains(&0) && matched > 0 {
            cx.err(format!("grep: {name}: binary file matches\n"))?;
            continue;
        }
        cx.out(out)?;
    }
    Ok(if failed && !(options.quiet && any) {
        2
    } else if any {
        0
    } else {
        1
    })
}

/// Lines (or, with `-o`, matches) selected from `data`, and how many lines matched.
fn search(data: &[u8], regex: &Regex, options: &Options, name: Option<&str>) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut matched = 0;
    for (number, raw) in lines(data).enumerate() {
        let text = String::from_utf8_lossy(raw.strip_suffix(b"\n").unwrap_or(raw));
        let is_match = regex.is_match(&text);
        if is_match == options.invert {
            continue;
        }
        matched += 1;
        let prefix = {
            let mut prefix = String::new();
            if let Some(name) = name {
                prefix.push_str(name);
                prefix.push(':');
            }
            if options.line_number {
                prefix.push_str(&format!("{}:", number + 1));
            }
            prefix
        };
        if options.only_matching {
            if options.invert {
                continue;
            }
            for found in regex.find_iter(&text).filter(|m| !m.as_str().is_empty()) {
                out.extend_from_slice(prefix.as_bytes());
                out.extend_from_slice(found.as_str().as_bytes());
                out.push(b'\n');
            }
        } else {
            out.extend_from_slice(prefix.as_bytes());
            out.extend_from_slice(text.as_bytes());
            out.push(b'\n');
        }
    }
    (out, matched)
}

fn compile(patterns: &[String], syntax: Syntax, options: &Options) -> Result<Regex, String> {
    let mut alternatives = Vec::new();
    for pattern in patterns {
        // A pattern with newlines is several patterns, as in GNU grep.
        for line in pattern.split('\n') {
            let translated = match syntax {
                Syntax::Fixed => regex_lite::escape(line),
                Syntax::Extended => check_ere(line)?,
                Syntax::Basic => basic_to_extended(line)?,
            };
            let wrapped = if options.line {
                format!("^(?:{translated})$")
            } else if options.word {
                format!("(?:^|\\b)(?:{translated})(?:\\b|$)")
            } else {
                format!("(?:{translated})")
            };
            alternatives.push(wrapped);
        }
    }
    RegexBuilder::new(&alternatives.join("|"))
        .case_insensitive(options.ignore_case)
        .build()
        .map_err(|error| describe(&error.to_string()))
}

/// GNU's wording for the common syntax errors (regex-lite's own wording otherwise).
fn describe(error: &str) -> String {
    if error.contains("open group without closing") {
        "Unmatched ( or \\(".to_string()
    } else if error.contains("closing ')' without matching") {
        "Unmatched ) or \\)".to_string()
    } else if error.contains("character class")
        && (error.contains("unclosed") || error.contains("no closing bracket"))
    {
        "Unmatched [, [^, [:, [., or [=".to_string()
    } else if error.contains("counted repetition") {
        "Invalid content of \\{\\}".to_string()
    } else if error.contains("backreferences") {
        "back-references are not supported in the playground".to_string()
    } else {
        error.lines().last().unwrap_or(error).trim().to_string()
    }
}

/// ERE is what regex-lite reads, except that a `{` not starting an interval is literal in GNU.
fn check_ere(pattern: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push('\\');
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    chars.next();
                    out.push_str("\\]");
                }
            }
            '[' if in_class && chars.peek() == Some(&':') => {
                out.push('[');
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '{' if !in_class && !starts_interval(chars.clone()) => out.push_str("\\{"),
            c if in_class
                && (c == '\\' || c == '&' || c == '~' || c == '-' && chars.peek() == Some(&']')) =>
            {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

fn starts_interval(mut rest: impl Iterator<Item = char>) -> bool {
    let mut saw_digit = false;
    for c in rest.by_ref() {
        match c {
            '0'..='9' => saw_digit = true,
            ',' => {}
            '}' => return saw_digit,
            _ => return false,
        }
    }
    false
}

/// POSIX basic syntax to extended: `\( \) \{ \} \| \+ \?` are the operators, and the bare
/// characters are literal.
fn basic_to_extended(pattern: &str) -> Result<String, String> {
    let mut ere = String::new();
    let mut chars = pattern.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(op @ ('(' | ')' | '{' | '}' | '|' | '+' | '?')) => ere.push(op),
                Some(other) => {
                    ere.push('\\');
                    ere.push(other);
                }
                None => return Err("Trailing backslash".to_string()),
            },
            '(' | ')' | '{' | '}' | '|' | '+' | '?' => {
                ere.push('\\');
                ere.push(c);
            }
            '*' if at_start => ere.push_str("\\*"),
            '[' => {
                ere.push('[');
                let mut class = String::new();
                if chars.peek() == Some(&'^') {
                    class.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    chars.next();
                    class.push_str("\\]");
                }
                let mut closed = false;
                while let Some(d) = chars.next() {
                    if d == '[' && chars.peek() == Some(&':') {
                        class.push('[');
                        for e in chars.by_ref() {
                            class.push(e);
                            if e == ']' {
                                break;
                            }
                        }
                        continue;
                    }
                    if d == ']' {
                        closed = true;
                        break;
                    }
                    if d == '\\' || d == '&' || d == '~' {
                        class.push('\\');
                    }
                    class.push(d);
                }
                if !closed {
                    return Err("Unmatched [, [^, [:, [., or [=".to_string());
                }
                ere.push_str(&class);
                ere.push(']');
            }
            c => ere.push(c),
        }
        at_start = c == '^' && ere == "^";
    }
    Ok(ere)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn basic_syntax_translates() {
        assert_eq!(basic_to_extended("a\\(b\\)*").unwrap(), "a(b)*");
        assert_eq!(basic_to_extended("a+b?").unwrap(), "a\\+b\\?");
        assert_eq!(basic_to_extended("[0-9].*").unwrap(), "[0-9].*");
        assert_eq!(basic_to_extended("*a").unwrap(), "\\*a");
        assert_eq!(basic_to_extended("[[:digit:]]x").unwrap(), "[[:digit:]]x");
        assert!(basic_to_extended("[abc").is_err());
    }

    #[test]
    fn extended_syntax_passes() {
        assert_eq!(check_ere("\"revision\":[0-9]*").unwrap(), "\"revision\":[0-9]*");
        assert_eq!(check_ere("a{2}").unwrap(), "a{2}");
        assert_eq!(check_ere("a{x").unwrap(), "a\\{x");
    }
}

//! The shell's own built-ins: variables, history, help, time.

use std::time::Duration;

use super::try_help;
use crate::command::{CommandResult, Context};
use crate::parse::is_name;
use crate::world::World;

pub fn colon<W: World>(_: &mut Context<'_, W>, _: &[String]) -> CommandResult {
    Ok(0)
}

pub fn true_<W: World>(_: &mut Context<'_, W>, _: &[String]) -> CommandResult {
    Ok(0)
}

pub fn false_<W: World>(_: &mut Context<'_, W>, _: &[String]) -> CommandResult {
    Ok(1)
}

/// The escape sequence `clear` prints (home, erase screen, erase scrollback); the web terminal
/// recognises it and empties its scrollback.
pub const CLEAR_SEQUENCE: &str = "\x1b[H\x1b[2J\x1b[3J";

pub fn clear<W: World>(cx: &mut Context<'_, W>, _: &[String]) -> CommandResult {
    cx.out(CLEAR_SEQUENCE)?;
    Ok(0)
}

pub fn export<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let names: Vec<&String> = args[1..].iter().filter(|a| a.as_str() != "-p").collect();
    if names.is_empty() {
        for (name, value) in cx.exported_vars() {
            let value = value.replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$");
            cx.out(format!("declare -x {name}=\"{value}\"\n"))?;
        }
        return Ok(0);
    }
    let mut status = 0;
    for arg in names {
        let (name, value) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (arg.as_str(), None),
        };
        if !is_name(name) {
            cx.err(format!("bash: export: `{arg}': not a valid identifier\n"))?;
            status = 1;
            continue;
        }
        if let Some(value) = value {
            cx.set_var(name, value);
        }
        cx.export(name);
    }
    Ok(status)
}

pub fn unset<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let mut status = 0;
    for name in args[1..].iter().filter(|a| !a.starts_with('-')) {
        if !is_name(name) {
            cx.err(format!("bash: unset: `{name}': not a valid identifier\n"))?;
            status = 1;
            continue;
        }
        cx.unset(name);
    }
    Ok(status)
}

/// `env` prints the environment; `env NAME=value... command args...` runs a command with it.
pub fn env<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let mut env = cx.env_vars().clone();
    let mut rest = &args[1..];
    while let Some((first, tail)) = rest.split_first() {
        match first.split_once('=') {
            Some((name, value)) if !name.is_empty() => {
                env.insert(name.to_string(), value.to_string());
                rest = tail;
            }
            _ => break,
        }
    }
    let Some((name, _)) = rest.split_first() else {
        for (name, value) in &env {
            cx.out(format!("{name}={value}\n"))?;
        }
        return Ok(0);
    };
    let Some(command) = cx.commands().get(name) else {
        cx.err(format!("env: '{name}': No such file or directory\n"))?;
        return Ok(127);
    };
    let mut inner = Context { state: cx.state, term: cx.term, io: cx.io, env, registry: cx.registry };
    command.run(&mut inner, rest)
}

pub fn help<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let registry = cx.commands();
    if let Some(name) = args.get(1) {
        return match registry.get(name) {
            Some(command) => {
                let summary = command.summary().to_string();
                cx.out(format!("{name}: {summary}\n"))?;
                Ok(0)
            }
            None => {
                cx.err(format!("bash: help: no help topics match `{name}'.\n"))?;
                Ok(1)
            }
        };
    }
    let mut text = String::from(
        "The etcd playground's terminal: a bash-like shell over a virtual etcd cluster.\n\
         Pipes, redirections, variables, $(...), $((...)), if/for/while, && and || work as in bash.\n\n\
         Commands:\n",
    );
    let width = registry.names().map(str::len).max().unwrap_or(0);
    for (name, command) in registry.iter() {
        text.push_str(&format!("  {name:width$}  {}\n", command.summary()));
    }
    text.push_str(&format!("\nShell keywords: {}\n", super::SHELL_WORDS.join(" ")));
    cx.out(text)?;
    Ok(0)
}

pub fn history<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    match args.get(1).map(String::as_str) {
        Some("-c") => {
            cx.clear_history();
            return Ok(0);
        }
        Some(arg) if arg.parse::<usize>().is_err() => {
            cx.err(format!("bash: history: {arg}: numeric argument required\n"))?;
            return Ok(1);
        }
        _ => {}
    }
    let history = cx.history();
    let count = args.get(1).and_then(|a| a.parse::<usize>().ok()).unwrap_or(history.len());
    let start = history.len().saturating_sub(count);
    let text: String = history[start..]
        .iter()
        .enumerate()
        .map(|(i, line)| format!("{:5}  {line}\n", start + i + 1))
        .collect();
    cx.out(text)?;
    Ok(0)
}

/// `sleep 1.5`, `sleep 1h 30m`: lets virtual time pass, at once in wall time.
pub fn sleep<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    if args.len() < 2 {
        cx.err("sleep: missing operand\n")?;
        try_help(cx, "sleep")?;
        return Ok(1);
    }
    let mut total = Duration::ZERO;
    for arg in &args[1..] {
        match parse_interval(arg) {
            Some(duration) => total = total.saturating_add(duration),
            None => {
                cx.err(format!("sleep: invalid time interval ‘{arg}’\n"))?;
                try_help(cx, "sleep")?;
                return Ok(1);
            }
        }
    }
    cx.sleep(total)?;
    Ok(0)
}

/// GNU sleep's `NUMBER[smhd]`.
pub fn parse_interval(text: &str) -> Option<Duration> {
    let (number, unit) = match text.char_indices().last() {
        Some((i, c @ ('s' | 'm' | 'h' | 'd'))) => (&text[..i], c),
        _ => (text, 's'),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let scale = match unit {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        _ => 86400.0,
    };
    Duration::try_from_secs_f64(value * scale).ok()
}

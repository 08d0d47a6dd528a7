//! `etcd-playground`: the playground's terminal outside the browser, for headless use and for
//! checking documentation. `etcd-playground` is a REPL; `etcd-playground run FILE` (or `-` for
//! stdin) runs a script, printing output as it comes and exiting with the last status.

mod host_fs;

use std::io::{BufRead, IsTerminal, Read, Write};
use std::process::ExitCode;

use playground_ctl::PlaygroundWorld;
use playground_server::EtcdVersion;
use playground_shell::{Options, Stream, Terminal};

type Shell = playground_shell::Shell<PlaygroundWorld>;

const USAGE: &str = "\
Usage: etcd-playground [--seed N] [--etcd-version 3.5|3.6]              interactive shell
       etcd-playground [--seed N] [--etcd-version 3.5|3.6] run FILE|-   run a script (- reads stdin)
The etcd release played is 3.6 (3.6.14) unless --etcd-version says 3.5 (3.5.1).
";

/// The process's own stdout and stderr, flushed as each command writes.
struct Stdio;

impl Terminal for Stdio {
    fn write(&mut self, stream: Stream, bytes: &[u8]) {
        // A closed pipe (`etcd-playground run x | head`) just loses the output, as in a shell.
        let _ = match stream {
            Stream::Stdout => std::io::stdout().write_all(bytes).and_then(|_| std::io::stdout().flush()),
            Stream::Stderr => std::io::stderr().write_all(bytes),
        };
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut seed = 1u64;
    let mut version = EtcdVersion::default();
    let mut rest: &[String] = &args;
    while let Some((first, tail)) = rest.split_first() {
        match first.as_str() {
            "--seed" => match tail.first().and_then(|s| s.parse().ok()) {
                Some(n) => {
                    seed = n;
                    rest = &tail[1..];
                }
                None => return usage_error("--seed needs a number"),
            },
            "--etcd-version" => match tail.first().and_then(|s| EtcdVersion::parse(s)) {
                Some(v) => {
                    version = v;
                    rest = &tail[1..];
                }
                None => return usage_error("--etcd-version needs 3.5 or 3.6"),
            },
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => break,
        }
    }
    let mut shell = new_shell(seed, version);
    match rest {
        [] => repl(&mut shell),
        [run, file] if run == "run" => run_script(&mut shell, file),
        _ => usage_error(&format!("unexpected arguments: {}", rest.join(" "))),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprint!("etcd-playground: {message}\n{USAGE}");
    ExitCode::from(2)
}

fn new_shell(seed: u64, version: EtcdVersion) -> Shell {
    let cwd =
        std::env::current_dir().map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into());
    let home = std::env::var("HOME").unwrap_or_else(|_| cwd.clone());
    let world = PlaygroundWorld::playground_of(seed, version);
    playground_ctl::with_options(Options {
        seed,
        fs: Box::new(host_fs::HostFs),
        cwd,
        home,
        ..Options::new(world)
    })
}

fn run_script(shell: &mut Shell, file: &str) -> ExitCode {
    let source = if file == "-" {
        let mut text = String::new();
        if let Err(error) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("etcd-playground: reading stdin: {error}");
            return ExitCode::from(2);
        }
        text
    } else {
        match std::fs::read(file) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(error) => {
                eprintln!("etcd-playground: {file}: {error}");
                return ExitCode::from(127);
            }
        }
    };
    let outcome = shell.run(&source, &mut Stdio);
    ExitCode::from(outcome.status as u8)
}

fn repl(shell: &mut Shell) -> ExitCode {
    let interactive = std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut pending = String::new();
    loop {
        if interactive {
            eprint!("{}", if pending.is_empty() { "$ " } else { "> " });
        }
        let Some(Ok(line)) = lines.next() else { break };
        pending.push_str(&line);
        pending.push('\n');
        if playground_shell::is_incomplete(&pending) {
            continue;
        }
        let outcome = shell.exec_interactive(&std::mem::take(&mut pending), &mut Stdio);
        if outcome.exited {
            return ExitCode::from(outcome.status as u8);
        }
    }
    if !pending.is_empty() {
        shell.run(&pending, &mut Stdio);
    }
    ExitCode::from(shell.last_status() as u8)
}

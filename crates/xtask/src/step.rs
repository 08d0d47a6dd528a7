//! Running one step: announce it, run it, say how long it took.

use std::process::Command;
use std::time::Instant;

/// Runs `command` as a named step; its output goes straight to the terminal.
pub fn run(name: &str, mut command: impl std::borrow::BorrowMut<Command>) -> Result<(), String> {
    let command = command.borrow_mut();
    println!("\n==> {name}");
    let started = Instant::now();
    let status =
        command.status().map_err(|e| format!("{name}: could not start {:?}: {e}", command.get_program()))?;
    let seconds = started.elapsed().as_secs_f64();
    if status.success() {
        println!("<== {name}: done in {seconds:.1}s");
        Ok(())
    } else {
        Err(format!("{name}: failed after {seconds:.1}s ({status})"))
    }
}

/// `cargo ARGS` in the workspace root, with the cargo that runs xtask.
pub fn cargo(args: &[&str]) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(crate::root());
    command
}

/// Runs a command quietly and returns its stdout, if it ran and succeeded.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs `work` as a named step in this process, timed like [`run`].
pub fn timed(name: &str, work: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    println!("\n==> {name}");
    let started = Instant::now();
    let result = work();
    let seconds = started.elapsed().as_secs_f64();
    match result {
        Ok(()) => {
            println!("<== {name}: done in {seconds:.1}s");
            Ok(())
        }
        Err(message) => Err(format!("{name}: failed after {seconds:.1}s: {message}")),
    }
}

/// Says a step did not run, and why.
pub fn skipped(name: &str, reason: &str) {
    println!("\n==> {name}: skipped ({reason})");
}

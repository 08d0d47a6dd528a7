//! Fuzzing: every cargo-fuzz target in fuzz/ for a bounded time, from the seed corpus committed
//! in fuzz/seeds/ (and real etcd's snapshot in tests/fixtures/ for the db target), counting
//! executions; a crash, a hang past the per-input timeout or an out-of-memory fails the step,
//! and libFuzzer leaves the input in fuzz/artifacts/TARGET/.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::{root, tools};

/// The targets of fuzz/Cargo.toml.
pub const TARGETS: [&str; 7] =
    ["shell_input", "etcd_tools", "db_file", "wal_file", "wire_decode", "lesson_file", "share_link"];

/// Seconds per target in `cargo xtask test`, and by default in `cargo xtask fuzz`.
pub const TEST_SECONDS: u64 = 25;
pub const LONG_SECONDS: u64 = 600;

/// Seconds one input may take before libFuzzer calls it a hang.
const INPUT_TIMEOUT: u64 = 10;
/// Seconds past the run's end (loading the corpus, writing a report) before the watchdog ends it.
const GRACE: u64 = 120;

/// Kills process group `group` after `seconds` unless the returned flag is set first. The
/// caller sets it (`swap(true)`) once the process has ended: true back means the watchdog
/// killed it.
fn watchdog(group: u32, seconds: u64) -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let watched = Arc::clone(&flag);
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        while Instant::now() < deadline {
            if watched.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        if !watched.swap(true, Ordering::SeqCst) {
            let _ = Command::new("kill").args(["-KILL", &format!("-{group}")]).status();
        }
    });
    flag
}

/// `cargo +nightly-2026-05-20 fuzz ARGS` in the repository root. No sanitizer: the engine has no unsafe
/// code, so AddressSanitizer would find nothing the bounds and overflow checks (on in these
/// builds) do not, and without it the build is shorter and each execution faster.
fn cargo_fuzz(args: &[&str]) -> Command {
    let mut command = Command::new("cargo");
    command
        .args([&format!("+{}", tools::FUZZ_TOOLCHAIN), "fuzz"])
        .args(args)
        .env("PATH", tools::path())
        .current_dir(root());
    // The stable toolchain that runs xtask must not leak into the nightly build.
    command.env_remove("RUSTUP_TOOLCHAIN").env_remove("RUSTC").env_remove("CARGO");
    command
}

/// Builds every target, then runs each for `seconds`, and prints executions per target.
pub fn run(seconds: u64, seed: Option<u64>) -> Result<(), String> {
    tools::ensure_fuzz()?;
    crate::step::run(
        "build the fuzz targets (cargo +nightly-2026-05-20 fuzz build, overflow checks on, no sanitizer)",
        cargo_fuzz(&["build", "--sanitizer", "none"]),
    )?;
    let mut executions = Vec::new();
    for target in TARGETS {
        executions.push((target, run_target(target, seconds, seed)?));
    }
    println!("\nfuzzing, {seconds} s per target, no crash:");
    for (target, (runs, seconds)) in executions {
        let rate = runs as f64 / seconds.max(1.0);
        println!("  {target:<12} {runs:>10} executions  ({rate:>8.0}/s)");
    }
    Ok(())
}

/// One target for `seconds`: the working corpus (fuzz/corpus/TARGET, not committed) grows
/// from the committed seeds. libFuzzer's progress lines are left out; everything else, a crash
/// report above all, is shown. Returns (executions, seconds).
fn run_target(target: &str, seconds: u64, seed: Option<u64>) -> Result<(u64, f64), String> {
    let root = root();
    let corpus = root.join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    if target == "db_file" {
        // Real etcd 3.5.1's snapshot of the fixture workload, already in the repository.
        let fixture = root.join("tests/fixtures/snapshot-3.5.db");
        std::fs::copy(&fixture, corpus.join("snapshot-3.5.db"))
            .map_err(|e| format!("{}: {e}", fixture.display()))?;
    }
    let name = format!("fuzz {target} for {seconds} s");
    println!("\n==> {name}");
    let started = Instant::now();
    let mut command = cargo_fuzz(&["run", "--sanitizer", "none", target]);
    command
        .arg(&corpus)
        .arg(root.join("fuzz/seeds").join(target))
        .args(["--", &format!("-max_total_time={seconds}"), &format!("-timeout={INPUT_TIMEOUT}")])
        .arg("-print_final_stats=1")
        .args(seed.map(|seed| format!("-seed={seed}")))
        .stderr(Stdio::piped())
        // Its own process group, so that the watchdog can end cargo-fuzz and the target.
        .process_group(0);
    let mut child = command
        .spawn()
        .map_err(|e| format!("{name}: could not start cargo +nightly-2026-05-20 fuzz: {e}"))?;
    let hung = watchdog(child.id(), seconds + INPUT_TIMEOUT + GRACE);
    let mut runs = None;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
                runs = n.trim().parse::<u64>().ok();
            }
            let progress = line.starts_with('#') || line.starts_with('"') || line.starts_with("stat::");
            if progress {
                continue;
            }
            // cargo-fuzz prints a crashing input's bytes on one line: the file holds them.
            match line.char_indices().nth(400) {
                Some((cut, _)) => eprintln!("{} [...]", &line[..cut]),
                None => eprintln!("{line}"),
            }
        }
    }
    let status = child.wait().map_err(|e| format!("{name}: {e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    if hung.swap(true, Ordering::SeqCst) {
        return Err(format!(
            "{name}: still running after {elapsed:.0}s, killed: an input hangs (without a sanitizer \
             libFuzzer's timeout report can deadlock); `cargo +nightly-2026-05-20 fuzz run {target} -- -timeout=5` \
             (AddressSanitizer) writes it to fuzz/artifacts/{target}/"
        ));
    }
    match runs {
        Some(runs) if status.success() => {
            println!("<== {name}: {runs} executions, done in {elapsed:.1}s");
            Ok((runs, seconds as f64))
        }
        _ => Err(format!(
            "{name}: failed after {elapsed:.1}s ({status}); the input is in fuzz/artifacts/{target}/, \
             `cargo +nightly-2026-05-20 fuzz run -s none {target} FILE` replays it"
        )),
    }
}

//! Shell throughput, printed for `cargo xtask bench`: how fast loops, pipes and the parser run
//! natively. (Wall-clock figures belong here, never in tests.)

use std::time::Instant;

use playground_shell::{Limits, Options, Shell, Transcript};

fn measure(label: &str, unit: &str, amount: f64, script: &str) {
    let limits = Limits { max_steps: u64::MAX, max_written_bytes: u64::MAX, ..Limits::default() };
    let mut shell = Shell::with_options(Options { limits, ..Options::default() });
    let mut transcript = Transcript::new();
    let started = Instant::now();
    let outcome = shell.run(script, &mut transcript);
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(outcome.status, 0, "{script}: {}", transcript.stderr());
    println!("{label:<48} {:>12.0} {unit}/s   ({seconds:.3} s)", amount / seconds);
}

fn main() {
    measure(
        "loop iterations (for i in $(seq ...); do :)",
        "iterations",
        200_000.0,
        "for i in $(seq 1 200000); do :; done",
    );
    measure(
        "while loop with arithmetic and test",
        "iterations",
        100_000.0,
        "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done",
    );
    measure(
        "dd if=/dev/urandom | wc -c (64 MiB)",
        "MiB",
        64.0,
        "dd if=/dev/urandom bs=1M count=64 2>/dev/null | wc -c > /dev/null",
    );
    measure(
        "the guide's fill-loop shape, 100 x 1 MiB",
        "iterations",
        100.0,
        "n=0; while [ 1 ]; do dd if=/dev/urandom bs=1024 count=1024 2>/dev/null | wc -c > /dev/null || break; n=$((n+1)); [ $n -ge 100 ] && break; done; true",
    );
    let script = "x=$(echo \"a $((1+2)) ${y:-z}\" | egrep -o '[0-9]+'); if [ \"$x\" = 3 ]; then echo ok; fi > /dev/null\n".repeat(10_000);
    let bytes = script.len() as f64 / (1 << 20) as f64;
    measure("parse and run a 10,000-line script", "MiB", bytes, &script);
}

//! `etcdctl check perf`: a short load test against the cluster.

use super::super::*;
use crate::{CommandResult, Context};

/// `check perf [--load=s|m|l|xl]`: 60 s of paced writes from many clients, judged as etcdctl
/// judges them (throughput at least 90 % of the load's rate, slowest request under 500 ms,
/// standard deviation under 100 ms). The progress bar advances a second at a time.
pub fn check_perf(cx: &mut Context<'_>, invocation: &Invocation) -> CommandResult {
    let rate = match invocation.args.get("load").unwrap_or("s") {
        "s" => 150,
        "m" => 1000,
        "l" => 8000,
        "xl" => 15000,
        other => {
            cx.err(format!("Error: unknown load option {other}\n"))?;
            return Ok(EXIT_BAD_FEATURE);
        }
    };
    const SECONDS: u64 = 60;
    let perf = match call(cx, invocation, |client| client.check_perf(rate, SECONDS)) {
        Ok(perf) => perf,
        Err(status) => return status,
    };
    let (per_second, slowest, stddev) = (perf.puts_per_second, perf.slowest_seconds, perf.stddev_seconds);
    let mut text = String::new();
    for second in 0..SECONDS {
        text.push_str(&format!("\r{second:>2} / {SECONDS} {:>7.2}%", second as f64 * 100.0 / SECONDS as f64));
    }
    let total: u64 = per_second.iter().sum();
    let throughput = total / SECONDS;
    let mut ok = true;
    if throughput as f64 >= rate as f64 * 0.9 {
        text.push_str(&format!("PASS: Throughput is {throughput} writes/s\n"));
    } else {
        ok = false;
        text.push_str(&format!("FAIL: Throughput too low: {throughput} writes/s\n"));
    }
    if slowest < 0.5 {
        text.push_str(&format!("PASS: Slowest request took {slowest:.6}s\n"));
    } else {
        ok = false;
        text.push_str(&format!("FAIL: Slowest request took too long: {slowest:.6}s\n"));
    }
    if stddev < 0.1 {
        text.push_str(&format!("PASS: Stddev is {stddev:.6}s\n"));
    } else {
        ok = false;
        text.push_str(&format!("FAIL: Stddev too high: {stddev:.6}s\n"));
    }
    text.push_str(if ok { "PASS\n" } else { "FAIL\n" });
    cx.out(text)?;
    Ok(if ok { 0 } else { EXIT_ERROR })
}

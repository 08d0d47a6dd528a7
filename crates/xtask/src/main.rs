//! `cargo xtask serve|build|test|bench`: the two commands of the README, the site build they
//! share, and the benchmarks. Each installs what it needs and is missing (and only that),
//! builds, and runs, printing every step and how long it took.

mod against;
mod figures;
mod fuzz;
mod index_html;
mod package;
mod page_bench;
mod serve;
mod site;
mod step;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <command>

  serve [--port N] [--quick]
                     build the site and serve it on http://127.0.0.1:8080 (--quick: for
                     working on the page, rebuilt in seconds, not size-optimised)
  build [--quick]    build the site into dist/ (the page, and the package etcd-playground in dist/pkg/)
  test               run every test: native, wasm in Node, wasm in headless Chromium, Playwright
  bench              print performance figures
  bench --against REV [--runs N]
                     the guide workload of this tree and of commit REV, built side by side and
                     run alternately N times (default 5): medians, new/old, callgrind counts
  linearizability    run 10,000 seeded fault schedules through the linearizability checker
  fuzz [--seconds N] run every fuzz target for N seconds each (default 600)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve::serve_command(&args[1..]),
        Some("build") if args.len() <= 2 => site::Build::from_flag(args.get(1).map(String::as_str))
            .and_then(|mode| tools::ensure_build().and_then(|tools| site::build_for(&tools, mode))),
        Some("test") => test(),
        Some("bench") if args.len() == 1 => bench(),
        Some("bench") => against::command(&args[1..]),
        Some("linearizability") => linearizability(),
        Some("fuzz") => fuzz_command(&args[1..]),
        Some("-h" | "--help") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives in crates/xtask).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).map(PathBuf::from).unwrap_or(manifest)
}

fn test() -> Result<(), String> {
    let started = std::time::Instant::now();
    let tools = tools::ensure_all()?;
    let root = root();
    step::run(
        "native tests (cargo test, every crate but the page; real etcd 3.5.1 as the oracle)",
        step::cargo(&["test", "--workspace", "--exclude", "playground-web", "--locked"])
            .env("ETCD_BIN_DIR", tools::real_etcd_dir())
            .env("ETCD_ORACLE_REQUIRED", "1"),
    )?;
    // A fixed seed: from a clean clone (an empty working corpus and the committed seeds) the
    // step replays the same mutations on every machine, so CI explores what was explored here
    // before it landed, within its 25 s; `cargo xtask fuzz` draws anew.
    fuzz::run(fuzz::TEST_SECONDS, Some(1))?;
    step::run(
        "the page's view-model and driver, natively (cargo test -p playground-web --lib)",
        step::cargo(&["test", "--locked", "-p", "playground-web", "--lib"]),
    )?;
    step::run(
        "fidelity report: db size and size in use against etcd 3.5.1 (shared/reference/06-dbsize.md)",
        step::cargo(&[
            "test",
            "--locked",
            "-q",
            "-p",
            "playground-mvcc",
            "--test",
            "store",
            "the_dbsize_workload_tracks_real_etcd",
            "--",
            "--nocapture",
        ]),
    )?;
    step::run(
        "engine, shell, etcd tools and lessons tests compiled to wasm, in Node (wasm-bindgen-test)",
        step::cargo(&[
            "test",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "playground-wire",
            "-p",
            "playground-bolt",
            "-p",
            "playground-mvcc",
            "-p",
            "playground-datadir",
            "-p",
            "playground-raft",
            "-p",
            "playground-sim",
            "-p",
            "playground-server",
            "-p",
            "playground-shell",
            "-p",
            "playground-ctl",
            "-p",
            "playground-lessons",
        ])
        .env("PATH", tools.path()),
    )?;
    step::run(
        "terminal component tests in headless Chromium (wasm-bindgen-test)",
        step::cargo(&["test", "--locked", "--target", "wasm32-unknown-unknown", "-p", "playground-web"])
            .env("PATH", tools.path())
            .env("CHROMEDRIVER", &tools.chromedriver)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
            .current_dir(root.join("web")),
    )?;
    site::build(&tools)?;
    let mut package_tests = std::process::Command::new("node");
    package_tests
        .args(["--test", "--test-reporter=spec"])
        .arg(root.join("tests/node"))
        .env("PATH", tools.path())
        .current_dir(&root);
    step::run(
        "the package dist/pkg in Node: the quota walkthrough headless, its .d.ts under tsc --noEmit",
        &mut package_tests,
    )?;
    let server = serve::start(&root.join("dist"), 0)?;
    let url = format!("http://{}", server.address);
    let mut playwright = std::process::Command::new("node");
    playwright
        .args(["--test", "--test-reporter=spec"])
        .arg(root.join("tests/e2e"))
        .env("BASE_URL", &url)
        .env("CHROMIUM", &tools.chromium)
        .env("NODE_PATH", root.join("node_modules"))
        .current_dir(&root);
    step::run(
        &format!("end-to-end tests: Playwright drives headless Chromium against {url}"),
        &mut playwright,
    )?;
    println!("\nxtask test: everything passed in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `cargo xtask fuzz [--seconds N]`: the fuzz step of `test`, N seconds per target.
fn fuzz_command(args: &[String]) -> Result<(), String> {
    let seconds = match args {
        [] => fuzz::LONG_SECONDS,
        [flag, n] if flag == "--seconds" => n.parse().map_err(|_| format!("--seconds: not a number: {n}"))?,
        _ => return Err(format!("usage: cargo xtask fuzz [--seconds N]\n{USAGE}")),
    };
    fuzz::run(seconds, None)
}

/// The fault schedules of `cargo xtask test` (1,000 there), ten times as many, in release:
/// prints schedules run, operations checked and violations, and each failing seed's shrunk script.
fn linearizability() -> Result<(), String> {
    let mut command = step::cargo(&[
        "test",
        "--release",
        "--locked",
        "-p",
        "playground-server",
        "--test",
        "linearizable",
        "fault_schedules_keep_the_history_linearizable",
        "--",
        "--nocapture",
    ]);
    command.env("LINEARIZABILITY_SCHEDULES", "10000");
    step::run("10,000 seeded fault schedules, histories checked for linearizability (release)", command)
}

fn bench() -> Result<(), String> {
    step::run(
        "shell benchmarks (native, release)",
        step::cargo(&["run", "--release", "--locked", "-p", "playground-shell", "--example", "bench"]),
    )?;
    step::run(
        "virtual cluster benchmarks (native, release): committed entries/s, 24 idle hours",
        step::cargo(&["run", "--release", "--locked", "-p", "playground-server", "--example", "bench"]),
    )?;
    step::run(
        "store benchmarks (native, release): puts/s, ranges/s, heap per db byte",
        step::cargo(&["run", "--release", "--locked", "-p", "playground-mvcc", "--example", "bench"]),
    )?;
    let tools = tools::ensure_build()?;
    // Real etcd runs the guide's fill loop for comparison; without it that line says skipped.
    let real_etcd = tools::ensure_real_etcd().is_ok();
    let mut guide =
        step::cargo(&["run", "--release", "--locked", "-p", "playground-ctl", "--example", "guide_bench"]);
    if real_etcd {
        guide.env("ETCD_BIN_DIR", tools::real_etcd_dir());
    }
    step::run(
        "the maintenance guide's workload (native, release): puts/s through the 3-member cluster, the 16 MiB fill loop + recovery here and on real etcd 3.5.1",
        guide,
    )?;
    step::run(
        "the maintenance guide's workload compiled to wasm, in Node (release)",
        step::cargo(&[
            "test",
            "--release",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "playground-ctl",
            "--features",
            "wasm-bench",
            "--test",
            "wasm_bench",
            "--",
            "--nocapture",
        ])
        .env("PATH", tools.path()),
    )?;
    step::run(
        "virtual cluster benchmarks compiled to wasm, in Node (release)",
        step::cargo(&[
            "test",
            "--release",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "playground-server",
            "--features",
            "wasm-bench",
            "--test",
            "wasm_bench",
            "--",
            "--nocapture",
        ])
        .env("PATH", tools.path()),
    )?;
    step::run(
        "store benchmarks compiled to wasm, in Node (release)",
        step::cargo(&[
            "test",
            "--release",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "playground-mvcc",
            "--features",
            "wasm-bench",
            "--test",
            "wasm_bench",
            "--",
            "--nocapture",
        ])
        .env("PATH", tools.path()),
    )?;
    site::build(&tools)?;
    println!("\npage bundle (dist/, release build with wasm-opt):");
    let dist = root().join("dist");
    let mut files = Vec::new();
    files_under(&dist, &mut files)?;
    files.retain(|path: &PathBuf| {
        matches!(path.extension().and_then(|e| e.to_str()), Some("wasm" | "js" | "css" | "html"))
    });
    files.sort();
    let (mut raw_total, mut gzip_total) = (0, 0);
    let mut embedding = Vec::new();
    for path in files {
        let raw = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let gzip = gzip_size(&path)?;
        let name = path.strip_prefix(&dist).unwrap_or(&path).to_string_lossy().into_owned();
        // The pages for embedding are not what the playground's page loads.
        if site::AT_ROOT.contains(&name.as_str()) {
            embedding.push(format!("  {name:<48} {raw:>9} bytes  {gzip:>8} gzip -9"));
            continue;
        }
        raw_total += raw;
        gzip_total += gzip;
        println!("  {name:<48} {raw:>9} bytes  {gzip:>8} gzip -9");
    }
    println!("  {:<48} {raw_total:>9} bytes  {gzip_total:>8} gzip -9", "total (what the page loads)");
    println!("embedding (dist/ root, not loaded by the page):\n{}", embedding.join("\n"));
    page_bench::run(&tools)
}

/// Every file under `dir`, in any depth.
fn files_under(dir: &std::path::Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// The size of `path` compressed by `gzip -9`, as a web server would send it.
fn gzip_size(path: &std::path::Path) -> Result<u64, String> {
    let output = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    Ok(output.stdout.len() as u64)
}

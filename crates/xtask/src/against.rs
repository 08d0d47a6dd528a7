//! `cargo xtask bench --against REV [--runs N]`: the guide workload benchmark of this tree and
//! of commit REV, built side by side and run alternately in one session, so that both see the
//! same machine load; medians printed next to each other with new/old. REV is checked out with
//! `git worktree add --detach` under target/bench-against/ (reused on the next run, its own
//! target dir keeping its build), never in the source tree. Instruction counts come from one run
//! of each under callgrind (native, and the wasm benchmark in Node): they do not depend on the
//! machine's noise.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::figures::{self, Samples};
use crate::root;
use crate::step;
use crate::tools;

const DEFAULT_RUNS: usize = 5;

/// One source tree under comparison and where its benchmarks are.
struct Tree {
    /// `old REV` or `new`, for the output.
    name: String,
    dir: PathBuf,
    target_dir: PathBuf,
    /// The package holding examples/guide_bench.rs (it moved from the shell to the ctl crate).
    native_package: String,
    /// The package holding the guide workload's wasm twin (tests/wasm_bench.rs), if any.
    wasm_package: Option<String>,
}

pub fn command(args: &[String]) -> Result<(), String> {
    let (mut rev, mut runs) = (None, DEFAULT_RUNS);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--against" => rev = args.next().cloned(),
            "--runs" => {
                let n = args.next().ok_or("--runs needs a number")?;
                runs =
                    n.parse().ok().filter(|&n| n > 0).ok_or(format!("--runs: not a positive number: {n}"))?;
            }
            other => return Err(format!("bench: unknown argument `{other}`")),
        }
    }
    let rev = rev.ok_or("usage: cargo xtask bench --against REV [--runs N]")?;
    against(&rev, runs)
}

fn against(rev: &str, runs: usize) -> Result<(), String> {
    let root = root();
    let old_dir = checkout(&root, rev)?;
    let commit = git(&old_dir, &["rev-parse", "--short=9", "HEAD"])?;
    let new_head = git(&root, &["rev-parse", "--short=9", "HEAD"])?;
    let dirty = !git(&root, &["status", "--porcelain", "--untracked-files=no"])?.is_empty();
    let new_target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let old = Tree::find(format!("old {commit}"), &old_dir, old_dir.join("target"))?;
    let new = Tree::find("new".into(), &root, new_target)?;
    println!(
        "\nold: {commit} in {}\nnew: {new_head}{} in {}",
        old.dir.display(),
        if dirty { " with uncommitted changes" } else { "" },
        new.dir.display()
    );

    // Both wasm builds run under the one wasm-bindgen-test-runner on PATH: it must match both.
    let tools = tools::ensure_wasm_in_node()?;
    let wasm = match (&old.wasm_package, &new.wasm_package) {
        (Some(_), Some(_)) => {
            let (a, b) = (tools::locked_wasm_bindgen(&old.dir)?, tools::locked_wasm_bindgen(&root)?);
            if a == b {
                true
            } else {
                println!("wasm side skipped: the trees lock different wasm-bindgen versions ({a}, {b})");
                false
            }
        }
        _ => {
            println!("wasm side skipped: a tree has no guide workload wasm benchmark");
            false
        }
    };

    for tree in [&old, &new] {
        step::run(&format!("build the guide bench of {} (native, release)", tree.name), tree.native_build())?;
        if wasm {
            step::run(
                &format!("build the guide workload's wasm benchmark of {} (release)", tree.name),
                tree.wasm_test(tools.path(), &["--no-run"]),
            )?;
        }
    }

    let (mut old_native, mut new_native) = (Samples::default(), Samples::default());
    let (mut old_wasm, mut new_wasm) = (Samples::default(), Samples::default());
    for run in 1..=runs {
        // Alternate which goes first (ABBA), so a drift in load favours neither.
        let pairs = [(&old, &mut old_native), (&new, &mut new_native)];
        for (tree, samples) in ordered(pairs, run) {
            samples.add(&run_figures(&format!("{} native, run {run}/{runs}", tree.name), tree.native_run())?);
        }
    }
    if wasm {
        for run in 1..=runs {
            let pairs = [(&old, &mut old_wasm), (&new, &mut new_wasm)];
            for (tree, samples) in ordered(pairs, run) {
                let command = tree.wasm_test(tools.path(), &["--", "--nocapture"]);
                samples.add(&run_figures(&format!("{} wasm in Node, run {run}/{runs}", tree.name), command)?);
            }
        }
    }

    let mut counts = instruction_counts(&root, &old, &new);
    if wasm {
        if let Ok(lines) = counts.as_mut() {
            match wasm_instruction_counts(&root, &old, &new, tools.path()) {
                Ok(line) => lines.push(line),
                Err(message) => lines.push(format!("wasm  skipped: {message}")),
            }
        }
    }

    let title = format!("guide workload, native release, {runs} alternating runs each");
    figures::print_table(&title, &commit, &old_native, &new_native);
    if wasm {
        let title = format!("guide workload, wasm in Node (release), {runs} alternating runs each");
        figures::print_table(&title, &commit, &old_wasm, &new_wasm);
    }
    match counts {
        Ok(lines) => {
            println!("\ninstructions executed (callgrind Ir, one run each, release)");
            for line in lines {
                println!("  {line}");
            }
        }
        Err(message) => println!("\ninstruction counts skipped: {message}"),
    }
    Ok(())
}

/// The pair in run order: old first on odd runs, new first on even ones.
fn ordered<T>(pairs: [T; 2], run: usize) -> impl Iterator<Item = T> {
    let [a, b] = pairs;
    if run % 2 == 1 { [a, b] } else { [b, a] }.into_iter()
}

/// Runs a benchmark, quietly, and returns the figures it printed (echoed, labelled).
fn run_figures(name: &str, mut command: Command) -> Result<Vec<figures::Figure>, String> {
    let output = command.output().map_err(|e| format!("{name}: could not start: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("{name}: failed ({})\n{stdout}\n{stderr}", output.status));
    }
    let found = figures::parse(&stdout);
    println!("[{name}]");
    for figure in &found {
        println!("    {}: {} {}", figure.label, figure.value, figure.unit);
    }
    if found.is_empty() {
        return Err(format!("{name}: printed no figures\n{stdout}"));
    }
    Ok(found)
}

/// One callgrind run of each part (puts, fill) for both trees: total instructions, new/old.
fn instruction_counts(root: &Path, old: &Tree, new: &Tree) -> Result<Vec<String>, String> {
    tools::ensure_valgrind()?;
    let dir = root.join("target/bench-against");
    let mut lines = Vec::new();
    for part in ["puts", "fill"] {
        let mut counts = Vec::new();
        for (tree, side) in [(old, "old"), (new, "new")] {
            let file = dir.join(format!("callgrind.{side}.{part}.out"));
            let mut valgrind = Command::new("valgrind");
            valgrind
                .args(["--tool=callgrind", "--quiet"])
                .arg(format!("--callgrind-out-file={}", file.display()))
                .arg(tree.native_binary())
                .arg(part)
                .env_remove("ETCD_BIN_DIR");
            step::run(&format!("callgrind: {} guide bench `{part}`", tree.name), &mut valgrind)?;
            counts.push((callgrind_total(&file)?, file));
        }
        let (old_ir, new_ir) = (counts[0].0, counts[1].0);
        lines.push(format!(
            "{part:<5} old {old_ir:>15}  new {new_ir:>15}  new/old {:.4}   (callgrind_annotate {})",
            new_ir as f64 / old_ir as f64,
            counts[1].1.display()
        ));
    }
    Ok(lines)
}

/// The whole wasm benchmark under callgrind, old and new side by side (in parallel: counts do
/// not depend on load). `node` on the runner's PATH is a wrapper that runs Node under valgrind
/// with V8 compiling the module once, on the main thread (TurboFan only, no tier-up), so the
/// counts do not hang on background compile timing. Node's start, the module's compile and GC
/// are in the count, alike on both sides.
fn wasm_instruction_counts(root: &Path, old: &Tree, new: &Tree, path: &OsStr) -> Result<String, String> {
    let node = std::env::split_paths(path)
        .map(|dir| dir.join("node"))
        .find(|candidate| candidate.is_file())
        .ok_or("node not found on PATH")?;
    let dir = root.join("target/bench-against/callgrind-node");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let wrapper = dir.join("node");
    let script = format!(
        "#!/bin/sh\nexec valgrind --tool=callgrind --quiet --callgrind-out-file=\"$XTASK_CALLGRIND_OUT\" {} --single-threaded --no-liftoff --no-wasm-tier-up \"$@\"\n",
        node.display()
    );
    std::fs::write(&wrapper, script).map_err(|e| format!("{}: {e}", wrapper.display()))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: {e}", wrapper.display()))?;
    let mut dirs = vec![dir.clone()];
    dirs.extend(std::env::split_paths(path));
    let wrapped_path = std::env::join_paths(dirs).map_err(|e| e.to_string())?;
    println!("\n==> callgrind: the wasm guide workload of both trees in Node, in parallel (minutes)");
    let started = std::time::Instant::now();
    let mut running = Vec::new();
    for (tree, side) in [(old, "old"), (new, "new")] {
        let file = root.join(format!("target/bench-against/callgrind.{side}.wasm.out"));
        let child = tree
            .wasm_test(&wrapped_path, &["--", "--nocapture"])
            .env("XTASK_CALLGRIND_OUT", &file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", tree.name))?;
        running.push((tree, child, file));
    }
    let mut counts = Vec::new();
    for (tree, mut child, file) in running {
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("{}: the wasm benchmark under callgrind failed ({status})", tree.name));
        }
        counts.push((callgrind_total(&file)?, file));
    }
    println!("<== callgrind: wasm: done in {:.1}s", started.elapsed().as_secs_f64());
    let (old_ir, new_ir) = (counts[0].0, counts[1].0);
    Ok(format!(
        "wasm  old {old_ir:>15}  new {new_ir:>15}  new/old {:.4}   (the whole wasm_bench test in Node; callgrind_annotate {})",
        new_ir as f64 / old_ir as f64,
        counts[1].1.display()
    ))
}

/// The `summary:` (or `totals:`) line of a callgrind output file: instructions executed.
fn callgrind_total(file: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    text.lines()
        .filter_map(|l| l.strip_prefix("summary:").or_else(|| l.strip_prefix("totals:")))
        .find_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("{}: no summary line", file.display()))
}

impl Tree {
    fn find(name: String, dir: &Path, target_dir: PathBuf) -> Result<Tree, String> {
        let native_package = package_with(dir, "examples/guide_bench.rs", "")
            .ok_or_else(|| format!("{}: no crates/*/examples/guide_bench.rs", dir.display()))?;
        let wasm_package = package_with(dir, "tests/wasm_bench.rs", "fill loop");
        Ok(Tree { name, dir: dir.to_path_buf(), target_dir, native_package, wasm_package })
    }

    fn cargo(&self, args: &[&str]) -> Command {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut command = Command::new(cargo);
        command.args(args).current_dir(&self.dir).env("CARGO_TARGET_DIR", &self.target_dir);
        command
    }

    fn native_build(&self) -> Command {
        self.cargo(&[
            "build",
            "--release",
            "--locked",
            "-p",
            &self.native_package,
            "--example",
            "guide_bench",
        ])
    }

    fn native_binary(&self) -> PathBuf {
        self.target_dir.join("release/examples/guide_bench")
    }

    /// Real etcd stays out (no ETCD_BIN_DIR): only the playground's figures are compared.
    fn native_run(&self) -> Command {
        let mut command = Command::new(self.native_binary());
        command.env_remove("ETCD_BIN_DIR");
        command
    }

    fn wasm_test(&self, path: &OsStr, extra: &[&str]) -> Command {
        let package = self.wasm_package.as_deref().unwrap_or_default();
        let mut command = self.cargo(&[
            "test",
            "--release",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            package,
            "--features",
            "wasm-bench",
            "--test",
            "wasm_bench",
        ]);
        command.args(extra).env("PATH", path);
        command
    }
}

/// The package of the crate under `crates/` that has `file` (containing `needle`).
fn package_with(dir: &Path, file: &str, needle: &str) -> Option<String> {
    let mut crates: Vec<_> =
        std::fs::read_dir(dir.join("crates")).ok()?.flatten().map(|e| e.path()).collect();
    crates.sort();
    crates.into_iter().find_map(|krate| {
        let source = std::fs::read_to_string(krate.join(file)).ok()?;
        if !source.contains(needle) {
            return None;
        }
        let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).ok()?;
        let name = manifest.lines().find_map(|l| l.trim().strip_prefix("name = \""))?;
        Some(name.trim_end_matches('"').to_string())
    })
}

/// REV checked out, detached, in target/bench-against/REV: a worktree already there is moved
/// to REV (keeping its target dir); a leftover directory that is not one is replaced.
fn checkout(root: &Path, rev: &str) -> Result<PathBuf, String> {
    let commit = git(root, &["rev-parse", "--verify", &format!("{rev}^{{commit}}")])?;
    let name: String =
        rev.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
    let dir = root.join("target/bench-against").join(name);
    git(root, &["worktree", "prune"])?;
    let registered = git(root, &["worktree", "list", "--porcelain"])?
        .lines()
        .any(|l| l.strip_prefix("worktree ").is_some_and(|p| Path::new(p) == dir));
    if registered && dir.join(".git").exists() {
        git(&dir, &["checkout", "--quiet", "--force", "--detach", &commit])?;
        println!("reusing the worktree {} at {}", dir.display(), &commit[..9]);
    } else {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let parent = dir.parent().unwrap_or(root);
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        let path = dir.to_string_lossy();
        git(root, &["worktree", "add", "--quiet", "--detach", &path, &commit])?;
        println!("checked out {} in {}", &commit[..9], dir.display());
    }
    Ok(dir)
}

/// `git ARGS` in `dir`, its trimmed stdout.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("git {}: {e}", args.join(" ")))?;
    if !output.status.success() {
        return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

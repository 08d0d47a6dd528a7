//! The page's frame times in headless Chromium for `cargo xtask bench`: the release build in
//! dist/ served as `cargo xtask serve` serves it, and tests/e2e/bench/frames.mjs (Playwright)
//! recording requestAnimationFrame deltas in the page while the guide's fill loop runs in its
//! terminal and while virtual time runs at 600x for a minute.

use crate::tools::{self, Tools};
use crate::{root, serve, step};

/// Prints p95, max and median frame time of each scenario; `dist/` must be built.
pub fn run(tools: &Tools) -> Result<(), String> {
    tools::ensure_chromium()?;
    let root = root();
    let server = serve::start(&root.join("dist"), 0)?;
    let url = format!("http://{}", server.address);
    let mut node = std::process::Command::new("node");
    node.arg(root.join("tests/e2e/bench/frames.mjs"))
        .env("BASE_URL", &url)
        .env("CHROMIUM", &tools.chromium)
        .env("NODE_PATH", root.join("node_modules"))
        .current_dir(&root);
    step::run(
        &format!("frame times in headless Chromium (Playwright, requestAnimationFrame deltas) against {url}: the fill loop in the terminal, 600x for 60 s"),
        &mut node,
    )
}

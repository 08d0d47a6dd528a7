//! A playground embedded in someone else's page: what `<etcd-playground>` (static/embed.js) and
//! `embed.html` mount. Each mount is its own cluster, with its own frame driver and views; it
//! keeps nothing in the visitor's storage, takes no focus on its own, and sets nothing on the
//! host page (its colour scheme lives on its own root element).
//!
//! What embed.js does (the module mounts the whole page at start unless `<etcd-playground>` is
//! defined by then, see main.rs):
//!
//! ```js
//! import init, { mount } from './pkg/etcd_playground.js';
//! await init();
//! const embedded = mount(element, {
//!   flags: ['--quota-backend-bytes=16777216'],
//!   seed: 7,
//!   panels: 'cards',             // 'terminal' | 'cards' | 'all'
//!   script: ['etcdctl put foo bar', 'etcdctl endpoint status -w table'],
//! });
//! embedded.playground().exec('etcdctl get foo');
//! embedded.unmount();
//! ```

use gloo_timers::callback::Interval;
use js_sys::{Array, Reflect};
use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::api::Playground as JsPlayground;
use crate::app::{drive, Host, Layout, Panels};
use crate::playground::{Playground, SharedPlayground};
use crate::scheme::Scheme;

/// The most commands a `script` may hold: a guide section's block is a dozen lines.
pub const MAX_SCRIPT_LINES: usize = 200;

/// What a mount is asked for, read from the element's attributes by embed.js.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbedOptions {
    pub seed: u64,
    pub flags: Vec<String>,
    pub panels: Panels,
    pub scheme: Option<Scheme>,
    /// Commands run at start, each echoed into the terminal with its output.
    pub script: Vec<String>,
}

impl EmbedOptions {
    /// From a JS object `{ seed, flags, panels, scheme, script }`; `script` is a string (one
    /// command per line) or an array of lines. A bad value is an error naming it.
    pub fn from_js(options: &JsValue) -> Result<EmbedOptions, String> {
        let get = |name: &str| {
            Reflect::get(options, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
        };
        let seed = match get("seed") {
            None => 1,
            Some(v) => match v.as_f64().or_else(|| v.as_string().and_then(|s| s.trim().parse().ok())) {
                Some(n) if n.is_finite() && n >= 0.0 && n <= u64::MAX as f64 && n.fract() == 0.0 => n as u64,
                _ => return Err("seed: not a whole number".into()),
            },
        };
        let flags = match get("flags") {
            None => Vec::new(),
            Some(v) if v.is_string() => split_flags(&v.as_string().unwrap_or_default()),
            Some(v) if Array::is_array(&v) => strings(&v, "flags")?,
            Some(_) => return Err("flags: not a list of strings".into()),
        };
        let panels = match get("panels").and_then(|v| v.as_string()) {
            None => Panels::Cards,
            Some(name) => Panels::parse(name.trim())
                .ok_or_else(|| format!("panels: `{name}` is not one of terminal, cards, all"))?,
        };
        let scheme = match get("scheme").and_then(|v| v.as_string()) {
            None => None,
            Some(name) => Some(
                Scheme::parse(name.trim()).ok_or_else(|| format!("scheme: `{name}` is not light or dark"))?,
            ),
        };
        let script = match get("script") {
            None => Vec::new(),
            Some(v) if v.is_string() => script_lines(&v.as_string().unwrap_or_default()),
            Some(v) if Array::is_array(&v) => strings(&v, "script")?,
            Some(_) => return Err("script: not text or a list of lines".into()),
        };
        if script.len() > MAX_SCRIPT_LINES {
            return Err(format!(
                "script: {} lines, more than the {MAX_SCRIPT_LINES} an embed runs",
                script.len()
            ));
        }
        Ok(EmbedOptions { seed, flags, panels, scheme, script })
    }
}

fn strings(list: &JsValue, what: &str) -> Result<Vec<String>, String> {
    Array::from(list)
        .iter()
        .map(|v| v.as_string().ok_or_else(|| format!("{what}: not a list of strings")))
        .collect()
}

/// Flags from an attribute: `--name=value` words separated by white space.
pub fn split_flags(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// A script from an element's text: its lines, with the indentation HTML authors give them
/// and blank lines dropped. Continuation lines (`\` at the end) stay separate lines: the
/// terminal joins them as it would when typed.
pub fn script_lines(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let indent = lines.iter().map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    lines.iter().map(|l| l.get(indent..).unwrap_or(l.trim_start()).trim_end().to_string()).collect()
}

/// A mounted playground: its cluster, for scripts, and the way to take it off the page.
#[wasm_bindgen]
pub struct Embedded {
    shared: SharedPlayground,
    // Dropped in this order: the driver stops before the views it updates go away.
    driver: Option<Interval>,
    view: Option<leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>>,
}

#[wasm_bindgen]
impl Embedded {
    /// The embedded cluster, as the JS API drives it (`exec`, `advance`, `state`, ...).
    pub fn playground(&self) -> JsPlayground {
        JsPlayground::from_shared(self.shared.clone())
    }

    /// Stops the cluster's clock and removes its views.
    pub fn unmount(&mut self) {
        self.driver.take();
        self.view.take();
    }
}

/// Mounts a playground into `parent` (an element inside the custom element's shadow root).
/// Bad options throw and mount nothing.
#[wasm_bindgen]
pub fn mount(parent: web_sys::HtmlElement, options: JsValue) -> Result<Embedded, JsValue> {
    let options = EmbedOptions::from_js(&options).map_err(|e| JsValue::from_str(&e))?;
    let playground =
        Playground::new(options.seed, &options.flags).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let shared = SharedPlayground::new(playground);
    let for_view = shared.clone();
    let seed = options.seed;
    let host = Host::Embedded { panels: options.panels, scheme: options.scheme };
    let view = mount_to(parent, move || view! { <Layout shared=for_view seed host /> }.into_any());
    for line in &options.script {
        shared.update(|p| p.run_in_terminal(line));
    }
    let driver = drive(shared.clone());
    Ok(Embedded { shared, driver: Some(driver), view: Some(view) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_is_the_elements_lines_without_their_html_indentation() {
        let text = "\n      etcdctl put a 1\n\n      for i in 1 2; do\n        echo $i\n      done\n    ";
        assert_eq!(script_lines(text), ["etcdctl put a 1", "for i in 1 2; do", "  echo $i", "done"]);
        assert!(script_lines("  \n\t\n").is_empty());
    }

    #[test]
    fn flags_are_words_and_panels_are_named() {
        assert_eq!(
            split_flags(" --snapshot-count=100\n --quota-backend-bytes=16777216 "),
            ["--snapshot-count=100", "--quota-backend-bytes=16777216"]
        );
        assert_eq!(Panels::parse("terminal"), Some(Panels::Terminal));
        assert_eq!(Panels::parse("all"), Some(Panels::All));
        assert_eq!(Panels::parse("everything"), None);
    }
}

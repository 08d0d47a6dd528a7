//! The JavaScript API, for headless use and embedding: a playground from options and a seed,
//! commands run as the terminal runs them, virtual time, and the cluster's state as JSON.
//! `page()` hands out the playground the page itself shows, so a script drives what the
//! visitor sees.
//!
//! ```js
//! const p = new wasmBindings.Playground({ seed: 7, flags: ["--quota-backend-bytes=16777216"] });
//! const { stdout, stderr, status } = p.exec("etcdctl put foo bar");
//! p.advance(60_000);
//! const state = JSON.parse(p.state());
//! const events = JSON.parse(p.events(0)); // compactions, defrags, snapshots, alarms, ...
//! wasmBindings.page().exec("etcdctl put shown yes"); // the page's own cluster
//! ```

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use crate::context::page_playground;
use crate::playground::{Playground as Model, SharedPlayground};

/// The most virtual time one `advance` lets pass, as for one shell command (`sleep`,
/// `playground advance`): longer waits would hold the page for seconds.
const MAX_ADVANCE_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;

#[wasm_bindgen]
pub struct Playground {
    shared: SharedPlayground,
}

/// The playground the page shows (undefined before the page has mounted).
#[wasm_bindgen]
pub fn page() -> Option<Playground> {
    page_playground().map(|shared| Playground { shared })
}

#[wasm_bindgen]
impl Playground {
    /// Options: `seed` (a number, default 1) and `flags` (etcd's flags as strings, as `etcd`
    /// takes them). Bad flags throw.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Playground, JsValue> {
        let get =
            |name: &str| Reflect::get(&options, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined());
        let seed = get("seed")
            .and_then(|v| v.as_f64())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map_or(1, |v| v as u64);
        let flags: Vec<String> = get("flags")
            .map(|list| Array::from(&list).iter().filter_map(|v| v.as_string()).collect())
            .unwrap_or_default();
        let model = Model::new(seed, &flags).map_err(|e| JsValue::from_str(&e.to_string()))?;
        Ok(Playground { shared: SharedPlayground::new(model) })
    }

    /// Runs one line as the terminal would: `{ stdout, stderr, status }`.
    pub fn exec(&self, line: &str) -> Result<JsValue, JsValue> {
        let result = self.shared.update(|p| p.exec(line));
        let object = js_sys::Object::new();
        Reflect::set(&object, &"stdout".into(), &result.stdout.into())?;
        Reflect::set(&object, &"stderr".into(), &result.stderr.into())?;
        Reflect::set(&object, &"status".into(), &JsValue::from(result.status))?;
        Ok(object.into())
    }

    /// Lets `ms` of virtual time pass: a finite number from 0 to 7 days; anything else throws
    /// and changes nothing.
    pub fn advance(&self, ms: f64) -> Result<(), JsValue> {
        if !ms.is_finite() || ms < 0.0 {
            return Err(JsValue::from_str(&format!("advance: {ms} is not a duration in milliseconds")));
        }
        if ms > MAX_ADVANCE_MS {
            return Err(JsValue::from_str(&format!(
                "advance: {ms} ms is more than one call lets pass (7 days, {MAX_ADVANCE_MS} ms)"
            )));
        }
        self.shared.update(|p| p.advance((ms * 1000.0) as u64));
        Ok(())
    }

    /// The cluster as JSON: the virtual time and each member's figures.
    pub fn state(&self) -> String {
        let state = self.shared.with(|p| p.state());
        serde_json::to_string(&state).unwrap_or_else(|_| "{}".into())
    }

    /// The events after `sinceSeq` (0: every event kept), as JSON: `[{ seq, atMicros, member,
    /// command, kind: { type, ... } }]`, oldest first.
    pub fn events(&self, since_seq: f64) -> String {
        let since = if since_seq.is_finite() && since_seq > 0.0 { since_seq as u64 } else { 0 };
        let events = self.shared.with(|p| p.events_since(since));
        serde_json::to_string(&events).unwrap_or_else(|_| "[]".into())
    }

    /// The monitoring mixin's alerts and their state, as JSON.
    pub fn alerts(&self) -> String {
        serde_json::to_string(&self.shared.with(|p| p.alerts())).unwrap_or_else(|_| "[]".into())
    }

    /// Pauses or runs virtual time (the page's play/pause).
    #[wasm_bindgen(js_name = setPlaying)]
    pub fn set_playing(&self, playing: bool) {
        self.shared.update(|p| p.driver.playing = playing);
    }
}

/// Makes the engine fail as a bug would, inside a change of the page's playground (which then
/// stays borrowed, as after a real trap): for tests of the page's recovery, which must reload
/// into a fresh playground with the scrollback and history kept.
#[wasm_bindgen(js_name = simulateEngineFailure)]
pub fn simulate_engine_failure() {
    if let Some(shared) = page_playground() {
        shared.with(|_| panic!("simulated engine failure"));
    }
    panic!("simulated engine failure");
}

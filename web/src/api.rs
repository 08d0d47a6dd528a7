//! The JavaScript API, for headless use and embedding: a playground from options and a seed,
//! commands run as the terminal runs them, virtual time, and the cluster's state and events as
//! plain objects (serde through serde-wasm-bindgen, typed by `api.d.ts` in the package's
//! `.d.ts`). `page()` hands out the playground the page itself shows, so a script drives what
//! the visitor sees.
//!
//! ```js
//! const p = new wasmBindings.Playground({ seed: 7, flags: ["--quota-backend-bytes=16777216"] });
//! const { stdout, stderr, status } = p.exec("etcdctl put foo bar");
//! p.advance(60_000);
//! const state = p.state(); // { nowMicros, members: [{ name, revision, dbSize, alarms, ... }] }
//! const events = p.events(0); // compactions, defrags, snapshots, alarms, ...
//! wasmBindings.page().exec("etcdctl put shown yes"); // the page's own cluster
//! ```

use js_sys::{Array, Reflect};
use playground_server::EtcdVersion;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::context::page_playground;
use crate::playground::{Playground as Model, SharedPlayground};

/// The most virtual time one `advance` lets pass, as for one shell command (`sleep`,
/// `playground advance`): longer waits would hold the page for seconds.
const MAX_ADVANCE_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;

/// The TypeScript shapes of what the API takes and returns, appended to the package's `.d.ts`.
pub const TYPESCRIPT: &str = include_str!("api.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT_SECTION: &str = TYPESCRIPT;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "PlaygroundOptions")]
    pub type Options;
    #[wasm_bindgen(typescript_type = "ExecResult")]
    pub type ExecValue;
    #[wasm_bindgen(typescript_type = "PlaygroundState")]
    pub type StateValue;
    #[wasm_bindgen(typescript_type = "PlaygroundEvent[]")]
    pub type EventList;
    #[wasm_bindgen(typescript_type = "AlertState[]")]
    pub type AlertList;
    #[wasm_bindgen(typescript_type = "LessonState | undefined")]
    pub type LessonValue;
}

/// `value` as the object `JSON.parse` of etcd-style JSON would give: `None` as null, maps as
/// objects, integers as numbers (none of these figures reaches 2^53).
fn to_js<T: Serialize + ?Sized, U: JsCast>(value: &T) -> Result<U, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    Ok(value.serialize(&serializer).map_err(JsValue::from)?.unchecked_into())
}

#[wasm_bindgen]
pub struct Playground {
    shared: SharedPlayground,
}

/// The playground the page shows (undefined before the page has mounted).
#[wasm_bindgen]
pub fn page() -> Option<Playground> {
    page_playground().map(|shared| Playground { shared })
}

impl Playground {
    /// The JS handle of a playground already shown (the page's, an embedded one).
    pub(crate) fn from_shared(shared: SharedPlayground) -> Playground {
        Playground { shared }
    }
}

#[wasm_bindgen]
impl Playground {
    /// Options: `seed` (a number, default 1), `etcdVersion` ("3.6", the default, or "3.5") and
    /// `flags` (etcd's flags as strings, as `etcd` takes them). Bad flags or versions throw.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<Options>) -> Result<Playground, JsValue> {
        let options = options.map_or(JsValue::UNDEFINED, JsValue::from);
        let get =
            |name: &str| Reflect::get(&options, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined());
        let seed = get("seed")
            .and_then(|v| v.as_f64())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map_or(1, |v| v as u64);
        let flags: Vec<String> = get("flags")
            .map(|list| Array::from(&list).iter().filter_map(|v| v.as_string()).collect())
            .unwrap_or_default();
        let version = match get("etcdVersion").map(|v| v.as_string().unwrap_or_default()) {
            None => EtcdVersion::default(),
            Some(name) => EtcdVersion::parse(&name)
                .ok_or_else(|| JsValue::from_str(&format!("etcdVersion {name:?} is not 3.5 or 3.6")))?,
        };
        let model =
            Model::of_version(seed, version, &flags).map_err(|e| JsValue::from_str(&e.to_string()))?;
        Ok(Playground { shared: SharedPlayground::new(model) })
    }

    /// Runs one line as the terminal would: `{ stdout, stderr, status }`.
    pub fn exec(&self, line: &str) -> Result<ExecValue, JsValue> {
        to_js(&self.shared.update(|p| p.exec(line)))
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

    /// The cluster now: the virtual time and each member's figures.
    pub fn state(&self) -> Result<StateValue, JsValue> {
        to_js(&self.shared.with(|p| p.state()))
    }

    /// The events after `sinceSeq` (0: every event kept), oldest first: `[{ seq, atMicros,
    /// member, command, kind: { type, ... } }]`.
    pub fn events(&self, since_seq: f64) -> Result<EventList, JsValue> {
        let since = if since_seq.is_finite() && since_seq > 0.0 { since_seq as u64 } else { 0 };
        to_js(&self.shared.with(|p| p.events_since(since)))
    }

    /// The monitoring mixin's alerts and their state.
    pub fn alerts(&self) -> Result<AlertList, JsValue> {
        to_js(&self.shared.with(|p| p.alerts()))
    }

    /// Opens a lesson from the text of its file (the format of `static/lessons/README.md`) on
    /// a fresh cluster of its seed and flags; `stepsDone` steps' reference commands run first.
    /// A file with an error throws it, with its line, and changes nothing.
    #[wasm_bindgen(js_name = openLesson)]
    pub fn open_lesson(&self, text: &str, steps_done: Option<f64>) -> Result<(), JsValue> {
        let lesson = playground_lessons::parse(text).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let done = steps_done.filter(|n| n.is_finite() && *n > 0.0).map_or(0, |n| n as usize);
        self.shared.update(|p| p.open_lesson(lesson, done)).map_err(|e| JsValue::from_str(&e))
    }

    /// The lesson being followed: its steps, each goal and whether the engine meets it.
    pub fn lesson(&self) -> Result<LessonValue, JsValue> {
        match self.shared.with(|p| p.lesson_view()) {
            Some(view) => to_js(&view),
            None => Ok(JsValue::UNDEFINED.unchecked_into()),
        }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use playground_server::EventKind;
    use serde_json::Value;

    use super::TYPESCRIPT;
    use crate::playground::Playground;

    /// The fields `export interface NAME { ... }` declares in api.d.ts.
    fn interface(name: &str) -> BTreeSet<String> {
        let head = format!("export interface {name} {{\n");
        let start =
            TYPESCRIPT.find(&head).unwrap_or_else(|| panic!("api.d.ts declares no {name}")) + head.len();
        let body = &TYPESCRIPT[start..];
        let body = &body[..body.find("\n}").expect("interface closed")];
        body.lines()
            .map(str::trim)
            .filter(|line| !line.starts_with('/') && !line.starts_with('*'))
            .filter_map(|line| line.split_once(':'))
            .map(|(field, _)| field.trim_end_matches('?').to_string())
            .collect()
    }

    /// The fields (`type` among them) of the `EventKind` variant tagged `tag` in api.d.ts.
    fn kind_fields(tag: &str) -> BTreeSet<String> {
        let opening = format!("{{ type: \"{tag}\"");
        let line = TYPESCRIPT.lines().find(|l| l.contains(&opening));
        let line = line.unwrap_or_else(|| panic!("api.d.ts's EventKind has no {tag}"));
        let inner = &line[line.find('{').unwrap() + 1..line.rfind('}').unwrap()];
        inner.split(';').filter_map(|f| f.split_once(':')).map(|(n, _)| n.trim().to_string()).collect()
    }

    fn json<T: serde::Serialize>(value: &T) -> Value {
        serde_json::to_value(value).unwrap()
    }

    fn keys(value: &Value) -> BTreeSet<String> {
        value.as_object().expect("an object").keys().cloned().collect()
    }

    #[test]
    fn typescript_declares_every_serialized_field() {
        let mut playground = Playground::new(4, &[]).unwrap();
        let exec = playground.exec("etcdctl put k v");
        playground.advance(3_000_000);
        playground.exec("playground kill infra2");
        playground.advance(120_000_000);
        let state = json(&playground.state());
        assert_eq!(keys(&state), interface("PlaygroundState"));
        assert_eq!(keys(&state["members"][0]), interface("MemberState"));
        assert_eq!(keys(&json(&exec)), interface("ExecResult"));
        let events = playground.events_since(0);
        assert!(!events.is_empty());
        assert_eq!(keys(&json(&events[0])), interface("PlaygroundEvent"));
        let alerts = playground.alerts();
        assert_eq!(keys(&json(&alerts[0])), interface("AlertState"));
        let lesson = include_str!("../../static/lessons/history-compaction.lesson");
        playground.open_lesson(playground_lessons::parse(lesson).unwrap(), 0).unwrap();
        let view = json(&playground.lesson_view().unwrap());
        assert_eq!(keys(&view), interface("LessonState"));
        assert_eq!(keys(&view["steps"][0]), interface("LessonStep"));
        assert_eq!(keys(&view["steps"][0]["goals"][0]), interface("LessonGoal"));
    }

    #[test]
    fn typescript_declares_every_event_kind() {
        use EventKind::*;
        let s = || "x".to_string();
        let every = [
            CompactionScheduled { revision: 1, mode: s() },
            Compacted { revision: 1, keys_removed: 1 },
            DefragStarted { size_before: 1 },
            DefragFinished { size_before: 1, size_after: 1, blocked_micros: 1 },
            SnapshotTaken { index: 1 },
            SnapshotSent { to: s(), index: 1 },
            SnapshotReceived { from: s(), index: 1 },
            SnapshotApplied { index: 1 },
            SnapshotSaved { path: s(), size: 1 },
            Election { term: 1, leader: s() },
            AlarmRaised { alarm: s() },
            AlarmDisarmed { alarm: s() },
            MemberKilled,
            MemberRestarted,
            Isolated,
            Partitioned { a: s(), b: s() },
            Healed,
            SlowDisk { factor: 1 },
            QuotaExceeded { layer: s() },
            AlertFiring { name: s(), severity: s(), summary: s() },
            AlertResolved { name: s() },
        ];
        for kind in &every {
            // A kind added to EventKind stops this compiling until it is listed above (and
            // declared in api.d.ts).
            match kind {
                CompactionScheduled { .. }
                | Compacted { .. }
                | DefragStarted { .. }
                | DefragFinished { .. } => {}
                SnapshotTaken { .. } | SnapshotSent { .. } | SnapshotReceived { .. } => {}
                SnapshotApplied { .. } | SnapshotSaved { .. } | Election { .. } => {}
                AlarmRaised { .. } | AlarmDisarmed { .. } | MemberKilled | MemberRestarted | Isolated => {}
                Partitioned { .. } | Healed | SlowDisk { .. } | QuotaExceeded { .. } => {}
                AlertFiring { .. } | AlertResolved { .. } => {}
            }
            let value = serde_json::to_value(kind).unwrap();
            let tag = value["type"].as_str().expect("tagged");
            assert_eq!(keys(&value), kind_fields(tag), "{tag}");
            // A lesson's `event TYPE` goals name these.
            assert!(playground_lessons::goal::EVENT_TYPES.contains(&tag), "{tag}");
        }
        assert_eq!(playground_lessons::goal::EVENT_TYPES.len(), every.len());
    }
}

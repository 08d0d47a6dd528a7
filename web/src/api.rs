//! The JavaScript API, for headless use and embedding: a playground from options and a seed,
//! commands run as the terminal runs them, virtual time, and the cluster's state as JSON.
//!
//! ```js
//! const p = new wasmBindings.Playground({ seed: 7, flags: ["--quota-backend-bytes=16777216"] });
//! const { stdout, stderr, status } = p.exec("etcdctl put foo bar");
//! p.advance(60_000);
//! const state = JSON.parse(p.state());
//! ```

use js_sys::{Array, Object, Reflect};
use playground_ctl::PlaygroundWorld;
use playground_server::log::json_string;
use playground_server::{default_members, Cluster, Flags};
use playground_shell::{Options, Shell, Stream, Transcript};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Playground {
    shell: Shell<PlaygroundWorld>,
}

#[wasm_bindgen]
impl Playground {
    /// Options: `seed` (a number, default 1) and `flags` (etcd's flags as strings, as `etcd`
    /// takes them). Bad flags throw.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Playground, JsValue> {
        let get =
            |name: &str| Reflect::get(&options, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined());
        let seed = get("seed").and_then(|v| v.as_f64()).map_or(1, |v| v as u64);
        let mut flags = Flags::default();
        if let Some(list) = get("flags") {
            let args: Vec<String> = Array::from(&list).iter().filter_map(|v| v.as_string()).collect();
            flags.parse(&args).map_err(|e| JsValue::from_str(&e.to_string()))?;
        }
        let world = PlaygroundWorld::new(Cluster::new(seed, default_members(), flags));
        Ok(Playground { shell: playground_ctl::with_options(Options { seed, ..Options::new(world) }) })
    }

    /// Runs one line as the terminal would: `{ stdout, stderr, status }`.
    pub fn exec(&mut self, line: &str) -> Result<JsValue, JsValue> {
        let mut transcript = Transcript::new();
        let outcome = self.shell.exec_interactive(line, &mut transcript);
        let result = Object::new();
        Reflect::set(&result, &"stdout".into(), &transcript.text(Stream::Stdout).into())?;
        Reflect::set(&result, &"stderr".into(), &transcript.text(Stream::Stderr).into())?;
        Reflect::set(&result, &"status".into(), &JsValue::from(outcome.status))?;
        Ok(result.into())
    }

    /// Lets `ms` of virtual time pass.
    pub fn advance(&mut self, ms: f64) {
        if let Some(cluster) = self.shell.world_mut().cluster() {
            cluster.advance((ms.max(0.0) * 1000.0) as u64);
        }
    }

    /// The cluster as JSON: the virtual time and each member's figures.
    pub fn state(&mut self) -> String {
        let Some(cluster) = self.shell.world_mut().cluster() else { return "{}".into() };
        let members: Vec<String> = cluster
            .member_states()
            .iter()
            .map(|m| {
                let alarms: Vec<String> = m.alarms.iter().map(|a| json_string(a)).collect();
                format!(
                    "{{\"name\":{},\"id\":\"{:x}\",\"clientURL\":{},\"up\":{},\"role\":\"{}\",\"term\":{},\"raftIndex\":{},\"appliedIndex\":{},\"revision\":{},\"compactRevision\":{},\"dbSize\":{},\"dbSizeInUse\":{},\"quota\":{},\"snapshotIndex\":{},\"logEntries\":{},\"logBytes\":{},\"alarms\":[{}]}}",
                    json_string(&m.name),
                    m.id,
                    json_string(&m.client_url),
                    m.up,
                    m.role,
                    m.term,
                    m.raft_index,
                    m.applied_index,
                    m.revision,
                    m.compact_revision,
                    m.db_size,
                    m.db_size_in_use,
                    m.quota,
                    m.snapshot_index,
                    m.log_entries,
                    m.log_bytes,
                    alarms.join(",")
                )
            })
            .collect();
        format!("{{\"nowMicros\":{},\"members\":[{}]}}", cluster.now_micros(), members.join(","))
    }
}

//! Scenario scripts with golden output, in the style of etcd-raft's interaction tests: a
//! command per block, `----`, and what it did. Messages move only when a command moves them,
//! so every step of an election or a catch-up is visible. Tests replay the scripts in
//! `tests/scenarios/`; lessons can use the same scripts.
//!
//! Commands: `add-nodes N`, `campaign ID`, `propose ID DATA`, `stabilize`,
//! `deliver-msgs [drop=ID]`, `partition A B`, `isolate ID`, `heal`, `crash ID`, `restart ID`,
//! `tick ID [N]`, `tick-all [N]`, `elapse ROUNDS`, `status ID`, `compact ID INDEX`, `transfer-leader ID TO`,
//! `add-learner ID NODE`, `add-voter ID NODE`, `remove-node ID NODE`, `read-index ID CONTEXT`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::raft::{Config, Raft};
use crate::types::*;

/// What survives a crash: the persisted hard state and log.
#[derive(Default)]
struct Stable {
    hard_state: HardState,
    entries: Vec<Entry>,
}

struct Node {
    raft: Option<Raft>,
    config: Config,
    stable: Stable,
    applied: Vec<String>,
}

#[derive(Default)]
pub struct Env {
    nodes: BTreeMap<NodeId, Node>,
    /// Messages sent and not yet delivered, in order.
    in_flight: Vec<Message>,
    cut: BTreeSet<(NodeId, NodeId)>,
}

fn describe(m: &Message) -> String {
    let mut text = format!("{}->{} {:?} term={}", m.from, m.to, m.kind, m.term);
    if matches!(m.kind, MessageType::App | MessageType::AppResp | MessageType::Vote | MessageType::PreVote) {
        let _ = write!(text, " index={} logterm={}", m.index, m.log_term);
    }
    if matches!(m.kind, MessageType::App | MessageType::Heartbeat) {
        let _ = write!(text, " commit={}", m.commit);
    }
    if !m.entries.is_empty() {
        let entries: Vec<String> = m
            .entries
            .iter()
            .map(|e| match (e.kind, ConfChange::decode(&e.data)) {
                (EntryType::ConfChange, Some(change)) => {
                    format!("{}/{} {:?} {}", e.term, e.index, change.kind, change.node_id)
                }
                _ if e.data.is_empty() => format!("{}/{}", e.term, e.index),
                _ => format!("{}/{} {}", e.term, e.index, String::from_utf8_lossy(&e.data)),
            })
            .collect();
        let _ = write!(text, " entries=[{}]", entries.join(", "));
    }
    if m.reject {
        let _ = write!(text, " reject hint={}", m.reject_hint);
    }
    if let Some(snapshot) = &m.snapshot {
        let _ = write!(text, " snapshot={}/{}", snapshot.term, snapshot.index);
    }
    if !m.context.is_empty() {
        let _ = write!(text, " context={}", String::from_utf8_lossy(&m.context));
    }
    text
}

impl Env {
    pub fn new() -> Env {
        Env::default()
    }

    /// Takes each node's Ready: persists, applies, queues messages; returns what it did.
    fn process(&mut self, out: &mut String) {
        for (id, node) in self.nodes.iter_mut() {
            let Some(raft) = node.raft.as_mut() else { continue };
            let ready = raft.ready();
            raft.advance(&ready);
            if let Some(snapshot) = &ready.snapshot {
                node.applied = String::from_utf8_lossy(&snapshot.data)
                    .split('\n')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                node.stable.entries.clear();
                let _ = writeln!(out, "{id} applied snapshot {}/{}", snapshot.term, snapshot.index);
            }
            if let Some(state) = ready.hard_state {
                node.stable.hard_state = state;
            }
            for entry in &ready.entries {
                node.stable.entries.retain(|e| e.index < entry.index);
                node.stable.entries.push(entry.clone());
            }
            for entry in &ready.committed {
                if entry.kind == EntryType::ConfChange {
                    if let Some(change) = ConfChange::decode(&entry.data) {
                        raft.apply_conf_change(&change);
                        let _ = writeln!(out, "{id} applied {:?} {}", change.kind, change.node_id);
                    }
                } else if !entry.data.is_empty() {
                    node.applied.push(String::from_utf8_lossy(&entry.data).into_owned());
                }
            }
            for read in &ready.read_states {
                let _ = writeln!(
                    out,
                    "{id} read {} at index {}",
                    String::from_utf8_lossy(&read.context),
                    read.index
                );
            }
            self.in_flight.extend(ready.messages);
        }
    }

    /// Delivers what is in flight now (not what the deliveries send); true if anything moved.
    fn deliver(&mut self, drop_to: Option<NodeId>, out: &mut String) -> bool {
        let messages = std::mem::take(&mut self.in_flight);
        let moved = !messages.is_empty();
        for m in messages {
            let down = self.nodes.get(&m.to).is_none_or(|n| n.raft.is_none());
            if Some(m.to) == drop_to || self.cut.contains(&(m.from, m.to)) || down {
                let _ = writeln!(out, "dropped: {}", describe(&m));
                continue;
            }
            let _ = writeln!(out, "{}", describe(&m));
            if let Some(raft) = self.nodes.get_mut(&m.to).and_then(|n| n.raft.as_mut()) {
                raft.step(m);
            }
        }
        moved
    }

    fn raft(&mut self, id: NodeId) -> Result<&mut Raft, String> {
        self.nodes
            .get_mut(&id)
            .and_then(|n| n.raft.as_mut())
            .ok_or_else(|| format!("node {id} is not running"))
    }

    fn status_line(&self, id: NodeId) -> String {
        match self.nodes.get(&id).and_then(|n| n.raft.as_ref()) {
            None => format!("{id}: down"),
            Some(raft) => {
                let s = raft.status();
                let mut line = format!(
                    "{id}: {:?} term={} vote={} leader={} commit={} applied={} log={}..{}",
                    s.role, s.term, s.vote, s.leader, s.commit, s.applied, s.first_index, s.last_index
                );
                if !s.learners.is_empty() {
                    let _ = write!(line, " learners={:?}", s.learners);
                }
                for (peer, (matched, next, state)) in &s.progress {
                    if *peer != id {
                        let _ = write!(line, " [{peer}: match={matched} next={next} {state:?}]");
                    }
                }
                let data = &self.nodes[&id].applied;
                if !data.is_empty() {
                    let _ = write!(line, " data=[{}]", data.join(" "));
                }
                line
            }
        }
    }

    /// Runs one command; the text is what it printed.
    pub fn command(&mut self, line: &str) -> Result<String, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let number = |i: usize| -> Result<u64, String> {
            words
                .get(i)
                .and_then(|w| w.parse().ok())
                .ok_or_else(|| format!("`{line}`: argument {i} must be a number"))
        };
        let mut out = String::new();
        match words.first().copied().unwrap_or("") {
            "add-nodes" => {
                let count = number(1)?;
                let ids: Vec<NodeId> = (1..=count).collect();
                for &id in &ids {
                    let config = Config::new(id, ids.clone());
                    self.nodes.insert(
                        id,
                        Node {
                            raft: Some(Raft::new(config.clone())),
                            config,
                            stable: Stable::default(),
                            applied: Vec::new(),
                        },
                    );
                }
                let _ =
                    writeln!(out, "added {}", ids.iter().map(u64::to_string).collect::<Vec<_>>().join(" "));
            }
            "campaign" => {
                let id = number(1)?;
                self.raft(id)?.step(Message::new(MessageType::Hup, id, id));
                self.process(&mut out);
                out.push_str(&self.status_line(id));
                out.push('\n');
            }
            "propose" => {
                let id = number(1)?;
                let data = words.get(2).copied().unwrap_or("").as_bytes().to_vec();
                let accepted = self.raft(id)?.propose(data);
                self.process(&mut out);
                let _ = writeln!(out, "{}", if accepted { "proposed" } else { "dropped: no leader known" });
            }
            "stabilize" => {
                for _ in 0..1000 {
                    self.process(&mut out);
                    if !self.deliver(None, &mut out) {
                        break;
                    }
                }
                for id in self.nodes.keys().copied().collect::<Vec<_>>() {
                    out.push_str(&self.status_line(id));
                    out.push('\n');
                }
            }
            "deliver-msgs" => {
                let drop_to = words.get(1).and_then(|w| w.strip_prefix("drop=")).and_then(|n| n.parse().ok());
                self.process(&mut out);
                if !self.deliver(drop_to, &mut out) {
                    out.push_str("no messages\n");
                }
            }
            "partition" => {
                let (a, b) = (number(1)?, number(2)?);
                self.cut.insert((a, b));
                self.cut.insert((b, a));
                let _ = writeln!(out, "cut {a} <-> {b}");
            }
            "isolate" => {
                let id = number(1)?;
                for other in self.nodes.keys().copied().filter(|&o| o != id).collect::<Vec<_>>() {
                    self.cut.insert((id, other));
                    self.cut.insert((other, id));
                }
                let _ = writeln!(out, "isolated {id}");
            }
            "heal" => {
                self.cut.clear();
                out.push_str("healed\n");
            }
            "crash" => {
                let id = number(1)?;
                let node = self.nodes.get_mut(&id).ok_or_else(|| format!("no node {id}"))?;
                node.raft = None;
                node.applied.clear();
                let _ = writeln!(
                    out,
                    "{id} crashed (kept term={} vote={} commit={} and {} log entries)",
                    node.stable.hard_state.term,
                    node.stable.hard_state.vote,
                    node.stable.hard_state.commit,
                    node.stable.entries.len()
                );
            }
            "restart" => {
                let id = number(1)?;
                let node = self.nodes.get_mut(&id).ok_or_else(|| format!("no node {id}"))?;
                node.raft = Some(Raft::restart(
                    node.config.clone(),
                    node.stable.hard_state,
                    node.stable.entries.clone(),
                ));
                self.process(&mut out);
                out.push_str(&self.status_line(id));
                out.push('\n');
            }
            "tick" | "tick-all" => {
                let all = words[0] == "tick-all";
                let count = if all { words.get(1) } else { words.get(2) }
                    .and_then(|w| w.parse().ok())
                    .unwrap_or(1u64);
                let ids: Vec<NodeId> =
                    if all { self.nodes.keys().copied().collect() } else { vec![number(1)?] };
                for _ in 0..count {
                    for &id in &ids {
                        if let Ok(raft) = self.raft(id) {
                            raft.tick();
                        }
                    }
                }
                self.process(&mut out);
                for id in ids {
                    out.push_str(&self.status_line(id));
                    out.push('\n');
                }
            }
            "elapse" => {
                // Rounds of one tick everywhere and delivery until quiet: time passing on a
                // healthy network, with only the outcome printed.
                let rounds = number(1)?;
                let mut scratch = String::new();
                for _ in 0..rounds {
                    for node in self.nodes.values_mut() {
                        if let Some(raft) = node.raft.as_mut() {
                            raft.tick();
                        }
                    }
                    for _ in 0..1000 {
                        self.process(&mut scratch);
                        if !self.deliver(None, &mut scratch) {
                            break;
                        }
                    }
                }
                for id in self.nodes.keys().copied().collect::<Vec<_>>() {
                    out.push_str(&self.status_line(id));
                    out.push('\n');
                }
            }
            "status" => {
                let id = number(1)?;
                out.push_str(&self.status_line(id));
                out.push('\n');
            }
            "compact" => {
                let (id, index) = (number(1)?, number(2)?);
                let data = self.nodes[&id].applied.join("\n").into_bytes();
                let raft = self.raft(id)?;
                let applied = raft.log.applied;
                let made = raft.create_snapshot(applied, data) && raft.compact_log(index);
                let _ = writeln!(
                    out,
                    "{}",
                    if made {
                        format!("snapshot at {applied}, log from {}", index + 1)
                    } else {
                        "nothing compacted".into()
                    }
                );
            }
            "transfer-leader" => {
                let (id, to) = (number(1)?, number(2)?);
                self.raft(id)?.transfer_leader(to);
                self.process(&mut out);
                let _ = writeln!(out, "asked {id} to hand leadership to {to}");
            }
            "add-learner" | "add-voter" | "remove-node" => {
                let (id, node) = (number(1)?, number(2)?);
                let kind = match words[0] {
                    "add-learner" => ConfChangeType::AddLearnerNode,
                    "add-voter" => ConfChangeType::AddNode,
                    _ => ConfChangeType::RemoveNode,
                };
                if kind != ConfChangeType::RemoveNode && !self.nodes.contains_key(&node) {
                    let mut voters = self.nodes[&id].config.voters.clone();
                    voters.retain(|&v| v != node);
                    let mut config = Config::new(node, voters);
                    config.learners = vec![node];
                    self.nodes.insert(
                        node,
                        Node {
                            raft: Some(Raft::new(config.clone())),
                            config,
                            stable: Stable::default(),
                            applied: Vec::new(),
                        },
                    );
                }
                let accepted = self.raft(id)?.propose_conf_change(&ConfChange {
                    kind,
                    node_id: node,
                    context: Vec::new(),
                });
                self.process(&mut out);
                let _ = writeln!(
                    out,
                    "{}",
                    if accepted {
                        "proposed conf change"
                    } else {
                        "refused: not the leader, or a conf change is pending"
                    }
                );
            }
            "read-index" => {
                let id = number(1)?;
                let context = words.get(2).copied().unwrap_or("read").as_bytes().to_vec();
                self.raft(id)?.read_index(context);
                self.process(&mut out);
                out.push_str("requested\n");
            }
            other => return Err(format!("unknown command `{other}`")),
        }
        Ok(out)
    }
}

/// Runs a scenario script and returns it with every command's output filled in: blocks are
/// `command`, `----`, output, a blank line; lines starting with `#` are kept as they are.
pub fn run_script(script: &str) -> String {
    let mut env = Env::new();
    let mut out = String::new();
    let mut lines = script.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() || line.starts_with('#') {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // Skip the recorded output of this block.
        if lines.peek() == Some(&"----") {
            lines.next();
            while lines.peek().is_some_and(|l| !l.is_empty()) {
                lines.next();
            }
        }
        out.push_str(line);
        out.push_str("\n----\n");
        match env.command(line) {
            Ok(text) => out.push_str(&text),
            Err(error) => {
                out.push_str("error: ");
                out.push_str(&error);
                out.push('\n');
            }
        }
    }
    out
}

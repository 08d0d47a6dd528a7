//! The shell's state between and during commands: variables, working directory, history, the
//! host filesystem, the seeded RNG, and the budget that bounds one input's work.

use std::collections::BTreeMap;

use rand_chacha::ChaCha8Rng;

use crate::command::Stop;
use crate::fs::FileSystem;
use crate::io::{Sink, Terminal};
use crate::world::World;

/// Bounds on one input (a typed line or a script), so a runaway loop or a huge output ends
/// with a message instead of a frozen tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest input accepted, in bytes.
    pub max_input_bytes: usize,
    /// Simple commands and loop iterations run for one input.
    pub max_steps: u64,
    /// Bytes written to all sinks together (terminal, pipes, files, /dev/null) for one input.
    pub max_written_bytes: u64,
    /// Largest pipe, `$(...)` capture or file a command may fill.
    pub max_buffer_bytes: usize,
    /// Bytes all shell variables together may hold (`x=$x$x` in a loop ends here).
    pub max_variable_bytes: usize,
    /// Virtual time `sleep` and `dd` may let pass in one input (`sleep 7d` in a loop ends here).
    pub max_virtual_time: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 4 << 20,
            max_steps: 1_000_000,
            // The guide's 16 MiB fill loop moves about 20 MiB; this leaves room for bigger quotas
            // while keeping a runaway `seq` or `dd` to seconds in a browser tab.
            max_written_bytes: 256 << 20,
            max_buffer_bytes: 128 << 20,
            max_variable_bytes: 64 << 20,
            max_virtual_time: std::time::Duration::from_secs(7 * 24 * 3600),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variable {
    pub value: String,
    pub exported: bool,
}

/// Why an input was stopped before its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Exhausted {
    Steps(u64),
    Written(u64),
    Buffer(usize),
    Variables(usize),
    VirtualTime(std::time::Duration),
}

impl std::fmt::Display for Exhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exhausted::Steps(n) => {
                write!(f, "stopped after {n} commands in one input (a loop that never ends?)")
            }
            Exhausted::Written(n) => write!(f, "stopped after writing {n} bytes in one input"),
            Exhausted::Buffer(n) => write!(f, "stopped: a pipe or file grew past {n} bytes"),
            Exhausted::VirtualTime(limit) => {
                write!(f, "stopped: more than {} hours of virtual time in one input", limit.as_secs() / 3600)
            }
            Exhausted::Variables(n) => write!(f, "stopped: variables would hold more than {n} bytes"),
        }
    }
}

pub(crate) struct State<W: World> {
    pub vars: BTreeMap<String, Variable>,
    pub last_status: i32,
    pub cwd: String,
    pub fs: Box<dyn FileSystem>,
    pub world: W,
    pub rng: ChaCha8Rng,
    pub history: Vec<String>,
    pub limits: Limits,
    pub steps: u64,
    pub written: u64,
    /// Inputs run within [`crate::Shell::with_one_budget`] share one budget.
    pub held: bool,
    /// Virtual time let pass by this input's commands.
    pub slept: std::time::Duration,
    pub exhausted: Option<Exhausted>,
    /// A write of the running command failed (`echo x > /dev/full`): the command stops and
    /// reports it as `NAME: write error: REASON`.
    pub write_error: Option<String>,
    /// Buffers of the pipes and substitutions now running, innermost last.
    pub captures: Vec<Vec<u8>>,
    pub loop_depth: usize,
    /// The status of the last `$(...)` in the command being expanded: an assignment-only
    /// command (`rev=$(...)`) returns it.
    pub last_substitution: Option<i32>,
}

impl<W: World> State<W> {
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|v| v.value.as_str())
    }

    /// Sets a variable, unless all variables would then hold more than the budget allows:
    /// the budget is then spent and the variable keeps its value.
    pub fn set_var(&mut self, name: &str, value: &str) {
        // Short values cannot add up to much: their names come from the input, which is bounded.
        if value.len() >= 64 {
            let held: usize =
                self.vars.iter().filter(|(k, _)| *k != name).map(|(k, v)| k.len() + v.value.len()).sum();
            let limit = self.limits.max_variable_bytes;
            if held + name.len() + value.len() > limit {
                self.exhausted.get_or_insert(Exhausted::Variables(limit));
                return;
            }
        }
        match self.vars.get_mut(name) {
            Some(var) => var.value = value.to_string(),
            None => {
                self.vars.insert(name.to_string(), Variable { value: value.to_string(), exported: false });
            }
        }
        if name == "PWD" {
            self.cwd = crate::fs::resolve("/", value);
        }
    }

    pub fn export(&mut self, name: &str) {
        self.vars
            .entry(name.to_string())
            .or_insert_with(|| Variable { value: String::new(), exported: true })
            .exported = true;
    }

    pub fn unset(&mut self, name: &str) {
        self.vars.remove(name);
    }

    pub fn exported(&self) -> Vec<(String, String)> {
        self.vars.iter().filter(|(_, v)| v.exported).map(|(k, v)| (k.clone(), v.value.clone())).collect()
    }

    pub fn set_cwd(&mut self, path: String) {
        self.set_var("OLDPWD", &self.cwd.clone());
        self.cwd = path.clone();
        match self.vars.get_mut("PWD") {
            Some(var) => var.value = path,
            None => {
                self.vars.insert("PWD".into(), Variable { value: path, exported: true });
            }
        }
    }

    /// Counts one step of work; false once the budget is spent.
    pub fn step(&mut self) -> bool {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            self.exhausted.get_or_insert(Exhausted::Steps(self.limits.max_steps));
        }
        self.exhausted.is_none()
    }

    /// Lets `duration` of virtual time pass, unless the input would then have let more pass
    /// than its budget: then nothing passes and the budget is spent.
    pub fn sleep(&mut self, duration: std::time::Duration) -> Result<(), Stop> {
        if self.exhausted.is_some() {
            return Err(Stop);
        }
        let limit = self.limits.max_virtual_time;
        let total = self.slept.saturating_add(duration);
        if total > limit {
            self.exhausted = Some(Exhausted::VirtualTime(limit));
            return Err(Stop);
        }
        self.slept = total;
        self.world.advance(duration);
        Ok(())
    }

    /// Fails, and spends the budget, if `bytes` more would not fit in it.
    pub fn reserve(&mut self, bytes: usize) -> Result<(), Stop> {
        if self.exhausted.is_some() {
            return Err(Stop);
        }
        let limit = self.limits.max_written_bytes;
        if self.written.saturating_add(bytes as u64) > limit {
            self.exhausted = Some(Exhausted::Written(limit));
            return Err(Stop);
        }
        Ok(())
    }

    pub fn write(&mut self, term: &mut dyn Terminal, sink: &Sink, bytes: &[u8]) -> Result<(), Stop> {
        if self.exhausted.is_some() {
            return Err(Stop);
        }
        self.written += bytes.len() as u64;
        if self.written > self.limits.max_written_bytes {
            self.exhausted = Some(Exhausted::Written(self.limits.max_written_bytes));
            return Err(Stop);
        }
        let max_buffer = self.limits.max_buffer_bytes;
        let bytes = crate::bytes::encode(bytes);
        let bytes = bytes.as_ref();
        match sink {
            Sink::Terminal(stream) => term.write(*stream, bytes),
            Sink::Null => {}
            Sink::Full => {
                self.write_error = Some("No space left on device".into());
                return Err(Stop);
            }
            Sink::Capture(index) => {
                // The pipes and substitutions open at once share the bound (nested `$(...)`).
                let held: usize = self.captures.iter().map(Vec::len).sum();
                let Some(buffer) = self.captures.get_mut(*index) else {
                    return Ok(());
                };
                if held + bytes.len() > max_buffer {
                    self.exhausted = Some(Exhausted::Buffer(max_buffer));
                    return Err(Stop);
                }
                buffer.extend_from_slice(bytes);
            }
            Sink::File(path) => {
                let len = self.fs.metadata(path).map(|m| m.len).unwrap_or(0);
                if len as usize + bytes.len() > max_buffer {
                    self.exhausted = Some(Exhausted::Buffer(max_buffer));
                    return Err(Stop);
                }
                if let Err(error) = self.fs.write(path, bytes, true) {
                    self.write_error = Some(error.to_string());
                    return Err(Stop);
                }
            }
        }
        Ok(())
    }
}

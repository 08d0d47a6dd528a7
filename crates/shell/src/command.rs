//! The command registry and what a command sees while it runs. Built-ins register here, and so
//! do later crates (`etcd`, `etcdctl`, `etcdutl`, `bbolt`, playground verbs): every command,
//! whoever types it and wherever, goes through [`Command::run`].

use std::collections::BTreeMap;
use std::rc::Rc;

use rand_chacha::ChaCha8Rng;

use crate::fs::{resolve, FileSystem, FsError};
use crate::io::{Io, Sink, Stream, Terminal};
use crate::state::State;
use crate::world::World;

/// An exit status, as `$?` shows it.
pub type Status = i32;

/// Returned when a write failed because this input used up its output budget; the command
/// should stop, and the shell reports why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop;

pub type CommandResult = Result<Status, Stop>;

/// A command over a world of type `W`: the shell's built-ins work in any world, the etcd tools
/// in the playground's.
pub trait Command<W: World> {
    /// Runs the command; `args[0]` is the name it was called by.
    fn run(&self, cx: &mut Context<'_, W>, args: &[String]) -> CommandResult;

    /// One line for `help`.
    fn summary(&self) -> &str {
        ""
    }

    /// Flags offered by Tab completion, subcommands first.
    fn completions(&self, _args: &[String]) -> Vec<String> {
        Vec::new()
    }
}

/// A command made of a function, for built-ins and small verbs.
pub struct FnCommand<W: World> {
    pub summary: &'static str,
    pub flags: &'static [&'static str],
    pub run: fn(&mut Context<'_, W>, &[String]) -> CommandResult,
}

impl<W: World> Command<W> for FnCommand<W> {
    fn run(&self, cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
        (self.run)(cx, args)
    }
    fn summary(&self) -> &str {
        self.summary
    }
    fn completions(&self, _args: &[String]) -> Vec<String> {
        self.flags.iter().map(|f| f.to_string()).collect()
    }
}

/// Commands by name, in name order (for `help` and completion).
pub struct Registry<W: World> {
    commands: BTreeMap<String, Rc<dyn Command<W>>>,
}

impl<W: World> Default for Registry<W> {
    fn default() -> Self {
        Registry { commands: BTreeMap::new() }
    }
}

impl<W: World> Clone for Registry<W> {
    fn clone(&self) -> Self {
        Registry { commands: self.commands.clone() }
    }
}

impl<W: World> Registry<W> {
    pub fn register(&mut self, name: &str, command: Rc<dyn Command<W>>) {
        self.commands.insert(name.to_string(), command);
    }

    pub fn get(&self, name: &str) -> Option<Rc<dyn Command<W>>> {
        self.commands.get(name).cloned()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.commands.keys().map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &dyn Command<W>)> {
        self.commands.iter().map(|(name, command)| (name.as_str(), command.as_ref()))
    }
}

/// What a running command may touch: its streams, its environment, the host filesystem, the
/// shell's seeded RNG and the virtual world.
pub struct Context<'a, W: World> {
    pub(crate) state: &'a mut State<W>,
    pub(crate) term: &'a mut dyn Terminal,
    pub(crate) io: &'a Io,
    pub(crate) env: BTreeMap<String, String>,
    pub(crate) registry: &'a Registry<W>,
}

impl<W: World> Context<'_, W> {
    pub fn stdin(&self) -> &[u8] {
        &self.io.stdin
    }

    pub fn out(&mut self, bytes: impl AsRef<[u8]>) -> Result<(), Stop> {
        let sink = self.io.stdout.clone();
        self.state.write(self.term, &sink, bytes.as_ref())
    }

    /// Checks, before building it, that an output of `bytes` still fits this input's budget;
    /// a command calls it ahead of a large allocation whose size the user chose.
    pub fn reserve(&mut self, bytes: usize) -> Result<(), Stop> {
        self.state.reserve(bytes)
    }

    pub fn err(&mut self, bytes: impl AsRef<[u8]>) -> Result<(), Stop> {
        let sink = self.io.stderr.clone();
        self.state.write(self.term, &sink, bytes.as_ref())
    }

    /// Writes `name: message` and a newline to stderr, the way coreutils report errors.
    pub fn error(&mut self, name: &str, message: impl std::fmt::Display) -> Result<(), Stop> {
        self.err(format!("{name}: {message}\n"))
    }

    /// Whether stdout is the terminal itself (rather than a pipe or a file).
    pub fn stdout_is_terminal(&self) -> bool {
        self.io.stdout == Sink::Terminal(Stream::Stdout)
    }

    /// The command's environment: exported variables and `NAME=value` prefixes.
    pub fn env(&self, name: &str) -> Option<&str> {
        self.env.get(name).map(String::as_str)
    }

    pub fn env_vars(&self) -> &BTreeMap<String, String> {
        &self.env
    }

    /// A shell variable, exported or not.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.state.var(name)
    }

    pub fn set_var(&mut self, name: &str, value: &str) {
        self.state.set_var(name, value);
    }

    pub fn export(&mut self, name: &str) {
        self.state.export(name);
    }

    pub fn unset(&mut self, name: &str) {
        self.state.unset(name);
    }

    pub fn exported_vars(&self) -> Vec<(String, String)> {
        self.state.exported()
    }

    pub fn cwd(&self) -> &str {
        &self.state.cwd
    }

    pub fn set_cwd(&mut self, path: String) {
        self.state.set_cwd(path);
    }

    /// `path` made absolute against the working directory.
    pub fn resolve(&self, path: &str) -> String {
        resolve(&self.state.cwd, path)
    }

    pub fn fs(&mut self) -> &mut dyn FileSystem {
        self.state.fs.as_mut()
    }

    /// Reads a file named as the user typed it; `/dev/null` reads empty.
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>, FsError> {
        if path == "/dev/null" {
            return Ok(Vec::new());
        }
        self.state.fs.read(&resolve(&self.state.cwd, path))
    }

    /// At most the first `max` bytes of a file named as the user typed it.
    pub fn read_file_prefix(&self, path: &str, max: usize) -> Result<Vec<u8>, FsError> {
        if path == "/dev/null" {
            return Ok(Vec::new());
        }
        self.state.fs.read_prefix(&resolve(&self.state.cwd, path), max)
    }

    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.state.rng
    }

    /// Lets virtual time pass within this input's budget (`sleep`, `dd`'s transfer time).
    pub fn sleep(&mut self, duration: std::time::Duration) -> Result<(), Stop> {
        self.state.sleep(duration)
    }

    pub fn world(&mut self) -> &mut W {
        &mut self.state.world
    }

    pub fn history(&self) -> &[String] {
        &self.state.history
    }

    pub fn clear_history(&mut self) {
        self.state.history.clear();
    }

    pub fn commands(&self) -> &Registry<W> {
        self.registry
    }
}

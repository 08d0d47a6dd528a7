//! The shell: its public face ([`Shell`]) and the interpreter that walks the syntax tree.

use std::collections::BTreeMap;
use std::rc::Rc;

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use crate::ast::*;
use crate::command::{Context, Registry, Status};
use crate::fs::{resolve, FileSystem, MemFs};
use crate::io::{Io, Sink, Stream, Terminal};
use crate::parse::{ParseError, Parser};
use crate::record::{Executed, Record};
use crate::state::{Limits, State, Variable};
use crate::world::{IdleWorld, World};

/// Commands bash runs itself, whose errors it prefixes with `bash: `.
const BASH_BUILTINS: &[&str] =
    &["echo", "printf", "pwd", "cd", "export", "unset", "read", "test", "[", "history", "help", "type"];

/// What bash's `$$` shows; fixed, since a playground run must be reproducible.
const SHELL_PID: &str = "4242";

/// Everything needed to make a shell over a world of type `W`; [`Options::new`] fills in a
/// browser-like default around the world given.
pub struct Options<W: World> {
    pub seed: u64,
    pub fs: Box<dyn FileSystem>,
    pub world: W,
    /// The starting directory (absolute); also `$PWD`.
    pub cwd: String,
    pub home: String,
    pub limits: Limits,
}

impl<W: World> Options<W> {
    pub fn new(world: W) -> Self {
        Options {
            seed: 1,
            fs: Box::new(MemFs::with_dirs(&["/home/etcd", "/tmp"])),
            world,
            cwd: "/home/etcd".into(),
            home: "/home/etcd".into(),
            limits: Limits::default(),
        }
    }
}

/// The language alone, in a world with nothing but a clock (the shell's own tests).
impl Default for Options<IdleWorld> {
    fn default() -> Self {
        Options::new(IdleWorld::default())
    }
}

/// Where a non-local exit is going: out of loops, out of the input, or out of budget.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Interrupt {
    Break(usize),
    Continue(usize),
    Exit(Status),
    /// An expansion error (`$((1/0))`, `${x:?}`): bash abandons the rest of the input, or of
    /// the subshell it happened in.
    Failed(Status),
    /// The budget ran out: unwind everything.
    Exhausted,
}

type Flow = Result<Status, Interrupt>;

/// The terminal language: one shell per terminal, holding variables, history and the
/// filesystem between inputs.
pub struct Shell<W: World = IdleWorld> {
    state: State<W>,
    registry: Registry<W>,
    /// What ran at the prompt, while the host records it.
    record: Option<Record>,
}

/// The answer to one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// `exit` ran: a REPL should end.
    pub exited: bool,
}

impl Shell<IdleWorld> {
    /// A shell with the built-in commands and an in-memory filesystem in an idle world.
    pub fn new(seed: u64) -> Self {
        Self::with_options(Options { seed, ..Options::default() })
    }

    /// See [`is_incomplete`].
    pub fn is_incomplete(source: &str) -> bool {
        is_incomplete(source)
    }
}

/// Whether `source` is an unfinished command that more lines could complete (an open quote,
/// a loop without `done`, a trailing `|`): a terminal then shows bash's `> ` prompt.
pub fn is_incomplete(source: &str) -> bool {
    let trimmed = source.trim_end_matches('\n');
    if trimmed.ends_with('\\') && !trimmed.ends_with("\\\\") {
        return true;
    }
    matches!(crate::parse::parse(source), Err(ParseError { incomplete: true, .. }))
}

impl<W: World> Shell<W> {
    /// A shell with the built-in commands; the layer above registers its own with
    /// [`Shell::register`].
    pub fn with_options(options: Options<W>) -> Self {
        let mut vars = BTreeMap::new();
        for (name, value) in [
            ("HOME", options.home.as_str()),
            ("PWD", options.cwd.as_str()),
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
            ("USER", "etcd"),
            ("SHELL", "/bin/bash"),
            ("TERM", "xterm-256color"),
        ] {
            vars.insert(name.to_string(), Variable { value: value.to_string(), exported: true });
        }
        vars.insert("IFS".into(), Variable { value: " \t\n".into(), exported: false });
        let mut registry = Registry::default();
        crate::builtins::register(&mut registry);
        Shell {
            state: State {
                vars,
                last_status: 0,
                cwd: resolve("/", &options.cwd),
                fs: options.fs,
                world: options.world,
                rng: ChaCha8Rng::seed_from_u64(options.seed),
                history: Vec::new(),
                limits: options.limits,
                steps: 0,
                written: 0,
                slept: std::time::Duration::ZERO,
                held: false,
                exhausted: None,
                write_error: None,
                captures: Vec::new(),
                loop_depth: 0,
                last_substitution: None,
            },
            registry,
            record: None,
        }
    }

    /// Adds or replaces a command (later crates add `etcdctl`, `etcd`, ...).
    pub fn register(&mut self, name: &str, command: Rc<dyn crate::Command<W>>) {
        self.registry.register(name, command);
    }

    pub fn registry(&self) -> &Registry<W> {
        &self.registry
    }

    /// Runs a line typed at the prompt: recorded in history (and in the host's record, if
    /// kept), then run.
    pub fn exec_interactive(&mut self, line: &str, term: &mut dyn Terminal) -> Outcome {
        let entry = line.trim_end_matches('\n');
        if !entry.trim().is_empty() && entry.len() <= self.state.limits.max_input_bytes {
            self.state.history.push(entry.to_string());
        }
        if let Some(record) = &mut self.record {
            record.source(line);
        }
        self.run(line, term)
    }

    /// Starts (or stops, dropping what was kept) recording what runs at the prompt.
    pub fn set_recording(&mut self, on: bool) {
        self.record = on.then(Record::default);
    }

    /// The inputs run at the prompt since the last call, oldest first; a paste still running
    /// comes once it is done.
    pub fn take_executed(&mut self) -> Vec<Executed> {
        self.record.as_mut().map(|record| std::mem::take(&mut record.done)).unwrap_or_default()
    }

    /// Runs a recorded input again as it ran the first time.
    pub fn replay(&mut self, executed: &Executed, term: &mut dyn Terminal) {
        match executed {
            Executed::Source(source) => {
                self.exec_interactive(source, term);
            }
            Executed::OneBudget(sources) => self.with_one_budget(|shell| {
                for source in sources {
                    shell.exec_interactive(source, term);
                }
            }),
        }
    }

    /// Runs an input (a line, or a whole script) one complete command at a time, as bash does:
    /// commands before a syntax error run, the error stops the rest.
    pub fn run(&mut self, source: &str, term: &mut dyn Terminal) -> Outcome {
        if !self.state.held {
            self.reset_budget();
        }
        self.state.captures.clear();
        self.state.loop_depth = 0;
        if self.state.exhausted.is_some() {
            // An earlier input of the same budget spent it (a paste's lines run one by one).
            return Outcome { status: self.state.last_status, exited: false };
        }
        if source.len() > self.state.limits.max_input_bytes {
            let message = format!(
                "bash: input of {} bytes is longer than the {} bytes accepted\n",
                source.len(),
                self.state.limits.max_input_bytes
            );
            term.write(Stream::Stderr, message.as_bytes());
            self.state.last_status = 2;
            return Outcome { status: 2, exited: false };
        }
        let mut parser = Parser::new(source);
        let io = Io::terminal();
        loop {
            let list = match parser.next_command() {
                Ok(Some(list)) => list,
                Ok(None) => break,
                Err(error) => {
                    term.write(Stream::Stderr, format!("bash: {}\n", error.message).as_bytes());
                    self.state.last_status = 2;
                    break;
                }
            };
            let mut exec = Exec { state: &mut self.state, registry: &self.registry, term };
            match exec.list(&list, &io) {
                Ok(status) => self.state.last_status = status,
                Err(Interrupt::Exit(status)) => {
                    self.state.last_status = status;
                    return Outcome { status, exited: true };
                }
                Err(Interrupt::Break(_) | Interrupt::Continue(_)) => {}
                Err(Interrupt::Failed(status)) => {
                    self.state.last_status = status;
                    break;
                }
                Err(Interrupt::Exhausted) => {
                    let reason = self.state.exhausted.clone().map(|e| e.to_string()).unwrap_or_default();
                    term.write(Stream::Stderr, format!("bash: {reason}\n").as_bytes());
                    self.state.last_status = 1;
                    self.state.captures.clear();
                    break;
                }
            }
        }
        Outcome { status: self.state.last_status, exited: false }
    }

    fn reset_budget(&mut self) {
        self.state.steps = 0;
        self.state.written = 0;
        self.state.slept = std::time::Duration::ZERO;
        self.state.exhausted = None;
    }

    /// Runs `f` with every input it runs sharing one budget: a paste is one submission, however
    /// many lines it has. Once the budget is spent, later inputs inside run nothing.
    pub fn with_one_budget<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let held = self.begin_budget();
        let result = f(self);
        self.end_budget(held);
        result
    }

    /// Starts one budget for the inputs that follow, until [`Shell::end_budget`] is given
    /// what this returned.
    pub fn begin_budget(&mut self) -> bool {
        self.reset_budget();
        let held = std::mem::replace(&mut self.state.held, true);
        if let Some(record) = self.record.as_mut().filter(|_| !held) {
            record.open = Some(Vec::new());
        }
        held
    }

    pub fn end_budget(&mut self, held: bool) {
        self.state.held = held;
        if let Some(record) = self.record.as_mut().filter(|_| !held) {
            record.close();
        }
    }

    /// Whether the current budget is spent (the rest of a paste is then not run).
    pub fn budget_spent(&self) -> bool {
        self.state.exhausted.is_some()
    }

    pub fn last_status(&self) -> Status {
        self.state.last_status
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.state.var(name)
    }

    pub fn set_var(&mut self, name: &str, value: &str, exported: bool) {
        self.state.set_var(name, value);
        if exported {
            self.state.export(name);
        }
    }

    pub fn cwd(&self) -> &str {
        &self.state.cwd
    }

    pub fn history(&self) -> &[String] {
        &self.state.history
    }

    /// Restores history saved by a previous session (the web terminal keeps it in localStorage).
    pub fn set_history(&mut self, history: Vec<String>) {
        self.state.history = history;
    }

    pub fn fs(&self) -> &dyn FileSystem {
        self.state.fs.as_ref()
    }

    /// The world the shell's commands act on (the virtual cluster, in the playground).
    pub fn world_mut(&mut self) -> &mut W {
        &mut self.state.world
    }

    pub fn fs_mut(&mut self) -> &mut dyn FileSystem {
        self.state.fs.as_mut()
    }

    pub fn world(&self) -> &W {
        &self.state.world
    }

    /// Tab completion at the end of `line`: see [`crate::complete`].
    pub fn complete(&self, line: &str) -> crate::Completion {
        crate::complete::complete(self, line)
    }
}

/// The interpreter for one complete command.
struct Exec<'a, W: World> {
    state: &'a mut State<W>,
    registry: &'a Registry<W>,
    term: &'a mut dyn Terminal,
}

impl<W: World> Exec<'_, W> {
    fn list(&mut self, list: &List, io: &Io) -> Flow {
        let mut status = 0;
        for and_or in list {
            status = self.and_or(and_or, io)?;
            self.state.last_status = status;
        }
        Ok(status)
    }

    fn and_or(&mut self, and_or: &AndOr, io: &Io) -> Flow {
        let mut status = self.pipeline(&and_or.first, io)?;
        for (connector, pipeline) in &and_or.rest {
            self.state.last_status = status;
            let run = match connector {
                Connector::And => status == 0,
                Connector::Or => status != 0,
            };
            if run {
                status = self.pipeline(pipeline, io)?;
            }
        }
        Ok(status)
    }

    fn pipeline(&mut self, pipeline: &Pipeline, io: &Io) -> Flow {
        let status = if pipeline.commands.len() == 1 {
            self.command(&pipeline.commands[0], io)?
        } else {
            let mut stdin = io.stdin.clone();
            let mut status = 0;
            let last = pipeline.commands.len() - 1;
            for (i, command) in pipeline.commands.iter().enumerate() {
                let stage_out = if i == last {
                    io.stdout.clone()
                } else {
                    self.state.captures.push(Vec::new());
                    Sink::Capture(self.state.captures.len() - 1)
                };
                let stage_io = Io { stdin: stdin.clone(), stdout: stage_out, stderr: io.stderr.clone() };
                // Each stage runs as a subshell: its variables and loop control stay inside.
                let result = self.subshell(|exec| exec.command(command, &stage_io));
                if i != last {
                    stdin = Rc::new(self.state.captures.pop().unwrap_or_default());
                }
                status = match result {
                    Ok(status) | Err(Interrupt::Exit(status) | Interrupt::Failed(status)) => status,
                    Err(Interrupt::Break(_) | Interrupt::Continue(_)) => 0,
                    Err(Interrupt::Exhausted) => return Err(Interrupt::Exhausted),
                };
            }
            status
        };
        Ok(if pipeline.negated { i32::from(status == 0) } else { status })
    }

    /// Runs `f` with the variables and working directory restored afterwards.
    fn subshell(&mut self, f: impl FnOnce(&mut Self) -> Flow) -> Flow {
        let vars = self.state.vars.clone();
        let cwd = self.state.cwd.clone();
        let loop_depth = self.state.loop_depth;
        let result = f(self);
        self.state.vars = vars;
        self.state.cwd = cwd;
        self.state.loop_depth = loop_depth;
        result
    }

    fn command(&mut self, command: &Command, io: &Io) -> Flow {
        match command {
            Command::Simple(simple) => self.simple(simple, io),
            Command::Compound(compound, redirects) => {
                let io = match self.redirect(redirects, io)? {
                    Ok(io) => io,
                    Err(status) => return Ok(status),
                };
                self.compound(compound, &io)
            }
        }
    }

    fn compound(&mut self, compound: &Compound, io: &Io) -> Flow {
        match compound {
            Compound::Group(list) => self.list(list, io),
            Compound::Subshell(list) => self.subshell(|exec| match exec.list(list, io) {
                Err(Interrupt::Exit(status) | Interrupt::Failed(status)) => Ok(status),
                other => other,
            }),
            Compound::If { branches, otherwise } => {
                for (condition, body) in branches {
                    if self.list(condition, io)? == 0 {
                        return self.list(body, io);
                    }
                }
                match otherwise {
                    Some(body) => self.list(body, io),
                    None => Ok(0),
                }
            }
            Compound::While { until, condition, body } => self.in_loop(|exec| {
                let mut status = 0;
                loop {
                    if !exec.state.step() {
                        return Err(Interrupt::Exhausted);
                    }
                    match exec.loop_list(condition, io)? {
                        LoopStep::Ran(s) if (s == 0) == *until => return Ok(status),
                        LoopStep::Ran(_) => {}
                        LoopStep::Break => return Ok(0),
                        LoopStep::Continue => {
                            status = 0;
                            continue;
                        }
                    }
                    match exec.loop_list(body, io)? {
                        LoopStep::Ran(s) => status = s,
                        LoopStep::Break => return Ok(0),
                        LoopStep::Continue => status = 0,
                    }
                }
            }),
            Compound::For { variable, items, body } => {
                let values = match items {
                    Some(words) => self.expand_words(words, io)?,
                    None => Vec::new(),
                };
                self.in_loop(|exec| {
                    let mut status = 0;
                    for value in values {
                        if !exec.state.step() {
                            return Err(Interrupt::Exhausted);
                        }
                        exec.state.set_var(variable, &value);
                        match exec.loop_list(body, io)? {
                            LoopStep::Ran(s) => status = s,
                            LoopStep::Break => return Ok(0),
                            LoopStep::Continue => status = 0,
                        }
                    }
                    Ok(status)
                })
            }
        }
    }

    /// Runs a loop, counting its depth for `break` and `continue`.
    fn in_loop(&mut self, f: impl FnOnce(&mut Self) -> Flow) -> Flow {
        self.state.loop_depth += 1;
        let result = f(self);
        self.state.loop_depth -= 1;
        result
    }

    /// Runs a loop's condition or body; `break n` and `continue n` aimed past this loop go on
    /// unwinding as `n - 1`. (`break` and `continue` have status 0 when they end a loop.)
    fn loop_list(&mut self, list: &List, io: &Io) -> Result<LoopStep, Interrupt> {
        match self.list(list, io) {
            Ok(status) => Ok(LoopStep::Ran(status)),
            Err(Interrupt::Break(n)) if n <= 1 => Ok(LoopStep::Break),
            Err(Interrupt::Break(n)) => Err(Interrupt::Break(n - 1)),
            Err(Interrupt::Continue(n)) if n <= 1 => Ok(LoopStep::Continue),
            Err(Interrupt::Continue(n)) => Err(Interrupt::Continue(n - 1)),
            Err(other) => Err(other),
        }
    }

    fn simple(&mut self, command: &SimpleCommand, io: &Io) -> Flow {
        if !self.state.step() {
            return Err(Interrupt::Exhausted);
        }
        self.state.last_substitution = None;
        let args = self.expand_words(&command.words, io)?;
        let mut assignments = Vec::with_capacity(command.assignments.len());
        for assignment in &command.assignments {
            let value = self.expand_word(&assignment.value, io)?;
            assignments.push((assignment.name.clone(), value));
        }
        let io = match self.redirect(&command.redirects, io)? {
            Ok(io) => io,
            Err(status) => return Ok(status),
        };
        let Some(name) = args.first() else {
            for (name, value) in assignments {
                self.state.set_var(&name, &value);
            }
            if self.state.exhausted.is_some() {
                return Err(Interrupt::Exhausted);
            }
            return Ok(self.state.last_substitution.unwrap_or(0));
        };
        match name.as_str() {
            "break" | "continue" => return self.loop_builtin(&args, &io),
            "exit" => {
                let status = match args.get(1) {
                    None => self.state.last_status,
                    Some(arg) => match arg.parse::<i64>() {
                        Ok(n) => (n & 0xff) as Status,
                        Err(_) => {
                            self.write_err(&io, &format!("bash: exit: {arg}: numeric argument required\n"))?;
                            2
                        }
                    },
                };
                return Err(Interrupt::Exit(status));
            }
            _ => {}
        }
        let Some(builtin) = self.registry.get(name) else {
            self.write_err(&io, &format!("bash: {name}: command not found\n"))?;
            return Ok(127);
        };
        let mut env: BTreeMap<String, String> = self
            .state
            .vars
            .iter()
            .filter(|(_, v)| v.exported)
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect();
        env.extend(assignments);
        let mut cx = Context { state: self.state, term: self.term, io: &io, env, registry: self.registry };
        let status = builtin.run(&mut cx, &args);
        if let Some(reason) = self.state.write_error.take() {
            if self.state.exhausted.is_none() {
                // bash's own builtins say `bash: echo: ...`; coreutils say `cat: ...`.
                let prefix = if BASH_BUILTINS.contains(&name.as_str()) { "bash: " } else { "" };
                let message = format!("{prefix}{name}: write error: {reason}\n");
                let _ = self.state.write(self.term, &io.stderr, message.as_bytes());
                self.state.write_error = None;
                return match self.state.exhausted {
                    None => Ok(1),
                    Some(_) => Err(Interrupt::Exhausted),
                };
            }
        }
        match status {
            Ok(status) if self.state.exhausted.is_none() => Ok(status),
            _ => Err(Interrupt::Exhausted),
        }
    }

    fn loop_builtin(&mut self, args: &[String], io: &Io) -> Flow {
        let name = &args[0];
        let count = match args.get(1).map(|a| a.parse::<i64>()) {
            None => 1,
            Some(Ok(n)) if n >= 1 => n as usize,
            Some(_) => {
                let arg = &args[1];
                self.write_err(io, &format!("bash: {name}: {arg}: loop count out of range\n"))?;
                return Ok(1);
            }
        };
        if self.state.loop_depth == 0 {
            self.write_err(
                io,
                &format!("bash: {name}: only meaningful in a `for', `while', or `until' loop\n"),
            )?;
            return Ok(0);
        }
        let count = count.min(self.state.loop_depth);
        Err(if name == "break" { Interrupt::Break(count) } else { Interrupt::Continue(count) })
    }

    fn write_err(&mut self, io: &Io, message: &str) -> Result<(), Interrupt> {
        self.state.write(self.term, &io.stderr, message.as_bytes()).map_err(|_| Interrupt::Exhausted)
    }

    /// Applies redirections left to right; `Ok(Err(status))` is a failed redirection, already
    /// reported, that skips the command.
    fn redirect(&mut self, redirects: &[Redirect], io: &Io) -> Result<Result<Io, Status>, Interrupt> {
        if redirects.is_empty() {
            return Ok(Ok(io.clone()));
        }
        let mut new = io.clone();
        for redirect in redirects {
            let target = match &redirect.kind {
                RedirectKind::Read(word)
                | RedirectKind::Write(word)
                | RedirectKind::Append(word)
                | RedirectKind::WriteBoth(word)
                | RedirectKind::HereString(word) => Some(self.expand_word(word, io)?),
                RedirectKind::Duplicate(_) => None,
            };
            let target = target.unwrap_or_default();
            if redirect.fd > 2 {
                self.write_err(io, &format!("bash: {}: Bad file descriptor\n", redirect.fd))?;
                return Ok(Err(1));
            }
            let path = resolve(&self.state.cwd, &target);
            let fail = |exec: &mut Self, error: crate::FsError| -> Result<Result<Io, Status>, Interrupt> {
                exec.write_err(io, &format!("bash: {target}: {error}\n"))?;
                Ok(Err(1))
            };
            match &redirect.kind {
                RedirectKind::Read(_) => {
                    let data = if target == "/dev/null" { Ok(Vec::new()) } else { self.state.fs.read(&path) };
                    match data {
                        Ok(data) => new.stdin = Rc::new(data),
                        Err(error) => return fail(self, error),
                    }
                }
                RedirectKind::HereString(_) => {
                    let text = format!("{target}\n");
                    new.stdin = Rc::new(crate::bytes::encode(text.as_bytes()).into_owned());
                }
                RedirectKind::Write(_) | RedirectKind::Append(_) | RedirectKind::WriteBoth(_) => {
                    let sink = match target.as_str() {
                        "/dev/null" => Sink::Null,
                        "/dev/full" => Sink::Full,
                        "/dev/stdout" => new.stdout.clone(),
                        "/dev/stderr" => new.stderr.clone(),
                        _ => {
                            let append = matches!(redirect.kind, RedirectKind::Append(_));
                            if let Err(error) = self.state.fs.write(&path, &[], append) {
                                return fail(self, error);
                            }
                            Sink::File(path)
                        }
                    };
                    if matches!(redirect.kind, RedirectKind::WriteBoth(_)) {
                        new.stdout = sink.clone();
                        new.stderr = sink;
                    } else if redirect.fd == 2 {
                        new.stderr = sink;
                    } else if redirect.fd == 1 {
                        new.stdout = sink;
                    }
                }
                RedirectKind::Duplicate(from) => {
                    let sink = match from {
                        1 => new.stdout.clone(),
                        2 => new.stderr.clone(),
                        _ => continue,
                    };
                    match redirect.fd {
                        1 => new.stdout = sink,
                        2 => new.stderr = sink,
                        _ => {}
                    }
                }
            }
        }
        Ok(Ok(new))
    }

    // ---- expansion -----------------------------------------------------------------------

    /// Expands words into fields: parameters, substitutions and arithmetic, then field splitting
    /// of unquoted expansion results on `$IFS`. (No pathname globbing: a `*` stays a `*`.)
    fn expand_words(&mut self, words: &[Word], io: &Io) -> Result<Vec<String>, Interrupt> {
        let mut fields = Vec::new();
        for word in words {
            let mut builder = Fields::default();
            self.expand_parts(&word.parts, io, false, &mut builder)?;
            builder.finish(&mut fields);
        }
        Ok(fields)
    }

    /// Expands one word without splitting (assignments, redirection targets).
    fn expand_word(&mut self, word: &Word, io: &Io) -> Result<String, Interrupt> {
        let mut builder = Fields { no_split: true, ..Fields::default() };
        self.expand_parts(&word.parts, io, false, &mut builder)?;
        Ok(builder.current)
    }

    fn expand_parts(
        &mut self,
        parts: &[WordPart],
        io: &Io,
        quoted: bool,
        out: &mut Fields,
    ) -> Result<(), Interrupt> {
        for part in parts {
            match part {
                WordPart::Literal(text) | WordPart::Quoted(text) => out.push_text(text),
                WordPart::DoubleQuoted(inner) => {
                    out.has_content = true;
                    self.expand_parts(inner, io, true, out)?;
                }
                WordPart::Parameter(parameter) => {
                    if let Some(value) = self.parameter(parameter, io, quoted, out)? {
                        self.push_expansion(out, &value, quoted);
                    }
                }
                WordPart::CommandSubstitution(list) => {
                    let value = self.command_substitution(list, io)?;
                    self.push_expansion(out, &value, quoted);
                }
                WordPart::Arithmetic(inner) => {
                    let mut text = Fields { no_split: true, ..Fields::default() };
                    self.expand_parts(inner, io, true, &mut text)?;
                    let mut vars = ShellVars(self.state);
                    match crate::arith::evaluate(&text.current, &mut vars) {
                        Ok(value) => self.push_expansion(out, &value.to_string(), quoted),
                        Err(message) => {
                            self.write_err(io, &format!("bash: {message}\n"))?;
                            return Err(Interrupt::Failed(1));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn push_expansion(&self, out: &mut Fields, value: &str, quoted: bool) {
        if quoted || out.no_split {
            out.push_text(value);
        } else {
            let ifs = self.state.var("IFS").unwrap_or(" \t\n").to_string();
            out.push_split(value, &ifs);
        }
    }

    /// A parameter's value; `None` when it expands to nothing at all.
    fn parameter(
        &mut self,
        parameter: &Parameter,
        io: &Io,
        quoted: bool,
        out: &mut Fields,
    ) -> Result<Option<String>, Interrupt> {
        let value = self.parameter_value(&parameter.name);
        let (colon, word) = match &parameter.op {
            ParameterOp::Plain => return Ok(value),
            ParameterOp::Length => {
                return Ok(Some(value.map_or(0, |v| v.chars().count()).to_string()));
            }
            ParameterOp::Default(colon, word)
            | ParameterOp::Assign(colon, word)
            | ParameterOp::Alternative(colon, word)
            | ParameterOp::Error(colon, word) => (*colon, word),
        };
        let set = match &value {
            None => false,
            Some(v) => !(colon && v.is_empty()),
        };
        match &parameter.op {
            ParameterOp::Default(..) if !set => {
                self.expand_parts(&word.parts, io, quoted, out)?;
                Ok(None)
            }
            ParameterOp::Assign(..) if !set => {
                let new = self.expand_word(word, io)?;
                self.state.set_var(&parameter.name, &new);
                Ok(Some(new))
            }
            ParameterOp::Alternative(..) if set => {
                self.expand_parts(&word.parts, io, quoted, out)?;
                Ok(None)
            }
            ParameterOp::Alternative(..) => Ok(None),
            ParameterOp::Error(..) if !set => {
                let message = self.expand_word(word, io)?;
                let message =
                    if message.is_empty() { "parameter null or not set".to_string() } else { message };
                self.write_err(io, &format!("bash: {}: {message}\n", parameter.name))?;
                Err(Interrupt::Failed(1))
            }
            _ => Ok(value),
        }
    }

    fn parameter_value(&mut self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.state.last_status.to_string()),
            "$" => Some(SHELL_PID.to_string()),
            "#" => Some("0".to_string()),
            "0" => Some("bash".to_string()),
            "-" => Some("hB".to_string()),
            "!" | "@" | "*" => None,
            "RANDOM" => Some((self.state.rng.next_u32() % 32768).to_string()),
            "SECONDS" => Some(self.state.world.now().as_secs().to_string()),
            _ => self.state.var(name).map(str::to_string),
        }
    }

    /// `$(...)`: runs in a subshell with stdout captured; trailing newlines are dropped.
    fn command_substitution(&mut self, list: &List, io: &Io) -> Result<String, Interrupt> {
        self.state.captures.push(Vec::new());
        let index = self.state.captures.len() - 1;
        let sub_io = Io { stdin: io.stdin.clone(), stdout: Sink::Capture(index), stderr: io.stderr.clone() };
        let result = self.subshell(|exec| exec.list(list, &sub_io));
        let output = self.state.captures.pop().unwrap_or_default();
        let status = match result {
            Ok(status) | Err(Interrupt::Exit(status) | Interrupt::Failed(status)) => status,
            Err(Interrupt::Break(_) | Interrupt::Continue(_)) => self.state.last_status,
            Err(Interrupt::Exhausted) => return Err(Interrupt::Exhausted),
        };
        self.state.last_status = status;
        self.state.last_substitution = Some(status);
        let mut text = crate::bytes::decode(&output);
        while text.ends_with('\n') {
            text.pop();
        }
        Ok(text)
    }
}

enum LoopStep {
    Ran(Status),
    Break,
    Continue,
}

/// Fields being built from one word.
#[derive(Default)]
struct Fields {
    current: String,
    /// The current field exists even if empty (it had quotes, or text).
    has_content: bool,
    done: Vec<String>,
    no_split: bool,
}

impl Fields {
    fn push_text(&mut self, text: &str) {
        self.current.push_str(text);
        self.has_content = true;
    }

    fn push_split(&mut self, value: &str, ifs: &str) {
        for c in value.chars() {
            if ifs.contains(c) {
                if self.has_content {
                    self.done.push(std::mem::take(&mut self.current));
                    self.has_content = false;
                }
            } else {
                self.current.push(c);
                self.has_content = true;
            }
        }
    }

    fn finish(mut self, fields: &mut Vec<String>) {
        if self.has_content {
            self.done.push(self.current);
        }
        fields.append(&mut self.done);
    }
}

/// The shell's variables as arithmetic reads and writes them.
struct ShellVars<'a, W: World>(&'a mut State<W>);

impl<W: World> crate::arith::Variables for ShellVars<'_, W> {
    fn get(&self, name: &str) -> Option<String> {
        self.0.var(name).map(str::to_string)
    }
    fn set(&mut self, name: &str, value: String) {
        self.0.set_var(name, &value);
    }
}

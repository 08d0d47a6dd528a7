//! A terminal session over a [`Shell`]: scrollback, the `$ ` / `> ` prompts, history navigation,
//! Ctrl-C, Tab completion. Everything a terminal widget does that is not drawing, so the web
//! terminal stays a thin view and this logic is tested natively and in wasm alike.

use std::collections::VecDeque;

use crate::{IdleWorld, Shell, Stream, Transcript, World, CLEAR_SEQUENCE};

pub const PROMPT: &str = "$ ";
pub const CONTINUATION_PROMPT: &str = "> ";

/// Scrollback kept, in entries and in bytes: older output is dropped first.
const MAX_ENTRIES: usize = 5_000;
const MAX_SCROLLBACK_BYTES: usize = 2 << 20;
/// History lines kept (bash's default HISTSIZE).
pub const MAX_HISTORY: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// The prompt and the line typed after it.
    Input,
    Stdout,
    Stderr,
}

impl EntryKind {
    /// The CSS class the web terminal gives the entry.
    pub fn class(self) -> &'static str {
        match self {
            EntryKind::Input => "input",
            EntryKind::Stdout => "stdout",
            EntryKind::Stderr => "stderr",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Unique within the session, increasing: a stable key for rendering.
    pub id: u64,
    pub kind: EntryKind,
    pub text: String,
}

pub struct Session<W: World = IdleWorld> {
    shell: Shell<W>,
    entries: VecDeque<Entry>,
    scrollback_bytes: usize,
    next_id: u64,
    /// Lines of a command still being continued after `> `.
    pending: String,
    /// While browsing history with ↑/↓: the position, and the line being typed before.
    history_cursor: Option<usize>,
    draft: String,
}

impl<W: World> Session<W> {
    pub fn new(shell: Shell<W>) -> Self {
        Session {
            shell,
            entries: VecDeque::new(),
            scrollback_bytes: 0,
            next_id: 0,
            pending: String::new(),
            history_cursor: None,
            draft: String::new(),
        }
    }

    pub fn shell(&self) -> &Shell<W> {
        &self.shell
    }

    pub fn shell_mut(&mut self) -> &mut Shell<W> {
        &mut self.shell
    }

    pub fn prompt(&self) -> &'static str {
        if self.pending.is_empty() {
            PROMPT
        } else {
            CONTINUATION_PROMPT
        }
    }

    /// Whether a command is being continued (an open quote, a `\` at the end, an unfinished loop).
    pub fn is_continuing(&self) -> bool {
        !self.pending.is_empty()
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// All scrollback as plain text, as a terminal shows it.
    pub fn text(&self) -> String {
        self.entries.iter().map(|e| e.text.as_str()).collect()
    }

    /// Writes a line of the playground's own (a banner, a notice) to the scrollback.
    pub fn print(&mut self, kind: EntryKind, text: &str) {
        self.push(kind, text.to_string());
    }

    /// Enter: echoes the line after its prompt, then runs the command once it is complete.
    pub fn submit(&mut self, line: &str) {
        self.history_cursor = None;
        self.draft.clear();
        let echo = format!("{}{line}\n", self.prompt());
        self.push(EntryKind::Input, echo);
        self.pending.push_str(line);
        self.pending.push('\n');
        if crate::is_incomplete(&self.pending) {
            return;
        }
        let source = std::mem::take(&mut self.pending);
        if source.trim().is_empty() {
            return;
        }
        let mut transcript = Transcript::new();
        self.shell.exec_interactive(&source, &mut transcript);
        if self.shell.history().len() > MAX_HISTORY {
            let excess = self.shell.history().len() - MAX_HISTORY;
            let kept = self.shell.history()[excess..].to_vec();
            self.shell.set_history(kept);
        }
        for (stream, bytes) in transcript.chunks {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let kind = if stream == Stream::Stdout { EntryKind::Stdout } else { EntryKind::Stderr };
            let after_clear = match text.rfind(CLEAR_SEQUENCE) {
                Some(at) => {
                    self.clear();
                    text[at + CLEAR_SEQUENCE.len()..].to_string()
                }
                None => text,
            };
            self.push(kind, after_clear);
        }
    }

    /// A paste: each complete line is submitted as if typed, all under one budget (a loop
    /// pasted as ten lines gets no more steps, bytes or virtual time than typed as one). Once
    /// the budget is spent the remaining lines are dropped, with a note saying how many.
    pub fn submit_paste(&mut self, lines: &[&str]) {
        let held = self.shell.begin_budget();
        for (i, line) in lines.iter().enumerate() {
            if self.shell.budget_spent() {
                let rest = lines.len() - i;
                let noun = if rest == 1 { "line" } else { "lines" };
                self.push(EntryKind::Stderr, format!("bash: {rest} more pasted {noun} not run\n"));
                break;
            }
            self.submit(line);
        }
        self.shell.end_budget(held);
    }

    /// Ctrl-C: shows the line with `^C` and abandons it, and any continuation in progress.
    pub fn cancel(&mut self, line: &str) {
        let echo = format!("{}{line}^C\n", self.prompt());
        self.push(EntryKind::Input, echo);
        self.pending.clear();
        self.history_cursor = None;
    }

    /// Ctrl-L, or `clear`: empties the scrollback.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.scrollback_bytes = 0;
    }

    /// ↑: the previous history line; `current` is kept to come back to.
    pub fn history_previous(&mut self, current: &str) -> Option<String> {
        let history = self.shell.history();
        let cursor = match self.history_cursor {
            None if history.is_empty() => return None,
            None => {
                self.draft = current.to_string();
                history.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.history_cursor = Some(cursor);
        Some(history[cursor].clone())
    }

    /// ↓: the next history line, then the line that was being typed.
    pub fn history_next(&mut self) -> Option<String> {
        let cursor = self.history_cursor?;
        if cursor + 1 < self.shell.history().len() {
            self.history_cursor = Some(cursor + 1);
            Some(self.shell.history()[cursor + 1].clone())
        } else {
            self.history_cursor = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// Tab: completes the line; with several candidates and nothing more in common, lists them
    /// under the prompt as bash does on a second Tab.
    pub fn complete(&mut self, line: &str) -> String {
        let completion = self.shell.complete(line);
        let applied = completion.apply(line);
        if completion.candidates.len() > 1 && applied == line {
            let echo = format!("{}{line}\n", self.prompt());
            self.push(EntryKind::Input, echo);
            let listing = format!("{}\n", completion.candidates.join("  "));
            self.push(EntryKind::Stdout, listing);
        }
        applied
    }

    fn push(&mut self, kind: EntryKind, mut text: String) {
        if text.is_empty() {
            return;
        }
        if text.len() > MAX_SCROLLBACK_BYTES {
            let mut cut = text.len() - MAX_SCROLLBACK_BYTES;
            while !text.is_char_boundary(cut) {
                cut += 1;
            }
            text = format!("[{cut} bytes of output not shown]\n{}", &text[cut..]);
        }
        self.scrollback_bytes += text.len();
        self.entries.push_back(Entry { id: self.next_id, kind, text });
        self.next_id += 1;
        while self.entries.len() > MAX_ENTRIES
            || (self.scrollback_bytes > MAX_SCROLLBACK_BYTES && self.entries.len() > 1)
        {
            if let Some(old) = self.entries.pop_front() {
                self.scrollback_bytes -= old.text.len();
            }
        }
    }
}

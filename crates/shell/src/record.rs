//! What the shell ran at its prompt, kept when the host asks for it: a host that can start the
//! same shell again from its seed replays these inputs, in order, to the same state.

/// One input run at the prompt, as the host replays it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Executed {
    /// A source run by itself (a typed line, or a command completed over several lines).
    Source(String),
    /// Sources run one after another under one budget (a paste): replayed under one budget
    /// too, so a budget spent by the paste is spent at the same point again.
    OneBudget(Vec<String>),
}

impl Executed {
    /// The sources, in the order they ran.
    pub fn sources(&self) -> &[String] {
        match self {
            Executed::Source(source) => std::slice::from_ref(source),
            Executed::OneBudget(sources) => sources,
        }
    }
}

/// The log a recording shell keeps: inputs complete, and a paste still being run.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub done: Vec<Executed>,
    /// The sources of the budget being held, while one is.
    pub open: Option<Vec<String>>,
}

impl Record {
    pub fn source(&mut self, source: &str) {
        match &mut self.open {
            Some(sources) => sources.push(source.to_string()),
            None => self.done.push(Executed::Source(source.to_string())),
        }
    }

    pub fn close(&mut self) {
        if let Some(sources) = self.open.take().filter(|s| !s.is_empty()) {
            self.done.push(Executed::OneBudget(sources));
        }
    }
}

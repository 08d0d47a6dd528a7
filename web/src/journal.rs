//! What made a playground's state, in order: replayed from the seed and the flags, these steps
//! give the same cluster byte for byte (the engine is deterministic). Undo, reset and share
//! are built on it.

use std::fmt;

use playground_server::FlagError;
use playground_shell::Executed;

/// Why a playground could not be started again from its seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// Its shell was made elsewhere, with flags unknown here.
    NotReplayable,
    Flags(FlagError),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::NotReplayable => {
                f.write_str("this playground was not started from a seed and flags")
            }
            ReplayError::Flags(error) => error.fmt(f),
        }
    }
}

impl From<FlagError> for ReplayError {
    fn from(error: FlagError) -> Self {
        ReplayError::Flags(error)
    }
}

/// One thing that changed the playground.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Inputs the shell ran at its prompt (typed, pasted, from a button or the JS API).
    Run(Executed),
    /// Virtual time let pass from outside the shell (the driver's frames, the JS API).
    /// Consecutive ones are one: advancing a then b leaves the cluster advancing a + b leaves
    /// (the view-model's tests check it).
    Advance(u64),
    /// The time controls' step to the next event, at most this long: replayed as the same
    /// call, since it stops right after the event and not at the end of a moment.
    StepToEvent(u64),
    /// A file from the visitor's computer put into the shell's filesystem.
    Upload { name: String, data: Vec<u8> },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Journal {
    steps: Vec<Step>,
}

impl Journal {
    pub fn from_steps(steps: Vec<Step>) -> Journal {
        Journal { steps }
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub fn push(&mut self, step: Step) {
        match (self.steps.last_mut(), step) {
            (_, Step::Advance(0)) => {}
            (Some(Step::Advance(last)), Step::Advance(micros)) => *last = last.saturating_add(micros),
            (_, step) => self.steps.push(step),
        }
    }

    /// Drops the last source run at the prompt (the line that asked for undo or reset).
    pub fn drop_last_source(&mut self) {
        let Some(at) = self.steps.iter().rposition(|s| matches!(s, Step::Run(_))) else { return };
        if let Step::Run(Executed::OneBudget(sources)) = &mut self.steps[at] {
            sources.pop();
            if !sources.is_empty() {
                return;
            }
        }
        self.steps.remove(at);
    }

    /// Takes away the last command and whatever came after it; returns the command, or None
    /// (and changes nothing) if no command ran.
    pub fn undo(&mut self) -> Option<String> {
        let at = self.steps.iter().rposition(|s| matches!(s, Step::Run(_)))?;
        self.steps.truncate(at + 1);
        let undone = match self.steps.pop()? {
            Step::Run(Executed::Source(source)) => source,
            Step::Run(Executed::OneBudget(mut sources)) => {
                let last = sources.pop().unwrap_or_default();
                if !sources.is_empty() {
                    self.steps.push(Step::Run(Executed::OneBudget(sources)));
                }
                last
            }
            _ => return None,
        };
        Some(undone)
    }

    pub fn has_upload(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::Upload { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str) -> Step {
        Step::Run(Executed::Source(source.into()))
    }

    #[test]
    fn advances_coalesce_and_undo_takes_the_last_command_with_what_followed() {
        let mut journal = Journal::default();
        journal.push(Step::Advance(5));
        journal.push(Step::Advance(0));
        journal.push(Step::Advance(7));
        journal.push(run("a\n"));
        journal.push(Step::Run(Executed::OneBudget(vec!["b\n".into(), "c\n".into()])));
        journal.push(Step::Advance(3));
        assert_eq!(journal.steps()[0], Step::Advance(12));
        assert_eq!(journal.undo().as_deref(), Some("c\n"));
        assert_eq!(
            journal.steps(),
            [Step::Advance(12), run("a\n"), Step::Run(Executed::OneBudget(vec!["b\n".into()]))]
        );
        assert_eq!(journal.undo().as_deref(), Some("b\n"));
        assert_eq!(journal.undo().as_deref(), Some("a\n"));
        assert_eq!(journal.undo(), None);
        assert_eq!(journal.steps(), [Step::Advance(12)]);
    }

    #[test]
    fn the_line_that_asked_is_dropped() {
        let mut journal = Journal::from_steps(vec![run("a\n"), Step::Advance(1), run("playground undo\n")]);
        journal.drop_last_source();
        assert_eq!(journal.steps(), [run("a\n"), Step::Advance(1)]);
    }
}

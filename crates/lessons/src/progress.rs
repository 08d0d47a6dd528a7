//! A learner's way through a lesson: steps are done in order, and a step is done (and stays
//! done) the first time all its goals hold at once after it began. When a step begins, its
//! `remember` figures are taken and the event stream's position noted, so its goals compare
//! with the cluster as the step found it.

use std::collections::BTreeMap;

use playground_ctl::PlaygroundWorld;
use playground_server::{default_members, Cluster, FlagError, Flags};
use playground_shell::{Options, Shell, Transcript};

use crate::check::Observed;
use crate::format::Lesson;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    done: usize,
    remembered: BTreeMap<String, i128>,
    /// The newest event seq when the current step began.
    since: u64,
}

impl Progress {
    /// The lesson begun on `shell` (a playground the lesson's [`start`] made).
    pub fn begin(lesson: &Lesson, shell: &Shell<PlaygroundWorld>) -> Progress {
        let mut progress = Progress::default();
        progress.begin_step(lesson, shell);
        progress
    }

    fn begin_step(&mut self, lesson: &Lesson, shell: &Shell<PlaygroundWorld>) {
        let Some(step) = lesson.steps.get(self.done) else { return };
        let observed = Observed::new(shell);
        self.since = observed.newest_event();
        for remember in &step.remember {
            if let Some(figure) = observed.figure(remember) {
                self.remembered.insert(remember.name.clone(), figure);
            }
        }
    }

    /// Steps done so far.
    pub fn done(&self) -> usize {
        self.done
    }

    pub fn complete(&self, lesson: &Lesson) -> bool {
        self.done >= lesson.steps.len()
    }

    /// Checks the current step's goals; when all hold it is done and the next one begins.
    /// True when a step was done.
    pub fn check(&mut self, lesson: &Lesson, shell: &Shell<PlaygroundWorld>) -> bool {
        let Some(step) = lesson.steps.get(self.done) else { return false };
        let observed = Observed::new(shell);
        if !step.goals.iter().all(|goal| observed.met(goal, &self.remembered, self.since)) {
            return false;
        }
        self.done += 1;
        self.begin_step(lesson, shell);
        true
    }

    /// Every step's goals, met or not: done steps' all met, the current one's as they are
    /// now, later ones' not yet.
    pub fn goals_met(&self, lesson: &Lesson, shell: &Shell<PlaygroundWorld>) -> Vec<Vec<bool>> {
        let observed = Observed::new(shell);
        lesson
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                step.goals
                    .iter()
                    .map(|goal| match i.cmp(&self.done) {
                        std::cmp::Ordering::Less => true,
                        std::cmp::Ordering::Equal => observed.met(goal, &self.remembered, self.since),
                        std::cmp::Ordering::Greater => false,
                    })
                    .collect()
            })
            .collect()
    }
}

/// A fresh playground for the lesson: its cluster of its etcd release from its seed and flags,
/// its setup run.
pub fn start(lesson: &Lesson) -> Result<Shell<PlaygroundWorld>, FlagError> {
    let mut flags = Flags::for_version(lesson.version());
    flags.parse(&lesson.flags)?;
    let world = PlaygroundWorld::new(Cluster::new(lesson.seed, default_members(), flags));
    let mut shell = playground_ctl::with_options(Options { seed: lesson.seed, ..Options::new(world) });
    for line in &lesson.setup {
        shell.exec_interactive(line, &mut Transcript::new());
    }
    Ok(shell)
}

/// The most virtual time [`solve_step`] lets pass for a step's goals after its commands (the
/// page's clock runs on its own; a replication or a snapshot transfer takes a heartbeat or two).
const SETTLE_MICROS: u64 = 30_000_000;
const SETTLE_STEP_MICROS: u64 = 100_000;

/// Runs the current step's reference solution as the terminal would, then lets virtual time
/// pass, a frame at a time, until the step is done (or [`SETTLE_MICROS`] passed). Returns what
/// the commands printed, and whether the step was done.
pub fn solve_step(
    lesson: &Lesson,
    progress: &mut Progress,
    shell: &mut Shell<PlaygroundWorld>,
) -> (String, bool) {
    let Some(step) = lesson.steps.get(progress.done()) else { return (String::new(), false) };
    let mut transcript = Transcript::new();
    for line in &step.run {
        shell.exec_interactive(line, &mut transcript);
    }
    let mut waited = 0;
    while !progress.check(lesson, shell) {
        if waited >= SETTLE_MICROS {
            return (transcript_text(&transcript), false);
        }
        if let Some(cluster) = shell.world_mut().cluster() {
            cluster.advance(SETTLE_STEP_MICROS);
        }
        waited += SETTLE_STEP_MICROS;
    }
    (transcript_text(&transcript), true)
}

fn transcript_text(transcript: &Transcript) -> String {
    format!("{}{}", transcript.stdout(), transcript.stderr())
}

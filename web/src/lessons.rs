//! Lessons in the view-model: the catalog the page fetched from `static/lessons/`, the lesson
//! being followed with the learner's progress, and what the lesson panel shows. Opening a
//! lesson starts a fresh playground from its seed and flags; its goals are checked against the
//! engine on every change ([`Playground::touch`]). Nothing here touches the DOM.

use std::collections::BTreeMap;

use playground_ctl::PlaygroundWorld;
use playground_lessons::{Lesson, LessonError, Progress};
use playground_shell::{EntryKind, Shell};
use serde::Serialize;

use crate::playground::Playground;

/// Virtual time let pass at a time, and at most, for a step done before to settle.
const FRAME_MICROS: u64 = 100_000;
const REDO_SETTLE_MICROS: u64 = 30_000_000;

/// The lessons the page offers, in the index's order: each parsed, or refused with its error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub entries: Vec<CatalogEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CatalogEntry {
    pub file: String,
    pub lesson: Result<Lesson, LessonError>,
}

impl Catalog {
    /// The catalog from the index and the files' texts (`None` for a file that could not be
    /// fetched).
    pub fn from_files(files: Vec<(String, Option<String>)>) -> Catalog {
        let entries = files
            .into_iter()
            .map(|(file, text)| {
                let lesson = match text {
                    Some(text) => playground_lessons::parse(&text),
                    None => Err(LessonError { line: 0, message: format!("{file} could not be fetched") }),
                };
                CatalogEntry { file, lesson }
            })
            .collect();
        Catalog { entries }
    }

    pub fn find(&self, id: &str) -> Option<&Lesson> {
        self.entries.iter().find_map(|e| e.lesson.as_ref().ok().filter(|l| l.id == id))
    }
}

/// Steps done per lesson id, as kept in the visitor's storage.
pub type Saved = BTreeMap<String, usize>;

/// The saved progress from its stored JSON; anything unreadable is no progress.
pub fn parse_saved(text: Option<&str>) -> Saved {
    text.and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default()
}

pub struct ActiveLesson {
    pub lesson: Lesson,
    pub progress: Progress,
}

impl ActiveLesson {
    /// Checks the current step; true when one was done.
    pub fn check(&mut self, shell: &Shell<PlaygroundWorld>) -> bool {
        self.progress.check(&self.lesson, shell)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LessonView {
    pub id: String,
    pub title: String,
    pub etcd: String,
    pub text: Vec<String>,
    pub steps: Vec<StepView>,
    pub done: usize,
    pub complete: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StepState {
    Done,
    Current,
    Later,
}

/// A goal in the lesson file's words, and whether it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalView {
    pub goal: String,
    pub met: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    pub title: String,
    pub text: Vec<String>,
    pub state: StepState,
    pub goals: Vec<GoalView>,
    pub hints: Vec<String>,
    pub solution: Vec<String>,
}

impl Playground {
    /// Opens `lesson` on a fresh playground of its seed, release and flags (the journal starts
    /// there, so undo, reset and share work within the lesson). With `done_before` steps done in
    /// an earlier visit, their reference commands run again, with virtual time let pass as the
    /// page would, so the cluster is where those steps left it.
    pub fn open_lesson(&mut self, lesson: Lesson, done_before: usize) -> Result<(), String> {
        self.lesson = None;
        self.start_over(lesson.seed, lesson.version(), &lesson.flags)
            .map_err(|e| format!("{}: {e}", lesson.id))?;
        for line in &lesson.setup {
            self.exec(line);
        }
        let mut progress = Progress::begin(&lesson, self.session().shell());
        for _ in 0..done_before.min(lesson.steps.len()) {
            for line in &lesson.steps[progress.done()].run {
                self.exec(line);
            }
            let mut waited = 0;
            while !progress.check(&lesson, self.session().shell()) && waited < REDO_SETTLE_MICROS {
                self.advance(FRAME_MICROS);
                waited += FRAME_MICROS;
            }
            if waited >= REDO_SETTLE_MICROS {
                break;
            }
        }
        let flags =
            if lesson.flags.is_empty() { String::new() } else { format!(", {}", lesson.flags.join(" ")) };
        let mut notice = format!(
            "# lesson: {} (a fresh etcd {} cluster, seed {}{flags})\n",
            lesson.title,
            lesson.version().minor(),
            lesson.seed
        );
        if progress.done() > 0 {
            notice.push_str(&format!(
                "# {} step(s) were done in an earlier visit: their reference commands ran again\n",
                progress.done()
            ));
        }
        self.session_mut().print(EntryKind::Stdout, &notice);
        self.lesson = Some(ActiveLesson { lesson, progress });
        self.touch();
        Ok(())
    }

    /// Leaves the lesson; the playground stays as it is.
    pub fn close_lesson(&mut self) {
        self.lesson = None;
        self.touch();
    }

    /// The lesson being followed, and how far: (id, steps done).
    pub fn lesson_progress(&self) -> Option<(String, usize)> {
        self.lesson.as_ref().map(|a| (a.lesson.id.clone(), a.progress.done()))
    }

    pub fn lesson_view(&self) -> Option<LessonView> {
        let active = self.lesson.as_ref()?;
        let (lesson, progress) = (&active.lesson, &active.progress);
        let met = progress.goals_met(lesson, self.session().shell());
        let steps = lesson
            .steps
            .iter()
            .zip(met)
            .enumerate()
            .map(|(i, (step, met))| StepView {
                title: step.title.clone(),
                text: step.text.clone(),
                state: match i.cmp(&progress.done()) {
                    std::cmp::Ordering::Less => StepState::Done,
                    std::cmp::Ordering::Equal => StepState::Current,
                    std::cmp::Ordering::Greater => StepState::Later,
                },
                goals: step
                    .goals
                    .iter()
                    .zip(met)
                    .map(|(g, met)| GoalView { goal: g.to_string(), met })
                    .collect(),
                hints: step.hints.clone(),
                solution: step.run.clone(),
            })
            .collect();
        Some(LessonView {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            etcd: lesson.etcd.clone(),
            text: lesson.text.clone(),
            steps,
            done: progress.done(),
            complete: progress.complete(lesson),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUOTA: &str = include_str!("../../static/lessons/space-quota.lesson");

    fn quota() -> Lesson {
        playground_lessons::parse(QUOTA).unwrap()
    }

    #[test]
    fn typing_a_lessons_commands_meets_its_goals_step_by_step() {
        let mut p = Playground::new(1, &[]).unwrap();
        p.open_lesson(quota(), 0).unwrap();
        let view = p.lesson_view().unwrap();
        assert_eq!(view.done, 0);
        assert_eq!(view.steps[0].state, StepState::Current);
        assert!(view.steps.iter().all(|s| s.goals.iter().all(|g| !g.met)), "{view:?}");
        assert!(p.session().text().contains("# lesson: Space quota"), "{}", p.session().text());
        let state = p.state();
        assert!(state.members.iter().all(|m| m.quota == 16 << 20), "{state:?}");
        for (i, step) in quota().steps.iter().enumerate() {
            for line in &step.run {
                p.run_in_terminal(line);
            }
            for _ in 0..100 {
                if p.lesson_progress().unwrap().1 > i {
                    break;
                }
                p.advance(100_000);
            }
            assert_eq!(p.lesson_progress().unwrap().1, i + 1, "step {i}: {}", p.session().text());
        }
        let view = p.lesson_view().unwrap();
        assert!(view.complete);
        assert!(view.steps.iter().all(|s| s.state == StepState::Done && s.goals.iter().all(|g| g.met)));
    }

    #[test]
    fn reopening_with_steps_done_before_brings_the_cluster_back() {
        let mut p = Playground::new(1, &[]).unwrap();
        p.open_lesson(quota(), 1).unwrap();
        assert_eq!(p.lesson_progress(), Some(("space-quota".into(), 1)));
        assert!(p.members().iter().any(|m| m.alarms.iter().any(|a| a.starts_with("NOSPACE"))));
        assert!(p.session().text().contains("1 step(s) were done in an earlier visit"));
        p.close_lesson();
        assert!(p.lesson_view().is_none());
    }

    #[test]
    fn a_catalog_keeps_a_broken_file_with_its_error() {
        let catalog = Catalog::from_files(vec![
            ("space-quota.lesson".into(), Some(QUOTA.into())),
            (
                "broken.lesson".into(),
                Some("lesson: broken\ntitle: B\nstep: S\ngoal: every member db-sise < 1\n".into()),
            ),
            ("gone.lesson".into(), None),
        ]);
        assert!(catalog.find("space-quota").is_some());
        let broken = catalog.entries[1].lesson.as_ref().unwrap_err().to_string();
        assert!(broken.starts_with("lesson line 4: goal: unknown field"), "{broken}");
        assert!(catalog.entries[2].lesson.as_ref().unwrap_err().to_string().contains("could not be fetched"));
    }

    #[test]
    fn saved_progress_that_is_not_json_is_no_progress() {
        assert_eq!(parse_saved(Some("{\"space-quota\":2}"))["space-quota"], 2);
        assert!(parse_saved(Some("{nope")).is_empty());
        assert!(parse_saved(Some("{\"a\":-1}")).is_empty());
        assert!(parse_saved(None).is_empty());
    }
}

//! A lesson checked against itself: its reference solution, run step by step from a fresh
//! playground, must reach every goal, and no goal may hold before its step's commands ran (a
//! goal already met would give a ✓ for nothing).

use crate::format::Lesson;
use crate::progress::{solve_step, start, Progress};

/// What running the lesson's reference solution showed, step by step.
#[derive(Debug, Default)]
pub struct Verified {
    /// Per step: the goals' texts, and what its commands printed.
    pub steps: Vec<(Vec<String>, String)>,
}

pub fn verify(lesson: &Lesson) -> Result<Verified, String> {
    let mut shell = start(lesson).map_err(|e| format!("{}: flags: {e}", lesson.id))?;
    let mut progress = Progress::begin(lesson, &shell);
    let mut verified = Verified::default();
    for (i, step) in lesson.steps.iter().enumerate() {
        let before = &progress.goals_met(lesson, &shell)[i];
        if let Some(met) = before.iter().position(|&met| met) {
            return Err(format!(
                "{} step {} ({:?}): goal `{}` holds before the step's commands ran",
                lesson.id,
                i + 1,
                step.title,
                step.goals[met]
            ));
        }
        let (printed, done) = solve_step(lesson, &mut progress, &mut shell);
        if !done {
            let now = &progress.goals_met(lesson, &shell)[i];
            let unmet: Vec<String> =
                step.goals.iter().zip(now).filter(|(_, &met)| !met).map(|(g, _)| format!("`{g}`")).collect();
            return Err(format!(
                "{} step {} ({:?}): the reference solution left {} unmet; it printed:\n{printed}",
                lesson.id,
                i + 1,
                step.title,
                unmet.join(", ")
            ));
        }
        verified.steps.push((step.goals.iter().map(|g| g.to_string()).collect(), printed));
    }
    if !progress.complete(lesson) {
        return Err(format!("{}: not complete after its last step", lesson.id));
    }
    Ok(verified)
}

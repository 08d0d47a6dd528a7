//! Any text as a lesson file: the parser answers with a lesson or an error naming a line inside
//! the file, never a panic; every goal of a lesson that parses prints back to text that parses
//! to the same goal, and a lesson's progress can be checked on a fresh playground.
//! `cargo fuzz run lesson_file` (nightly) from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playground_lessons::goal::parse_goal;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match playground_lessons::parse(text) {
        Err(error) => assert!(error.line <= text.lines().count(), "{error}"),
        Ok(lesson) => {
            for goal in lesson.steps.iter().flat_map(|s| &s.goals) {
                assert_eq!(parse_goal(&goal.to_string()).as_ref(), Ok(goal), "{goal}");
            }
            // Setup commands are terminal input: left to the shell's fuzz targets.
            let lesson = playground_lessons::Lesson { setup: Vec::new(), ..lesson };
            if let Ok(shell) = playground_lessons::start(&lesson) {
                let progress = playground_lessons::Progress::begin(&lesson, &shell);
                let met = progress.goals_met(&lesson, &shell);
                assert_eq!(met.len(), lesson.steps.len());
            }
        }
    }
});

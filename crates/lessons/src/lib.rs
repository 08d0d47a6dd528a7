//! Lessons with checked goals: a lesson file ([`format`], plain text documented in
//! `static/lessons/README.md`) holds a text, a cluster's setup and steps; each step's goals
//! ([`goal`]) are predicates over what the engine holds, checked through the cluster's typed
//! views ([`check`]), never against what was typed. [`progress`] follows a learner through the
//! steps and runs reference solutions, which tests run for every lesson.
//!
//! Written here rather than taken from a library: the goal vocabulary is etcd's own figures.

pub mod check;
pub mod format;
pub mod goal;
pub mod index;
pub mod progress;
pub mod verify;

pub use format::{parse, Lesson, LessonError, Step};
pub use goal::Goal;
pub use progress::{solve_step, start, Progress};
pub use verify::{verify, Verified};

//! The lesson file: plain text, one directive per line, so documentation authors can write
//! lessons without Rust (the format is documented in `static/lessons/README.md`). A file that
//! breaks a rule is refused whole, with the line it broke it on.

use std::fmt;

use playground_server::{EtcdVersion, Flags};

use crate::goal::{parse_goal, parse_remember, Goal, Remember};

/// Refused beyond these, so a lesson file from anywhere cannot make the page hold or run much.
pub const MAX_LESSON_BYTES: usize = 64 * 1024;
pub const MAX_STEPS: usize = 40;
pub const MAX_LINES_PER_STEP: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    /// The etcd version the lesson's outputs and facts are those of ("3.5" or "3.6").
    pub etcd: String,
    pub seed: u64,
    /// etcd's flags for the lesson's cluster.
    pub flags: Vec<String>,
    /// Commands run before the lesson begins.
    pub setup: Vec<String>,
    /// The introduction: paragraphs of text.
    pub text: Vec<String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub title: String,
    pub text: Vec<String>,
    /// The reference solution: command lines that reach every goal.
    pub run: Vec<String>,
    pub goals: Vec<Goal>,
    pub hints: Vec<String>,
    pub remember: Vec<Remember>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonError {
    /// 1-based; 0 for the file as a whole.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "lesson: {}", self.message),
            line => write!(f, "lesson line {line}: {}", self.message),
        }
    }
}

impl std::error::Error for LessonError {}

impl Lesson {
    /// The release the lesson's cluster runs (its `etcd:` line; 3.6 when absent).
    pub fn version(&self) -> EtcdVersion {
        EtcdVersion::parse(&self.etcd).unwrap_or_default()
    }
}

pub fn parse(source: &str) -> Result<Lesson, LessonError> {
    let whole = |message: String| LessonError { line: 0, message };
    if source.len() > MAX_LESSON_BYTES {
        return Err(whole(format!("{} bytes; a lesson file holds at most {MAX_LESSON_BYTES}", source.len())));
    }
    let mut lesson = Lesson {
        id: String::new(),
        title: String::new(),
        etcd: "3.6".into(),
        seed: 1,
        flags: Vec::new(),
        setup: Vec::new(),
        text: Vec::new(),
        steps: Vec::new(),
    };
    let mut seen_header: Vec<&str> = Vec::new();
    // Text lines gather into the open paragraph until a blank line or a directive.
    let mut paragraph: Option<String> = None;
    let mut step_line = 0;
    for (index, raw) in source.lines().enumerate() {
        let line = index + 1;
        let at = |message: String| LessonError { line, message };
        let text = raw.trim_end();
        if let Some(prose) = text.strip_prefix('>') {
            let prose = prose.strip_prefix(' ').unwrap_or(prose);
            let open = paragraph.get_or_insert_with(String::new);
            if !open.is_empty() {
                open.push(' ');
            }
            open.push_str(prose.trim());
            continue;
        }
        close_paragraph(&mut lesson, &mut paragraph);
        if text.trim().is_empty() || text.starts_with('#') {
            continue;
        }
        if text.chars().any(|c| c.is_control() && c != '\t') {
            return Err(at("a control character".into()));
        }
        let Some((key, value)) = text.split_once(':') else {
            return Err(at(format!(
                "expected `directive: value`, `> text`, `# comment` or a blank line, not {:?}",
                clip(text)
            )));
        };
        let (key, value) = (key.trim(), value.trim());
        let in_step = !lesson.steps.is_empty();
        match key {
            "lesson" | "title" | "etcd" | "seed" | "flags" | "setup" if in_step => {
                return Err(at(format!("`{key}` belongs before the first step")));
            }
            "lesson" | "title" | "etcd" | "seed" | "flags" if seen_header.contains(&key) => {
                return Err(at(format!("`{key}` given twice")));
            }
            "lesson" => {
                if value.is_empty()
                    || value.len() > 64
                    || !value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                {
                    return Err(at(format!("lesson id {value:?}: use a-z, 0-9 and -, at most 64")));
                }
                lesson.id = value.into();
            }
            "title" => lesson.title = non_empty(value).map_err(at)?,
            "etcd" => {
                if !EtcdVersion::ALL.iter().any(|v| v.minor() == value) {
                    return Err(at(format!("etcd version {value:?}: use 3.5 or 3.6")));
                }
                lesson.etcd = value.into();
            }
            "seed" => lesson.seed = value.parse().map_err(|_| at(format!("seed {value:?} is not a whole number")))?,
            "flags" => {
                lesson.flags = value.split_whitespace().map(str::to_string).collect();
                Flags::default().parse(&lesson.flags).map_err(|e| at(format!("flags: {e}")))?;
            }
            "setup" => lesson.setup.push(non_empty(value).map_err(at)?),
            "step" => {
                if lesson.steps.len() == MAX_STEPS {
                    return Err(at(format!("more than {MAX_STEPS} steps")));
                }
                check_step_complete(&lesson, step_line)?;
                step_line = line;
                lesson.steps.push(Step {
                    title: non_empty(value).map_err(at)?,
                    text: Vec::new(),
                    run: Vec::new(),
                    goals: Vec::new(),
                    hints: Vec::new(),
                    remember: Vec::new(),
                });
            }
            "run" | "goal" | "hint" | "remember" => {
                let Some(step) = lesson.steps.last_mut() else {
                    return Err(at(format!("`{key}` belongs to a step: put a `step:` line before it")));
                };
                let lines = step.run.len() + step.goals.len() + step.hints.len() + step.remember.len();
                if lines == MAX_LINES_PER_STEP {
                    return Err(at(format!("more than {MAX_LINES_PER_STEP} lines in one step")));
                }
                let value = non_empty(value).map_err(at)?;
                match key {
                    "run" => step.run.push(value),
                    "goal" => step.goals.push(parse_goal(&value).map_err(|e| at(format!("goal: {e}")))?),
                    "hint" => step.hints.push(value),
                    _ => {
                        let remember = parse_remember(&value).map_err(|e| at(format!("remember: {e}")))?;
                        step.remember.push(remember);
                    }
                }
            }
            _ => {
                return Err(at(format!(
                    "unknown directive `{}` (lesson, title, etcd, seed, flags, setup, step, run, goal, hint, remember)",
                    clip(key)
                )))
            }
        }
        if !in_step && key != "setup" {
            seen_header.push(match key {
                "lesson" => "lesson",
                "title" => "title",
                "etcd" => "etcd",
                "seed" => "seed",
                _ => "flags",
            });
        }
    }
    close_paragraph(&mut lesson, &mut paragraph);
    check_step_complete(&lesson, step_line)?;
    if lesson.id.is_empty() {
        return Err(whole("no `lesson:` line naming the lesson's id".into()));
    }
    if lesson.title.is_empty() {
        return Err(whole("no `title:` line".into()));
    }
    if lesson.steps.is_empty() {
        return Err(whole("no steps (a `step:` line, then its `goal:` lines)".into()));
    }
    check_remembered_names(&lesson)?;
    Ok(lesson)
}

fn close_paragraph(lesson: &mut Lesson, paragraph: &mut Option<String>) {
    if let Some(text) = paragraph.take() {
        match lesson.steps.last_mut() {
            Some(step) => step.text.push(text),
            None => lesson.text.push(text),
        }
    }
}

fn check_step_complete(lesson: &Lesson, step_line: usize) -> Result<(), LessonError> {
    match lesson.steps.last() {
        Some(step) if step.goals.is_empty() => {
            Err(LessonError { line: step_line, message: format!("step {:?} has no goal", step.title) })
        }
        _ => Ok(()),
    }
}

/// A goal may compare with `@NAME` only once a step at or before it remembered NAME.
fn check_remembered_names(lesson: &Lesson) -> Result<(), LessonError> {
    let mut known: Vec<&str> = Vec::new();
    for step in &lesson.steps {
        known.extend(step.remember.iter().map(|r| r.name.as_str()));
        for goal in &step.goals {
            if let Goal::Members {
                check:
                    crate::goal::MemberCheck::Compare {
                        value: crate::goal::Value::Remembered { name, .. }, ..
                    },
                ..
            } = goal
            {
                if !known.contains(&name.as_str()) {
                    return Err(LessonError {
                        line: 0,
                        message: format!(
                            "step {:?}: @{name} is not remembered by it or an earlier step",
                            step.title
                        ),
                    });
                }
            }
        }
    }
    Ok(())
}

fn non_empty(value: &str) -> Result<String, String> {
    if value.is_empty() {
        Err("an empty value".into())
    } else {
        Ok(value.to_string())
    }
}

fn clip(text: &str) -> String {
    text.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHORT: &str = "\
# A comment.
lesson: first-put
title: The first put
flags: --snapshot-count=100
seed: 1

> Every write makes a new revision
> of the whole keyspace.

step: Write a key
> `etcdctl put` writes a key.
run: etcdctl put foo bar
remember: start = max revision
goal: every member revision >= 2
hint: type etcdctl put foo bar
";

    #[test]
    fn a_lesson_parses_into_its_parts() {
        let lesson = parse(SHORT).unwrap();
        assert_eq!(lesson.id, "first-put");
        assert_eq!(lesson.etcd, "3.6");
        assert_eq!(lesson.seed, 1);
        assert_eq!(lesson.flags, ["--snapshot-count=100"]);
        assert_eq!(lesson.text, ["Every write makes a new revision of the whole keyspace."]);
        let step = &lesson.steps[0];
        assert_eq!(step.text, ["`etcdctl put` writes a key."]);
        assert_eq!(step.run, ["etcdctl put foo bar"]);
        assert_eq!(step.goals[0].to_string(), "every member revision >= 2");
        assert_eq!(step.hints.len(), 1);
        assert_eq!(step.remember[0].name, "start");
    }

    #[test]
    fn a_broken_lesson_is_refused_with_its_line() {
        let cases: [(&str, &str, usize, &str); 9] = [
            ("seed: 1", "seed: x", 0, "is not a whole number"),
            ("flags: --snapshot-count=100", "flags: --bogus", 0, "flag provided but not defined"),
            ("goal: every member revision >= 2", "goal: every member revison >= 2", 0, "unknown field"),
            ("run: etcdctl put foo bar", "run etcdctl put foo bar", 0, "expected `directive: value`"),
            ("hint: type etcdctl put foo bar", "seed: 4", 0, "`seed` belongs before the first step"),
            ("title: The first put", "title: The first put\ntitle: Again", 1, "given twice"),
            ("goal: every member revision >= 2", "goal: every member revision >= @nope", usize::MAX, "@nope"),
            ("remember: start = max revision", "remember: start = sum revision", 0, "remember:"),
            ("step: Write a key", "stepp: Write a key", 0, "unknown directive `stepp`"),
        ];
        for (good, bad, extra, says) in cases {
            let source = SHORT.replacen(good, bad, 1);
            let error = parse(&source).unwrap_err();
            let expected_line = match extra {
                usize::MAX => 0,
                _ => SHORT.lines().position(|l| l == good).unwrap() + 1 + extra,
            };
            assert_eq!(error.line, expected_line, "{bad:?}: {error}");
            assert!(error.to_string().contains(says), "{bad:?}: {error}");
        }
        let no_goal = SHORT.replace("goal: every member revision >= 2\n", "");
        let error = parse(&no_goal).unwrap_err();
        assert_eq!(error.to_string(), "lesson line 10: step \"Write a key\" has no goal");
        assert!(parse("").unwrap_err().to_string().contains("no `lesson:` line"));
        assert!(parse(&"> x\n".repeat(20_000)).unwrap_err().to_string().contains("at most"));
    }
}

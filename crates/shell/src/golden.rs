//! Scenario scripts with golden output, in the transcript format of `shared/reference/`:
//!
//! ```text
//! $ command (further lines, up to [stdout], continue the command)
//! [stdout]
//! ...
//! [stderr]
//! ...
//! [exit N]
//! ```
//!
//! `[no trailing newline]` ends a stream that had no final newline. Lines outside blocks
//! (comments, markdown) are kept as they are when a script is rewritten. The same format serves
//! the shell's tests, the conformance tests against real etcd's transcripts, and lessons.

use crate::{Shell, Transcript, World};

const NO_NEWLINE: &str = "[no trailing newline]";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub command: String,
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
}

/// A script: its cases, and the text between them (kept for rewriting).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// Text before each case; `between.len() == cases.len() + 1`.
    pub between: Vec<String>,
    pub cases: Vec<Case>,
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    Command,
    Stdout,
    Stderr,
}

impl Script {
    pub fn parse(text: &str) -> Result<Script, String> {
        let mut script = Script { between: vec![String::new()], cases: Vec::new() };
        let mut current: Option<(Case, Section)> = None;
        for (number, line) in text.lines().enumerate() {
            let number = number + 1;
            match &mut current {
                None => {
                    if let Some(command) = line.strip_prefix("$ ") {
                        let case = Case {
                            command: command.to_string(),
                            stdout: String::new(),
                            stderr: String::new(),
                            exit: 0,
                        };
                        current = Some((case, Section::Command));
                    } else {
                        let between = script.between.last_mut().expect("never empty");
                        between.push_str(line);
                        between.push('\n');
                    }
                }
                Some((case, section)) => {
                    if line == "[stdout]" && *section == Section::Command {
                        *section = Section::Stdout;
                    } else if line == "[stderr]" && *section != Section::Stderr {
                        *section = Section::Stderr;
                    } else if let Some(exit) = line.strip_prefix("[exit ").and_then(|l| l.strip_suffix(']')) {
                        case.exit =
                            exit.parse().map_err(|_| format!("line {number}: bad exit status `{exit}`"))?;
                        let (case, _) = current.take().expect("inside a case");
                        script.cases.push(case);
                        script.between.push(String::new());
                    } else {
                        let target = match section {
                            Section::Command => {
                                case.command.push('\n');
                                case.command.push_str(line);
                                continue;
                            }
                            Section::Stdout => &mut case.stdout,
                            Section::Stderr => &mut case.stderr,
                        };
                        if line == NO_NEWLINE {
                            target.pop();
                        } else {
                            target.push_str(line);
                            target.push('\n');
                        }
                    }
                }
            }
        }
        if let Some((case, _)) = current {
            return Err(format!("the case `{}` has no [exit N] line", case.command));
        }
        Ok(script)
    }

    pub fn render(&self) -> String {
        let mut text = String::new();
        for (i, between) in self.between.iter().enumerate() {
            text.push_str(between);
            if let Some(case) = self.cases.get(i) {
                text.push_str(&case.render());
            }
        }
        text
    }

    /// Runs every case's command in order in `shell`, returning the script with the output
    /// the shell actually gave.
    pub fn run<W: World>(&self, shell: &mut Shell<W>) -> Script {
        let cases = self
            .cases
            .iter()
            .map(|case| {
                let mut transcript = Transcript::new();
                let outcome = shell.exec_interactive(&case.command, &mut transcript);
                Case {
                    command: case.command.clone(),
                    stdout: transcript.stdout(),
                    stderr: transcript.stderr(),
                    exit: outcome.status,
                }
            })
            .collect();
        Script { between: self.between.clone(), cases }
    }
}

/// Runs golden script `name` (its `text`) in `shell` and panics with the first differing lines
/// unless the shell prints exactly the script. With `REWRITE` set (natively), the script file in
/// `scripts_dir` is rewritten from the shell's output instead, for review in the diff.
pub fn check<W: World>(name: &str, text: &str, shell: &mut Shell<W>, scripts_dir: &str) {
    let script = Script::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(!script.cases.is_empty(), "{name}: no cases");
    let actual = script.run(shell).render();
    if actual == text {
        return;
    }
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("REWRITE").is_some() {
        let path = format!("{scripts_dir}/{name}.txt");
        std::fs::write(&path, &actual).unwrap_or_else(|e| panic!("{path}: {e}"));
        return;
    }
    let _ = scripts_dir;
    let line = text.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
    let context = |t: &str| t.lines().skip(line.saturating_sub(3)).take(8).collect::<Vec<_>>().join("\n");
    panic!(
        "{name}.txt differs from the shell's output at line {}\n--- expected\n{}\n--- actual\n{}\n(REWRITE=1 to accept)",
        line + 1,
        context(text),
        context(&actual)
    );
}

impl Case {
    pub fn render(&self) -> String {
        let mut text = format!("$ {}\n[stdout]\n", self.command);
        push_stream(&mut text, &self.stdout);
        text.push_str("[stderr]\n");
        push_stream(&mut text, &self.stderr);
        text.push_str(&format!("[exit {}]\n", self.exit));
        text
    }
}

fn push_stream(text: &mut String, stream: &str) {
    if stream.is_empty() {
        return;
    }
    text.push_str(stream);
    if !stream.ends_with('\n') {
        text.push('\n');
        text.push_str(NO_NEWLINE);
        text.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn parse_and_render_round_trip() {
        let text = "# a comment\n\n$ echo hi\n[stdout]\nhi\n[stderr]\n[exit 0]\n\n$ printf x\n[stdout]\nx\n[no trailing newline]\n[stderr]\n[exit 0]\n$ for i in 1; do\necho $i; done\n[stdout]\n1\n[stderr]\n[exit 0]\n";
        let script = Script::parse(text).unwrap();
        assert_eq!(script.cases.len(), 3);
        assert_eq!(script.cases[1].stdout, "x");
        assert_eq!(script.cases[2].command, "for i in 1; do\necho $i; done");
        assert_eq!(script.render(), text);
    }

    #[test]
    fn unfinished_case_is_an_error() {
        assert!(Script::parse("$ echo\n[stdout]\n").is_err());
        assert!(Script::parse("$ echo\n[exit x]\n").is_err());
    }
}

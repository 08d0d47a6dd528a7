//! Tab completion: command names in command position, a command's own flags and subcommands
//! after it, host file names elsewhere.

use crate::{Shell, World};

/// Candidates for the word that ends the line; `start` is where that word begins (bytes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    pub start: usize,
    pub candidates: Vec<String>,
}

impl Completion {
    /// The longest text every candidate starts with (what one Tab inserts).
    pub fn common_prefix(&self) -> String {
        let Some(first) = self.candidates.first() else {
            return String::new();
        };
        let mut prefix = first.clone();
        for candidate in &self.candidates[1..] {
            while !candidate.starts_with(prefix.as_str()) {
                prefix.pop();
            }
        }
        prefix
    }

    /// The line with the completion applied: the common prefix, and a space after a single
    /// finished candidate (not after a directory or a `flag=`).
    pub fn apply(&self, line: &str) -> String {
        let prefix = self.common_prefix();
        let word = &line[self.start.min(line.len())..];
        if prefix.len() < word.len() {
            return line.to_string();
        }
        let mut applied = format!("{}{prefix}", &line[..self.start.min(line.len())]);
        if self.candidates.len() == 1 && !prefix.ends_with('/') && !prefix.ends_with('=') {
            applied.push(' ');
        }
        applied
    }
}

const SEPARATORS: &[&str] =
    &["|", "||", "&&", ";", "(", "$(", "`", "do", "then", "else", "elif", "if", "while", "until", "{"];

pub(crate) fn complete<W: World>(shell: &Shell<W>, line: &str) -> Completion {
    let start = line.rfind([' ', '\t', '|', ';', '&', '(', '`']).map_or(0, |i| i + 1);
    let word = &line[start..];
    // The words of the current simple command before the one being completed.
    let before = &line[..start];
    let mut words: Vec<&str> = Vec::new();
    for token in split_tokens(before) {
        if SEPARATORS.contains(&token) {
            words.clear();
        } else if words.is_empty() && token.contains('=') && !token.starts_with('-') {
            // `ETCDCTL_API=3 etcdctl ...`: an assignment prefix is not the command.
        } else {
            words.push(token);
        }
    }
    let mut candidates: Vec<String> = if words.is_empty() {
        let mut names: Vec<String> = shell.registry().names().map(str::to_string).collect();
        names.extend(crate::builtins::SHELL_WORDS.iter().map(|w| w.to_string()));
        names
    } else {
        let args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let offered = shell.registry().get(words[0]).map(|c| c.completions(&args)).unwrap_or_default();
        if word.starts_with('-')
            || offered.iter().any(|o| !o.starts_with('-') && o.starts_with(word) && !word.is_empty())
        {
            offered
        } else {
            let mut names = files(shell, word);
            names.extend(offered.into_iter().filter(|o| !o.starts_with('-')));
            names
        }
    };
    candidates.retain(|c| c.starts_with(word));
    candidates.sort();
    candidates.dedup();
    Completion { start, candidates }
}

fn split_tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            break;
        }
        let len = if let Some(op) =
            ["||", "&&", "$(", "|", ";", "(", "`", "&"].iter().find(|op| trimmed.starts_with(*op))
        {
            op.len()
        } else {
            trimmed.find([' ', '\t', '|', ';', '&', '(', '`']).unwrap_or(trimmed.len())
        };
        tokens.push(&trimmed[..len]);
        rest = &trimmed[len..];
    }
    tokens
}

/// Host files and directories matching a partial path.
fn files<W: World>(shell: &Shell<W>, word: &str) -> Vec<String> {
    let (dir_part, _) = match word.rfind('/') {
        Some(i) => (&word[..=i], &word[i + 1..]),
        None => ("", word),
    };
    let dir = crate::fs::resolve(shell.cwd(), if dir_part.is_empty() { "." } else { dir_part });
    let Ok(entries) = shell.fs().list(&dir) else {
        return Vec::new();
    };
    entries
        .into_iter()
        .map(|(name, meta)| format!("{dir_part}{name}{}", if meta.is_dir { "/" } else { "" }))
        .collect()
}

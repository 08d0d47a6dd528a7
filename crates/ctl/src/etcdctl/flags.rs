//! etcdctl's flag set, written once: the parser reads it, Tab completion offers it, and a test
//! checks that every flag the help pages (3.5.1's text, kept verbatim) name is in it.

/// One flag, as pflag declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Flag {
    pub name: &'static str,
    pub shorthand: Option<char>,
    pub kind: Kind,
}

/// The type pflag parses a flag's value as; the parser reports a value that does not parse as
/// pflag does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `--prefix`, `--prefix=false` (`strconv.ParseBool`).
    Bool,
    /// `--rev=3`, `--rev 3` (`strconv.ParseInt`, base 0).
    Int,
    /// `--command-timeout=5s` (`time.ParseDuration`).
    Duration,
    String,
}

impl Flag {
    /// Takes a value (`--rev=3`, `--rev 3`); a boolean one only inline (`--prefix=false`).
    pub fn value(&self) -> bool {
        self.kind != Kind::Bool
    }
}

/// The flags of the commands etcdctl 3.6 gave to etcdutl (`snapshot restore`,
/// `defrag --data-dir`): unknown to its parser.
pub(super) const GONE_IN_3_6: &[&str] = &[
    "data-dir",
    "name",
    "initial-cluster",
    "initial-cluster-token",
    "initial-advertise-peer-urls",
    "wal-dir",
    "skip-hash-check",
];

/// Every flag etcdctl accepts here: the global ones, each command's, and snapshot restore's
/// (handed on to etcdutl).
pub(super) const FLAGS: &[Flag] = &[
    Flag { name: "endpoints", shorthand: None, kind: Kind::String },
    Flag { name: "write-out", shorthand: Some('w'), kind: Kind::String },
    Flag { name: "command-timeout", shorthand: None, kind: Kind::Duration },
    Flag { name: "dial-timeout", shorthand: None, kind: Kind::Duration },
    Flag { name: "keepalive-time", shorthand: None, kind: Kind::Duration },
    Flag { name: "keepalive-timeout", shorthand: None, kind: Kind::Duration },
    Flag { name: "rev", shorthand: None, kind: Kind::Int },
    Flag { name: "limit", shorthand: None, kind: Kind::Int },
    Flag { name: "sort-by", shorthand: None, kind: Kind::String },
    Flag { name: "order", shorthand: None, kind: Kind::String },
    Flag { name: "consistency", shorthand: None, kind: Kind::String },
    Flag { name: "lease", shorthand: None, kind: Kind::String },
    Flag { name: "user", shorthand: None, kind: Kind::String },
    Flag { name: "password", shorthand: None, kind: Kind::String },
    Flag { name: "cacert", shorthand: None, kind: Kind::String },
    Flag { name: "cert", shorthand: None, kind: Kind::String },
    Flag { name: "key", shorthand: None, kind: Kind::String },
    Flag { name: "data-dir", shorthand: None, kind: Kind::String },
    Flag { name: "load", shorthand: None, kind: Kind::String },
    Flag { name: "prefix-range-end", shorthand: None, kind: Kind::String },
    Flag { name: "discovery-srv", shorthand: None, kind: Kind::String },
    Flag { name: "discovery-srv-name", shorthand: None, kind: Kind::String },
    Flag { name: "peer-urls", shorthand: None, kind: Kind::String },
    Flag { name: "learner-promote", shorthand: None, kind: Kind::String },
    Flag { name: "name", shorthand: None, kind: Kind::String },
    Flag { name: "initial-cluster", shorthand: None, kind: Kind::String },
    Flag { name: "initial-cluster-token", shorthand: None, kind: Kind::String },
    Flag { name: "initial-advertise-peer-urls", shorthand: None, kind: Kind::String },
    Flag { name: "wal-dir", shorthand: None, kind: Kind::String },
    Flag { name: "cluster", shorthand: None, kind: Kind::Bool },
    Flag { name: "prefix", shorthand: None, kind: Kind::Bool },
    Flag { name: "from-key", shorthand: None, kind: Kind::Bool },
    Flag { name: "keys-only", shorthand: None, kind: Kind::Bool },
    Flag { name: "count-only", shorthand: None, kind: Kind::Bool },
    Flag { name: "print-value-only", shorthand: None, kind: Kind::Bool },
    Flag { name: "prev-kv", shorthand: None, kind: Kind::Bool },
    Flag { name: "ignore-value", shorthand: None, kind: Kind::Bool },
    Flag { name: "ignore-lease", shorthand: None, kind: Kind::Bool },
    Flag { name: "physical", shorthand: None, kind: Kind::Bool },
    Flag { name: "hex", shorthand: None, kind: Kind::Bool },
    Flag { name: "debug", shorthand: None, kind: Kind::Bool },
    Flag { name: "help", shorthand: Some('h'), kind: Kind::Bool },
    Flag { name: "insecure-transport", shorthand: None, kind: Kind::Bool },
    Flag { name: "insecure-skip-tls-verify", shorthand: None, kind: Kind::Bool },
    Flag { name: "insecure-discovery", shorthand: None, kind: Kind::Bool },
    Flag { name: "interactive", shorthand: None, kind: Kind::Bool },
    Flag { name: "learner", shorthand: None, kind: Kind::Bool },
    Flag { name: "keys", shorthand: None, kind: Kind::Bool },
    Flag { name: "auto-compact", shorthand: None, kind: Kind::Bool },
    Flag { name: "auto-defrag", shorthand: None, kind: Kind::Bool },
    Flag { name: "skip-hash-check", shorthand: None, kind: Kind::Bool },
];

/// The commands and subcommands, offered first by Tab completion.
const WORDS: &[&str] = &[
    "put",
    "get",
    "del",
    "txn",
    "compaction",
    "defrag",
    "endpoint",
    "status",
    "health",
    "hashkv",
    "alarm",
    "list",
    "disarm",
    "member",
    "add",
    "remove",
    "promote",
    "lease",
    "grant",
    "revoke",
    "move-leader",
    "check",
    "perf",
    "snapshot",
    "save",
    "version",
];

pub(super) fn long(name: &str) -> Option<&'static Flag> {
    FLAGS.iter().find(|f| f.name == name)
}

pub(super) fn short(letter: &str) -> Option<&'static Flag> {
    FLAGS.iter().find(|f| f.shorthand.is_some_and(|c| letter.len() == c.len_utf8() && letter.starts_with(c)))
}

/// What Tab offers after `etcdctl`: the words, then `--flag=` for a value flag and `--flag` for
/// a boolean one.
pub(crate) fn completions() -> Vec<String> {
    let flags =
        FLAGS.iter().map(|f| if f.value() { format!("--{}=", f.name) } else { format!("--{}", f.name) });
    WORDS.iter().map(|w| w.to_string()).chain(flags).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_the_help_pages_name_is_in_the_flag_set() {
        for page in super::super::help::PAGES {
            for word in page.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
                if let Some(name) = word.strip_prefix("--").filter(|n| !n.is_empty()) {
                    assert!(long(name).is_some(), "--{name} is in a help page but not in the flag set");
                }
            }
        }
    }

    #[test]
    fn shorthands_are_pflags() {
        assert_eq!(short("w").map(|f| f.name), Some("write-out"));
        assert_eq!(short("h").map(|f| f.name), Some("help"));
        assert_eq!(short("x"), None);
    }
}

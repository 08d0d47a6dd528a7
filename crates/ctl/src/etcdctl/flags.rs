//! etcdctl's flag set, written once: the parser reads it, Tab completion offers it, and a test
//! checks that every flag the help pages (3.5.1's text, kept verbatim) name is in it.

/// One flag, as pflag declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Flag {
    pub name: &'static str,
    pub shorthand: Option<char>,
    /// Takes a value (`--rev=3`, `--rev 3`); otherwise boolean (`--prefix`, `--prefix=false`).
    pub value: bool,
}

/// Every flag etcdctl accepts here: the global ones, each command's, and snapshot restore's
/// (handed on to etcdutl).
pub(super) const FLAGS: &[Flag] = &[
    Flag { name: "endpoints", shorthand: None, value: true },
    Flag { name: "write-out", shorthand: Some('w'), value: true },
    Flag { name: "command-timeout", shorthand: None, value: true },
    Flag { name: "dial-timeout", shorthand: None, value: true },
    Flag { name: "keepalive-time", shorthand: None, value: true },
    Flag { name: "keepalive-timeout", shorthand: None, value: true },
    Flag { name: "rev", shorthand: None, value: true },
    Flag { name: "limit", shorthand: None, value: true },
    Flag { name: "sort-by", shorthand: None, value: true },
    Flag { name: "order", shorthand: None, value: true },
    Flag { name: "consistency", shorthand: None, value: true },
    Flag { name: "lease", shorthand: None, value: true },
    Flag { name: "user", shorthand: None, value: true },
    Flag { name: "password", shorthand: None, value: true },
    Flag { name: "cacert", shorthand: None, value: true },
    Flag { name: "cert", shorthand: None, value: true },
    Flag { name: "key", shorthand: None, value: true },
    Flag { name: "data-dir", shorthand: None, value: true },
    Flag { name: "load", shorthand: None, value: true },
    Flag { name: "prefix-range-end", shorthand: None, value: true },
    Flag { name: "discovery-srv", shorthand: None, value: true },
    Flag { name: "discovery-srv-name", shorthand: None, value: true },
    Flag { name: "peer-urls", shorthand: None, value: true },
    Flag { name: "learner-promote", shorthand: None, value: true },
    Flag { name: "name", shorthand: None, value: true },
    Flag { name: "initial-cluster", shorthand: None, value: true },
    Flag { name: "initial-cluster-token", shorthand: None, value: true },
    Flag { name: "initial-advertise-peer-urls", shorthand: None, value: true },
    Flag { name: "wal-dir", shorthand: None, value: true },
    Flag { name: "cluster", shorthand: None, value: false },
    Flag { name: "prefix", shorthand: None, value: false },
    Flag { name: "from-key", shorthand: None, value: false },
    Flag { name: "keys-only", shorthand: None, value: false },
    Flag { name: "count-only", shorthand: None, value: false },
    Flag { name: "print-value-only", shorthand: None, value: false },
    Flag { name: "prev-kv", shorthand: None, value: false },
    Flag { name: "ignore-value", shorthand: None, value: false },
    Flag { name: "ignore-lease", shorthand: None, value: false },
    Flag { name: "physical", shorthand: None, value: false },
    Flag { name: "hex", shorthand: None, value: false },
    Flag { name: "debug", shorthand: None, value: false },
    Flag { name: "help", shorthand: Some('h'), value: false },
    Flag { name: "insecure-transport", shorthand: None, value: false },
    Flag { name: "insecure-skip-tls-verify", shorthand: None, value: false },
    Flag { name: "insecure-discovery", shorthand: None, value: false },
    Flag { name: "interactive", shorthand: None, value: false },
    Flag { name: "learner", shorthand: None, value: false },
    Flag { name: "keys", shorthand: None, value: false },
    Flag { name: "auto-compact", shorthand: None, value: false },
    Flag { name: "auto-defrag", shorthand: None, value: false },
    Flag { name: "skip-hash-check", shorthand: None, value: false },
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
        FLAGS.iter().map(|f| if f.value { format!("--{}=", f.name) } else { format!("--{}", f.name) });
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

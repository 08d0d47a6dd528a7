//! The goal vocabulary: what a lesson step asks of the cluster, as a small set of predicates over
//! the members' typed views, the event stream and the shell's files. A goal never looks at what
//! was typed, only at what the engine holds.

use std::fmt;

/// Which members a member predicate must hold for. Members that are down are left out of
/// `every` and `any` (a down member has no db to measure), except in `every member is up`;
/// `member NAME` and `the leader` fail while that member is down or there is no leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Every,
    Any,
    Named(String),
    Leader,
}

/// A member's figure, named as the lesson files spell it (etcd's words, kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    DbSize,
    DbSizeInUse,
    Revision,
    CompactRevision,
    RaftIndex,
    AppliedIndex,
    SnapshotIndex,
    RaftTerm,
    RaftLogEntries,
    Quota,
}

pub const FIELDS: [(&str, Field); 10] = [
    ("db-size", Field::DbSize),
    ("db-size-in-use", Field::DbSizeInUse),
    ("revision", Field::Revision),
    ("compact-revision", Field::CompactRevision),
    ("raft-index", Field::RaftIndex),
    ("applied-index", Field::AppliedIndex),
    ("snapshot-index", Field::SnapshotIndex),
    ("raft-term", Field::RaftTerm),
    ("raft-log-entries", Field::RaftLogEntries),
    ("quota", Field::Quota),
];

impl Field {
    pub fn name(self) -> &'static str {
        FIELDS.iter().find(|(_, f)| *f == self).map_or("?", |(name, _)| name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

const OPS: [(&str, Op); 6] =
    [("=", Op::Eq), ("!=", Op::Ne), ("<", Op::Lt), ("<=", Op::Le), (">", Op::Gt), (">=", Op::Ge)];

impl Op {
    pub fn holds(self, left: i128, right: i128) -> bool {
        match self {
            Op::Eq => left == right,
            Op::Ne => left != right,
            Op::Lt => left < right,
            Op::Le => left <= right,
            Op::Gt => left > right,
            Op::Ge => left >= right,
        }
    }

    fn symbol(self) -> &'static str {
        OPS.iter().find(|(_, op)| *op == self).map_or("?", |(s, _)| s)
    }
}

/// A number as written (`16MiB`, `2MB`, `150`), or a figure remembered when the step began,
/// plus or minus a number (`@fill`, `@fill+1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// The number, and as it was written (the page shows `2MB`, not 2000000).
    Number(i128, String),
    Remembered {
        name: String,
        offset: i128,
    },
}

/// What a member predicate says of each member it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberCheck {
    Compare { field: Field, op: Op, value: Value },
    HasAlarm(String),
    HasNoAlarm,
    IsUp,
    IsDown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    Members {
        subject: Subject,
        check: MemberCheck,
    },
    /// An event of this type (the JS API's `type`) since the step began, on the members the
    /// subject names (the cluster's lane when no subject is given).
    Event {
        kind: String,
        on: Option<Subject>,
    },
    /// A file in the shell's filesystem (relative to the home directory).
    FileExists(String),
    /// The key's value now, on every member the subject covers.
    Key {
        key: String,
        value: String,
        on: Subject,
    },
}

/// The event types a goal may name: the `type` of the JS API's events.
pub const EVENT_TYPES: [&str; 21] = [
    "compactionScheduled",
    "compacted",
    "defragStarted",
    "defragFinished",
    "snapshotTaken",
    "snapshotSent",
    "snapshotReceived",
    "snapshotApplied",
    "snapshotSaved",
    "election",
    "alarmRaised",
    "alarmDisarmed",
    "memberKilled",
    "memberRestarted",
    "isolated",
    "partitioned",
    "healed",
    "slowDisk",
    "quotaExceeded",
    "alertFiring",
    "alertResolved",
];

/// `remember: NAME = max|min FIELD`: a figure taken over the members that are up when the step
/// begins, for its goals to compare against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remember {
    pub name: String,
    pub max: bool,
    pub field: Field,
}

pub fn parse_goal(text: &str) -> Result<Goal, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        ["event", kind, rest @ ..] => {
            if !EVENT_TYPES.contains(kind) {
                return Err(format!("unknown event type {kind:?} (known: {})", EVENT_TYPES.join(", ")));
            }
            let on = match rest {
                [] => None,
                ["on", subject @ ..] => Some(parse_whole_subject(subject)?),
                _ => return Err("expected `event TYPE` or `event TYPE on SUBJECT`".into()),
            };
            Ok(Goal::Event { kind: kind.to_string(), on })
        }
        ["file", path, "exists"] => Ok(Goal::FileExists(path.to_string())),
        ["key", key, "=", value, rest @ ..] => {
            let on = match rest {
                [] => Subject::Every,
                ["on", subject @ ..] => parse_whole_subject(subject)?,
                _ => return Err("expected `key KEY = VALUE` or `key KEY = VALUE on SUBJECT`".into()),
            };
            Ok(Goal::Key { key: key.to_string(), value: value.to_string(), on })
        }
        _ => {
            let (subject, rest) = parse_subject(&words)?;
            Ok(Goal::Members { subject, check: parse_check(rest)? })
        }
    }
}

fn parse_whole_subject(words: &[&str]) -> Result<Subject, String> {
    match parse_subject(words)? {
        (subject, []) => Ok(subject),
        (_, rest) => Err(format!("unexpected {:?} after the subject", rest.join(" "))),
    }
}

fn parse_subject<'a, 'w>(words: &'a [&'w str]) -> Result<(Subject, &'a [&'w str]), String> {
    match words {
        ["every", "member", rest @ ..] => Ok((Subject::Every, rest)),
        ["any", "member", rest @ ..] => Ok((Subject::Any, rest)),
        ["the", "leader", rest @ ..] => Ok((Subject::Leader, rest)),
        ["member", name, rest @ ..] => Ok((Subject::Named(name.to_string()), rest)),
        _ => Err(
            "a goal starts with `every member`, `any member`, `member NAME`, `the leader`, `event`, `file` or `key`"
                .into(),
        ),
    }
}

fn parse_check(words: &[&str]) -> Result<MemberCheck, String> {
    match words {
        ["has", "alarm", name] => Ok(MemberCheck::HasAlarm(name.to_string())),
        ["has", "no", "alarm"] => Ok(MemberCheck::HasNoAlarm),
        ["is", "up"] => Ok(MemberCheck::IsUp),
        ["is", "down"] => Ok(MemberCheck::IsDown),
        [field, op, value] => {
            let field = parse_field(field)?;
            let op = OPS
                .iter()
                .find(|(s, _)| s == op)
                .map(|(_, op)| *op)
                .ok_or_else(|| format!("unknown comparison {op:?} (use = != < <= > >=)"))?;
            Ok(MemberCheck::Compare { field, op, value: parse_value(value)? })
        }
        _ => Err("expected `FIELD OP VALUE`, `has alarm NAME`, `has no alarm`, `is up` or `is down`".into()),
    }
}

pub fn parse_field(word: &str) -> Result<Field, String> {
    FIELDS.iter().find(|(name, _)| *name == word).map(|(_, f)| *f).ok_or_else(|| {
        let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
        format!("unknown field {word:?} (known: {})", names.join(", "))
    })
}

pub fn parse_remember(text: &str) -> Result<Remember, String> {
    match text.split_whitespace().collect::<Vec<_>>().as_slice() {
        [name, "=", agg @ ("max" | "min"), field] if is_name(name) => {
            Ok(Remember { name: name.to_string(), max: *agg == "max", field: parse_field(field)? })
        }
        _ => Err("expected `NAME = max FIELD` or `NAME = min FIELD` (NAME: letters, digits and -)".into()),
    }
}

fn is_name(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn parse_value(word: &str) -> Result<Value, String> {
    if let Some(rest) = word.strip_prefix('@') {
        let (name, offset) = match rest.find(['+', '-']) {
            Some(at) if at > 0 && rest[..at].bytes().all(|b| b.is_ascii_alphanumeric()) => {
                let sign = if rest.as_bytes()[at] == b'-' { -1 } else { 1 };
                (&rest[..at], sign * parse_number(&rest[at + 1..])?)
            }
            _ => (rest, 0),
        };
        if !is_name(name) {
            return Err(format!("bad name in {word:?}"));
        }
        return Ok(Value::Remembered { name: name.to_string(), offset });
    }
    parse_number(word).map(|n| Value::Number(n, word.to_string()))
}

/// Units as etcd prints sizes (kB, MB, GB: powers of 1000) and as flags take them (KiB, MiB,
/// GiB: powers of 1024).
const UNITS: [(&str, i128); 7] = [
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("kB", 1_000),
    ("KB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
];

fn parse_number(word: &str) -> Result<i128, String> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &word[digits.len()..];
    let scale =
        match unit {
            "" => 1,
            _ => UNITS.iter().find(|(u, _)| *u == unit).map(|(_, s)| *s).ok_or_else(|| {
                format!("unknown unit {unit:?} in {word:?} (use kB MB GB KiB MiB GiB or none)")
            })?,
        };
    // At most 18 digits: every figure a member has fits, and no product overflows.
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("bad number {word:?}"));
    }
    Ok(digits.parse::<i128>().map_err(|_| format!("bad number {word:?}"))? * scale)
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Every => f.write_str("every member"),
            Subject::Any => f.write_str("any member"),
            Subject::Named(name) => write!(f, "member {name}"),
            Subject::Leader => f.write_str("the leader"),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(_, text) => f.write_str(text),
            Value::Remembered { name, offset: 0 } => write!(f, "@{name}"),
            Value::Remembered { name, offset } if *offset > 0 => write!(f, "@{name}+{offset}"),
            Value::Remembered { name, offset } => write!(f, "@{name}{offset}"),
        }
    }
}

/// The goal in the lesson files' own words (what the page shows beside its ✓).
impl fmt::Display for Goal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Goal::Members { subject, check } => {
                write!(f, "{subject} ")?;
                match check {
                    MemberCheck::Compare { field, op, value } => {
                        write!(f, "{} {} {value}", field.name(), op.symbol())
                    }
                    MemberCheck::HasAlarm(name) => write!(f, "has alarm {name}"),
                    MemberCheck::HasNoAlarm => f.write_str("has no alarm"),
                    MemberCheck::IsUp => f.write_str("is up"),
                    MemberCheck::IsDown => f.write_str("is down"),
                }
            }
            Goal::Event { kind, on: None } => write!(f, "event {kind}"),
            Goal::Event { kind, on: Some(subject) } => write!(f, "event {kind} on {subject}"),
            Goal::FileExists(path) => write!(f, "file {path} exists"),
            Goal::Key { key, value, on } => write!(f, "key {key} = {value} on {on}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_parse_and_print_back() {
        for text in [
            "every member db-size < 2000000",
            "any member has alarm NOSPACE",
            "every member has no alarm",
            "member infra2 is down",
            "the leader raft-term >= 3",
            "every member compact-revision >= @fill",
            "every member revision = @start+1",
            "member infra1 revision > @start-2",
            "event defragFinished on every member",
            "event snapshotSaved",
            "file backup.db exists",
            "key foo = bar on member infra1",
        ] {
            assert_eq!(parse_goal(text).unwrap().to_string(), text);
        }
        assert_eq!(
            parse_goal("every member db-size <= 16MiB").unwrap(),
            Goal::Members {
                subject: Subject::Every,
                check: MemberCheck::Compare {
                    field: Field::DbSize,
                    op: Op::Le,
                    value: Value::Number(16 << 20, "16MiB".into())
                }
            }
        );
        assert_eq!(parse_goal("key k = v").unwrap().to_string(), "key k = v on every member");
    }

    #[test]
    fn a_bad_goal_says_what_is_wrong() {
        for (text, says) in [
            ("", "a goal starts with"),
            ("all members have no alarm", "a goal starts with"),
            ("every member db-sise < 2MB", "unknown field \"db-sise\""),
            ("every member db-size << 2MB", "unknown comparison"),
            ("every member db-size < 2XB", "unknown unit \"XB\""),
            ("every member db-size < 99999999999999999999", "bad number"),
            ("every member db-size < @", "bad name"),
            ("event defrag", "unknown event type \"defrag\""),
            ("event defragFinished at infra1", "expected `event TYPE`"),
            ("key k = v on member", "a goal starts with"),
            ("every member is sideways", "expected `FIELD OP VALUE`"),
        ] {
            let error = parse_goal(text).unwrap_err();
            assert!(error.contains(says), "{text:?}: {error}");
        }
        assert!(parse_remember("fill = max revision").is_ok());
        assert!(parse_remember("fill = avg revision").is_err());
        assert!(parse_remember("f ill = max revision").is_err());
    }
}

//! Goals evaluated against what the engine holds: the members' typed views
//! (`Cluster::member_states`), the event stream, a member's keyspace and the shell's files.

use std::collections::BTreeMap;

use playground_ctl::PlaygroundWorld;
use playground_server::{Cluster, MemberState};
use playground_shell::{resolve, Shell};

use crate::goal::{Field, Goal, MemberCheck, Remember, Subject, Value};

/// The state a goal is read from, taken once per check.
pub struct Observed<'a> {
    shell: &'a Shell<PlaygroundWorld>,
    members: Vec<MemberState>,
    leader: Option<String>,
}

impl<'a> Observed<'a> {
    pub fn new(shell: &'a Shell<PlaygroundWorld>) -> Observed<'a> {
        let cluster = shell.world().cluster_ref();
        let leader = cluster
            .leader()
            .and_then(|id| cluster.members().iter().find(|m| m.id == id).map(|m| m.name.clone()));
        Observed { shell, members: cluster.member_states(), leader }
    }

    fn cluster(&self) -> &Cluster {
        self.shell.world().cluster_ref()
    }

    /// The newest event's seq: a step's `event` goals count only what comes after it.
    pub fn newest_event(&self) -> u64 {
        self.cluster().history().events().back().map_or(0, |e| e.seq)
    }

    /// The members a subject covers; `None` when it names a member that is not up (or there is
    /// no leader), which fails the goal.
    fn covered(&self, subject: &Subject) -> Option<Vec<&MemberState>> {
        let up = self.members.iter().filter(|m| m.up);
        match subject {
            Subject::Every | Subject::Any => Some(up.collect()),
            Subject::Named(name) => self.members.iter().find(|m| &m.name == name && m.up).map(|m| vec![m]),
            Subject::Leader => {
                let leader = self.leader.as_deref()?;
                self.members.iter().find(|m| m.name == leader && m.up).map(|m| vec![m])
            }
        }
    }

    fn holds_for(&self, subject: &Subject, mut test: impl FnMut(&MemberState) -> bool) -> bool {
        let Some(members) = self.covered(subject) else { return false };
        match subject {
            Subject::Any => members.into_iter().any(test),
            // `every member` of a cluster with none up holds for nobody.
            _ => !members.is_empty() && members.into_iter().all(&mut test),
        }
    }

    pub fn figure(&self, remember: &Remember) -> Option<i128> {
        let figures = self.members.iter().filter(|m| m.up).map(|m| field(m, remember.field));
        if remember.max {
            figures.max()
        } else {
            figures.min()
        }
    }

    /// Whether `goal` holds now; `since` is the newest event seq when its step began.
    pub fn met(&self, goal: &Goal, remembered: &BTreeMap<String, i128>, since: u64) -> bool {
        match goal {
            Goal::Members { subject, check } => match check {
                MemberCheck::Compare { field: f, op, value } => {
                    let Some(right) = (match value {
                        Value::Number(n, _) => Some(*n),
                        Value::Remembered { name, offset } => remembered.get(name).map(|v| v + offset),
                    }) else {
                        return false;
                    };
                    self.holds_for(subject, |m| op.holds(field(m, *f), right))
                }
                MemberCheck::HasAlarm(name) => self.holds_for(subject, |m| {
                    m.alarms.iter().any(|a| a.split(':').next() == Some(name.as_str()))
                }),
                MemberCheck::HasNoAlarm => self.holds_for(subject, |m| m.alarms.is_empty()),
                MemberCheck::IsUp => match subject {
                    Subject::Every => self.members.iter().all(|m| m.up),
                    _ => self.holds_for(subject, |_| true),
                },
                MemberCheck::IsDown => match subject {
                    Subject::Named(name) => self.members.iter().any(|m| &m.name == name && !m.up),
                    Subject::Every => self.members.iter().all(|m| !m.up),
                    Subject::Any => self.members.iter().any(|m| !m.up),
                    Subject::Leader => self.leader.is_none(),
                },
            },
            Goal::Event { kind, on } => {
                let events = self.cluster().history().events_since(since);
                let of_kind = |member: Option<&str>| {
                    events.iter().any(|e| {
                        event_type(&e.kind) == *kind
                            && member.is_none_or(|name| e.member.as_deref() == Some(name))
                    })
                };
                match on {
                    None => of_kind(None),
                    Some(subject) => self.holds_for(subject, |m| of_kind(Some(&m.name))),
                }
            }
            Goal::FileExists(path) => {
                let path = resolve(self.shell.cwd(), path);
                self.shell.fs().metadata(&path).is_ok_and(|meta| !meta.is_dir)
            }
            Goal::Key { key, value, on } => self.holds_for(on, |m| {
                self.cluster().value_at(m.id, key.as_bytes(), m.revision).as_deref() == Some(value.as_bytes())
            }),
        }
    }
}

fn field(member: &MemberState, field: Field) -> i128 {
    match field {
        Field::DbSize => member.db_size.into(),
        Field::DbSizeInUse => member.db_size_in_use.into(),
        Field::Revision => member.revision.into(),
        Field::CompactRevision => member.compact_revision.into(),
        Field::RaftIndex => member.raft_index.into(),
        Field::AppliedIndex => member.applied_index.into(),
        Field::SnapshotIndex => member.snapshot_index.into(),
        Field::RaftTerm => member.term.into(),
        Field::RaftLogEntries => member.log_entries.into(),
        Field::Quota => member.quota.into(),
    }
}

/// The event's `type` as the JS API writes it.
fn event_type(kind: &playground_server::EventKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_default()
}

//! The keyspace of one member: keys with create and mod revision, version and lease, and each
//! key's revisions as the index holds them. Revisions the panel saw before and the member no
//! longer holds are shown as gone (compacted): the guide's `somekey` at 2, 3, 4 keeps 3 and 4
//! after `compact 3`. A click on a key shows the value at each revision still held.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use playground_server::{KeyRow, Keyspace};

use crate::context::PlaygroundContext;
use crate::panels::{MemberSelect, PanelState};

/// Keys listed, and revisions shown per key (the newest).
const MAX_KEYS: usize = 200;
const REVISIONS_PER_KEY: usize = 16;
/// Characters of a value shown.
const VALUE_PREVIEW: usize = 48;

/// One chip of a key's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionChip {
    pub revision: i64,
    pub tombstone: bool,
    /// Held no more: compacted away.
    pub gone: bool,
}

/// The chips of one key: what the index holds, after what it held when last seen and holds
/// no more (gone), in revision order. `seen` learns what is held now.
pub fn chips(row: &KeyRow, seen: &mut BTreeSet<i64>) -> Vec<RevisionChip> {
    let held: BTreeSet<i64> = row.revisions.iter().map(|r| r.revision).collect();
    // With older revisions held beyond those listed, nothing below the list is known gone.
    let oldest_held =
        if row.more_revisions > 0 { i64::MIN } else { held.first().copied().unwrap_or(i64::MAX) };
    let mut chips: Vec<RevisionChip> = seen
        .iter()
        .filter(|r| !held.contains(r) && **r < oldest_held)
        .map(|&revision| RevisionChip { revision, tombstone: false, gone: true })
        .collect();
    chips.extend(row.revisions.iter().map(|r| RevisionChip {
        revision: r.revision,
        tombstone: r.tombstone,
        gone: false,
    }));
    // Only the newest gone revisions are kept in mind: a key put a million times stays small.
    seen.extend(held);
    while seen.len() > 2 * REVISIONS_PER_KEY {
        seen.pop_first();
    }
    chips
}

fn preview(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    let mut shown: String = text.chars().take(VALUE_PREVIEW).collect();
    if text.chars().count() > VALUE_PREVIEW {
        shown.push('…');
    }
    format!("{shown:?} ({} B)", value.len())
}

#[component]
pub fn KeyspacePanel() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let panel = expect_context::<PanelState>();
    let keyspace: Memo<Option<Keyspace>> =
        Memo::new(move |_| context.read(|p| p.keyspace(&panel.member.get(), MAX_KEYS, REVISIONS_PER_KEY)));
    // Per member and key: revisions seen earlier, so compacted ones can be shown as gone.
    let seen = StoredValue::new(BTreeMap::<(String, String), BTreeSet<i64>>::new());
    let open_key = RwSignal::new(None::<String>);
    let rows = move || {
        let Some(keyspace) = keyspace.get() else {
            let name = panel.member.get_untracked();
            return view! { <p class="muted">{format!("{name:.40} is down or no member: no keyspace to read.")}</p> }
                .into_any();
        };
        let member = keyspace.member.clone();
        // Keys no longer listed are forgotten: the memory stays the size of the listing.
        seen.update_value(|seen| {
            seen.retain(|(m, k), _| *m != member || keyspace.keys.iter().any(|row| row.key == *k))
        });
        let rows = keyspace
            .keys
            .iter()
            .map(|row| {
                let chips = seen.try_update_value(|seen| {
                    chips(row, seen.entry((member.clone(), row.key.clone())).or_default())
                })
                .unwrap_or_default();
                let key = row.key.clone();
                let toggle = key.clone();
                let chips = chips
                    .into_iter()
                    .map(|chip| {
                        let (testid, class, title) = if chip.gone {
                            ("key-revision-gone", "rev gone", format!("revision {}: compacted", chip.revision))
                        } else if chip.tombstone {
                            ("key-revision", "rev tombstone", format!("revision {}: deleted", chip.revision))
                        } else {
                            ("key-revision", "rev", format!("revision {}", chip.revision))
                        };
                        view! { <span class=class data-testid=testid data-revision=chip.revision title=title>{chip.revision}</span> }
                    })
                    .collect_view();
                let more = (row.more_revisions > 0).then(|| format!("+{} older", row.more_revisions));
                let values = {
                    let key = key.clone();
                    let member = member.clone();
                    let revisions: Vec<i64> =
                        row.revisions.iter().filter(|r| !r.tombstone).map(|r| r.revision).collect();
                    move || {
                        (open_key.get().as_deref() == Some(key.as_str())).then(|| {
                            let shown = context.read(|p| {
                                revisions
                                    .iter()
                                    .rev()
                                    .map(|&rev| (rev, p.value_at(&member, &key, rev)))
                                    .collect::<Vec<_>>()
                            });
                            view! {
                                <tr class="values">
                                    <td colspan="6">
                                        <ul>
                                            {shown
                                                .into_iter()
                                                .map(|(rev, value)| {
                                                    let text = value.as_deref().map_or_else(|| "(not readable)".to_string(), preview);
                                                    view! { <li><span class="rev">{rev}</span>" "{text}</li> }
                                                })
                                                .collect_view()}
                                        </ul>
                                    </td>
                                </tr>
                            }
                        })
                    }
                };
                view! {
                    <tr class="key-row" class:deleted=row.deleted data-testid="key-row" data-key=key.clone()
                        on:click=move |_| open_key.update(|k| *k = if k.as_deref() == Some(toggle.as_str()) { None } else { Some(toggle.clone()) })>
                        <td class="key">{key.clone()}</td>
                        <td>{row.create_revision}</td>
                        <td>{row.mod_revision}</td>
                        <td>{row.version}</td>
                        <td>{if row.lease == 0 { String::new() } else { format!("{:x}", row.lease) }}</td>
                        <td class="chips">{chips}{more.map(|m| view! { <span class="muted">" "{m}</span> })}</td>
                    </tr>
                    {values}
                }
            })
            .collect_view();
        let shown = keyspace.keys.len();
        view! {
            <p class="muted summary">
                "revision " <b data-testid="keyspace-revision">{keyspace.revision}</b>
                ", compacted at " <b data-testid="keyspace-compact-revision">{keyspace.compact_revision}</b>
                ", " {keyspace.total_keys} " keys in the index"
                {(keyspace.total_keys > shown).then(|| format!(" (first {shown} shown)"))}
            </p>
            <div class="table-scroll">
                <table class="keyspace-table">
                    <thead><tr><th>"key"</th><th>"create"</th><th>"mod"</th><th>"ver"</th><th>"lease"</th><th>"revisions held"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="keyspace" data-testid="keyspace">
            <MemberSelect />
            {rows}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use playground_server::KeyRevision;

    fn row(revisions: &[i64]) -> KeyRow {
        KeyRow {
            key: "somekey".into(),
            create_revision: 2,
            mod_revision: 4,
            version: 3,
            lease: 0,
            deleted: false,
            revisions: revisions
                .iter()
                .map(|&r| KeyRevision { revision: r, sub: 0, tombstone: false })
                .collect(),
            more_revisions: 0,
        }
    }

    #[test]
    fn revisions_seen_and_no_longer_held_show_as_gone() {
        let mut seen = BTreeSet::new();
        let before = chips(&row(&[2, 3, 4]), &mut seen);
        assert!(before.iter().all(|c| !c.gone));
        let after = chips(&row(&[3, 4]), &mut seen);
        let shown: Vec<(i64, bool)> = after.iter().map(|c| (c.revision, c.gone)).collect();
        assert_eq!(shown, [(2, true), (3, false), (4, false)]);
        // Revisions held but not listed are not gone.
        let listed_only = KeyRow { more_revisions: 2, ..row(&[4]) };
        assert!(chips(&listed_only, &mut seen).iter().all(|c| !c.gone));
    }

    #[test]
    fn the_memory_of_gone_revisions_is_bounded() {
        let mut seen = BTreeSet::new();
        for rev in 2..1000 {
            chips(&row(&[rev]), &mut seen);
        }
        assert!(seen.len() <= 2 * REVISIONS_PER_KEY);
    }
}

//! The members' server log, newest first, with runs of the same line collapsed (`alarm raised
//! ×9`: every member logs an applied alarm, and a fill loop logs it once per refused put).

use leptos::prelude::*;
use playground_server::LogLine;

use crate::context::PlaygroundContext;
use crate::members::clock;

/// Groups the page keeps in view, and the lines read to make them.
const SHOWN: usize = 14;
const READ: usize = 400;

/// A run of consecutive lines with the same level and message: the first, how many, and the
/// members that logged them, in the order they first did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collapsed {
    pub first: LogLine,
    pub last_at_micros: u64,
    pub count: usize,
    pub members: Vec<u64>,
}

/// `lines` (oldest first) as runs of equal lines, oldest first.
pub fn collapse(lines: &[LogLine]) -> Vec<Collapsed> {
    let mut runs: Vec<Collapsed> = Vec::new();
    for line in lines {
        match runs.last_mut() {
            Some(run) if run.first.msg == line.msg && run.first.level == line.level => {
                run.count += 1;
                run.last_at_micros = line.at_micros;
                if !run.members.contains(&line.member) {
                    run.members.push(line.member);
                }
            }
            _ => runs.push(Collapsed {
                first: line.clone(),
                last_at_micros: line.at_micros,
                count: 1,
                members: vec![line.member],
            }),
        }
    }
    runs
}

fn short_id(member: u64) -> String {
    let hex = format!("{member:x}");
    hex.get(..6).unwrap_or(&hex).to_string()
}

#[component]
pub fn ServerLog() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let runs = Memo::new(move |_| {
        let lines = context.read(|p| p.log_tail(READ));
        let runs = collapse(&lines);
        runs[runs.len().saturating_sub(SHOWN)..].to_vec()
    });
    view! {
        <ol class="server-log" data-testid="server-log">
            {move || {
                runs.get()
                    .into_iter()
                    .rev()
                    .map(|run| {
                        let who = run.members.iter().map(|m| short_id(*m)).collect::<Vec<_>>().join(",");
                        let times = (run.count > 1).then(|| format!("×{}", run.count));
                        let title = if run.count > 1 {
                            format!("{} (×{}, last at {})", run.first.json(), run.count, clock(run.last_at_micros))
                        } else {
                            run.first.json()
                        };
                        view! {
                            <li class=run.first.level title=title data-count=run.count>
                                <span class="at">{clock(run.first.at_micros)}</span>
                                <span class="who">{who}</span>
                                <span class="msg">{run.first.msg.clone()}</span>
                                {times.map(|t| view! { <span class="times" data-testid="log-repeat">{t}</span> })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(at: u64, member: u64, msg: &str) -> LogLine {
        LogLine { at_micros: at, member, level: "warn", msg: msg.into(), fields: Vec::new() }
    }

    #[test]
    fn runs_of_one_line_collapse_with_their_members() {
        let lines = [
            line(1, 0xa, "elected leader"),
            line(2, 0xa, "alarm raised"),
            line(2, 0xb, "alarm raised"),
            line(3, 0xa, "alarm raised"),
            line(4, 0xc, "finished defragment"),
        ];
        let runs = collapse(&lines);
        assert_eq!(runs.len(), 3);
        assert_eq!((runs[1].count, runs[1].members.clone(), runs[1].last_at_micros), (3, vec![0xa, 0xb], 3));
        assert_eq!(runs[2].count, 1);
        assert!(collapse(&[]).is_empty());
    }
}

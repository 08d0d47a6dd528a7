//! A linearizability checker for client histories of a key-value store: Wing & Gong's search
//! with Lowe's memoization, the algorithm Porcupine implements, written here for the fault
//! schedules of `linearizable.rs` (a test-only module: nothing outside the server's tests
//! records histories, so it needs no crate of its own).
//!
//! The model is a register per key (put, get, delete). Keys are independent, so a history is
//! linearizable iff each key's sub-history is (P-compositionality) and each key is searched
//! alone. An operation whose outcome the client never learned (a timeout, Unavailable after
//! the proposal may have been committed) has no return (`ret = None`): it may take effect at
//! any point after its call, or never (placed after everything else, where no one observes it).

use std::collections::{BTreeMap, HashSet};

/// What a client asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Put(String),
    Get,
    Delete,
}

/// What it was told: a get's value, a delete's count of deleted keys; `Unknown` for an
/// operation without a return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Put,
    Get(Option<String>),
    Delete(u64),
    Unknown,
}

/// One client operation: invoked at `call`, answered at `ret` (virtual microseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub key: String,
    pub input: Input,
    pub output: Output,
    pub call: u64,
    pub ret: Option<u64>,
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ret = self.ret.map_or("open".to_string(), |ret| ret.to_string());
        write!(f, "[{}, {ret}] {} {:?} -> {:?}", self.call, self.key, self.input, self.output)
    }
}

/// The first key whose history no sequential order explains, or `Ok` with the operations checked.
pub fn check(history: &[Operation]) -> Result<usize, String> {
    let mut per_key: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in history {
        // A read without an answer told no one anything.
        if op.input == Input::Get && op.ret.is_none() {
            continue;
        }
        per_key.entry(&op.key).or_default().push(op);
    }
    let mut checked = 0;
    for (key, ops) in per_key {
        if !check_key(&ops) {
            let lines: Vec<String> = ops.iter().map(|op| format!("  {op}")).collect();
            return Err(format!("key {key:?} is not linearizable:\n{}", lines.join("\n")));
        }
        checked += ops.len();
    }
    Ok(checked)
}

/// The register's step: `Some(next state)` if `op` may give its output in `state`.
fn step(state: &Option<String>, op: &Operation) -> Option<Option<String>> {
    match (&op.input, &op.output) {
        (Input::Put(value), Output::Put | Output::Unknown) => Some(Some(value.clone())),
        (Input::Get, Output::Get(value)) => (value == state).then(|| state.clone()),
        (Input::Delete, Output::Unknown) => Some(None),
        (Input::Delete, Output::Delete(count)) => (*count == u64::from(state.is_some())).then_some(None),
        _ => None,
    }
}

/// Wing & Gong over one key: entries (calls and returns in time order) form a linked list;
/// a call is tried against the model and lifted out with its return if the (linearized set,
/// state) pair is new; reaching a return whose call was not lifted backtracks.
fn check_key(ops: &[&Operation]) -> bool {
    let n = ops.len();
    // Entries 1..=2n: 2i+1 is op i's call, 2i+2 its return; 0 is the list's head.
    let time = |e: usize| {
        let op = ops[(e - 1) / 2];
        // At one instant calls come before returns: ops that touch in time count as concurrent.
        if e % 2 == 1 {
            (op.call, 0)
        } else {
            (op.ret.unwrap_or(u64::MAX), 1)
        }
    };
    let mut order: Vec<usize> = (1..=2 * n).collect();
    order.sort_by_key(|&e| time(e));
    let (mut next, mut prev) = (vec![0usize; 2 * n + 2], vec![0usize; 2 * n + 2]);
    const END: usize = usize::MAX;
    let mut last = 0;
    for &e in &order {
        next[last] = e;
        prev[e] = last;
        last = e;
    }
    next[last] = END;
    let words = n.div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut seen: HashSet<(Vec<u64>, Option<String>)> = HashSet::new();
    let mut state: Option<String> = None;
    let mut stack: Vec<(usize, Option<String>)> = Vec::new();
    let mut entry = next[0];
    let unlink = |next: &mut Vec<usize>, prev: &mut Vec<usize>, e: usize| {
        let (p, q) = (prev[e], next[e]);
        next[p] = q;
        if q != END {
            prev[q] = p;
        }
    };
    let relink = |next: &mut Vec<usize>, prev: &mut Vec<usize>, e: usize| {
        let (p, q) = (prev[e], next[e]);
        next[p] = e;
        if q != END {
            prev[q] = e;
        }
    };
    while next[0] != END {
        if entry == END {
            return false;
        }
        if entry % 2 == 1 {
            let i = (entry - 1) / 2;
            if let Some(after) = step(&state, ops[i]) {
                linearized[i / 64] |= 1 << (i % 64);
                if seen.insert((linearized.clone(), after.clone())) {
                    stack.push((entry, std::mem::replace(&mut state, after)));
                    unlink(&mut next, &mut prev, entry);
                    unlink(&mut next, &mut prev, entry + 1);
                    entry = next[0];
                    continue;
                }
                linearized[i / 64] &= !(1 << (i % 64));
            }
            entry = next[entry];
        } else {
            // A return reached before its call was linearized: undo the last choice.
            let Some((call, before)) = stack.pop() else { return false };
            let i = (call - 1) / 2;
            state = before;
            linearized[i / 64] &= !(1 << (i % 64));
            relink(&mut next, &mut prev, call + 1);
            relink(&mut next, &mut prev, call);
            entry = next[call];
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(input: Input, output: Output, call: u64, ret: Option<u64>) -> Operation {
        Operation { key: "k".into(), input, output, call, ret }
    }
    fn put(v: &str, call: u64, ret: u64) -> Operation {
        op(Input::Put(v.into()), Output::Put, call, Some(ret))
    }
    fn get(v: Option<&str>, call: u64, ret: u64) -> Operation {
        op(Input::Get, Output::Get(v.map(String::from)), call, Some(ret))
    }

    #[test]
    fn sequential_and_overlapping_histories_are_linearizable() {
        assert_eq!(check(&[put("1", 0, 10), get(Some("1"), 20, 30)]), Ok(2));
        // A get overlapping a put may see either value.
        assert!(check(&[put("1", 0, 10), put("2", 20, 40), get(Some("1"), 25, 30)]).is_ok());
        assert!(check(&[put("1", 0, 10), put("2", 20, 40), get(Some("2"), 25, 30)]).is_ok());
        // Reads that order two concurrent puts 2-then-1.
        assert!(check(&[put("1", 0, 50), put("2", 0, 50), get(Some("2"), 10, 20), get(Some("1"), 30, 40)])
            .is_ok());
        let delete = op(Input::Delete, Output::Delete(1), 20, Some(30));
        assert!(check(&[put("1", 0, 10), delete, get(None, 40, 50)]).is_ok());
    }

    #[test]
    fn a_stale_read_is_not() {
        assert!(check(&[put("1", 0, 10), put("2", 20, 30), get(Some("1"), 40, 50)]).is_err());
        // Two reads that see the puts in opposite orders.
        let history = [
            put("1", 0, 100),
            put("2", 0, 100),
            get(Some("1"), 10, 20),
            get(Some("2"), 30, 40),
            get(Some("1"), 50, 60),
        ];
        assert!(check(&history).is_err());
    }

    #[test]
    fn a_lost_write_is_not() {
        assert!(check(&[put("1", 0, 10), get(None, 20, 30)]).is_err());
        let delete = op(Input::Delete, Output::Delete(0), 20, Some(30));
        assert!(check(&[put("1", 0, 10), delete]).is_err());
    }

    #[test]
    fn a_value_never_written_is_not() {
        assert!(check(&[put("1", 0, 10), get(Some("7"), 20, 30)]).is_err());
    }

    #[test]
    fn an_unanswered_write_may_or_may_not_take_effect() {
        let unknown = op(Input::Put("2".into()), Output::Unknown, 5, None);
        assert!(check(&[put("1", 0, 10), unknown.clone(), get(Some("1"), 20, 30)]).is_ok());
        assert!(check(&[put("1", 0, 10), unknown.clone(), get(Some("2"), 20, 30)]).is_ok());
        // But not before it was sent, and not un-done once seen.
        assert!(check(&[get(Some("2"), 0, 4), unknown.clone()]).is_err());
        assert!(check(&[put("1", 0, 10), unknown, get(Some("2"), 20, 30), get(Some("1"), 40, 50)]).is_err());
    }

    #[test]
    fn keys_are_checked_apart() {
        let mut other = put("9", 0, 10);
        other.key = "other".into();
        assert!(check(&[put("1", 0, 10), other, get(Some("1"), 20, 30)]).is_ok());
    }
}

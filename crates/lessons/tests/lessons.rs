//! Every lesson the page offers, checked natively and, through wasm-bindgen-test, in Node: it
//! parses, and its reference solution reaches each step's goals, none of which held before
//! its step.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The lessons of `static/lessons/index.txt`, in its order (a test below keeps the two equal).
const LESSONS: [(&str, &str); 7] = [
    ("the-playground.lesson", include_str!("../../../static/lessons/the-playground.lesson")),
    ("raft-log-retention.lesson", include_str!("../../../static/lessons/raft-log-retention.lesson")),
    ("history-compaction.lesson", include_str!("../../../static/lessons/history-compaction.lesson")),
    ("auto-compaction.lesson", include_str!("../../../static/lessons/auto-compaction.lesson")),
    ("defragmentation.lesson", include_str!("../../../static/lessons/defragmentation.lesson")),
    ("space-quota.lesson", include_str!("../../../static/lessons/space-quota.lesson")),
    ("snapshot-backup.lesson", include_str!("../../../static/lessons/snapshot-backup.lesson")),
];

const INDEX: &str = include_str!("../../../static/lessons/index.txt");
const README: &str = include_str!("../../../static/lessons/README.md");

#[test]
fn every_lesson_reaches_its_goals_with_its_reference_solution() {
    for (name, text) in LESSONS {
        let lesson = playground_lessons::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(format!("{}.lesson", lesson.id), name, "a lesson's file is named after its id");
        let verified = playground_lessons::verify(&lesson).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(verified.steps.len(), lesson.steps.len());
    }
}

#[test]
fn the_index_lists_these_lessons_in_order() {
    let listed: Vec<&str> = playground_lessons::index::names(INDEX).collect();
    let names: Vec<&str> = LESSONS.iter().map(|(name, _)| *name).collect();
    assert_eq!(listed, names);
}

#[test]
fn the_format_pages_example_is_a_lesson_that_verifies() {
    let example = README.split("```text\n").nth(1).and_then(|s| s.split("```").next()).unwrap();
    let lesson = playground_lessons::parse(example).unwrap();
    playground_lessons::verify(&lesson).unwrap();
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_lesson_file_in_the_directory_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/lessons");
    let listed: Vec<&str> = playground_lessons::index::names(INDEX).collect();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".lesson") {
            assert!(listed.contains(&name.as_str()), "{name} is not in index.txt");
        }
    }
}

#[test]
fn a_lessons_etcd_line_picks_the_release_its_cluster_runs() {
    for (etcd, printed) in [("3.5", "etcd Version: 3.5.1\n"), ("3.6", "etcd Version: 3.6.14\n")] {
        let text = format!("lesson: v\ntitle: V\netcd: {etcd}\nstep: S\ngoal: every member revision > 1\n");
        let lesson = playground_lessons::parse(&text).unwrap();
        let mut shell = playground_lessons::start(&lesson).unwrap();
        let mut out = playground_shell::Transcript::new();
        shell.exec_interactive("etcd --version | head -1", &mut out);
        assert_eq!(format!("{}\n", out.stdout().lines().next().unwrap()), printed);
    }
}

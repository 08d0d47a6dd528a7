//! Recording the history (samples, events, alerts) is passive: golden scripts print the same
//! with it on and off (the golden tests themselves run with it on).

use playground_shell::golden::Script;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/snapshot-3.5.db");

fn run(text: &str, recording: bool) -> (String, usize) {
    let mut shell = playground_ctl::shell(1);
    shell.fs_mut().write("/home/etcd/backup.db", FIXTURE, false).unwrap();
    shell.world_mut().cluster().unwrap().set_history_enabled(recording);
    let printed = Script::parse(text).unwrap().run(&mut shell).render();
    let events = shell.world_mut().cluster().unwrap().history().events().len();
    (printed, events)
}

#[test]
fn golden_scripts_print_the_same_with_the_history_on_or_off() {
    for text in [
        include_str!("scripts/maintenance_guide.txt"),
        include_str!("scripts/raft_snapshot.txt"),
        include_str!("scripts/quorum_loss.txt"),
        include_str!("scripts/etcdutl.txt"),
    ] {
        let ((on, recorded), (off, _)) = (run(text, true), run(text, false));
        assert_eq!(on, off);
        assert!(recorded > 0, "the history recorded events");
    }
}

#[test]
fn events_carry_the_command_line_that_caused_them() {
    let mut shell = playground_ctl::shell(1);
    let text = "$ etcdctl put somekey a\n[stdout]\nOK\n[stderr]\n[exit 0]\n\n$ etcdctl compact 2\n[stdout]\ncompacted revision 2\n[stderr]\n[exit 0]\n";
    let printed = Script::parse(text).unwrap().run(&mut shell).render();
    assert_eq!(printed, text);
    let cluster = shell.world_mut().cluster().unwrap();
    let scheduled = cluster
        .history()
        .events()
        .iter()
        .find(|e| e.kind.category() == "compaction")
        .cloned()
        .expect("compaction on the timeline");
    assert_eq!(scheduled.command.as_deref(), Some("etcdctl compact 2"));
}

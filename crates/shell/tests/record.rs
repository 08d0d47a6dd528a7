//! The record a host keeps of what ran at the prompt replays to the same shell.

use playground_shell::{Executed, Session, Shell, Transcript};

fn session(seed: u64) -> Session {
    let mut shell = Shell::new(seed);
    shell.set_recording(true);
    Session::new(shell)
}

#[test]
fn typed_lines_multi_line_commands_and_pastes_are_recorded_as_they_ran() {
    let mut s = session(7);
    s.submit("x=$RANDOM");
    s.submit("echo \"two");
    s.submit("lines\" > f");
    s.submit("   ");
    s.submit_paste(&["echo a >> f", "echo $x >> f"]);
    let executed = s.shell_mut().take_executed();
    assert_eq!(
        executed,
        [
            Executed::Source("x=$RANDOM\n".into()),
            Executed::Source("echo \"two\nlines\" > f\n".into()),
            Executed::OneBudget(vec!["echo a >> f\n".into(), "echo $x >> f\n".into()]),
        ]
    );
    assert!(s.shell_mut().take_executed().is_empty(), "taken once");

    let mut again = Shell::new(7);
    for input in &executed {
        again.replay(input, &mut Transcript::new());
    }
    assert_eq!(again.var("x"), s.shell().var("x"));
    assert_eq!(again.fs().read("/home/etcd/f").unwrap(), s.shell().fs().read("/home/etcd/f").unwrap());
}

#[test]
fn a_shell_not_recording_keeps_nothing() {
    let mut shell = Shell::new(1);
    shell.exec_interactive("echo hi", &mut Transcript::new());
    assert!(shell.take_executed().is_empty());
    shell.set_recording(true);
    shell.with_one_budget(|_| {});
    assert!(shell.take_executed().is_empty(), "an empty paste is no input");
}

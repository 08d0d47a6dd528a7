//! The native binary as a user runs it: scripts from stdin and files, exit statuses, the REPL.

use std::io::Write;
use std::process::{Command, Stdio};

fn playground(args: &[&str], stdin: &str) -> (String, String, i32) {
    let dir = std::env::temp_dir().join(format!("etcd-playground-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_etcd-playground"))
        .args(args)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn run_stdin_prints_arithmetic_and_grep_results() {
    // The acceptance line, byte for byte what `printf` would feed it.
    let script = "x=$((16*1024*1024)); echo $x\necho \"\\\"revision\\\":42,\" | egrep -o \"[0-9]+\"\n";
    let (stdout, stderr, status) = playground(&["run", "-"], script);
    assert_eq!((stdout.as_str(), stderr.as_str(), status), ("16777216\n42\n", "", 0));
}

#[test]
fn run_exits_with_the_last_status() {
    let (_, stderr, status) = playground(&["run", "-"], "echo ok\nnosuchcommand\n");
    assert_eq!(stderr, "bash: nosuchcommand: command not found\n");
    assert_eq!(status, 127);
    let (_, _, status) = playground(&["run", "-"], "exit 3\necho not reached\n");
    assert_eq!(status, 3);
}

#[test]
fn run_file_and_missing_file() {
    let dir = std::env::temp_dir().join(format!("etcd-playground-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("script.sh");
    std::fs::write(&script, "for i in $(seq 1 3); do echo line $i; done | wc -l\n").unwrap();
    let (stdout, _, status) = playground(&["run", script.to_str().unwrap()], "");
    assert_eq!((stdout.as_str(), status), ("3\n", 0));
    let (_, stderr, status) = playground(&["run", "/nonexistent/script"], "");
    assert!(stderr.starts_with("etcd-playground: /nonexistent/script:"), "{stderr}");
    assert_eq!(status, 127);
}

#[test]
fn a_syntax_error_stops_the_script_after_the_lines_before_it() {
    let (stdout, stderr, status) = playground(&["run", "-"], "echo before\necho a; fi\necho after\n");
    assert_eq!(stdout, "before\n");
    assert_eq!(stderr, "bash: syntax error near unexpected token `fi'\n");
    assert_eq!(status, 2);
}

#[test]
fn the_repl_reads_lines_and_continues_open_commands() {
    let (stdout, _, status) = playground(&[], "echo \"a\nb\"\nfor i in 1 2\ndo echo $i\ndone\nexit 4\n");
    assert_eq!(stdout, "a\nb\n1\n2\n");
    assert_eq!(status, 4);
}

#[test]
fn files_land_in_the_real_working_directory() {
    let (stdout, _, status) = playground(&["run", "-"], "echo saved > cli-test.txt; cat cli-test.txt; rm cli-test.txt; ls cli-test.txt 2>/dev/null || echo removed\n");
    assert_eq!((stdout.as_str(), status), ("saved\nremoved\n", 0));
}

#[test]
fn bad_arguments_get_usage() {
    let (_, stderr, status) = playground(&["frobnicate"], "");
    assert!(stderr.contains("Usage: etcd-playground"), "{stderr}");
    assert_eq!(status, 2);
}

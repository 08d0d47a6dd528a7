//! Issue 15's crash, memory and hang inputs through the native binary: each ends with a status
//! below 128 (no abort, no signal) and bounded work. No wall time is asserted: the budgets
//! (steps, bytes, variables, virtual time) bound what each input may do.

use std::process::{Command, Stdio};

fn run(dir: &std::path::Path, script: &str) -> (String, String, i32) {
    let path = dir.join("input.sh");
    std::fs::write(&path, script).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_etcd-playground"))
        .args(["run", path.to_str().unwrap()])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let status = output.status.code().unwrap_or(-1);
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        status,
    )
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("etcd-playground-budgets-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn crash_memory_and_hang_inputs_end_with_a_status_below_128() {
    let dir = scratch("inputs");
    let nested_braces = format!("echo {}x{}\n", "${x:-".repeat(2700), "}".repeat(2700));
    let nested_quotes = format!("echo {}x{}\n", "\"$(echo ".repeat(2700), ")\"".repeat(2700));
    let long_operand = format!("seq 1.{}1 2 | wc -c\n", "0".repeat(69_999));
    let cases: Vec<(&str, String, &str)> = vec![
        ("%.65536f", "printf '%.65536f' 1 | wc -c\n".into(), "65538\n"),
        ("%.70000e", "printf '%.70000e' 1 | wc -c\n".into(), "70006\n"),
        ("%.70000g", "printf '%.70000g' 1 | wc -c\n".into(), "1\n"),
        ("seq 70,000 fractional digits", long_operand, "140006\n"),
        ("nested ${x:-...}", nested_braces, ""),
        ("nested \"$(...)\"", nested_quotes, ""),
        ("x=$x$x", "x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done\n".into(), ""),
        ("%3000000000s", "printf '%3000000000s' x | wc -c\n".into(), "0\n"),
        ("%300000000s", "printf '%300000000s' x | wc -c\n".into(), ""),
        // Past the input's 7 days of virtual time: refused before the cluster advances at all.
        ("sleep 8d loop", "for i in 1 2 3; do sleep 8d; done\n".into(), ""),
        ("seq 1e300 1e300", "seq 1e300 1e300 | wc -l\n".into(), "1\n"),
        ("head -c 10 /dev/zero", "head -c 10 /dev/zero | wc -c\n".into(), "10\n"),
        ("cat /dev/zero", "cat /dev/zero | wc -c\n".into(), "0\n"),
    ];
    for (name, script, stdout) in cases {
        let (out, err, status) = run(&dir, &script);
        assert!((0..128).contains(&status), "{name}: status {status}\n{err}");
        assert_eq!(out, stdout, "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

#[test]
fn errors_are_clear() {
    let dir = scratch("errors");
    let (_, err, status) = run(&dir, "for i in 1 2 3; do sleep 8d; done\n");
    assert_eq!(
        (err.as_str(), status),
        ("bash: stopped: more than 168 hours of virtual time in one input\n", 1)
    );
    let (_, err, status) = run(&dir, "x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done\n");
    assert_eq!((err.as_str(), status), ("bash: stopped: variables would hold more than 67108864 bytes\n", 1));
    let (_, err, _) = run(&dir, "cat /dev/zero > /dev/null\n");
    assert_eq!(err, "cat: /dev/zero: File too large\n");
    let (out, err, status) = run(&dir, "echo x > /dev/full; echo $?\n");
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("1\n", "bash: echo: write error: No space left on device\n", 0)
    );
}

#[cfg(unix)]
#[test]
fn find_does_not_follow_a_directory_link() {
    let dir = scratch("find");
    std::fs::create_dir_all(dir.join("tree/sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("tree/sub/up")).unwrap();
    let (out, _, status) = run(&dir, "find tree\n");
    assert_eq!((out.as_str(), status), ("tree\ntree/sub\ntree/sub/up\n", 0));
}

#[test]
fn bytes_that_are_not_utf8_survive_a_substitution() {
    let dir = scratch("bytes");
    std::fs::write(dir.join("raw"), b"a\xffb\xe9\n").unwrap();
    let (_, err, status) = run(&dir, "x=$(cat raw); printf '%s\\n' \"$x\" > copy\n");
    assert_eq!((err.as_str(), status), ("", 0));
    assert_eq!(std::fs::read(dir.join("copy")).unwrap(), b"a\xffb\xe9\n");
}

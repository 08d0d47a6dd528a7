//! Malformed and hostile input: a clear error, no panic, no hang, and the shell still usable.
//! Runs natively and in Node; the proptest part natively (proptest does not build for wasm).

use playground_shell::{parse, Limits, Options, Shell, Transcript};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn run(shell: &mut Shell, input: &str) -> (i32, Transcript) {
    let mut transcript = Transcript::new();
    let outcome = shell.run(input, &mut transcript);
    (outcome.status, transcript)
}

fn assert_usable(shell: &mut Shell) {
    let (status, out) = run(shell, "echo usable");
    assert_eq!((status, out.stdout().as_str()), (0, "usable\n"));
}

#[test]
fn a_100_mb_line_is_refused_cleanly() {
    let mut shell = Shell::new(1);
    let line = format!("echo {}", "x".repeat(100 << 20));
    let (status, out) = run(&mut shell, &line);
    assert_eq!(status, 2);
    assert_eq!(out.stderr(), "bash: input of 104857605 bytes is longer than the 4194304 bytes accepted\n");
    assert_usable(&mut shell);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut shell = Shell::new(1);
    for input in [
        format!("{}echo{}", "$(".repeat(10_000), ")".repeat(10_000)),
        format!("{}true{}", "( ".repeat(10_000), " )".repeat(10_000)),
        format!("{}1{}", "$((".repeat(5_000), "))".repeat(5_000)),
        "{ ".repeat(10_000),
        "if true; then ".repeat(10_000),
    ] {
        let (status, out) = run(&mut shell, &input);
        assert_eq!(status, 2, "{}", &input[..20]);
        assert!(
            out.stderr().contains("nested too deeply") || out.stderr().contains("end of file"),
            "{}",
            out.stderr()
        );
    }
    assert_usable(&mut shell);
}

#[test]
fn arithmetic_recursion_is_bounded() {
    let mut shell = Shell::new(1);
    let (status, out) = run(&mut shell, "a=b; b=a; echo $((a + 1))");
    assert_eq!(status, 1);
    assert!(out.stderr().contains("recursion"), "{}", out.stderr());
    let deep = format!("echo $(( {}1{} ))", "(".repeat(100_000), ")".repeat(100_000));
    let (status, _) = run(&mut shell, &deep);
    assert_ne!(status, 0);
    assert_usable(&mut shell);
}

#[test]
fn runaway_output_is_stopped() {
    let limits = Limits { max_written_bytes: 1 << 20, max_buffer_bytes: 1 << 20, ..Limits::default() };
    let mut shell = Shell::with_options(Options { limits, ..Options::default() });
    for input in [
        "seq 1 100000000 > /dev/null",
        "seq 1 100000000 | wc -l",
        "dd if=/dev/zero bs=1024 count=100000000 of=/dev/null",
        "x=$(seq 1 100000000)",
        "while true; do echo yes; done > out.txt",
    ] {
        let (status, out) = run(&mut shell, input);
        assert_eq!(status, 1, "{input}");
        assert!(out.stderr().contains("stopped"), "{input}: {}", out.stderr());
    }
    assert_usable(&mut shell);
}

/// Random shell-ish text: the parser and the interpreter must answer every one of them.
fn random_inputs(seed: u64, count: usize) -> Vec<String> {
    const PIECES: &[&str] = &[
        "echo", "x", "$", "(", ")", "((", "))", "{", "}", "'", "\"", "\\", "`", "|", "||", "&", "&&", ";",
        ";;", "<", ">", ">>", "2>&1", "<<<", "<<", "\n", " ", "if", "then", "fi", "while", "do", "done",
        "for", "in", "$((1/0))", "${", ":-", "#", "~", "[", "]", "!", "=", "1", "seq", "grep", "-o", "dd",
        "bs=", "count=", "break", "continue", "exit", "é", "\u{0}", "*", "$?", "printf", "%", "%s", "test",
        "-eq",
    ];
    let mut state = seed;
    let mut next = move || {
        // xorshift64*: enough to spread pieces; the test needs no statistical quality.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    (0..count)
        .map(|_| {
            let len = (next() % 24) as usize;
            (0..len).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect::<Vec<_>>().join("")
        })
        .collect()
}

#[test]
fn random_input_never_panics() {
    let limits = Limits { max_steps: 2_000, max_written_bytes: 1 << 16, ..Limits::default() };
    let mut shell = Shell::with_options(Options { limits, ..Options::default() });
    for input in random_inputs(0x5eed, 3_000) {
        let _ = parse::parse(&input);
        let _ = Shell::is_incomplete(&input);
        let _ = shell.complete(&input);
        run(&mut shell, &input);
    }
    assert_usable(&mut shell);
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn parser_never_panics(input in "\\PC{0,64}") {
            let _ = parse::parse(&input);
            let _ = Shell::is_incomplete(&input);
        }

        #[test]
        fn shell_answers_any_input(input in "[ -~\n]{0,48}") {
            let limits = Limits { max_steps: 500, max_written_bytes: 1 << 14, ..Limits::default() };
            let mut shell = Shell::with_options(Options { limits, ..Options::default() });
            run(&mut shell, &input);
            let (status, out) = run(&mut shell, "echo usable");
            prop_assert_eq!(status, 0);
            prop_assert_eq!(out.stdout(), "usable\n");
        }
    }
}

/// A paste is one submission: its lines share one budget, however they are split.
#[test]
fn a_paste_shares_one_budget() {
    let limits = Limits { max_steps: 100, ..Limits::default() };
    let session = |lines: &[&str], paste: bool| {
        let mut session =
            playground_shell::Session::new(Shell::with_options(Options { limits, ..Options::default() }));
        if paste {
            session.submit_paste(lines);
        } else {
            lines.iter().for_each(|line| session.submit(line));
        }
        session.submit("echo usable");
        session.text()
    };
    let lines = [
        "for i in $(seq 30); do :; done; echo one",
        "for i in $(seq 30); do :; done; echo two",
        "echo three",
    ];
    let printed = |text: &str, word: &str| text.lines().any(|line| line == word);
    let typed = session(&lines, false);
    assert!(["one", "two", "three"].iter().all(|w| printed(&typed, w)), "{typed}");
    let pasted = session(&lines, true);
    assert!(printed(&pasted, "one") && !printed(&pasted, "two"), "{pasted}");
    assert!(pasted.contains("bash: stopped after 100 commands in one input"), "{pasted}");
    assert!(pasted.contains("bash: 1 more pasted line not run\n"), "{pasted}");
    assert!(pasted.ends_with("$ echo usable\nusable\n"), "{pasted}");
}

/// Virtual time is budgeted per input like steps and bytes: a loop of long sleeps ends.
#[test]
fn virtual_time_is_budgeted_per_input() {
    let mut shell = Shell::new(1);
    let (status, out) = run(&mut shell, "while true; do sleep 1d; done");
    assert_eq!(status, 1);
    assert_eq!(out.stderr(), "bash: stopped: more than 168 hours of virtual time in one input\n");
    assert_eq!(run(&mut shell, "echo $SECONDS").1.stdout(), format!("{}\n", 7 * 86400));
    assert_usable(&mut shell);
}

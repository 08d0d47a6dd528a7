//! Any bytes as terminal input: parsing, completion and running must answer without a panic or
//! a hang. Run with `cargo fuzz run shell_input` (nightly) from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playground_shell::{parse, Limits, Options, Shell, Transcript};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let _ = parse::parse(input);
    let _ = Shell::is_incomplete(input);
    let limits = Limits {
        max_steps: 10_000,
        max_written_bytes: 1 << 20,
        max_buffer_bytes: 1 << 20,
        ..Limits::default()
    };
    let mut shell = Shell::with_options(Options { limits, ..Options::default() });
    let _ = shell.complete(input);
    shell.run(input, &mut Transcript::new());
});

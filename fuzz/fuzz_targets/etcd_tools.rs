//! Any bytes as terminal input to the playground the page starts (three members, the etcd
//! tools registered): etcdctl, etcdutl, etcd, bbolt, curl and the playground verbs must answer
//! with output or an error, never a panic or a hang, within the budgets. `cargo fuzz run
//! etcd_tools` (nightly).
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use playground_ctl::PlaygroundWorld;
use playground_shell::{Limits, Options, Transcript};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    // Smaller budgets than the page's keep an execution short; what they cut is the same code.
    let limits = Limits {
        max_steps: 2_000,
        max_written_bytes: 1 << 20,
        max_buffer_bytes: 1 << 20,
        max_virtual_time: Duration::from_secs(120),
        ..Limits::default()
    };
    let mut shell =
        playground_ctl::with_options(Options { limits, ..Options::new(PlaygroundWorld::playground(1)) });
    let _ = shell.complete(input);
    shell.run(input, &mut Transcript::new());
});

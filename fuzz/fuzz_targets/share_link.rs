//! Any text as a share link's URL fragment: decoding must answer without a panic, under its
//! limits, and what it accepts must encode back to a link that reads the same (or one too long). Run with
//! `cargo fuzz run share_link` (nightly) from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playground_web::share_link::{decode, encode, ShareError};

fuzz_target!(|data: &[u8]| {
    let Ok(fragment) = std::str::from_utf8(data) else { return };
    if let Ok(shared) = decode(fragment) {
        match encode(&shared, "") {
            Ok(again) => assert_eq!(decode(&again).as_ref(), Ok(&shared)),
            // An input deflated worse than level 9 does may still not fit once made again.
            Err(ShareError::TooLong(_)) => {}
            Err(error) => panic!("a link read does not encode again: {error}"),
        }
    }
});

//! Test-only helpers shared by the server's integration tests.

// Each test binary uses only some of the helpers.
#[allow(dead_code)]
pub mod linearizability;
pub mod rng;

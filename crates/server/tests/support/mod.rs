//! Test-only helpers shared by the server's integration tests.

pub mod linearizability;

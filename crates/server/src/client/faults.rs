//! The world operations the playground's verbs, the page's fault buttons and tests use: named
//! members go down and up, links are cut and healed, disks slow down, time passes.

use std::fmt;

use playground_raft::NodeId;

use crate::cluster::Cluster;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultError {
    /// No member has that name, id (hex) or client endpoint.
    NoMember(String),
    /// `restart` of a member that runs.
    AlreadyRunning(String),
    /// A disk slow-down outside `1..=MAX_SLOW_DISK_FACTOR`.
    FactorOutOfRange(String),
}

/// The largest disk slow-down: a 2 s fsync becomes about 33 minutes, and every latency stays far
/// from overflowing the virtual clock.
pub const MAX_SLOW_DISK_FACTOR: u64 = 1_000_000;

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultError::NoMember(name) => write!(f, "no member {name:?}"),
            FaultError::AlreadyRunning(name) => write!(f, "{name} is already running"),
            FaultError::FactorOutOfRange(factor) => {
                write!(f, "slow-disk factor {factor} out of range (1 to {MAX_SLOW_DISK_FACTOR})")
            }
        }
    }
}

/// A handle on the world around one cluster.
pub struct Faults<'c> {
    cluster: &'c mut Cluster,
}

impl<'c> Faults<'c> {
    pub fn new(cluster: &'c mut Cluster) -> Self {
        Faults { cluster }
    }

    /// The member a name (`infra1`), an id in hex or a client endpoint refers to.
    pub fn member(&self, which: &str) -> Result<NodeId, FaultError> {
        self.cluster
            .members()
            .iter()
            .find(|m| m.name == which || format!("{:x}", m.id) == which)
            .map(|m| m.id)
            .or_else(|| self.cluster.member_for_endpoint(which))
            .ok_or_else(|| FaultError::NoMember(which.to_string()))
    }

    /// The member's host goes down; writes it had not synced are lost.
    pub fn kill(&mut self, which: &str) -> Result<(), FaultError> {
        let id = self.member(which)?;
        self.cluster.kill(id);
        Ok(())
    }

    /// The member starts again from its data directory.
    pub fn restart(&mut self, which: &str) -> Result<(), FaultError> {
        let id = self.member(which)?;
        if self.cluster.restart(id) {
            Ok(())
        } else {
            Err(FaultError::AlreadyRunning(which.to_string()))
        }
    }

    /// Cuts the link between two members, both ways.
    pub fn partition(&mut self, a: &str, b: &str) -> Result<(), FaultError> {
        let a = self.member(a)?;
        let b = self.member(b)?;
        self.cluster.partition(a, b);
        Ok(())
    }

    /// Cuts a member off from every other.
    pub fn isolate(&mut self, which: &str) -> Result<(), FaultError> {
        let id = self.member(which)?;
        self.cluster.isolate(id);
        Ok(())
    }

    /// Restores every link.
    pub fn heal(&mut self) {
        self.cluster.heal();
    }

    /// Multiplies the member's disk latencies by `factor` (at least 1: normal).
    pub fn slow_disk(&mut self, which: &str, factor: u64) -> Result<(), FaultError> {
        let id = self.member(which)?;
        if !(1..=MAX_SLOW_DISK_FACTOR).contains(&factor) {
            return Err(FaultError::FactorOutOfRange(factor.to_string()));
        }
        self.cluster.slow_disk(id, factor);
        Ok(())
    }

    /// Lets `micros` of virtual time pass, running whatever falls due.
    pub fn advance(&mut self, micros: u64) {
        self.cluster.advance(micros);
    }
}

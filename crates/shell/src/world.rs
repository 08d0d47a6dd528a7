//! The shell's view of the virtual world: time, which `sleep` and `dd` let pass, and the etcd
//! cluster `etcdctl` talks to. [`IdleWorld`] has a clock alone; a [`Cluster`] is the playground.

use std::time::Duration;

use playground_server::Cluster;

pub trait World {
    /// Lets `duration` of virtual time pass, running whatever falls due meanwhile.
    fn advance(&mut self, duration: Duration);
    /// Virtual time since the world began.
    fn now(&self) -> Duration;
    /// The etcd cluster in this world, if there is one.
    fn cluster(&mut self) -> Option<&mut Cluster> {
        None
    }
}

/// The most virtual time one command lets pass on a cluster (`sleep`, `playground advance`):
/// simulating a day of heartbeats takes about a second, so longer waits would hang the page.
pub const MAX_ADVANCE: Duration = Duration::from_secs(7 * 24 * 3600);

impl World for Cluster {
    fn advance(&mut self, duration: Duration) {
        let micros = duration.min(MAX_ADVANCE).as_micros();
        Cluster::advance(self, u64::try_from(micros).unwrap_or(u64::MAX));
    }

    fn now(&self) -> Duration {
        Duration::from_micros(self.now_micros())
    }

    fn cluster(&mut self) -> Option<&mut Cluster> {
        Some(self)
    }
}

/// A world with nothing in it but a clock.
#[derive(Debug, Default, Clone)]
pub struct IdleWorld {
    now: Duration,
}

impl World for IdleWorld {
    fn advance(&mut self, duration: Duration) {
        self.now = self.now.saturating_add(duration);
    }

    fn now(&self) -> Duration {
        self.now
    }
}

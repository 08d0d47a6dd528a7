//! The shell's view of the virtual world: time, which `sleep` and `dd` let pass. The layer above
//! (the etcd tools) implements [`World`] for its own world and makes the shell generic over it,
//! so its commands reach that world's type directly; [`IdleWorld`] has a clock alone.

use std::time::Duration;

pub trait World: 'static {
    /// Lets `duration` of virtual time pass, running whatever falls due meanwhile.
    fn advance(&mut self, duration: Duration);
    /// Virtual time since the world began.
    fn now(&self) -> Duration;
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

//! The shell's view of the virtual world: only time, which `sleep` and `dd` let pass. The
//! simulator implements this trait once it exists; until then [`IdleWorld`] counts time alone.

use std::time::Duration;

pub trait World {
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

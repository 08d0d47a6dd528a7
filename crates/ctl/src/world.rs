//! The playground's world as the shell sees it: the virtual etcd cluster, whose clock `sleep`
//! and `dd` advance. The shell is generic over it, so the etcd tools reach the cluster without
//! a downcast.

use std::time::Duration;

use playground_server::{Cluster, EtcdVersion};
use playground_shell::World;

/// The most virtual time one command lets pass on a cluster (`sleep`, `playground advance`):
/// simulating a day of heartbeats takes about a second, so longer waits would hang the page.
pub const MAX_ADVANCE: Duration = Duration::from_secs(7 * 24 * 3600);

/// What `playground undo` and `playground reset` ask of the host: it replays the playground
/// from its seed, so the shell cannot do it itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostRequest {
    /// Replay everything but the last command.
    Undo,
    /// A fresh cluster of the same seed and flags.
    Reset,
}

pub struct PlaygroundWorld {
    cluster: Cluster,
    /// Whether the host replays (the page does); if not, `playground undo` says so.
    replays: bool,
    request: Option<HostRequest>,
    /// Files `playground download` offered to whoever hosts the shell (the page hands them to
    /// the browser), as absolute paths, oldest first.
    downloads: Vec<String>,
    /// The seed a fresh cluster (`playground version`) starts from.
    seed: u64,
}

impl PlaygroundWorld {
    pub fn new(cluster: Cluster) -> Self {
        PlaygroundWorld { cluster, replays: false, request: None, downloads: Vec::new(), seed: 1 }
    }

    pub fn offer_download(&mut self, path: String) {
        self.downloads.push(path);
    }

    /// Said by a host that answers [`HostRequest`]s.
    pub fn set_replays(&mut self, replays: bool) {
        self.replays = replays;
    }

    /// Asks the host; false if this host cannot replay.
    pub fn request(&mut self, request: HostRequest) -> bool {
        if self.replays {
            self.request = Some(request);
        }
        self.replays
    }

    /// The request made since the last call, if any.
    pub fn take_request(&mut self) -> Option<HostRequest> {
        self.request.take()
    }

    /// The files offered since the last call.
    pub fn take_downloads(&mut self) -> Vec<String> {
        std::mem::take(&mut self.downloads)
    }

    /// The default playground: three members from one seed.
    pub fn playground(seed: u64) -> Self {
        PlaygroundWorld::playground_of(seed, EtcdVersion::default())
    }

    /// The default playground of an etcd release.
    pub fn playground_of(seed: u64, version: EtcdVersion) -> Self {
        PlaygroundWorld { seed, ..PlaygroundWorld::new(Cluster::playground_of(seed, version)) }
    }

    pub fn cluster(&mut self) -> Option<&mut Cluster> {
        Some(&mut self.cluster)
    }

    pub fn cluster_ref(&self) -> &Cluster {
        &self.cluster
    }

    /// The etcd release this playground plays, which the tools print as theirs too.
    pub fn version(&self) -> EtcdVersion {
        self.cluster.version()
    }

    /// A fresh default playground of `version` (`playground version 3.5`), from the same seed.
    pub fn start_version(&mut self, version: EtcdVersion) {
        self.cluster = Cluster::playground_of(self.seed, version);
    }
}

impl World for PlaygroundWorld {
    fn advance(&mut self, duration: Duration) {
        let micros = duration.min(MAX_ADVANCE).as_micros();
        self.cluster.advance(u64::try_from(micros).unwrap_or(u64::MAX));
    }

    fn now(&self) -> Duration {
        Duration::from_micros(self.cluster.now_micros())
    }
}

//! The world: virtual time, the one event queue, the network, and the hosts with their disks.

use std::collections::BTreeMap;
use std::rc::Rc;

use playground_bolt::{Chunk, Disk, DiskCosts, SharedDisk, Volume};
use playground_raft::NodeId;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use crate::host::{Host, Packet};
use crate::network::Network;

enum Event<H: Host> {
    Timer(NodeId, H::Timer),
    /// Boxed: messages are large, and the queue moves events around. The time is when the
    /// message left its host (after the sync it waited for).
    Deliver(Box<H::Message>, u64),
    /// A host's disk finished the write and sync it was given under this token.
    Synced(NodeId, u64),
    /// An alarm the world's driver set.
    Alarm(u64),
}

/// When an event runs among those due at the same time: hosts' events first, then the
/// driver's alarms, each in the order they were set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Event,
    Alarm,
}

/// Events by (due time, class, order of scheduling).
struct Queue<H: Host> {
    seq: u64,
    events: BTreeMap<(u64, Class, u64), Event<H>>,
}

impl<H: Host> Queue<H> {
    fn schedule(&mut self, at: u64, event: Event<H>) {
        self.schedule_as(at, Class::Event, event);
    }

    fn schedule_as(&mut self, at: u64, class: Class, event: Event<H>) {
        self.seq += 1;
        self.events.insert((at, class, self.seq), event);
    }
}

/// A host's disk as a device: how fast it is, and until when it is busy with what it was given.
#[derive(Debug, Clone, Copy)]
struct Device {
    costs: DiskCosts,
    busy_until: u64,
}

struct Slot<H> {
    host: H,
    /// False from a crash until a restart succeeds.
    up: bool,
    device: Device,
    /// Where the host's files live: their operations are counted, and a crash can be armed at one.
    volume: Rc<Volume>,
}

/// What a host sees of the world while it handles an event: the time, its timers, the
/// network, its disk device, the seeded RNG and the trace.
pub struct Context<'a, H: Host> {
    id: NodeId,
    now: u64,
    queue: &'a mut Queue<H>,
    rng: &'a mut ChaCha8Rng,
    network: &'a mut Network<H::Message>,
    trace: &'a mut u64,
    device: &'a mut Device,
    volume: &'a Rc<Volume>,
}

impl<H: Host> Context<'_, H> {
    /// The host this context belongs to.
    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn now_micros(&self) -> u64 {
        self.now
    }

    /// The next number from the world's seeded RNG.
    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// `timer` fires on this host `after` microseconds from now (dropped if it is down then).
    pub fn set_timer(&mut self, after: u64, timer: H::Timer) {
        self.queue.schedule(self.now + after, Event::Timer(self.id, timer));
    }

    /// Sends `message`, leaving the host `after` microseconds from now (what it waits for on
    /// the disk); the network adds latency and jitter, drops it on a cut link or by the loss
    /// rate, and holds it on a held link. False if it was dropped as it left.
    pub fn send(&mut self, message: H::Message, after: u64) -> bool {
        // A host whose disk failed is dying: nothing it does from then on leaves it.
        if self.volume.failed() {
            return false;
        }
        let lost = self.network.is_cut(message.from(), message.to())
            || (self.network.loss_percent > 0 && self.rng.next_u64() % 100 < self.network.loss_percent);
        if lost {
            return false;
        }
        let jitter = self.rng.next_u64() % (self.network.jitter_micros + 1);
        let departs = self.now + after;
        let at = departs + self.network.latency_micros + jitter;
        self.queue.schedule(at, Event::Deliver(Box::new(message), departs));
        true
    }

    /// A new, empty file on this host's disk.
    pub fn new_file(&self) -> SharedDisk {
        SharedDisk::on(self.volume)
    }

    /// When the disk finishes what it was given (now or earlier: idle).
    pub fn disk_busy_until(&self) -> u64 {
        self.device.busy_until
    }

    /// Writes `chunks` at `offset` of `file` and syncs it, on this host's disk after what it is
    /// already doing: the data is durable (and [`Host::synced`] called with `token`) when the
    /// write and the fsync complete; a crash before then loses it. Returns that time.
    pub fn write_and_sync(
        &mut self,
        file: &mut SharedDisk,
        offset: u64,
        chunks: &[Chunk<'_>],
        token: u64,
    ) -> u64 {
        let costs = self.device.costs;
        let before = {
            let mut disk = file.0.borrow_mut();
            disk.costs = costs;
            disk.stats().busy_micros
        };
        let _ = file.write_chunks(offset, chunks);
        let cost = file.0.borrow().stats().busy_micros - before + costs.sync_micros;
        self.device.busy_until = self.device.busy_until.max(self.now) + cost;
        self.queue.schedule(self.device.busy_until, Event::Synced(self.id, token));
        self.device.busy_until
    }

    /// Mixes `values` into the world's trace.
    pub fn note(&mut self, values: &[u64]) {
        note(self.trace, values);
    }
}

fn note(trace: &mut u64, values: &[u64]) {
    for &value in values {
        *trace = (*trace ^ value).wrapping_mul(0x0000_0100_0000_01B3);
    }
}

pub struct World<H: Host> {
    now: u64,
    queue: Queue<H>,
    rng: ChaCha8Rng,
    pub network: Network<H::Message>,
    slots: BTreeMap<NodeId, Slot<H>>,
    /// A running digest of everything that happened: equal seeds, equal digests.
    trace: u64,
    /// The alarm the last step rang, until the driver takes it.
    rung: Option<u64>,
    /// Some volume has a failure armed. Only an armed volume fails, so until then a step has
    /// no disk to look at (it ran on every event: a walk over every host each time).
    armed: bool,
}

impl<H: Host> World<H> {
    /// An empty world at time 0 whose randomness all comes from `seed`.
    pub fn new(seed: u64) -> World<H> {
        World {
            now: 0,
            queue: Queue { seq: 0, events: BTreeMap::new() },
            rng: ChaCha8Rng::seed_from_u64(seed),
            network: Network::default(),
            slots: BTreeMap::new(),
            trace: 0xcbf2_9ce4_8422_2325,
            rung: None,
            armed: false,
        }
    }

    /// A new host, up, with an idle disk; `start` builds its process. False if the id is taken.
    pub fn add_host(&mut self, id: NodeId, start: impl FnOnce(&mut Context<'_, H>) -> H) -> bool {
        if self.slots.contains_key(&id) {
            return false;
        }
        let mut device = Device { costs: DiskCosts::default(), busy_until: self.now };
        let volume = Volume::new();
        let mut cx = Context {
            id,
            now: self.now,
            queue: &mut self.queue,
            rng: &mut self.rng,
            network: &mut self.network,
            trace: &mut self.trace,
            device: &mut device,
            volume: &volume,
        };
        let host = start(&mut cx);
        self.slots.insert(id, Slot { host, up: true, device, volume });
        true
    }

    /// Runs `f` on a host (up or down) with its context: what a client or an operator does to
    /// it from outside. None if there is no such host. A host whose disk failed meanwhile is
    /// crashed when `f` returns.
    pub fn with_host<R>(
        &mut self,
        id: NodeId,
        f: impl FnOnce(&mut H, &mut Context<'_, H>) -> R,
    ) -> Option<R> {
        let result = self.run_host(id, f);
        self.crash_failed();
        result
    }

    fn run_host<R>(&mut self, id: NodeId, f: impl FnOnce(&mut H, &mut Context<'_, H>) -> R) -> Option<R> {
        let slot = self.slots.get_mut(&id)?;
        let mut cx = Context {
            id,
            now: self.now,
            queue: &mut self.queue,
            rng: &mut self.rng,
            network: &mut self.network,
            trace: &mut self.trace,
            device: &mut slot.device,
            volume: &slot.volume,
        };
        Some(f(&mut slot.host, &mut cx))
    }

    /// Hands an event to a host that is up.
    fn dispatch(&mut self, id: NodeId, f: impl FnOnce(&mut H, &mut Context<'_, H>)) {
        if self.is_up(id) {
            self.with_host(id, f);
        }
    }

    pub fn host(&self, id: NodeId) -> Option<&H> {
        self.slots.get(&id).map(|slot| &slot.host)
    }

    pub fn host_mut(&mut self, id: NodeId) -> Option<&mut H> {
        self.slots.get_mut(&id).map(|slot| &mut slot.host)
    }

    /// Every host, in id order.
    pub fn hosts(&self) -> impl Iterator<Item = (NodeId, &H)> {
        self.slots.iter().map(|(&id, slot)| (id, &slot.host))
    }

    pub fn ids(&self) -> Vec<NodeId> {
        self.slots.keys().copied().collect()
    }

    pub fn is_up(&self, id: NodeId) -> bool {
        self.slots.get(&id).is_some_and(|slot| slot.up)
    }

    pub fn now_micros(&self) -> u64 {
        self.now
    }

    pub fn trace(&self) -> u64 {
        self.trace
    }

    fn note(&mut self, values: &[u64]) {
        note(&mut self.trace, values);
    }

    /// Runs the next event; false if there is none.
    pub fn step(&mut self) -> bool {
        // A disk failed outside a host's event (a client's or a timer's write): it goes
        // down before anything else happens.
        self.crash_failed();
        let Some(((at, _, _), event)) = self.queue.events.pop_first() else { return false };
        self.now = at;
        match event {
            Event::Timer(id, timer) => self.dispatch(id, |host, cx| host.timer(cx, timer)),
            Event::Synced(id, token) => self.dispatch(id, |host, cx| host.synced(cx, token)),
            Event::Alarm(token) => self.rung = Some(token),
            Event::Deliver(m, _) => {
                if let Some(held) = self.network.held_mut(m.from(), m.to()) {
                    held.push(*m);
                    return true;
                }
                let to = m.to();
                if !self.is_up(to) {
                    return true;
                }
                let [a, b] = m.trace_words();
                self.note(&[at, m.from(), to, a, b]);
                self.dispatch(to, |host, cx| host.receive(cx, *m));
            }
        }
        true
    }

    /// Lets `micros` of virtual time pass, running what falls due.
    pub fn advance(&mut self, micros: u64) {
        let until = self.now + micros;
        while self.queue.events.first_key_value().is_some_and(|((at, _, _), _)| *at <= until) {
            self.step();
        }
        self.now = until;
    }

    /// Advances until `done` holds (checked after each event) or `max_micros` pass.
    pub fn run_until(&mut self, max_micros: u64, mut done: impl FnMut(&World<H>) -> bool) -> bool {
        let until = self.now + max_micros;
        while !done(self) {
            match self.queue.events.first_key_value() {
                Some(((at, _, _), _)) if *at <= until => {
                    self.step();
                }
                _ => return false,
            }
        }
        true
    }

    /// When the next event is due, if any.
    pub fn next_event_at(&self) -> Option<u64> {
        self.queue.events.first_key_value().map(|((at, _, _), _)| *at)
    }

    /// The world's driver (what runs the hosts from outside) is woken at `at` (now, if that
    /// has passed), after the hosts' events due then: [`World::step`] runs the alarm and
    /// [`World::take_alarm`] hands its token over. A driver that sets alarms steps the world
    /// itself.
    pub fn set_alarm(&mut self, at: u64, token: u64) {
        self.queue.schedule_as(at.max(self.now), Class::Alarm, Event::Alarm(token));
    }

    /// The alarm the last step rang, if it rang one.
    pub fn take_alarm(&mut self) -> Option<u64> {
        self.rung.take()
    }

    // ---- faults ------------------------------------------------------------------------

    /// The host goes down: what had not yet left it never will, its disk is idle, and its
    /// process drops everything but what its files synced.
    pub fn crash(&mut self, id: NodeId) {
        self.crash_leaving(id, self.now + 1);
    }

    /// Crashes a host; of what it sent, what leaves it from `leaves` on is dropped.
    fn crash_leaving(&mut self, id: NodeId, leaves: u64) {
        let now = self.now;
        self.queue.events.retain(
            |_, event| !matches!(event, Event::Deliver(m, departs) if m.from() == id && *departs >= leaves),
        );
        if let Some(slot) = self.slots.get_mut(&id) {
            slot.up = false;
            slot.device.busy_until = now;
            slot.host.crash();
            self.note(&[now, id, 2]);
        }
    }

    /// The host comes back and its process restarts from its files; false if it was up or
    /// cannot start.
    pub fn restart(&mut self, id: NodeId) -> bool {
        if self.slots.get(&id).is_none_or(|slot| slot.up) {
            return false;
        }
        if self.run_host(id, |host, cx| host.restart(cx)) != Some(true) {
            // What it wrote on the way is cut back to what was synced.
            self.crash_failed();
            return false;
        }
        if let Some(slot) = self.slots.get_mut(&id) {
            slot.up = true;
        }
        self.note(&[self.now, id, 3]);
        // Its disk failed while it started: down again.
        self.crash_failed();
        self.is_up(id)
    }

    /// Operations on a host's files so far (WAL, snapshot files, db, temporary files): every
    /// write, shrinking truncate and fsync.
    pub fn disk_ops(&self, id: NodeId) -> u64 {
        self.slots.get(&id).map_or(0, |slot| slot.volume.ops())
    }

    /// Arms a crash of the host at its disk's `k`-th operation from now (k ≥ 1): a write
    /// there is lost, an fsync there does not complete, nothing written after becomes
    /// durable, nothing the host sends from then on leaves it, and it is crashed as soon as
    /// what it is doing returns.
    pub fn crash_at_disk_op(&mut self, id: NodeId, k: u64) {
        if let Some(slot) = self.slots.get(&id) {
            slot.volume.fail_at(slot.volume.ops() + k.max(1));
            self.armed = true;
        }
    }

    /// As [`World::crash_at_disk_op`], and if operation `k` is a write it is torn: its first
    /// half is kept if it continues what its file had synced.
    pub fn tear_at_disk_op(&mut self, id: NodeId, k: u64) {
        if let Some(slot) = self.slots.get(&id) {
            slot.volume.tear_at(slot.volume.ops() + k.max(1));
            self.armed = true;
        }
    }

    /// Crashes every host whose disk failed (it is down, its files cut back to what was
    /// synced before the failing operation), and disarms its disk.
    fn crash_failed(&mut self) {
        if !self.armed {
            return;
        }
        let failed: Vec<NodeId> =
            self.slots.iter().filter(|(_, slot)| slot.volume.failed()).map(|(&id, _)| id).collect();
        for id in failed {
            if self.is_up(id) {
                // What waits to leave now may wait for the fsync that failed: it never leaves.
                self.crash_leaving(id, self.now);
            } else if let Some(slot) = self.slots.get_mut(&id) {
                // It failed while starting: its files are cut back all the same.
                slot.host.crash();
            }
            if let Some(slot) = self.slots.get(&id) {
                slot.volume.reset();
            }
        }
        self.armed = self.slots.values().any(|slot| slot.volume.armed());
    }

    /// Holds the messages on a link (from, to) until [`World::release`]: a stalled connection.
    pub fn hold(&mut self, from: NodeId, to: NodeId) {
        self.network.hold(from, to);
    }

    /// Lets a held link's messages go, in order, now.
    pub fn release(&mut self, from: NodeId, to: NodeId) {
        for m in self.network.release(from, to) {
            self.queue.schedule(self.now, Event::Deliver(Box::new(m), self.now));
        }
    }

    /// Cuts a host off from every other.
    pub fn isolate(&mut self, id: NodeId) {
        let others: Vec<NodeId> = self.slots.keys().copied().filter(|&o| o != id).collect();
        for other in others {
            self.network.partition(id, other);
        }
    }

    /// Multiplies a host's disk latencies (a slow disk: fsync taking seconds).
    pub fn slow_disk(&mut self, id: NodeId, factor: u64) {
        if let Some(slot) = self.slots.get_mut(&id) {
            let base = DiskCosts::default();
            slot.device.costs = DiskCosts {
                read_micros: base.read_micros.saturating_mul(factor),
                write_micros: base.write_micros.saturating_mul(factor),
                sync_micros: base.sync_micros.saturating_mul(factor),
                bytes_per_milli: (base.bytes_per_milli / factor.max(1)).max(1),
            };
        }
    }
}

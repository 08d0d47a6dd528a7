//! The world on its own, hosting a trivial process (a host that pings its peers and logs what
//! it hears to its disk): timers on virtual time, latency, cuts and held links, disk writes
//! durable only after their sync, crash and restart, and equal traces from equal seeds.

use playground_bolt::{Chunk, Disk, SharedDisk};
use playground_sim::{Context, Host, Packet, World};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const SECOND: u64 = 1_000_000;

#[derive(Debug, Clone)]
struct Ping {
    from: u64,
    to: u64,
    n: u64,
}

impl Packet for Ping {
    fn from(&self) -> u64 {
        self.from
    }
    fn to(&self) -> u64 {
        self.to
    }
    fn trace_words(&self) -> [u64; 2] {
        [self.n, 0]
    }
}

enum Timer {
    /// Ping every peer, then again after this long.
    Ping(u64),
    Once,
}

#[derive(Default)]
struct Pinger {
    peers: Vec<u64>,
    up: bool,
    /// (time, from, n) of each ping heard.
    heard: Vec<(u64, u64, u64)>,
    timers_fired: u64,
    sent: u64,
    /// A file of one byte per ping heard, and the lengths known durable.
    file: SharedDisk,
    synced: Vec<u64>,
    restarts: u64,
}

impl Pinger {
    fn ping(&mut self, cx: &mut Context<'_, Self>, after: u64) -> Vec<bool> {
        let mut delivered = Vec::new();
        for &to in &self.peers.clone() {
            self.sent += 1;
            delivered.push(cx.send(Ping { from: cx.id(), to, n: self.sent }, after));
        }
        delivered
    }
}

impl Host for Pinger {
    type Message = Ping;
    type Timer = Timer;

    fn timer(&mut self, cx: &mut Context<'_, Self>, timer: Timer) {
        self.timers_fired += 1;
        cx.note(&[cx.now_micros(), cx.id(), 1]);
        if let Timer::Ping(every) = timer {
            self.ping(cx, 0);
            cx.set_timer(every, Timer::Ping(every));
        }
    }

    fn receive(&mut self, cx: &mut Context<'_, Self>, m: Ping) {
        self.heard.push((cx.now_micros(), m.from, m.n));
        let len = self.file.len();
        cx.write_and_sync(&mut self.file, len, &[Chunk::Copied(&[m.n as u8])], len + 1);
    }

    fn synced(&mut self, _cx: &mut Context<'_, Self>, len: u64) {
        let _ = self.file.sync();
        self.synced.push(len);
    }

    fn crash(&mut self) {
        self.up = false;
        self.heard.clear();
        self.file.crash();
    }

    fn restart(&mut self, _cx: &mut Context<'_, Self>) -> bool {
        self.restarts += 1;
        self.up = true;
        true
    }
}

fn world(seed: u64, ids: &[u64]) -> World<Pinger> {
    let mut world = World::new(seed);
    for &id in ids {
        let peers = ids.iter().copied().filter(|&p| p != id).collect();
        assert!(world.add_host(id, |cx| Pinger {
            peers,
            up: true,
            file: cx.new_file(),
            ..Pinger::default()
        }));
    }
    assert!(!world.add_host(ids[0], |_| Pinger::default()), "an id is taken once");
    world
}

#[test]
fn timers_fire_on_virtual_time_and_idle_hours_take_a_moment() {
    let mut world = world(1, &[1]);
    world.with_host(1, |_, cx| cx.set_timer(SECOND, Timer::Ping(SECOND)));
    world.advance(SECOND - 1);
    assert_eq!(world.host(1).unwrap().timers_fired, 0);
    world.advance(1);
    assert_eq!(world.host(1).unwrap().timers_fired, 1);
    world.advance(10 * 3600 * SECOND);
    assert_eq!(world.host(1).unwrap().timers_fired, 36_001);
    assert_eq!(world.now_micros(), 36_001 * SECOND);
    assert_eq!(world.next_event_at(), Some(36_002 * SECOND));
}

#[test]
fn messages_take_latency_cut_links_drop_and_held_links_wait() {
    let mut world = world(2, &[1, 2, 3]);
    let delivered = world.with_host(1, |host, cx| host.ping(cx, 0)).unwrap();
    assert_eq!(delivered, [true, true]);
    world.advance(SECOND);
    let heard = &world.host(2).unwrap().heard;
    assert_eq!(heard.len(), 1);
    assert!((1_000..=1_500).contains(&heard[0].0), "a LAN's millisecond and jitter: {heard:?}");

    world.network.partition(1, 2);
    assert_eq!(world.with_host(1, |host, cx| host.ping(cx, 0)).unwrap(), [false, true]);
    world.network.heal();
    world.isolate(3);
    assert_eq!(world.with_host(1, |host, cx| host.ping(cx, 0)).unwrap(), [true, false]);
    world.network.heal();
    world.advance(SECOND);

    world.hold(1, 2);
    for _ in 0..3 {
        world.with_host(1, |host, cx| host.ping(cx, 0));
        world.advance(10_000);
    }
    world.advance(SECOND);
    let before = world.host(2).unwrap().heard.len();
    world.release(1, 2);
    world.advance(1);
    let heard: Vec<u64> = world.host(2).unwrap().heard[before..].iter().map(|h| h.2).collect();
    assert_eq!(heard, [7, 9, 11], "released in the order they reached the link");
}

#[test]
fn a_write_is_durable_when_its_sync_completes_and_a_crash_loses_it_before() {
    let mut world = world(3, &[1, 2]);
    world.with_host(1, |host, cx| host.ping(cx, 0));
    world.run_until(SECOND, |w| w.host(2).unwrap().heard.len() == 1);
    let arrived = world.now_micros();
    let busy = world.with_host(2, |_, cx| cx.disk_busy_until()).unwrap();
    assert!(busy > arrived, "the write and its fsync take the disk's time");
    world.advance(busy - arrived);
    assert_eq!(world.host(2).unwrap().synced, [1]);

    world.slow_disk(2, 1000);
    world.with_host(1, |host, cx| host.ping(cx, 0));
    world.run_until(SECOND, |w| w.host(2).unwrap().heard.len() == 2);
    world.advance(10_000);
    world.crash(2);
    assert!(!world.is_up(2));
    assert_eq!(world.host(2).unwrap().file.len(), 1, "the unsynced byte is lost");
    world.with_host(1, |host, cx| host.ping(cx, 0));
    world.advance(10 * SECOND);
    let host = world.host(2).unwrap();
    assert!(host.heard.is_empty() && host.synced == [1], "a down host hears nothing");
    assert!(world.restart(2));
    assert!(!world.restart(2), "it is up already");
    assert_eq!(world.host(2).unwrap().restarts, 1);
}

#[test]
fn a_crash_drops_what_had_not_left_the_host() {
    let mut world = world(4, &[1, 2]);
    // Waits a second on its disk before leaving.
    world.with_host(1, |host, cx| host.ping(cx, SECOND));
    world.advance(SECOND / 2);
    world.crash(1);
    world.advance(2 * SECOND);
    assert!(world.host(2).unwrap().heard.is_empty());
}

#[test]
fn a_crash_armed_at_a_disk_operation_keeps_what_was_synced_before_it() {
    let mut world = world(6, &[1, 2]);
    world.with_host(1, |host, cx| host.ping(cx, 0));
    world.advance(SECOND);
    assert_eq!((world.disk_ops(2), world.host(2).unwrap().synced.clone()), (2, vec![1]), "a write, an fsync");

    // At the second operation from now: the next ping's fsync, which never completes.
    world.crash_at_disk_op(2, 2);
    world.with_host(1, |host, cx| host.ping(cx, 0));
    world.advance(SECOND);
    assert!(!world.is_up(2));
    assert_eq!((world.host(2).unwrap().file.len(), world.disk_ops(2)), (1, 4));
    assert!(world.restart(2));

    // At a write: what the host sends after it never leaves, and it is down once it returns.
    world.crash_at_disk_op(2, 1);
    let sent = world.with_host(2, |host, cx| {
        let _ = host.file.write_at(1, &[9]);
        let _ = host.file.sync();
        host.ping(cx, 0)
    });
    assert_eq!(sent, Some(vec![false]));
    assert!(!world.is_up(2));
    assert_eq!(world.host(2).unwrap().file.len(), 1, "the write and what follows are lost");
    assert!(world.restart(2));
    world.with_host(1, |host, cx| host.ping(cx, 0));
    world.advance(SECOND);
    assert_eq!(world.host(2).unwrap().file.len(), 2, "disarmed once it crashed");
}

#[test]
fn a_torn_write_keeps_its_first_half_and_a_rename_is_all_or_nothing() {
    let mut world = world(7, &[1, 2]);
    world.tear_at_disk_op(2, 1);
    world.with_host(2, |host, _| {
        let _ = host.file.write_at(0, b"abcd");
    });
    assert!(!world.is_up(2));
    assert_eq!(world.host(2).unwrap().file.bytes(), b"ab");
    assert!(world.restart(2));

    // A new file written, synced and renamed over the old one: a crash at any of the three
    // leaves the old one; after the rename, the new one.
    let rename = |world: &mut World<Pinger>, crash_at: Option<u64>| {
        if let Some(k) = crash_at {
            world.crash_at_disk_op(2, k);
        }
        world.with_host(2, |host, cx| {
            let mut new = cx.new_file();
            let _ = new.write_at(0, b"xyz");
            let _ = new.sync();
            host.file.rename_from(&new);
        });
    };
    for k in 1..=3 {
        rename(&mut world, Some(k));
        assert!(!world.is_up(2));
        assert_eq!(world.host(2).unwrap().file.bytes(), b"ab", "crashed at op {k}");
        assert!(world.restart(2));
    }
    rename(&mut world, None);
    world.crash(2);
    assert_eq!(world.host(2).unwrap().file.bytes(), b"xyz");
}

#[test]
fn a_seed_gives_the_same_world_every_time() {
    let run = |seed: u64| {
        let mut world = world(seed, &[1, 2, 3]);
        world.network.loss_percent = 10;
        for id in [1, 2, 3] {
            world.with_host(id, |_, cx| {
                let first = cx.next_u64() % SECOND;
                cx.set_timer(first, Timer::Ping(SECOND / 10));
            });
        }
        world.with_host(2, |_, cx| cx.set_timer(SECOND, Timer::Once));
        world.advance(5 * SECOND);
        world.crash(2);
        world.advance(SECOND);
        world.restart(2);
        world.advance(5 * SECOND);
        world.trace()
    };
    assert_eq!(run(9), run(9));
    assert_ne!(run(9), run(10));
}

#[test]
fn an_alarm_rings_for_the_driver_after_the_hosts_events_of_its_time() {
    let mut world = world(5, &[1]);
    world.set_alarm(SECOND, 7);
    // Set after the alarm, due at the same time: still runs first.
    world.with_host(1, |_, cx| cx.set_timer(SECOND, Timer::Once));
    world.set_alarm(0, 8);
    assert!(world.step());
    assert_eq!(world.take_alarm(), Some(8), "an alarm due now rings at once");
    assert_eq!(world.take_alarm(), None);
    assert!(world.step());
    assert_eq!((world.take_alarm(), world.host(1).unwrap().timers_fired), (None, 1));
    assert!(world.step());
    assert_eq!((world.take_alarm(), world.now_micros()), (Some(7), SECOND));
    assert!(!world.step());
}

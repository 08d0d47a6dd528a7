//! The maintenance guide's workload, printed for `cargo xtask bench`: puts per second through
//! the default 3-member virtual cluster, the wall time of the guide's 16 MiB fill loop plus its
//! recovery (compact, defrag, alarm disarm, a put) in the playground, and, when `ETCD_BIN_DIR`
//! names a real etcd 3.5.1 (as `cargo xtask bench` installs it), the same script against it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use playground_ctl::PlaygroundWorld;
use playground_mvcc::request::{PutRequest, RequestOp};
use playground_server::Cluster;
use playground_shell::{Limits, Options, Transcript};

/// Counts live heap bytes and their peak, for the fill loop's heap figure.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

/// The guide's fill loop and recovery; `$E` names the endpoint.
const FILL_AND_RECOVER: &str = r#"while [ 1 ]; do dd if=/dev/urandom bs=1024 count=1024 2>/dev/null | etcdctl --endpoints=$E put key > /dev/null 2>&1 || break; done
rev=$(etcdctl --endpoints=$E endpoint status --write-out="json" | egrep -o '"revision":[0-9]*' | egrep -o '[0-9].*')
etcdctl --endpoints=$E compact $rev > /dev/null
etcdctl --endpoints=$E defrag > /dev/null
etcdctl --endpoints=$E alarm disarm > /dev/null
etcdctl --endpoints=$E put newkey 123
"#;

fn puts_per_second() {
    let mut cluster = Cluster::playground(1);
    let member = cluster.member_for_endpoint("127.0.0.1:2379").unwrap();
    let puts = 20_000;
    let started = Instant::now();
    for i in 0..puts {
        let op = RequestOp::Put(PutRequest {
            key: format!("key{:06}", i % 1000).into_bytes(),
            value: vec![b'v'; 256].into(),
            ..Default::default()
        });
        cluster.kv(member, op, false).expect("put");
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "puts through the 3-member virtual cluster, 1 client:    {:>9.0} puts/s   ({puts} x 256 B, {seconds:.2} s)",
        puts as f64 / seconds
    );
    // 100 clients with a put each in flight, as etcd's benchmark tool drives a cluster.
    let (clients, rounds) = (100, 500);
    let started = Instant::now();
    for round in 0..rounds {
        let ops = (0..clients)
            .map(|c| {
                RequestOp::Put(PutRequest {
                    key: format!("key{:06}", (round * clients + c) % 1000).into_bytes(),
                    value: vec![b'v'; 256].into(),
                    ..Default::default()
                })
            })
            .collect();
        assert!(cluster.kv_concurrent(member, ops).iter().all(Result::is_ok));
    }
    let seconds = started.elapsed().as_secs_f64();
    let puts = clients * rounds;
    println!(
        "puts through the 3-member virtual cluster, 100 clients: {:>9.0} puts/s   ({puts} x 256 B, {seconds:.2} s)",
        puts as f64 / seconds
    );
}

fn playground_fill_loop() {
    let limits = Limits { max_steps: u64::MAX, max_written_bytes: u64::MAX, ..Limits::default() };
    let baseline = LIVE.load(Ordering::Relaxed);
    let world = PlaygroundWorld::new(Cluster::playground(1));
    let mut shell = playground_ctl::with_options(Options { limits, ..Options::new(world) });
    let mut transcript = Transcript::new();
    shell.run("etcd --quota-backend-bytes=$((16*1024*1024)) 2>/dev/null; E=127.0.0.1:2379", &mut transcript);
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    let started = Instant::now();
    let (fill, recover) = FILL_AND_RECOVER.split_once('\n').unwrap_or((FILL_AND_RECOVER, ""));
    shell.run(fill, &mut transcript);
    let filled = started.elapsed().as_secs_f64();
    let (filled_heap, filled_peak) =
        (LIVE.load(Ordering::Relaxed) - baseline, PEAK.load(Ordering::Relaxed) - baseline);
    let outcome = shell.run(recover, &mut transcript);
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(transcript.stdout().trim_end().lines().last(), Some("OK"), "{}", transcript.stderr());
    assert_eq!(outcome.status, 0);
    println!(
        "the guide's 16 MiB fill loop + recovery, playground:      {seconds:>6.3} s of wall time ({filled:.3} s filling)"
    );
    println!(
        "the guide's 16 MiB fill loop, playground heap (3 members): {:>6.1} MiB peak, {:.1} MiB held when filled",
        filled_peak as f64 / MIB,
        filled_heap as f64 / MIB
    );
}

/// The same script against a real etcd 3.5.1 started on 127.0.0.1 for the purpose.
fn real_fill_loop() {
    let Some(bin) = std::env::var_os("ETCD_BIN_DIR") else {
        println!("the guide's 16 MiB fill loop + recovery, real etcd: skipped (ETCD_BIN_DIR not set)");
        return;
    };
    let bin = std::path::PathBuf::from(bin);
    let dir = std::env::temp_dir().join(format!("etcd-guide-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let client = "http://127.0.0.1:23791";
    let mut etcd = Command::new(bin.join("etcd"))
        .args(["--data-dir", &dir.to_string_lossy(), "--quota-backend-bytes=16777216"])
        .args(["--listen-client-urls", client, "--advertise-client-urls", client])
        .args([
            "--listen-peer-urls",
            "http://127.0.0.1:23792",
            "--initial-advertise-peer-urls",
            "http://127.0.0.1:23792",
        ])
        .args(["--initial-cluster", "default=http://127.0.0.1:23792"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start real etcd");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let ready = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        Command::new("etcdctl")
            .args(["--endpoints", client, "endpoint", "health"])
            .env("PATH", &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if ready {
        let started = Instant::now();
        let output = Command::new("bash")
            .args(["-c", FILL_AND_RECOVER])
            .env("PATH", &path)
            .env("E", client)
            .output()
            .expect("bash");
        let seconds = started.elapsed().as_secs_f64();
        let ok = String::from_utf8_lossy(&output.stdout).trim_end().ends_with("OK");
        println!(
            "the guide's 16 MiB fill loop + recovery, real etcd 3.5.1: {seconds:>5.3} s of wall time{}",
            if ok { "" } else { " (the final put did not succeed)" }
        );
    } else {
        println!("the guide's 16 MiB fill loop + recovery, real etcd: etcd did not become healthy");
    }
    let _ = etcd.kill();
    let _ = etcd.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    // `guide_bench puts` or `guide_bench fill` runs one part (for a profiler).
    let only = std::env::args().nth(1);
    let run = |part: &str| only.as_deref().is_none_or(|o| o == part);
    if run("puts") {
        puts_per_second();
    }
    if run("fill") {
        playground_fill_loop();
    }
    if only.as_deref() == Some("fill5") {
        // Warm repetitions, for a profiler.
        for _ in 0..5 {
            playground_fill_loop();
        }
    }
    if run("real") {
        real_fill_loop();
    }
}

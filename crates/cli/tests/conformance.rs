//! Conformance with real etcd 3.5.1 and 3.6.14: replays the recorded transcripts in
//! `tests/conformance/` (copied from the team's reference record: topics 01, 02, 03, 06 and 08,
//! single member and 3-member cluster, per version) through the playground's shell, on a
//! virtual cluster of that version built from each recording's `etcd` command lines, and
//! compares stdout, stderr and exit code after masking only what is unique to a run
//! (timestamps, client pointers, durations).
//!
//! It prints each version's share and every mismatch (`target/conformance-report.txt`), and
//! holds each share as a ratchet: fewer matching records than [`MATCHED_RECORDS`] says fail, and
//! so do more, until the constant (and the README's figure) is raised to the new share.

use std::fmt::Write as _;

use playground_ctl::PlaygroundWorld;
use playground_server::{Cluster, EtcdVersion, Flags, MemberConfig};
use playground_shell::{MemFs, Options, Stream, Transcript};

type Shell = playground_shell::Shell<PlaygroundWorld>;

/// Records matching per version when last measured. The engine is deterministic, so each count
/// is exact: a change that moves one either regressed fidelity or must raise that figure.
const MATCHED_RECORDS: &[(EtcdVersion, usize)] = &[(EtcdVersion::V3_5, 380), (EtcdVersion::V3_6, 381)];

/// The recordings of each version: `TOPIC-VERSION-SETUP`.
const TOPICS: &[&str] = &["01-compaction", "02-quota", "03-snapshot", "06-dbsize", "08-cli"];

fn fragments(version: EtcdVersion) -> Vec<String> {
    TOPICS
        .iter()
        .flat_map(|topic| ["single", "cluster"].map(|setup| format!("{topic}-{}-{setup}", version.minor())))
        .collect()
}

fn dir() -> String {
    format!("{}/../../tests/conformance", env!("CARGO_MANIFEST_DIR"))
}

struct Record {
    cmd: String,
    stdout: String,
    stderr: String,
    rc: i32,
}

/// The string value of `"name": "..."` in one JSON line (the record format is fixed).
fn json_string(line: &str, name: &str) -> Option<String> {
    let start = line.find(&format!("\"{name}\": \""))? + name.len() + 5;
    let mut out = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

fn records(fragment: &str) -> Vec<Record> {
    let text = std::fs::read_to_string(format!("{}/{fragment}.jsonl", dir())).unwrap();
    text.lines()
        .map(|line| {
            let rc = line.rsplit("\"rc\": ").next().and_then(|r| r.trim_end_matches('}').trim().parse().ok());
            Record {
                cmd: json_string(line, "cmd").unwrap(),
                stdout: json_string(line, "stdout").unwrap(),
                stderr: json_string(line, "stderr").unwrap(),
                rc: rc.unwrap(),
            }
        })
        .collect()
}

fn flag<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let mut words = line.split_whitespace();
    while let Some(word) = words.next() {
        if word == name {
            return words.next();
        }
    }
    None
}

/// The members a recording started (its first `etcd` lines; later ones serve restored
/// copies) and the flags they ran with.
fn setup(fragment: &str, version: EtcdVersion) -> (Vec<MemberConfig>, Flags) {
    let setups = std::fs::read_to_string(format!("{}/setups.txt", dir())).unwrap();
    let section = setups.split(&format!("[{fragment}]\n")).nth(1).unwrap();
    let lines: Vec<&str> =
        section.lines().take_while(|l| !l.starts_with('[')).filter(|l| !l.contains("restored")).collect();
    let members = lines
        .iter()
        .map(|line| {
            let name = flag(line, "--name").unwrap();
            let client = flag(line, "--advertise-client-urls").unwrap();
            let peer = flag(line, "--initial-advertise-peer-urls").unwrap();
            MemberConfig::new(name, peer, client, "etcd-cluster")
        })
        .collect();
    let mut flags = Flags::for_version(version);
    let args: Vec<String> =
        lines[0].split_whitespace().skip(1).map(|w| w.replace("$((16*1024*1024))", "16777216")).collect();
    flags.parse(&args).unwrap();
    (members, flags)
}

/// The `etcd` lines a recording ran later, to serve data directories it restored: each runs
/// once the first record restoring into its `--data-dir` has.
fn later_setups(fragment: &str) -> Vec<String> {
    let setups = std::fs::read_to_string(format!("{}/setups.txt", dir())).unwrap();
    let section = setups.split(&format!("[{fragment}]\n")).nth(1).unwrap();
    section
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter(|l| l.contains("restored"))
        .map(String::from)
        .collect()
}

/// Masks what differs between any two runs of real etcd. With several endpoints, which member
/// answers is the client balancer's pick, so the header's member id is masked too.
fn mask_for(cmd: &str, text: &str) -> String {
    let text = mask(text);
    if !flag(&cmd.replace('=', " "), "--endpoints").is_some_and(|e| e.contains(',')) {
        return text;
    }
    let text =
        regex_lite::Regex::new(r#""member_id":[0-9]+"#).unwrap().replace_all(&text, r#""member_id":<id>"#);
    let text =
        regex_lite::Regex::new(r#""MemberID" : [0-9]+"#).unwrap().replace_all(&text, r#""MemberID" : <id>"#);
    // 3.6 names the peer the balancer picked.
    regex_lite::Regex::new(r"Peer\{Addr: '[^']*'")
        .unwrap()
        .replace_all(&text, "Peer{Addr: <peer>")
        .into_owned()
}

fn mask(text: &str) -> String {
    let patterns = [
        (r#""ts":"[^"]*""#, r#""ts":"<ts>""#),
        (r#""ts":[0-9.e+]+"#, r#""ts":<ts>"#),
        (r"0xc[0-9a-f]+", "0x<ptr>"),
        // 3.6's client pointers are not in Go's 0xc000 arena, and its warnings name the
        // client's own ephemeral port.
        (r"etcd-endpoints://0x[0-9a-f]+", "etcd-endpoints://0x<ptr>"),
        (r"LocalAddr: '127\.0\.0\.1:[0-9]+'", "LocalAddr: '<port>'"),
        // The logger bbolt 1.4 prints in its options: a pointer.
        (r"Logger: 0x[0-9a-f]+", "Logger: 0x<ptr>"),
        (r"took = [0-9.]+[µnm]?s", "took = <took>"),
        // 3.6's defrag line ends with the member's duration.
        (r"(?m)\. took [0-9.]+[µnm]?s$", ". took <took>"),
        (r#""took":"[^"]*""#, r#""took":"<took>""#),
        (r"\| +[0-9.]+[µnm]?s \|", "| <took> |"),
        (r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z", "<time>"),
        // The recorder wrote its directories as `$WORK` and `$REF`; the replay runs in /work and /ref.
        (r"(^|[^A-Za-z0-9_.$-])/work\b", "${1}$$WORK"),
        (r"(^|[^A-Za-z0-9_.$-])/ref\b", "${1}$$REF"),
    ];
    let mut text = text.to_string();
    for (pattern, replacement) in patterns {
        text = regex_lite::Regex::new(pattern).unwrap().replace_all(&text, replacement).into_owned();
    }
    text
}

/// The reference's own workload loader, played as the puts it makes (its output is timing).
fn putmany(shell: &mut Shell, cmd: &str) -> bool {
    let Some(rest) = cmd.split("putmany.py ").nth(1) else { return false };
    let args: Vec<&str> = rest.split_whitespace().filter(|a| !a.starts_with("--")).collect();
    let [endpoint, count, size, prefix @ ..] = args.as_slice() else { return false };
    let (count, size): (usize, usize) = (count.parse().unwrap(), size.parse().unwrap());
    let start: usize = flag(cmd, "--start").and_then(|s| s.parse().ok()).unwrap_or(0);
    let prefix = prefix.first().copied().unwrap_or("key");
    let cluster = shell.world_mut().cluster().unwrap();
    let member = cluster.member_for_endpoint(endpoint).unwrap();
    for n in start..start + count {
        let head = format!("{n}:");
        let mut value = head.into_bytes();
        value.resize(size, b'x');
        let op = playground_mvcc::request::RequestOp::Put(playground_mvcc::request::PutRequest {
            key: format!("{prefix}{n:06}").into_bytes(),
            value: value.into(),
            ..Default::default()
        });
        cluster.kv(member, op, false).unwrap();
    }
    true
}

/// The recording scripts' `wait_healthy` after starting members (`scripts/lib.sh`): one
/// `etcdctl endpoint health`, unrecorded. It is not free: etcdctl 3.5 checks alarms with an
/// `AlarmList`, a raft entry on every endpoint it asks, so later raft indexes count it.
fn wait_healthy(shell: &mut Shell, endpoints: &str) {
    let line = format!("etcdctl --endpoints={endpoints} endpoint health");
    let outcome = shell.exec_interactive(&line, &mut Transcript::new());
    assert_eq!(outcome.status, 0, "{line}");
}

#[test]
fn transcripts_of_real_etcd_replay_through_the_shell() {
    let mut report = String::new();
    let mut failures = Vec::new();
    let path = format!("{}/../../target/conformance-report.txt", env!("CARGO_MANIFEST_DIR"));
    for &(version, ratchet) in MATCHED_RECORDS {
        let (matched, total) = replay(version, &mut report);
        let share = 100.0 * matched as f64 / total as f64;
        println!("conformance: {matched}/{total} records match real etcd {} ({share:.1}%)", version.server());
        let _ = writeln!(report, "=== {}: {matched}/{total} records match ({share:.1}%)", version.server());
        if matched < ratchet {
            failures.push(format!("{version}: conformance fell to {matched}/{total} (ratchet {ratchet})"));
        } else if matched > ratchet {
            failures.push(format!(
                "{version}: conformance rose to {matched}/{total}: raise MATCHED_RECORDS (and the README's figure) to {matched}"
            ));
        }
    }
    let _ = std::fs::write(&path, &report);
    println!("mismatches: {path}");
    assert!(failures.is_empty(), "{}: see {path}", failures.join("; "));
}

/// Replays every recording of `version`, writing its mismatches into `report`; returns the
/// matching and the total record counts.
fn replay(version: EtcdVersion, report: &mut String) -> (usize, usize) {
    let (mut total, mut matched) = (0usize, 0usize);
    for fragment in &fragments(version) {
        let (members, flags) = setup(fragment, version);
        let endpoints: Vec<String> = members.iter().map(|m| m.client_url.clone()).collect();
        let cluster = Cluster::new(1, members, flags);
        let fs = MemFs::with_dirs(&["/home/etcd", "/tmp", "/ref", "/ref/fixtures", "/work"]);
        let mut shell = playground_ctl::with_options(Options {
            seed: 1,
            fs: Box::new(fs),
            ..Options::new(PlaygroundWorld::new(cluster))
        });
        let name = format!("snapshot-{}.db", version.minor());
        let fixture = std::fs::read(format!("{}/../fixtures/{name}", dir())).unwrap();
        shell.fs_mut().write(&format!("/ref/fixtures/{name}"), &fixture, false).unwrap();
        shell.set_var("REF", "/ref", true);
        shell.set_var("WORK", "/work", true);
        wait_healthy(&mut shell, &endpoints.join(","));
        let (mut fragment_total, mut fragment_matched) = (0, 0);
        let mut pending = later_setups(fragment);
        for record in records(fragment) {
            if record.cmd.contains("putmany.py") && putmany(&mut shell, &record.cmd) {
                continue;
            }
            let mut transcript = Transcript::new();
            let outcome = shell.exec_interactive(&record.cmd, &mut transcript);
            let (stdout, stderr) = (transcript.text(Stream::Stdout), transcript.text(Stream::Stderr));
            // The reference started etcd on a directory once it was restored: so do we.
            if record.cmd.contains("snapshot restore") && outcome.status == 0 {
                let dir = flag(&record.cmd, "--data-dir");
                if let Some(at) =
                    pending.iter().position(|line| dir.is_some() && flag(line, "--data-dir") == dir)
                {
                    let line = pending.remove(at);
                    let started = shell.exec_interactive(&line, &mut Transcript::new());
                    assert_eq!(started.status, 0, "{line}");
                    wait_healthy(&mut shell, flag(&line, "--advertise-client-urls").unwrap());
                }
            }
            fragment_total += 1;
            let m = |text: &str| mask_for(&record.cmd, text);
            let same = m(&stdout) == m(&record.stdout)
                && m(&stderr) == m(&record.stderr)
                && outcome.status == record.rc;
            if same {
                fragment_matched += 1;
                continue;
            }
            let _ = writeln!(report, "--- {fragment}: $ {}", record.cmd);
            for (name, ours, theirs) in
                [("stdout", &stdout, &record.stdout), ("stderr", &stderr, &record.stderr)]
            {
                let (ours, theirs) = (mask_for(&record.cmd, ours), mask_for(&record.cmd, theirs));
                if ours != theirs {
                    let line = ours.lines().zip(theirs.lines()).position(|(a, b)| a != b);
                    let line = line.unwrap_or(ours.lines().count().min(theirs.lines().count()));
                    let _ = writeln!(
                        report,
                        "  {name} line {}: real {:?}\n  {name} line {}: ours {:?}",
                        line + 1,
                        theirs.lines().nth(line).unwrap_or("<end>"),
                        line + 1,
                        ours.lines().nth(line).unwrap_or("<end>")
                    );
                }
            }
            if outcome.status != record.rc {
                let _ = writeln!(report, "  exit: real {} ours {}", record.rc, outcome.status);
            }
        }
        println!("{fragment}: {fragment_matched}/{fragment_total} records match");
        total += fragment_total;
        matched += fragment_matched;
    }
    (matched, total)
}

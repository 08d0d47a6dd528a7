//! `etcdutl`: etcd's offline utility, on files of the host filesystem (3.5.1's output).

use playground_bolt::MemDisk;
use playground_datadir::json::marshal;
use playground_datadir::RestoreOptions;
use playground_mvcc::snapshot::{self, SnapshotError};
use playground_mvcc::Backend;

use super::humanize;
use crate::{CommandResult, Context};
use playground_server::log::{zap_console_line, ZapValue, ZapValue::Str, ZapValue::Strs};
use playground_shell::{FsError, World};

/// etcd's exit codes (cobrautl): an error, and bad arguments.
const EXIT_ERROR: i32 = 1;
const EXIT_BAD_ARGS: i32 = 128;

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Simple,
    Json,
    Table,
    Fields,
}

pub fn etcdutl(cx: &mut Context<'_>, args: &[String]) -> CommandResult {
    let mut format = Format::Simple;
    let mut words = Vec::new();
    let mut iter = args[1..].iter();
    while let Some(arg) = iter.next() {
        let value = match arg.as_str() {
            "-w" | "--write-out" => iter.next().cloned(),
            other => {
                other.strip_prefix("--write-out=").or_else(|| other.strip_prefix("-w=")).map(str::to_string)
            }
        };
        if arg == "-w" || arg == "--write-out" || arg.starts_with("--write-out=") || arg.starts_with("-w=") {
            format = match value.as_deref() {
                Some("simple") => Format::Simple,
                Some("json") => Format::Json,
                Some("table") => Format::Table,
                Some("fields") => Format::Fields,
                Some(other) => {
                    cx.err(format!("Error: unsupported output format {other}\n"))?;
                    return Ok(EXIT_BAD_ARGS);
                }
                None => {
                    cx.err("Error: flag needs an argument: --write-out\n")?;
                    return Ok(EXIT_ERROR);
                }
            };
            continue;
        }
        words.push(arg.clone());
    }
    let help = words.iter().any(|w| w == "--help" || w == "-h");
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["snapshot", ..] if help => text(cx, SNAPSHOT_USAGE),
        ["defrag", ..] if help => text(cx, DEFRAG_USAGE),
        ["snapshot", "status", rest @ ..] => snapshot_status(cx, rest, format),
        ["snapshot"] => text(cx, SNAPSHOT_USAGE),
        ["defrag", rest @ ..] => defrag(cx, rest),
        ["version", ..] => text(cx, "etcdutl version: 3.5.1\nAPI version: 3.5\n"),
        [] | ["help", ..] | ["--help"] | ["-h"] => text(cx, USAGE),
        // etcdctl's deprecated `snapshot restore` hands on here without requiring --data-dir.
        ["snapshot", "restore", rest @ ..] => snapshot_restore(cx, rest, args[0] != "etcdctl"),
        [other, ..] => {
            cx.err(format!(
                "Error: unknown command \"{other}\" for \"etcdutl\"\nRun 'etcdutl --help' for usage.\n"
            ))?;
            Ok(EXIT_ERROR)
        }
    }
}

/// etcdutl's `snapshot.Status` as `-w json` marshals it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotStatusJson {
    hash: u32,
    revision: i64,
    total_key: u64,
    total_size: u64,
}

fn text(cx: &mut Context<'_>, text: &str) -> CommandResult {
    cx.out(text)?;
    Ok(0)
}

// Help texts as etcdutl 3.5.1 prints them (shared/reference/08-cli.md).
const USAGE: &str = "Usage:
  etcdutl [command]

Available Commands:
  backup      [legacy] offline backup of etcd directory
  defrag      Defragments the storage of the etcd
  help        Help about any command
  snapshot    Manages etcd node snapshots
  version     Prints the version of etcdutl

Flags:
  -h, --help               help for etcdutl
  -w, --write-out string   set the output format (fields, json, protobuf, simple, table) (default \"simple\")

Use \"etcdutl [command] --help\" for more information about a command.
";

const SNAPSHOT_USAGE: &str = "Usage:
  etcdutl snapshot [command]

Available Commands:
  restore     Restores an etcd member snapshot to an etcd directory
  status      Gets backend snapshot status of a given file

Flags:
  -h, --help   help for snapshot

Global Flags:
  -w, --write-out string   set the output format (fields, json, protobuf, simple, table) (default \"simple\")

Use \"etcdutl snapshot [command] --help\" for more information about a command.
";

const DEFRAG_USAGE: &str = "Usage:
  etcdutl defrag [flags]

Flags:
      --data-dir string   Required. Defragments a data directory not in use by etcd.
  -h, --help              help for defrag

Global Flags:
  -w, --write-out string   set the output format (fields, json, protobuf, simple, table) (default \"simple\")
";

/// The usage cobra prints above a defrag without `--data-dir` (on stderr).
const DEFRAG_REQUIRED_USAGE: &str = include_str!("etcdutl/defrag-usage.txt");

/// The stack zap records with "restoring snapshot", as etcd 3.5.1's build prints it.
const RESTORE_STACK: &str = include_str!("etcdutl/restore-stack.txt");
const RESTORE_STACK_ETCDCTL: &str = include_str!("etcdutl/restore-stack-etcdctl.txt");

/// The usage cobra prints above a restore without `--data-dir` (on stderr).
const RESTORE_USAGE: &str = include_str!("etcdutl/restore-usage.txt");

/// `etcdutl snapshot restore FILE --data-dir DIR`: a new member data directory on the host
/// filesystem, which `etcd --data-dir DIR` starts from (real etcd 3.5.1 too).
fn snapshot_restore(cx: &mut Context<'_>, args: &[&str], data_dir_required: bool) -> CommandResult {
    let mut options = RestoreOptions::default();
    let mut data_dir_given = false;
    let mut files = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (*arg, None),
        };
        if flag == "--skip-hash-check" {
            options.skip_hash_check = inline.as_deref() != Some("false");
            continue;
        }
        data_dir_given |= flag == "--data-dir";
        let target = match flag {
            "--data-dir" => &mut options.data_dir,
            "--name" => &mut options.name,
            "--initial-cluster" => &mut options.initial_cluster,
            "--initial-cluster-token" => &mut options.initial_cluster_token,
            "--initial-advertise-peer-urls" => &mut options.initial_advertise_peer_urls,
            other if other.starts_with('-') => {
                cx.err(format!("Error: unknown flag: {other}\n"))?;
                return Ok(EXIT_ERROR);
            }
            _ => {
                files.push(arg.to_string());
                continue;
            }
        };
        match inline.or_else(|| iter.next().map(|v| v.to_string())) {
            Some(value) => *target = value,
            None => {
                cx.err(format!("Error: flag needs an argument: {flag}\n"))?;
                return Ok(EXIT_ERROR);
            }
        }
    }
    if data_dir_required && !data_dir_given {
        // cobra checks required flags first, and prints the usage between its error and etcdutl's.
        let error = "Error: required flag(s) \"data-dir\" not set\n";
        cx.err(format!("{error}{RESTORE_USAGE}{error}"))?;
        return Ok(EXIT_ERROR);
    }
    let [file] = files.as_slice() else {
        cx.err("Error: snapshot restore requires exactly one argument\n")?;
        return Ok(EXIT_BAD_ARGS);
    };
    if options.data_dir.is_empty() {
        options.data_dir = format!("{}.etcd", options.name);
    }
    let data_dir = options.data_dir.clone();
    let dir = cx.resolve(&data_dir);
    if cx.fs().list(&dir).is_ok_and(|entries| !entries.is_empty())
        || cx.fs().metadata(&dir).is_ok_and(|m| !m.is_dir)
    {
        cx.err(format!("Error: data-dir \"{data_dir}\" not empty or could not be read\n"))?;
        return Ok(EXIT_ERROR);
    }
    let (cluster_id, members) = match playground_datadir::restore_members(&options) {
        Ok(members) => members,
        Err(error) => {
            cx.err(format!("Error: {error}\n"))?;
            return Ok(EXIT_ERROR);
        }
    };
    let (wal_dir, snap_dir) =
        (clean_path(&format!("{data_dir}/member/wal")), clean_path(&format!("{data_dir}/member/snap")));
    let dirs = [
        ("path", Str(file)),
        ("wal-dir", Str(&wal_dir)),
        ("data-dir", Str(&data_dir)),
        ("snap-dir", Str(&snap_dir)),
    ];
    // The restore's stack as zap records it: etcdutl's, or etcdctl's deprecated command's.
    let stack = if data_dir_required { RESTORE_STACK } else { RESTORE_STACK_ETCDCTL };
    let mut restoring = dirs.to_vec();
    restoring.push(("stack", Str(stack)));
    restore_log(cx, "snapshot/v3_snapshot.go:251", "restoring snapshot", &restoring)?;
    let bytes = match cx.read_file(file) {
        Ok(bytes) => bytes,
        Err(error) => {
            cx.err(format!("Error: open {file}: {}\n", error.to_string().to_lowercase()))?;
            return Ok(EXIT_ERROR);
        }
    };
    let restored = match playground_datadir::restore(&bytes, &options) {
        Ok(files) => files,
        Err(error) => {
            cx.err(format!("Error: {error}\n"))?;
            return Ok(EXIT_ERROR);
        }
    };
    for (path, data) in restored {
        let path = cx.resolve(&path);
        let mut partial = String::new();
        let parent = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("/");
        for part in parent.split('/').filter(|p| !p.is_empty()) {
            partial.push('/');
            partial.push_str(part);
            if cx.fs().metadata(&partial).is_err() {
                if let Err(error) = cx.fs().create_dir(&partial) {
                    cx.err(format!("Error: mkdir {partial}: {}\n", error.to_string().to_lowercase()))?;
                    return Ok(EXIT_ERROR);
                }
            }
        }
        if let Err(error) = cx.fs().write(&path, &data, false) {
            cx.err(format!("Error: open {path}: {}\n", error.to_string().to_lowercase()))?;
            return Ok(EXIT_ERROR);
        }
    }
    restore_log(cx, "membership/store.go:141", "Trimming membership information from the backend...", &[])?;
    let cluster = format!("{cluster_id:x}");
    for member in &members {
        let id = format!("{:x}", member.id);
        let fields = [
            ("cluster-id", Str(&cluster)),
            ("local-member-id", Str("0")),
            ("added-peer-id", Str(&id)),
            ("added-peer-peer-urls", Strs(&member.peer_urls)),
        ];
        restore_log(cx, "membership/cluster.go:421", "added member", &fields)?;
    }
    restore_log(cx, "snapshot/v3_snapshot.go:272", "restored snapshot", &dirs)?;
    Ok(0)
}

/// One of the restore's info lines on stderr, in zap's console format.
fn restore_log(
    cx: &mut Context<'_>,
    caller: &str,
    msg: &str,
    fields: &[(&str, ZapValue<'_>)],
) -> Result<(), crate::Stop> {
    let now = cx.world().now().as_micros() as u64;
    cx.err(zap_console_line(now, "info", caller, msg, fields) + "\n")
}

/// Go's `filepath.Clean` of a joined path: no empty or `.` parts, `..` taking the one before.
fn clean_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (path.starts_with('/'), joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// `etcdutl defrag --data-dir DIR`: defragments `DIR/member/snap/db` on the host filesystem,
/// as etcd's online defrag would (etcd must not be running on it).
fn defrag(cx: &mut Context<'_>, args: &[&str]) -> CommandResult {
    let mut data_dir = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if let Some(dir) = arg.strip_prefix("--data-dir=") {
            data_dir = Some(dir.to_string());
        } else if *arg == "--data-dir" {
            data_dir = iter.next().map(|d| d.to_string());
        } else {
            cx.err(format!("Error: unknown flag: {arg}\n"))?;
            return Ok(EXIT_ERROR);
        }
    }
    let Some(data_dir) = data_dir.filter(|d| !d.is_empty()) else {
        // cobra's error, the usage, then etcdutl's error.
        let error = "Error: required flag(s) \"data-dir\" not set\n";
        cx.err(format!("{error}{DEFRAG_REQUIRED_USAGE}{error}"))?;
        return Ok(EXIT_ERROR);
    };
    let db_path = format!("{}/member/snap/db", data_dir.trim_end_matches('/'));
    let fail = |cx: &mut Context<'_>, why: String| -> CommandResult {
        cx.err(format!("Error: Failed to defragment etcd data[{data_dir}] ({why})\n"))?;
        Ok(EXIT_ERROR)
    };
    let bytes = match cx.read_file(&db_path) {
        Ok(bytes) => bytes,
        Err(error) => return fail(cx, format!("stat {db_path}: {}", error.to_string().to_lowercase())),
    };
    let mut backend = match Backend::open(Box::new(MemDisk::from_bytes(bytes))) {
        Ok(backend) => backend,
        Err(error) => return fail(cx, error.to_string()),
    };
    if let Err(error) = backend.defrag(Box::new(MemDisk::new())) {
        return fail(cx, error.to_string());
    }
    let bytes = match backend.db().file_bytes() {
        Ok(bytes) => bytes,
        Err(error) => return fail(cx, error.to_string()),
    };
    let path = cx.resolve(&db_path);
    if let Err(error) = cx.fs().write(&path, &bytes, false) {
        return fail(cx, format!("write {db_path}: {}", error.to_string().to_lowercase()));
    }
    Ok(0)
}

fn snapshot_status(cx: &mut Context<'_>, files: &[&str], format: Format) -> CommandResult {
    let [file] = files else {
        cx.err("Error: snapshot status requires exactly one argument\n")?;
        return Ok(EXIT_BAD_ARGS);
    };
    let bytes = match cx.read_file(file) {
        Ok(bytes) => bytes,
        Err(FsError::NotFound) => {
            cx.err(format!("Error: stat {file}: no such file or directory\n"))?;
            return Ok(EXIT_ERROR);
        }
        Err(error) => {
            cx.err(format!("Error: open {file}: {}\n", error.to_string().to_lowercase()))?;
            return Ok(EXIT_ERROR);
        }
    };
    let status = match snapshot::status(&bytes) {
        Ok(status) => status,
        Err(SnapshotError::Db(error)) => {
            cx.err(format!("Error: {error}\n"))?;
            return Ok(EXIT_ERROR);
        }
        Err(error) => {
            cx.err(format!("Error: {error}\n"))?;
            return Ok(EXIT_ERROR);
        }
    };
    let hash = format!("{:x}", status.hash);
    let size = humanize::bytes(status.total_size);
    let text = match format {
        Format::Simple => format!("{hash}, {}, {}, {size}\n", status.revision, status.total_key),
        Format::Json => {
            let json = SnapshotStatusJson {
                hash: status.hash,
                revision: status.revision,
                total_key: status.total_key,
                total_size: status.total_size,
            };
            marshal(&json) + "\n"
        }
        Format::Fields => format!(
            "\"Hash\" : {}\n\"Revision\" : {}\n\"Keys\" : {}\n\"Size\" : {}\n",
            status.hash, status.revision, status.total_key, status.total_size
        ),
        Format::Table => table(
            &["HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"],
            &[hash, status.revision.to_string(), status.total_key.to_string(), size],
        ),
    };
    cx.out(text)?;
    Ok(0)
}

/// etcd's tables (tablewriter): headers centred, cells right-aligned, one space of padding.
fn table(headers: &[&str], cells: &[String]) -> String {
    let widths: Vec<usize> = headers.iter().zip(cells).map(|(h, c)| h.len().max(c.chars().count())).collect();
    let rule: String = widths.iter().map(|w| format!("+{}", "-".repeat(w + 2))).collect::<String>() + "+\n";
    let mut text = rule.clone();
    for (header, width) in headers.iter().zip(&widths) {
        let gap = width - header.len();
        let left = gap / 2;
        text.push_str(&format!("| {}{header}{} ", " ".repeat(left), " ".repeat(gap - left)));
    }
    text.push_str("|\n");
    text.push_str(&rule);
    for (cell, width) in cells.iter().zip(&widths) {
        text.push_str(&format!("| {cell:>width$} "));
    }
    text.push_str("|\n");
    text.push_str(&rule);
    text
}

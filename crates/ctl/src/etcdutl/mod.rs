//! `etcdutl`: etcd's offline utility, on files of the host filesystem (3.5.1's output). One
//! file per command, as etcdutl's own source has them; this one parses the global flags and
//! dispatches.

mod defrag;
mod snapshot_restore;
mod snapshot_status;

use defrag::defrag;
use snapshot_restore::snapshot_restore;
use snapshot_status::snapshot_status;

use playground_bolt::MemDisk;
use playground_datadir::json::marshal;
use playground_datadir::RestoreOptions;
use playground_mvcc::snapshot::{self, SnapshotError};
use playground_mvcc::Backend;

use playground_server::EtcdVersion;

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
    let plain: Vec<&str> = words.iter().map(String::as_str).filter(|w| !w.starts_with('-')).collect();
    if cx.world().version() == EtcdVersion::V3_6 {
        if let Some(page) = help_3_6(&plain, help) {
            return text(cx, page);
        }
    }
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["snapshot", ..] if help => text(cx, SNAPSHOT_USAGE),
        ["defrag", ..] if help => text(cx, DEFRAG_USAGE),
        ["snapshot", "status", rest @ ..] => snapshot_status(cx, rest, format),
        ["snapshot"] => text(cx, SNAPSHOT_USAGE),
        ["defrag", rest @ ..] => defrag(cx, rest),
        ["version", ..] => {
            let version = cx.world().version();
            text(cx, &format!("etcdutl version: {}\nAPI version: {}\n", version.server(), version.api()))
        }
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

/// etcdutl 3.6.14's help pages (recorded in shared/reference/08-cli.md), for `--help` and for
/// a group named without its subcommand.
fn help_3_6(words: &[&str], help: bool) -> Option<&'static str> {
    const USAGE: &str = include_str!("help/3.6/etcdutl.txt");
    const SNAPSHOT: &str = include_str!("help/3.6/snapshot.txt");
    const SNAPSHOT_STATUS: &str = include_str!("help/3.6/snapshot-status.txt");
    const DEFRAG: &str = include_str!("help/3.6/defrag.txt");
    const HASHKV: &str = include_str!("help/3.6/hashkv.txt");
    const MIGRATE: &str = include_str!("help/3.6/migrate.txt");
    match words {
        [] | ["help", ..] => Some(USAGE),
        ["snapshot"] => Some(SNAPSHOT),
        ["snapshot", "status", ..] if help => Some(SNAPSHOT_STATUS),
        ["snapshot", ..] if help => Some(SNAPSHOT),
        ["defrag", ..] if help => Some(DEFRAG),
        ["hashkv", ..] if help => Some(HASHKV),
        ["migrate", ..] if help => Some(MIGRATE),
        _ if help => Some(USAGE),
        _ => None,
    }
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

//! `etcdutl`: etcd's offline utility, on files of the host filesystem (3.5.1's output).

use playground_mvcc::snapshot::{self, SnapshotError};

use super::humanize;
use crate::command::{CommandResult, Context};
use crate::fs::FsError;

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
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["snapshot", "status", rest @ ..] => snapshot_status(cx, rest, format),
        ["snapshot", "restore", ..] | ["defrag", ..] => {
            cx.err("Error: this etcdutl command arrives with the virtual cluster's data directories\n")?;
            Ok(EXIT_ERROR)
        }
        [] | ["help", ..] | ["--help"] | ["-h"] => {
            cx.out(USAGE)?;
            Ok(0)
        }
        [other, ..] => {
            cx.err(format!(
                "Error: unknown command \"{other}\" for \"etcdutl\"\nRun 'etcdutl --help' for usage.\n"
            ))?;
            Ok(EXIT_ERROR)
        }
    }
}

const USAGE: &str = "NAME:
\tetcdutl - An administrative command line tool for etcd3.

USAGE:
\tetcdutl [flags]

COMMANDS:
\tsnapshot status\tGets backend snapshot status of a given file

OPTIONS:
  -w, --write-out string   set the output format (fields, json, protobuf, simple, table) (default \"simple\")
";

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
        Format::Json => format!(
            "{{\"hash\":{},\"revision\":{},\"totalKey\":{},\"totalSize\":{}}}\n",
            status.hash, status.revision, status.total_key, status.total_size
        ),
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

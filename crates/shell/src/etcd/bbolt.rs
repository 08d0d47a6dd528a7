//! `bbolt`: bbolt's own inspector, on db files of the host filesystem (an etcd snapshot is a db
//! with a trailer, which bbolt ignores).

use playground_bolt::{BucketRoot, Db, MemDisk};

use crate::command::{CommandResult, Context};
use crate::fs::FsError;

pub fn bbolt(cx: &mut Context<'_>, args: &[String]) -> CommandResult {
    let words: Vec<&str> = args[1..].iter().map(String::as_str).collect();
    let (command, rest) = match words.split_first() {
        Some((command, rest)) => (*command, rest),
        None => {
            cx.out(USAGE)?;
            return Ok(0);
        }
    };
    let needs = match command {
        "check" | "buckets" | "pages" => 1,
        "keys" => 2,
        "help" | "--help" | "-h" => {
            cx.out(USAGE)?;
            return Ok(0);
        }
        other => {
            cx.err(format!(
                "Error: unknown command \"{other}\" for \"bbolt\"\nRun 'bbolt --help' for usage.\n"
            ))?;
            return Ok(1);
        }
    };
    if rest.len() < needs {
        cx.err(format!("Error: accepts {needs} arg(s), received {}\n", rest.len()))?;
        return Ok(1);
    }
    let path = rest[0];
    let bytes = match cx.read_file(path) {
        Ok(bytes) => bytes,
        Err(FsError::NotFound) => {
            cx.err(format!("Error: source database file \"{path}\" doesn't exist\n"))?;
            return Ok(1);
        }
        Err(error) => {
            cx.err(format!("Error: failed to open source database file \"{path}\": {error}\n"))?;
            return Ok(1);
        }
    };
    let db = match Db::open(Box::new(MemDisk::from_bytes(bytes))) {
        Ok(db) => db,
        Err(error) => {
            cx.err(format!("Error: {error}\n"))?;
            return Ok(1);
        }
    };
    let tx = db.view();
    let mut out = String::new();
    let result = match command {
        "check" => {
            let errors = tx.check();
            for error in &errors {
                out.push_str(error);
                out.push('\n');
            }
            if errors.is_empty() {
                out.push_str("OK\n");
                Ok(())
            } else {
                out.push_str(&format!("{} errors found\n", errors.len()));
                Err("invalid value".to_string())
            }
        }
        "buckets" => tx.bucket_names(&tx.root()).map_err(|e| e.to_string()).map(|names| {
            for name in names {
                out.push_str(&String::from_utf8_lossy(&name));
                out.push('\n');
            }
        }),
        "keys" => keys(&tx, rest[1], &mut out),
        _ => tx.pages().map_err(|e| e.to_string()).map(|pages| {
            out.push_str("ID       TYPE       ITEMS  OVRFLW\n======== ========== ====== ======\n");
            for page in pages {
                let (count, overflow) = if page.kind == "free" {
                    (String::new(), String::new())
                } else {
                    let overflow = if page.overflow > 0 { page.overflow.to_string() } else { String::new() };
                    (page.count.to_string(), overflow)
                };
                out.push_str(&format!("{:<8} {:<10} {:<6} {:<6}\n", page.id, page.kind, count, overflow));
            }
        }),
    };
    cx.out(out)?;
    match result {
        Ok(()) => Ok(0),
        Err(error) => {
            cx.err(format!("Error: {error}\n"))?;
            Ok(1)
        }
    }
}

fn keys(tx: &playground_bolt::Tx<'_>, bucket: &str, out: &mut String) -> Result<(), String> {
    let root: BucketRoot = match tx.bucket(&tx.root(), bucket.as_bytes()).map_err(|e| e.to_string())? {
        Some(root) => root,
        None => return Err("bucket not found".into()),
    };
    tx.for_each(&root, &mut |key, _, _| {
        out.push_str(&printable(key));
        out.push('\n');
        true
    })
    .map_err(|e| e.to_string())
}

/// bbolt's "auto" format: text when every byte is printable, hex otherwise.
fn printable(bytes: &[u8]) -> String {
    if bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        String::from_utf8_lossy(bytes).into_owned()
    } else {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

const USAGE: &str = "The bbolt command inspects bbolt databases.

Usage:
  bbolt [command]

Available Commands:
  buckets     print a list of buckets in bbolt database
  check       verify integrity of bbolt database data
  keys        print a list of keys in the given (sub)bucket in bbolt database
  pages       print list of pages with their types
";

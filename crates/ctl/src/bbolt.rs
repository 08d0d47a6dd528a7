//! `bbolt`: bbolt's own inspector, on db files of the host filesystem (an etcd snapshot is a db
//! with a trailer, which bbolt ignores).

use playground_bolt::{BucketRoot, BucketStats, Db, MemDisk, Meta, PageType, PageView};

use crate::{CommandResult, Context};
use playground_shell::FsError;

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
        _ if rest.iter().any(|a| *a == "--help" || *a == "-h") => {
            cx.out(USAGE)?;
            return Ok(0);
        }
        "check" | "buckets" | "pages" | "stats" => 1,
        "keys" | "page" => 2,
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
        "stats" => stats(&tx, rest.get(1).copied().unwrap_or(""), &mut out),
        "page" => {
            for (i, id) in rest[1..].iter().enumerate() {
                if i > 0 {
                    out.push_str("===============================================\n");
                }
                match id.parse::<u64>() {
                    Ok(id) => {
                        if let Err(error) = page(&tx, id, &mut out) {
                            out.push_str(&format!("Printing page {id} failed: {error}. Continuing...\n"));
                        }
                    }
                    Err(_) => {
                        out.push_str(&format!("Printing page {id} failed: invalid page id. Continuing...\n"))
                    }
                }
            }
            Ok(())
        }
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

/// `bbolt stats`: bbolt's aggregate figures over the buckets whose name starts with `prefix`.
fn stats(tx: &playground_bolt::Tx<'_>, prefix: &str, out: &mut String) -> Result<(), String> {
    let root = tx.root();
    let mut total = BucketStats::default();
    let mut count = 0;
    for name in tx.bucket_names(&root).map_err(|e| e.to_string())? {
        if !name.starts_with(prefix.as_bytes()) {
            continue;
        }
        let Some(bucket) = tx.bucket(&root, &name).map_err(|e| e.to_string())? else { continue };
        total.add(&tx.bucket_stats(&bucket).map_err(|e| e.to_string())?);
        count += 1;
    }
    let percent =
        |part: u64, whole: u64| if whole == 0 { 0 } else { (part as f32 * 100.0 / whole as f32) as u64 };
    let s = total;
    out.push_str(&format!("Aggregate statistics for {count} buckets\n\n"));
    out.push_str("Page count statistics\n");
    out.push_str(&format!("\tNumber of logical branch pages: {}\n", s.branch_page_n));
    out.push_str(&format!("\tNumber of physical branch overflow pages: {}\n", s.branch_overflow_n));
    out.push_str(&format!("\tNumber of logical leaf pages: {}\n", s.leaf_page_n));
    out.push_str(&format!("\tNumber of physical leaf overflow pages: {}\n", s.leaf_overflow_n));
    out.push_str("Tree statistics\n");
    out.push_str(&format!("\tNumber of keys/value pairs: {}\n", s.key_n));
    out.push_str(&format!("\tNumber of levels in B+tree: {}\n", s.depth));
    out.push_str("Page size utilization\n");
    out.push_str(&format!("\tBytes allocated for physical branch pages: {}\n", s.branch_alloc));
    out.push_str(&format!(
        "\tBytes actually used for branch data: {} ({}%)\n",
        s.branch_inuse,
        percent(s.branch_inuse, s.branch_alloc)
    ));
    out.push_str(&format!("\tBytes allocated for physical leaf pages: {}\n", s.leaf_alloc));
    out.push_str(&format!(
        "\tBytes actually used for leaf data: {} ({}%)\n",
        s.leaf_inuse,
        percent(s.leaf_inuse, s.leaf_alloc)
    ));
    out.push_str("Bucket statistics\n");
    out.push_str(&format!("\tTotal number of buckets: {}\n", s.bucket_n));
    out.push_str(&format!(
        "\tTotal number on inlined buckets: {} ({}%)\n",
        s.inline_bucket_n,
        percent(s.inline_bucket_n, s.bucket_n)
    ));
    out.push_str(&format!(
        "\tBytes used for inlined buckets: {} ({}%)\n",
        s.inline_bucket_inuse,
        percent(s.inline_bucket_inuse, s.leaf_inuse)
    ));
    Ok(())
}

/// `bbolt page FILE ID`: one page decoded, as bbolt prints it.
fn page(tx: &playground_bolt::Tx<'_>, id: u64, out: &mut String) -> playground_bolt::Result<()> {
    let bytes = tx.page(id)?;
    let page = PageView::parse(&bytes)?;
    out.push_str(&format!("Page ID:    {}\n", page.id));
    out.push_str(&format!("Page Type:  {}\n", page.page_type().name()));
    out.push_str(&format!("Total Size: {} bytes\n", bytes.len()));
    out.push_str(&format!("Overflow pages: {}\n", page.overflow));
    match page.page_type() {
        PageType::Meta => {
            let meta = Meta::parse(&bytes)?;
            out.push_str(&format!(
                "Version:    {}\nPage Size:  {} bytes\nFlags:      {:08x}\nRoot:       <pgid={}>\nFreelist:   <pgid={}>\nHWM:        <pgid={}>\nTxn ID:     {}\nChecksum:   {:016x}\n\n",
                meta.version, meta.page_size, meta.flags, meta.root, meta.freelist, meta.pgid, meta.txid, meta.checksum
            ));
        }
        PageType::Leaf => {
            out.push_str(&format!("Item Count: {}\n\n", page.count));
            for element in page.leaf_elements()? {
                let value = if element.is_bucket() {
                    let root = playground_bolt::format::u64_le(element.value, 0);
                    let sequence = playground_bolt::format::u64_le(element.value, 8);
                    format!("<pgid={root},seq={sequence}>")
                } else {
                    quoted_or_hex(element.value)
                };
                out.push_str(&format!("{}: {value}\n", quoted_or_hex(element.key)));
            }
            out.push('\n');
        }
        PageType::Branch => {
            out.push_str(&format!("Item Count: {}\n\n", page.count));
            for element in page.branch_elements()? {
                out.push_str(&format!("{}: <pgid={}>\n", quoted_or_hex(element.key), element.child));
            }
            out.push('\n');
        }
        PageType::Freelist => {
            let ids = page.freelist_ids()?;
            out.push_str(&format!("Item Count: {}\nOverflow: {}\n\n", ids.len(), page.overflow));
            for id in ids {
                out.push_str(&format!("{id}\n"));
            }
            out.push('\n');
        }
        PageType::Unknown(_) => {}
    }
    Ok(())
}

/// Go's `%q` for printable text, hex otherwise (bbolt's "auto" value format).
fn quoted_or_hex(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.chars().all(|c| !c.is_control()) => {
            format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
        }
        _ => bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
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
  page        print one or more pages in human readable format.
  pages       print list of pages with their types
  stats       print stats of bbolt database
";

//! `etcdutl snapshot status`: hash, revision, keys and size of a snapshot file.

use super::*;

/// etcdutl's `snapshot.Status` as `-w json` marshals it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotStatusJson {
    hash: u32,
    revision: i64,
    total_key: u64,
    total_size: u64,
}

pub(super) fn snapshot_status(cx: &mut Context<'_>, files: &[&str], format: Format) -> CommandResult {
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
    if bytes.is_empty() {
        // bbolt takes an empty file for a new db and writes its first pages, which fails on
        // the read-only descriptor etcdutl opened (etcdutl 3.5.1 here).
        cx.err(format!("Error: write {file}: bad file descriptor\n"))?;
        return Ok(EXIT_ERROR);
    }
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

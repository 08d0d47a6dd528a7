//! `etcdutl snapshot status`: hash, revision, keys and size of a snapshot file.

use playground_server::EtcdVersion;

use super::*;

/// etcdutl's `snapshot.Status` as `-w json` marshals it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotStatusJson {
    hash: u32,
    revision: i64,
    total_key: u64,
    total_size: u64,
    /// 3.6 on.
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
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
    // etcdutl 3.6 counts the live keys and adds the storage version.
    let release = cx.world().version();
    let (total_key, version) = match release {
        EtcdVersion::V3_5 => (status.total_key, None),
        EtcdVersion::V3_6 => (status.live_keys, Some(status.storage_version.clone().unwrap_or_default())),
    };
    let hash = format!("{:x}", status.hash);
    let size = humanize::bytes(status.total_size);
    let text = match format {
        Format::Simple => match &version {
            None => format!("{hash}, {}, {total_key}, {size}\n", status.revision),
            Some(v) => format!("{hash}, {}, {total_key}, {size}, {v}\n", status.revision),
        },
        Format::Json => {
            let json = SnapshotStatusJson {
                hash: status.hash,
                revision: status.revision,
                total_key,
                total_size: status.total_size,
                version: version.clone(),
            };
            marshal(&json) + "\n"
        }
        // 3.6's fields layout is not in the reference: 3.5's lines, with 3.6's count.
        Format::Fields => format!(
            "\"Hash\" : {}\n\"Revision\" : {}\n\"Keys\" : {}\n\"Size\" : {}\n",
            status.hash, status.revision, total_key, status.total_size
        ),
        Format::Table => {
            let mut headers = vec!["HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"];
            let mut cells = vec![hash, status.revision.to_string(), total_key.to_string(), size];
            if let Some(v) = version {
                headers.push("VERSION");
                cells.push(v);
            }
            table(&headers, &cells)
        }
    };
    cx.out(text)?;
    Ok(0)
}

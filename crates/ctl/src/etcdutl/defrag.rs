//! `etcdutl defrag`: offline defragmentation of a data directory.

use super::*;

/// The usage cobra prints above a defrag without `--data-dir` (on stderr).
const DEFRAG_REQUIRED_USAGE: &str = include_str!("defrag-usage.txt");

/// `etcdutl defrag --data-dir DIR`: defragments `DIR/member/snap/db` on the host filesystem,
/// as etcd's online defrag would (etcd must not be running on it).
pub(super) fn defrag(cx: &mut Context<'_>, args: &[&str]) -> CommandResult {
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

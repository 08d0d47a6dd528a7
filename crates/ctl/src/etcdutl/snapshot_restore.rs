//! `etcdutl snapshot restore` (and etcdctl's deprecated form, handed on here).

use playground_server::log::ZapValue::Number;

use super::*;

/// The stack zap records with "restoring snapshot", as etcd 3.5.1's build prints it.
const RESTORE_STACK: &str = include_str!("restore-stack.txt");
const RESTORE_STACK_ETCDCTL: &str = include_str!("restore-stack-etcdctl.txt");

/// The usage cobra prints above a restore without `--data-dir` (on stderr).
const RESTORE_USAGE: &str = include_str!("restore-usage.txt");

/// `etcdutl snapshot restore FILE --data-dir DIR`: a new member data directory on the host
/// filesystem, which `etcd --data-dir DIR` starts from (real etcd 3.5.1 too).
pub(super) fn snapshot_restore(
    cx: &mut Context<'_>,
    args: &[&str],
    data_dir_required: bool,
) -> CommandResult {
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
    let release = cx.world().version();
    // 3.6 logs the mmap size it opens the db with where 3.5.1 logged the restore's stack.
    let mut dirs_3_6 = dirs.to_vec();
    dirs_3_6.push(("initial-memory-map-size", Number(INITIAL_MMAP_SIZE)));
    match release {
        EtcdVersion::V3_5 => {
            // The restore's stack as zap records it: etcdutl's, or etcdctl's deprecated command's.
            let stack = if data_dir_required { RESTORE_STACK } else { RESTORE_STACK_ETCDCTL };
            let mut restoring = dirs.to_vec();
            restoring.push(("stack", Str(stack)));
            restore_log(cx, "snapshot/v3_snapshot.go:251", "restoring snapshot", &restoring)?;
        }
        EtcdVersion::V3_6 => restore_log(cx, "snapshot/v3_snapshot.go:305", "restoring snapshot", &dirs_3_6)?,
    }
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
    let db = clean_path(&format!("{snap_dir}/db"));
    // 3.6's bbolt logs each open of the db (the `bbolt` logger's column precedes the caller).
    let open_db = |cx: &mut Context<'_>| -> Result<(), crate::Stop> {
        if release == EtcdVersion::V3_6 {
            let options = format!("Opening db file ({db}) with mode -rw------- and with options: {{Timeout: 0s, NoGrowSync: false, NoFreelistSync: true, PreLoadFreelist: false, FreelistType: , ReadOnly: false, MmapFlags: 8000, InitialMmapSize: {INITIAL_MMAP_SIZE}, PageSize: 0, NoSync: false, OpenFile: 0x0, Mlock: false, Logger: 0xc000010000}}");
            restore_log(cx, "bbolt\tbackend/backend.go:203", &options, &[])?;
            let opened = format!("Opening bbolt db ({db}) successfully");
            restore_log(cx, "bbolt\tbbolt@v1.4.3/db.go:322", &opened, &[])?;
        }
        Ok(())
    };
    open_db(cx)?;
    let trimming = match release {
        EtcdVersion::V3_5 => "membership/store.go:141",
        EtcdVersion::V3_6 => "schema/membership.go:138",
    };
    restore_log(cx, trimming, "Trimming membership information from the backend...", &[])?;
    open_db(cx)?;
    let cluster = format!("{cluster_id:x}");
    for member in &members {
        let id = format!("{:x}", member.id);
        let mut fields = vec![
            ("cluster-id", Str(&cluster)),
            ("local-member-id", Str("0")),
            ("added-peer-id", Str(&id)),
            ("added-peer-peer-urls", Strs(&member.peer_urls)),
        ];
        let caller = match release {
            EtcdVersion::V3_5 => "membership/cluster.go:421",
            EtcdVersion::V3_6 => {
                fields.push(("added-peer-is-learner", Number("false")));
                "membership/cluster.go:424"
            }
        };
        restore_log(cx, caller, "added member", &fields)?;
    }
    open_db(cx)?;
    match release {
        EtcdVersion::V3_5 => restore_log(cx, "snapshot/v3_snapshot.go:272", "restored snapshot", &dirs)?,
        EtcdVersion::V3_6 => restore_log(cx, "snapshot/v3_snapshot.go:333", "restored snapshot", &dirs_3_6)?,
    }
    Ok(0)
}

/// The mmap size etcdutl 3.6 opens the restored db with (10 GiB).
const INITIAL_MMAP_SIZE: &str = "10737418240";

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

//! `etcdctl` (v3 API, 3.5.1's output): global flags and `ETCDCTL_*` variables, the typed
//! client each command talks through, and errors printed as etcdctl prints them (the client's
//! retry warning, then `Error: ...`). Commands live in [`command`], one file each; the output
//! formats in [`printer`], one file each.

mod command;
pub(crate) mod flags;
pub(crate) mod go;
mod help;
mod printer;

use playground_server::client::{self, RetryWarning, Status};
use playground_server::log::{
    zap_line,
    ZapValue::{Number, Str},
};
use playground_server::{Error, EtcdVersion};
use playground_shell::World;

use crate::{CommandResult, Context};

/// etcdctl's exit codes (cobrautl).
pub(super) const EXIT_ERROR: i32 = 1;
pub(super) const EXIT_BAD_CONNECTION: i32 = 2;
/// etcdctl's `ExitInvalidInput`: a txn it cannot read.
pub(super) const EXIT_INVALID_INPUT: i32 = 3;
pub(super) const EXIT_BAD_FEATURE: i32 = 4;
/// etcdctl's `ExitInterrupted`: a snapshot save that failed.
pub(super) const EXIT_INTERRUPTED: i32 = 5;
pub(super) const EXIT_BAD_ARGS: i32 = 128;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Format {
    Simple,
    Json,
    Table,
    Fields,
    Protobuf,
}

/// Virtual time an etcdctl run spends before its first request.
const CLIENT_START_MILLIS: u64 = 18;

/// A parsed command line: the words, and the flags with their values.
#[derive(Debug, Default)]
pub(super) struct Args {
    pub words: Vec<String>,
    pub flags: Vec<(String, String)>,
}

impl Args {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.flags.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn flag(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| v != "false")
    }
}

/// A command line pflag refuses, in pflag's words.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FlagError {
    Unknown(String),
    UnknownShorthand {
        letter: String,
        arg: String,
    },
    NeedsArgument(String),
    NeedsArgumentShorthand(String),
    /// A value its flag's type does not parse: the flag as pflag names it (`--rev`,
    /// `-w, --write-out`), and the parser's error.
    InvalidValue {
        value: String,
        flag: String,
        cause: String,
    },
}

impl std::fmt::Display for FlagError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlagError::Unknown(name) => write!(f, "unknown flag: --{name}"),
            FlagError::UnknownShorthand { letter, arg } => {
                write!(f, "unknown shorthand flag: '{letter}' in {arg}")
            }
            FlagError::NeedsArgument(name) => write!(f, "flag needs an argument: --{name}"),
            FlagError::NeedsArgumentShorthand(letter) => {
                write!(f, "flag needs an argument: '{letter}' in -{letter}")
            }
            FlagError::InvalidValue { value, flag, cause } => {
                write!(
                    f,
                    "invalid argument {} for {} flag: {cause}",
                    go::quote(value.as_bytes()),
                    go::quote(flag.as_bytes())
                )
            }
        }
    }
}

/// A flag's value as its type parses it; booleans and numbers kept in one spelling (`true`,
/// `16`) for the commands to read.
fn typed_value(flag: &flags::Flag, value: String) -> Result<String, FlagError> {
    let invalid = |cause: String| {
        let name = match flag.shorthand {
            Some(letter) => format!("-{letter}, --{}", flag.name),
            None => format!("--{}", flag.name),
        };
        FlagError::InvalidValue { value: value.clone(), flag: name, cause }
    };
    match flag.kind {
        flags::Kind::Bool => {
            go::parse_bool(&value).map(|b| b.to_string()).map_err(|e| invalid(e.to_string()))
        }
        flags::Kind::Int => {
            go::parse_int(&value, 0).map(|n| n.to_string()).map_err(|e| invalid(e.to_string()))
        }
        flags::Kind::Duration => match go::parse_duration(&value) {
            Ok(_) => Ok(value),
            Err(e) => Err(invalid(e.to_string())),
        },
        flags::Kind::String => Ok(value),
    }
}

fn parse(args: &[String], version: EtcdVersion) -> Result<Args, FlagError> {
    let mut parsed = Args::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            parsed.words.extend(iter.by_ref().cloned());
            break;
        }
        if let Some(body) = arg.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (body, None),
            };
            let gone = version == EtcdVersion::V3_6 && flags::GONE_IN_3_6.contains(&name);
            let flag = flags::long(name).filter(|_| !gone).ok_or_else(|| FlagError::Unknown(name.into()))?;
            let value = match inline {
                Some(value) => value,
                None if !flag.value() => "true".into(),
                None => iter.next().cloned().ok_or_else(|| FlagError::NeedsArgument(name.into()))?,
            };
            parsed.flags.push((name.into(), typed_value(flag, value)?));
        } else if let Some(short) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            // pflag reads the shorthand as the first byte: a multi-byte character names no flag,
            // and shows as that byte's Latin-1 character (`-ӏ` gives 'Ó', as etcdctl 3.5.1 prints).
            let first = short.as_bytes()[0];
            if !first.is_ascii() {
                return Err(FlagError::UnknownShorthand {
                    letter: char::from(first).to_string(),
                    arg: arg.clone(),
                });
            }
            let (letter, rest) = short.split_at(1);
            let Some(flag) = flags::short(letter) else {
                return Err(FlagError::UnknownShorthand { letter: letter.into(), arg: arg.clone() });
            };
            let name = flag.name;
            if !flag.value() {
                parsed.flags.push((name.into(), "true".into()));
                continue;
            }
            let value = match rest.strip_prefix('=').unwrap_or(rest) {
                "" => iter.next().cloned().ok_or_else(|| FlagError::NeedsArgumentShorthand(letter.into()))?,
                value => value.to_string(),
            };
            parsed.flags.push((name.into(), typed_value(flag, value)?));
        } else {
            parsed.words.push(arg.clone());
        }
    }
    Ok(parsed)
}

/// One etcdctl run: the parsed line, the output format, the endpoints.
pub(super) struct Invocation {
    pub args: Args,
    pub format: Format,
    pub endpoints: Vec<String>,
    /// The release etcdctl is (the playground's): it picks the output layouts.
    pub version: EtcdVersion,
}

impl Invocation {
    /// The printer for `--write-out`.
    pub fn printer(&self) -> &'static dyn printer::Printer {
        printer::printer(self.format)
    }

    /// An empty output for the printer, with `--hex`.
    pub fn printed(&self) -> printer::Printed {
        printer::Printed { hex: self.args.flag("hex"), version: self.version, ..Default::default() }
    }

    /// `--command-timeout`, 5 s unless given; a negative one has passed already.
    pub fn command_timeout_micros(&self) -> u64 {
        let nanos = self.args.get("command-timeout").map(go::parse_duration);
        match nanos {
            Some(Ok(nanos)) => nanos.max(0) as u64 / 1000,
            _ => 5_000_000,
        }
    }
}

pub fn etcdctl(cx: &mut Context<'_>, argv: &[String]) -> CommandResult {
    let version = cx.world().version();
    let mut args = match parse(&argv[1..], version) {
        Ok(args) => args,
        Err(message) => {
            // cobra prints the command's usage, then the error: 3.5.1's etcdctl prints it again.
            let words: Vec<&str> =
                argv[1..].iter().map(String::as_str).filter(|w| !w.starts_with('-')).collect();
            let page = |words: &[&str]| help::page(words, version).filter(|_| !words.is_empty());
            // 3.6 knows no `snapshot status|restore`: the usage is the group's.
            let usage = page(&words[..words.len().min(2)]).or_else(|| {
                (version == EtcdVersion::V3_6 && words.first() == Some(&"snapshot"))
                    .then(|| help::page(&["snapshot"], version))
                    .flatten()
            });
            if let Some(usage) = usage {
                cx.out(usage)?;
            }
            match version {
                EtcdVersion::V3_5 => cx.err(format!("Error: {message}\n\nError: {message}\n"))?,
                EtcdVersion::V3_6 => cx.err(format!("Error: {message}\n\n"))?,
            }
            return Ok(EXIT_ERROR);
        }
    };
    let words: Vec<&str> = args.words.iter().map(String::as_str).collect();
    if args.flag("help") {
        let page = help::page(&words[..words.len().min(2)], version)
            .or_else(|| help::page(&words[..words.len().min(1)], version));
        cx.out(page.unwrap_or(help::page(&[], version).unwrap_or_default()))?;
        return Ok(0);
    }
    if let Some(page) = help::group_page(&words, version) {
        cx.out(page)?;
        return Ok(0);
    }
    // ETCDCTL_* variables stand for the global flags not given.
    for (var, flag) in [
        ("ETCDCTL_ENDPOINTS", "endpoints"),
        ("ETCDCTL_WRITE_OUT", "write-out"),
        ("ETCDCTL_COMMAND_TIMEOUT", "command-timeout"),
        ("ETCDCTL_DIAL_TIMEOUT", "dial-timeout"),
    ] {
        if args.get(flag).is_none() {
            if let Some(value) = cx.env(var) {
                args.flags.insert(0, (flag.into(), value.to_string()));
            }
        }
    }
    if let (EtcdVersion::V3_6, Some(api)) = (version, cx.env("ETCDCTL_API").map(String::from)) {
        // 3.6 has only the v3 API: the variable is one it does not know, and says so.
        let now = cx.world().now().as_micros() as u64;
        let setting = format!("ETCDCTL_API={api}");
        cx.err(
            zap_line(&[
                ("level", Str("warn")),
                ("ts", Str(&playground_server::timestamp(now))),
                ("caller", Str("flags/flag.go:94")),
                ("msg", Str("unrecognized environment variable")),
                ("environment-variable", Str(&setting)),
            ]) + "\n",
        )?;
    } else if let Some(api) = cx.env("ETCDCTL_API") {
        if api != "3" {
            cx.err(format!("Error: unsupported API version {api:?}: the playground speaks the v3 API\n"))?;
            return Ok(EXIT_BAD_FEATURE);
        }
    }
    let format = match args.get("write-out").unwrap_or("simple") {
        "simple" => Format::Simple,
        "json" => Format::Json,
        "table" => Format::Table,
        "fields" => Format::Fields,
        "protobuf" => Format::Protobuf,
        _ => {
            cx.err("Error: unsupported output format\n")?;
            return Ok(EXIT_BAD_FEATURE);
        }
    };
    // pflag's string slice: `--endpoints=` is none, `--endpoints=,` two empty ones.
    let endpoints = match args.get("endpoints").unwrap_or("127.0.0.1:2379") {
        "" => Vec::new(),
        list => list.split(',').map(String::from).collect(),
    };
    let client = Invocation { args, format, endpoints, version };
    let words: Vec<&str> = client.args.words.iter().map(String::as_str).collect();
    // `--endpoints=` is an empty list: clientv3 refuses to make a client of it.
    let needs_client =
        !matches!(words.as_slice(), [] | ["version", ..] | ["snapshot", "status" | "restore", ..]);
    if client.endpoints.is_empty() && needs_client {
        cx.err("Error: etcdclient: no available endpoints\n")?;
        return Ok(EXIT_BAD_CONNECTION);
    }
    // Starting the client and dialling take time: real etcdctl 3.5.1 runs back to back in a
    // bash loop take 17-19 ms each on the reference machine (the transcripts' 45-50 ms between
    // records include the recorder's own process starts). Backend batches see commands that
    // far apart, so about three of the guide's 1 MiB puts share a 100 ms commit, as in 02.
    cx.world().advance(std::time::Duration::from_millis(CLIENT_START_MILLIS));
    match words.as_slice() {
        [] => {
            cx.out(help::page(&[], version).unwrap_or_default())?;
            Ok(0)
        }
        ["version", ..] => command::version::version(cx),
        ["put", rest @ ..] => command::put::put(cx, &client, rest),
        ["get", rest @ ..] => command::get::get(cx, &client, rest),
        ["del", rest @ ..] => command::del::del(cx, &client, rest),
        ["txn", rest @ ..] => command::txn::txn(cx, &client, rest),
        ["compact" | "compaction", rest @ ..] => command::compact::compact(cx, &client, rest),
        ["defrag", ..] => command::defrag::defrag(cx, &client),
        ["endpoint", "status", ..] => command::endpoint::endpoint_status(cx, &client),
        ["endpoint", "health", ..] => command::endpoint::endpoint_health(cx, &client),
        ["endpoint", "hashkv", ..] => command::endpoint::endpoint_hashkv(cx, &client),
        ["alarm", "list", rest @ ..] => command::alarm::alarm(cx, &client, rest, false),
        ["alarm", "disarm", rest @ ..] => command::alarm::alarm(cx, &client, rest, true),
        ["member", "list", ..] => command::member::member_list(cx, &client),
        ["member", "add", rest @ ..] => command::member::member_add(cx, &client, rest),
        ["member", "remove", rest @ ..] => command::member::member_remove(cx, &client, rest),
        ["member", "promote", rest @ ..] => command::member::member_promote(cx, &client, rest),
        ["lease", "grant", rest @ ..] => command::lease::lease_grant(cx, &client, rest),
        ["lease", "revoke", rest @ ..] => command::lease::lease_revoke(cx, &client, rest),
        ["move-leader", rest @ ..] => command::move_leader::move_leader(cx, &client, rest),
        ["check", "perf", ..] => command::check::check_perf(cx, &client),
        ["snapshot", "save", rest @ ..] => command::snapshot::snapshot_save(cx, &client, rest),
        ["snapshot", "status" | "restore", ..] => {
            cx.err(
                "Deprecated: Use `etcdutl snapshot status` instead.\n\n"
                    .replace("status", if words[1] == "restore" { "restore" } else { "status" }),
            )?;
            let mut forwarded = vec!["etcdctl".to_string()];
            if let Some(format) = client.args.get("write-out") {
                forwarded.push(format!("--write-out={format}"));
            }
            forwarded.extend(client.args.words.iter().cloned());
            for (name, value) in &client.args.flags {
                if !matches!(name.as_str(), "write-out" | "endpoints") {
                    forwarded.push(format!("--{name}={value}"));
                }
            }
            super::etcdutl::etcdutl(cx, &forwarded)
        }
        [other, ..] => {
            let error = format!("Error: unknown command \"{other}\" for \"etcdctl\"\n");
            cx.err(format!("{error}Run 'etcdctl --help' for usage.\n"))?;
            // 3.5.1's etcdctl prints cobra's error again.
            if version == EtcdVersion::V3_5 {
                cx.err(error)?;
            }
            Ok(EXIT_ERROR)
        }
    }
}

/// Which of the client's loggers writes the retry warning: the KV and maintenance clients'
/// (`etcd-client`, ISO time) or the one `endpoint health` builds (`client`, epoch seconds).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Logger {
    EtcdClient,
    Client,
}

/// The retry interceptor's warning as the client's zap logger writes it.
fn retry_warning(logger: Logger, warning: &RetryWarning, version: EtcdVersion) -> String {
    // 3.6's `client` logger writes ISO time too.
    let (name, ts, iso) = match (logger, version) {
        (Logger::EtcdClient, _) => ("etcd-client", playground_server::timestamp(warning.at_micros), true),
        (Logger::Client, EtcdVersion::V3_6) => {
            ("client", playground_server::timestamp(warning.at_micros), true)
        }
        (Logger::Client, EtcdVersion::V3_5) => {
            ("client", playground_server::log::unix_seconds(warning.at_micros), false)
        }
    };
    let target = format!("etcd-endpoints://0xc000024000/{}", warning.endpoint);
    let ts_value = if iso { Str(&ts) } else { Number(&ts) };
    // 3.6's interceptor names the peer (with the client's own ephemeral address) and the
    // method; the reference's 3.6.14 build names its caller with the module's version.
    let peer = match &warning.peer {
        Some(endpoint) => {
            let addr = endpoint.trim_start_matches("http://");
            format!(
                "Peer{{Addr: '{addr}', LocalAddr: '127.0.0.1:{}', AuthInfo: 'insecure'}}",
                local_port(addr)
            )
        }
        // No connection was made.
        None => "Peer{Addr: <nil>, LocalAddr: <nil>, AuthInfo: <nil>}".to_string(),
    };
    let mut fields = vec![("level", Str("warn")), ("ts", ts_value), ("logger", Str(name))];
    match version {
        EtcdVersion::V3_5 => fields.extend([
            ("caller", Str("v3/retry_interceptor.go:62")),
            ("msg", Str("retrying of unary invoker failed")),
            ("target", Str(&target)),
        ]),
        EtcdVersion::V3_6 => {
            fields.extend([
                ("caller", Str("v3@v3.6.14/retry_interceptor.go:68")),
                ("msg", Str("retrying of unary invoker failed")),
                ("target", Str(&target)),
            ]);
            fields.extend([("peer", Str(&peer)), ("method", Str(warning.method))]);
        }
    }
    fields.extend([("attempt", Number("0")), ("error", Str(&warning.error))]);
    zap_line(&fields) + "\n"
}

/// A client port for the connection to `addr`, from Linux's ephemeral range (32768-60999),
/// stable for the same endpoint.
fn local_port(addr: &str) -> u32 {
    let hash = addr.bytes().fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619));
    32768 + hash % (61000 - 32768)
}

/// One or more calls through a client of `endpoints`; the retry warnings it logged go to
/// stderr. `Err(Err(..))` is the shell stopping; `Ok(None)` a shell without a cluster, its
/// error already printed.
pub(super) fn with_client<T>(
    cx: &mut Context<'_>,
    invocation: &Invocation,
    endpoints: Vec<String>,
    logger: Logger,
    calls: impl FnOnce(&mut client::Client<'_>) -> T,
) -> Result<Option<T>, crate::Stop> {
    let config = client::Config { endpoints, command_timeout_micros: invocation.command_timeout_micros() };
    let Some(cluster) = cx.world().cluster() else {
        no_cluster(cx)?;
        return Ok(None);
    };
    let mut client = client::Client::new(cluster, config);
    let answer = calls(&mut client);
    let warnings = client.take_warnings();
    for mut warning in warnings {
        if warning.timed_out {
            // The command timeout passes within the input's budget of virtual time.
            cx.sleep(std::time::Duration::from_micros(invocation.command_timeout_micros()))?;
            warning.at_micros = cx.world().now().as_micros() as u64;
        }
        cx.err(retry_warning(logger, &warning, invocation.version))?;
    }
    Ok(Some(answer))
}

/// One call through a client of the invocation's endpoints. `Err` carries the command's exit
/// status, its error already printed as etcdctl prints it (`Error: ...`).
pub(super) fn call<T>(
    cx: &mut Context<'_>,
    invocation: &Invocation,
    rpc: impl FnOnce(&mut client::Client<'_>) -> Result<T, Status>,
) -> Result<T, CommandResult> {
    call_on(cx, invocation, invocation.endpoints.clone(), rpc)
}

/// [`call`] through a client of `endpoints` only (etcdctl makes one per endpoint where it asks
/// each in turn).
pub(super) fn call_on<T>(
    cx: &mut Context<'_>,
    invocation: &Invocation,
    endpoints: Vec<String>,
    rpc: impl FnOnce(&mut client::Client<'_>) -> Result<T, Status>,
) -> Result<T, CommandResult> {
    match with_client(cx, invocation, endpoints, Logger::EtcdClient, rpc) {
        Err(stop) => Err(Err(stop)),
        Ok(None) => Err(Ok(EXIT_ERROR)),
        Ok(Some(Ok(answer))) => Ok(answer),
        Ok(Some(Err(status))) => Err(fail(cx, &status.error)),
    }
}

/// etcdctl's error line for a failed request.
pub(super) fn fail(cx: &mut Context<'_>, error: &Error) -> CommandResult {
    cx.err(format!("Error: {error}\n"))?;
    Ok(EXIT_ERROR)
}

/// What a printer wrote, onto the command's stdout and stderr; its exit status.
pub(super) fn show(cx: &mut Context<'_>, printed: printer::Printed) -> CommandResult {
    cx.out(printed.out)?;
    cx.err(printed.err)?;
    Ok(printed.exit)
}

/// A usage error (exit 128).
pub(super) fn bad_args(cx: &mut Context<'_>, message: &str) -> CommandResult {
    cx.err(format!("Error: {message}\n"))?;
    Ok(EXIT_BAD_ARGS)
}

/// The shell was made without a cluster (a test shell): nothing to talk to.
pub(super) fn no_cluster(cx: &mut Context<'_>) -> CommandResult {
    cx.err("Error: no etcd cluster in this playground (start one with `etcd`)\n")?;
    Ok(EXIT_ERROR)
}

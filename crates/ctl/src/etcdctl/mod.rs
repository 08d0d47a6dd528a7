//! `etcdctl` (v3 API, 3.5.1's output): global flags and `ETCDCTL_*` variables, the endpoints a
//! command talks to, and errors printed as etcdctl prints them (the client's retry warning,
//! then `Error: ...`). Commands live in [`command`], one file each; the formats in [`output`].

mod command;
pub(crate) mod flags;
mod help;
mod output;

use playground_server::client::{self, Status};
use playground_server::{Cluster, Error};
use playground_shell::World;

use crate::{CommandResult, Context};

/// etcdctl's exit codes (cobrautl).
pub(super) const EXIT_ERROR: i32 = 1;
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

fn parse(args: &[String]) -> Result<Args, String> {
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
            let flag = flags::long(name).ok_or_else(|| format!("unknown flag: --{name}"))?;
            if flag.value {
                let value = match inline {
                    Some(value) => value,
                    None => {
                        iter.next().cloned().ok_or_else(|| format!("flag needs an argument: --{name}"))?
                    }
                };
                parsed.flags.push((name.into(), value));
            } else {
                parsed.flags.push((name.into(), inline.unwrap_or_else(|| "true".into())));
            }
        } else if let Some(short) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            let (letter, rest) = short.split_at(1);
            let Some(flag) = flags::short(letter) else {
                return Err(format!("unknown shorthand flag: '{letter}' in {arg}"));
            };
            let name = flag.name;
            if !flag.value {
                parsed.flags.push((name.into(), "true".into()));
                continue;
            }
            let value = match rest.strip_prefix('=').unwrap_or(rest) {
                "" => iter
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("flag needs an argument: '{letter}' in -{letter}"))?,
                value => value.to_string(),
            };
            parsed.flags.push((name.into(), value));
        } else {
            parsed.words.push(arg.clone());
        }
    }
    Ok(parsed)
}

/// What every command needs: the parsed line, the format, the endpoints.
pub(super) struct Client {
    pub args: Args,
    pub format: Format,
    pub endpoints: Vec<String>,
}

pub fn etcdctl(cx: &mut Context<'_>, argv: &[String]) -> CommandResult {
    let mut args = match parse(&argv[1..]) {
        Ok(args) => args,
        Err(message) => {
            // cobra prints the command's usage, then etcdctl the error, twice.
            let words: Vec<&str> =
                argv[1..].iter().map(String::as_str).filter(|w| !w.starts_with('-')).collect();
            if let Some(page) = help::page(&words[..words.len().min(2)]).filter(|_| !words.is_empty()) {
                cx.out(page)?;
            }
            cx.err(format!("Error: {message}\n\nError: {message}\n"))?;
            return Ok(EXIT_ERROR);
        }
    };
    let words: Vec<&str> = args.words.iter().map(String::as_str).collect();
    if args.flag("help") {
        let page =
            help::page(&words[..words.len().min(2)]).or_else(|| help::page(&words[..words.len().min(1)]));
        cx.out(page.unwrap_or(help::page(&[]).unwrap_or_default()))?;
        return Ok(0);
    }
    if let Some(page) = help::group_page(&words) {
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
    if let Some(api) = cx.env("ETCDCTL_API") {
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
        "protobuf" => {
            cx.err("Error: the playground does not write protobuf output\n")?;
            return Ok(EXIT_BAD_FEATURE);
        }
        _ => {
            cx.err("Error: unsupported output format\n")?;
            return Ok(EXIT_BAD_FEATURE);
        }
    };
    let endpoints = args
        .get("endpoints")
        .unwrap_or("127.0.0.1:2379")
        .split(',')
        .filter(|e| !e.is_empty())
        .map(String::from)
        .collect();
    let client = Client { args, format, endpoints };
    // Starting the client and dialling take time: real etcdctl 3.5.1 runs back to back in a
    // bash loop take 17-19 ms each on the reference machine (the transcripts' 45-50 ms between
    // records include the recorder's own process starts). Backend batches see commands that
    // far apart, so about three of the guide's 1 MiB puts share a 100 ms commit, as in 02.
    cx.world().advance(std::time::Duration::from_millis(CLIENT_START_MILLIS));
    let words: Vec<&str> = client.args.words.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => {
            cx.out(help::page(&[]).unwrap_or_default())?;
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
        ["alarm", "list", ..] => command::alarm::alarm(cx, &client, false),
        ["alarm", "disarm", ..] => command::alarm::alarm(cx, &client, true),
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
            let mut forwarded = vec!["etcdutl".to_string()];
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
            cx.err(format!(
                "Error: unknown command \"{other}\" for \"etcdctl\"\nRun 'etcdctl --help' for usage.\nError: unknown command \"{other}\" for \"etcdctl\"\n"
            ))?;
            Ok(EXIT_ERROR)
        }
    }
}

/// The cluster the terminal drives, or a clear error if the shell has none.
pub(super) fn cluster<'c>(cx: &'c mut Context<'_>) -> Option<&'c mut Cluster> {
    cx.world().cluster()
}

/// The member behind the first endpoint that answers, as the client selects it; None if none does.
pub(super) fn pick(cluster: &Cluster, endpoints: &[String]) -> Option<(String, u64)> {
    client::select(cluster, endpoints).map(|selected| (selected.endpoint, selected.member))
}

/// Which of the client's loggers writes the retry warning: the KV and maintenance clients'
/// (`etcd-client`, ISO time) or the one `endpoint health` builds (`client`, epoch seconds).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Logger {
    EtcdClient,
    Client,
}

/// The client's "retrying of unary invoker failed" warning for a request to `endpoint`.
pub(super) fn retry_warning(
    cx: &mut Context<'_>,
    logger: Logger,
    endpoint: &str,
    error: &Error,
) -> Result<(), crate::Stop> {
    let now = cx.world().cluster().map_or(0, |c| c.now_micros());
    let detail = match error {
        Error::Unavailable => format!(
            "rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = \\\"transport: Error while dialing dial tcp {}: connect: connection refused\\\"",
            endpoint.trim_start_matches("http://")
        ),
        other => Status::from(other.clone()).to_string(),
    };
    let (name, ts) = match logger {
        Logger::EtcdClient => ("etcd-client", format!("\"{}\"", playground_server::timestamp(now))),
        Logger::Client => ("client", playground_server::log::unix_seconds(now)),
    };
    cx.err(format!(
        "{{\"level\":\"warn\",\"ts\":{ts},\"logger\":\"{name}\",\"caller\":\"v3/retry_interceptor.go:62\",\"msg\":\"retrying of unary invoker failed\",\"target\":\"etcd-endpoints://0xc000024000/{endpoint}\",\"attempt\":0,\"error\":\"{detail}\"}}\n"
    ))
}

/// The client's retry warning and the error line, as etcdctl prints a failed request.
pub(super) fn request_error(cx: &mut Context<'_>, client: &Client, error: &Error) -> CommandResult {
    let endpoint = client.endpoints.first().cloned().unwrap_or_default();
    retry_warning(cx, Logger::EtcdClient, &endpoint, error)?;
    cx.err(format!("Error: {error}\n"))?;
    Ok(EXIT_ERROR)
}

/// The command timeout passes for an endpoint that does not answer, and the client warns.
pub(super) fn wait_unreachable(
    cx: &mut Context<'_>,
    client: &Client,
    logger: Logger,
    endpoint: &str,
) -> Result<(), crate::Stop> {
    let timeout =
        client.args.get("command-timeout").and_then(playground_server::parse_duration_ms).unwrap_or(5000);
    cx.world().advance(std::time::Duration::from_millis(timeout));
    retry_warning(cx, logger, endpoint, &Error::Unavailable)
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

/// No endpoint answers: the command timeout passes, then etcdctl's error.
pub(super) fn unreachable(cx: &mut Context<'_>, client: &Client) -> CommandResult {
    let endpoint = client.endpoints.first().cloned().unwrap_or_default();
    wait_unreachable(cx, client, Logger::EtcdClient, &endpoint)?;
    cx.err(format!("Error: {}\n", Error::Unavailable))?;
    Ok(EXIT_ERROR)
}

pub(super) use output::*;

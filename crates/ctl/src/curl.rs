//! `curl` against the members' client URLs: `/metrics` (Prometheus text under etcd's metric
//! names), `/health` and `/version`, as etcd's HTTP endpoints answer them. Nothing else is
//! reachable from the playground.

use crate::{CommandResult, Context};
use playground_datadir::json::marshal;
use serde::Serialize;

/// curl's exit code when nothing listens at the address.
const EXIT_COULD_NOT_CONNECT: i32 = 7;
const EXIT_BAD_URL: i32 = 3;

/// etcdhttp's `/health` answer.
#[derive(Serialize)]
struct Health {
    health: String,
    reason: String,
}

/// etcdhttp's `/version` answer (`version.Versions`).
#[derive(Serialize)]
struct Versions {
    etcdserver: &'static str,
    etcdcluster: &'static str,
}

pub fn curl(cx: &mut Context<'_>, args: &[String]) -> CommandResult {
    let mut url = None;
    let mut fail = false;
    for arg in &args[1..] {
        match arg.as_str() {
            "-s" | "--silent" | "-L" | "--location" | "-S" | "--show-error" | "-sS" | "-sL" => {}
            "-f" | "--fail" | "-sf" | "-fsS" | "-sSf" => fail = true,
            other if other.starts_with('-') => {
                cx.err(format!(
                    "curl: option {other}: is unknown\ncurl: try 'curl --help' for more information\n"
                ))?;
                return Ok(2);
            }
            other => url = Some(other.to_string()),
        }
    }
    let Some(url) = url else {
        cx.err("curl: no URL specified\ncurl: try 'curl --help' for more information\n")?;
        return Ok(2);
    };
    let rest = url.strip_prefix("http://").unwrap_or(&url);
    let (host_port, path) =
        rest.split_once('/').map_or((rest, String::from("/")), |(h, p)| (h, format!("/{p}")));
    let Some((host, port)) = host_port.rsplit_once(':') else {
        cx.err(format!(
            "curl: (7) Failed to connect to {host_port} port 80 after 0 ms: Couldn't connect to server\n"
        ))?;
        return Ok(EXIT_COULD_NOT_CONNECT);
    };
    if port.parse::<u16>().is_err() {
        cx.err("curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535\n")?;
        return Ok(EXIT_BAD_URL);
    }
    let answer = cx.world().cluster().and_then(|cluster| {
        let member = cluster.member_for_endpoint(host_port).filter(|&id| cluster.is_up(id))?;
        Some(match path.as_str() {
            "/metrics" => cluster.metrics(member).map(|text| (200, text)).unwrap_or((503, String::new())),
            "/health" => {
                let healthy = cluster.status(member).is_ok_and(|s| s.leader != 0 && s.errors.is_empty());
                let reason = if healthy { "" } else { "ALARM or NO LEADER" };
                let body = Health { health: healthy.to_string(), reason: reason.into() };
                (if healthy { 200 } else { 503 }, marshal(&body))
            }
            "/version" => {
                let version = cluster.version();
                let body = Versions { etcdserver: version.server(), etcdcluster: version.cluster() };
                (200, marshal(&body))
            }
            _ => (404, "404 page not found\n".to_string()),
        })
    });
    match answer {
        None => {
            cx.err(format!(
                "curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n"
            ))?;
            Ok(EXIT_COULD_NOT_CONNECT)
        }
        Some((status, _)) if fail && status >= 400 => {
            cx.err(format!("curl: (22) The requested URL returned error: {status}\n"))?;
            Ok(22)
        }
        Some((_, body)) => {
            cx.out(body)?;
            Ok(0)
        }
    }
}

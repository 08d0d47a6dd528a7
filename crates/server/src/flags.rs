//! The `etcd` flags the playground honours, with the defaults of the release the playground
//! plays ([`EtcdVersion`]), parsed as etcd parses them (`--flag=value` or `--flag value`).

use std::fmt;

use crate::version::EtcdVersion;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompactionMode {
    Periodic,
    Revision,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flags {
    /// The release the members run; not a flag of etcd's: the playground picks it.
    pub version: EtcdVersion,
    pub quota_backend_bytes: i64,
    pub snapshot_count: u64,
    pub snapshot_catchup_entries: u64,
    pub auto_compaction_mode: CompactionMode,
    /// As typed: a bare number is hours in periodic mode, revisions in revision mode.
    pub auto_compaction_retention: String,
    pub heartbeat_interval_ms: u64,
    pub election_timeout_ms: u64,
    pub max_request_bytes: u64,
    pub max_txn_ops: u64,
    pub backend_batch_interval_ms: u64,
    pub backend_batch_limit: u64,
}

impl Default for Flags {
    fn default() -> Self {
        Flags::for_version(EtcdVersion::default())
    }
}

impl Flags {
    /// The flags a member of `version` starts with when none are given.
    pub fn for_version(version: EtcdVersion) -> Self {
        Flags {
            version,
            quota_backend_bytes: 0,
            snapshot_count: version.default_snapshot_count(),
            snapshot_catchup_entries: 5_000,
            auto_compaction_mode: CompactionMode::Periodic,
            auto_compaction_retention: "0".into(),
            heartbeat_interval_ms: 100,
            election_timeout_ms: 1000,
            max_request_bytes: 1536 * 1024,
            max_txn_ops: 128,
            backend_batch_interval_ms: 100,
            backend_batch_limit: 10_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagError {
    Unknown(String),
    Invalid {
        flag: String,
        value: String,
    },
    MissingValue(String),
    /// A combination etcd refuses at startup.
    Config(String),
}

impl fmt::Display for FlagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlagError::Unknown(flag) => write!(f, "flag provided but not defined: -{flag}"),
            FlagError::Invalid { flag, value } => {
                write!(f, "invalid value {value:?} for flag -{flag}: parse error")
            }
            FlagError::MissingValue(flag) => write!(f, "flag needs an argument: -{flag}"),
            FlagError::Config(message) => f.write_str(message),
        }
    }
}

/// The flags the playground acts on.
const HONOURED: &[&str] = &[
    "quota-backend-bytes",
    "snapshot-count",
    "experimental-snapshot-catchup-entries",
    "snapshot-catchup-entries",
    "auto-compaction-mode",
    "auto-compaction-retention",
    "heartbeat-interval",
    "election-timeout",
    "max-request-bytes",
    "max-txn-ops",
    "backend-batch-interval",
    "backend-batch-limit",
];

/// Flags etcd has that the playground accepts and ignores (where data lives, what to listen on:
/// the virtual cluster decides those).
const ACCEPTED: &[&str] = &[
    "name",
    "data-dir",
    "wal-dir",
    "listen-client-urls",
    "advertise-client-urls",
    "listen-peer-urls",
    "initial-advertise-peer-urls",
    "initial-cluster",
    "initial-cluster-state",
    "initial-cluster-token",
    "logger",
    "log-level",
    "max-snapshots",
    "max-wals",
];

impl Flags {
    /// Applies `etcd`'s arguments over these flags.
    pub fn parse(&mut self, args: &[String]) -> Result<(), FlagError> {
        let mut i = 0;
        while i < args.len() {
            let arg = &args[i];
            let body = arg.trim_start_matches('-');
            if body.len() == arg.len() || body.is_empty() {
                return Err(FlagError::Unknown(arg.clone()));
            }
            let name_only = body.split_once('=').map_or(body, |(name, _)| name);
            if !HONOURED.contains(&name_only) && !ACCEPTED.contains(&name_only) {
                return Err(FlagError::Unknown(name_only.to_string()));
            }
            let (name, value) = match body.split_once('=') {
                Some((name, value)) => (name.to_string(), value.to_string()),
                None => {
                    i += 1;
                    match args.get(i) {
                        Some(value) => (body.to_string(), value.clone()),
                        None => return Err(FlagError::MissingValue(body.to_string())),
                    }
                }
            };
            self.set(&name, &value)?;
            i += 1;
        }
        self.validate()
    }

    /// etcd's checks of the timing flags (embed.Config.Validate).
    fn validate(&self) -> Result<(), FlagError> {
        let (heartbeat, election) = (self.heartbeat_interval_ms, self.election_timeout_ms);
        if heartbeat == 0 || 5 * heartbeat > election {
            return Err(FlagError::Config(format!(
                "--election-timeout[{election}ms] should be at least as 5 times as --heartbeat-interval[{heartbeat}ms]"
            )));
        }
        if election > 50_000 {
            return Err(FlagError::Config(format!(
                "--election-timeout[{election}ms] is too long, and should be set less than 50000ms"
            )));
        }
        Ok(())
    }

    fn set(&mut self, name: &str, value: &str) -> Result<(), FlagError> {
        let invalid = || FlagError::Invalid { flag: name.to_string(), value: value.to_string() };
        let int = || value.parse::<i64>().map_err(|_| invalid());
        let uint = || value.parse::<u64>().map_err(|_| invalid());
        match name {
            "quota-backend-bytes" => self.quota_backend_bytes = int()?,
            "snapshot-count" => self.snapshot_count = uint()?,
            "experimental-snapshot-catchup-entries" | "snapshot-catchup-entries" => {
                self.snapshot_catchup_entries = uint()?
            }
            "auto-compaction-mode" => {
                self.auto_compaction_mode = match value {
                    "periodic" => CompactionMode::Periodic,
                    "revision" => CompactionMode::Revision,
                    _ => return Err(invalid()),
                }
            }
            "auto-compaction-retention" => {
                self.auto_compaction_retention = value.to_string();
            }
            "heartbeat-interval" => self.heartbeat_interval_ms = uint()?,
            "election-timeout" => self.election_timeout_ms = uint()?,
            "max-request-bytes" => self.max_request_bytes = uint()?,
            "max-txn-ops" => self.max_txn_ops = uint()?,
            "backend-batch-interval" => {
                self.backend_batch_interval_ms = parse_duration_ms(value).ok_or_else(invalid)?
            }
            "backend-batch-limit" => self.backend_batch_limit = uint()?,
            other if ACCEPTED.contains(&other) => {}
            other => return Err(FlagError::Unknown(other.to_string())),
        }
        self.auto_compaction().map(|_| ())
    }

    /// The auto-compaction retention: a period in milliseconds (periodic) or a revision count;
    /// None when off.
    pub fn auto_compaction(&self) -> Result<Option<(CompactionMode, u64)>, FlagError> {
        let text = self.auto_compaction_retention.as_str();
        let invalid =
            || FlagError::Invalid { flag: "auto-compaction-retention".into(), value: text.to_string() };
        let value = match (&self.auto_compaction_mode, text.parse::<u64>()) {
            (_, Ok(0)) => return Ok(None),
            (CompactionMode::Periodic, Ok(hours)) => hours * 3_600_000,
            (CompactionMode::Revision, Ok(revisions)) => revisions,
            (CompactionMode::Periodic, Err(_)) => parse_duration_ms(text).ok_or_else(invalid)?,
            (CompactionMode::Revision, Err(_)) => return Err(invalid()),
        };
        Ok((value > 0).then(|| (self.auto_compaction_mode.clone(), value)))
    }
}

/// A Go duration (`1h`, `30m`, `1h30m`, `500ms`, `10s`) in milliseconds.
pub fn parse_duration_ms(text: &str) -> Option<u64> {
    let mut total = 0f64;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 60e3,
            "h" => 3600e3,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    Some(total as u64)
}

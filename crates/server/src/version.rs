//! The etcd release a playground plays: 3.6.14 (the default) or 3.5.1. Everything the server
//! layer does differently per release is read from here, so one table answers "what does 3.5
//! do" (values from the reference transcripts, shared/reference/*-3.5-* and *-3.6-*).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EtcdVersion {
    V3_5,
    #[default]
    V3_6,
}

impl EtcdVersion {
    pub const ALL: [EtcdVersion; 2] = [EtcdVersion::V3_5, EtcdVersion::V3_6];

    /// `3.5`, `3.5.1`, `v3.6`, `3.6.14`: the minor release names the version.
    pub fn parse(text: &str) -> Option<EtcdVersion> {
        let text = text.strip_prefix('v').unwrap_or(text);
        EtcdVersion::ALL.into_iter().find(|v| text == v.minor() || text == v.server())
    }

    /// `3.5` / `3.6`: the spelling of the interface (`--etcd-version`, `?etcd=`).
    pub fn minor(self) -> &'static str {
        match self {
            EtcdVersion::V3_5 => "3.5",
            EtcdVersion::V3_6 => "3.6",
        }
    }

    /// The server's (and its tools') version string.
    pub fn server(self) -> &'static str {
        match self {
            EtcdVersion::V3_5 => "3.5.1",
            EtcdVersion::V3_6 => "3.6.14",
        }
    }

    /// The API version etcdctl and etcdutl print beside their own.
    pub fn api(self) -> &'static str {
        self.minor()
    }

    /// The cluster version members agree on (`/version`'s etcdcluster, `snapshot save`'s
    /// "Server version", etcdutl's VERSION column).
    pub fn cluster(self) -> &'static str {
        match self {
            EtcdVersion::V3_5 => "3.5.0",
            EtcdVersion::V3_6 => "3.6.0",
        }
    }

    /// The schema version the backend records (`endpoint status`'s STORAGE VERSION); 3.5.1's
    /// status has no such field.
    pub fn storage(self) -> Option<&'static str> {
        match self {
            EtcdVersion::V3_5 => None,
            EtcdVersion::V3_6 => Some("3.6.0"),
        }
    }

    /// Whether responses carry the fields the 3.6 API added: `StatusResponse`'s storageVersion,
    /// dbSizeQuota and downgradeInfo, `HashKVResponse`'s hash_revision.
    pub fn api_3_6_fields(self) -> bool {
        self == EtcdVersion::V3_6
    }

    /// `etcd --version`'s build lines (the 3.6.14 reference binary was built locally with
    /// go1.27.3; see shared/reference/README.md).
    pub fn build(self) -> (&'static str, &'static str) {
        match self {
            EtcdVersion::V3_5 => ("e8732fb5f", "go1.16.3"),
            EtcdVersion::V3_6 => ("fc04cf7", "go1.27.3"),
        }
    }

    /// `--snapshot-count`'s default: 3.6 lowered it from 100,000 to 10,000.
    pub fn default_snapshot_count(self) -> u64 {
        match self {
            EtcdVersion::V3_5 => 100_000,
            EtcdVersion::V3_6 => 10_000,
        }
    }

    /// Whether a member over its quota still serves read-only and delete-only txns: 3.5.1
    /// refuses them with NOSPACE, 3.6 passes them again (02-quota).
    pub fn nospace_passes_reads_and_deletes(self) -> bool {
        self == EtcdVersion::V3_6
    }
}

impl fmt::Display for EtcdVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.minor())
    }
}

#[cfg(test)]
mod tests {
    use super::EtcdVersion;

    #[test]
    fn minor_and_full_spellings_name_a_version() {
        assert_eq!(EtcdVersion::parse("3.5"), Some(EtcdVersion::V3_5));
        assert_eq!(EtcdVersion::parse("v3.6.14"), Some(EtcdVersion::V3_6));
        assert_eq!(EtcdVersion::parse("3.4"), None);
        assert_eq!(EtcdVersion::default(), EtcdVersion::V3_6);
    }
}

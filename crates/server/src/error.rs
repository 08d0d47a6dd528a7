//! The server's errors, with the messages etcd's server returns (`rpctypes`) and the gRPC code
//! etcdctl's retry warning names.

use std::fmt;

use playground_mvcc::lease::LeaseError;
use playground_mvcc::store;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The quota check failed (at the API layer, or the apply layer's capped applier).
    NoSpace,
    Compacted,
    FutureRev,
    RequestTooLarge,
    TooManyOps,
    DuplicateKey,
    KeyNotFound,
    EmptyKey,
    LeaseNotFound,
    LeaseExist,
    LeaseTtlTooLarge,
    NoLeader,
    /// `move-leader`: leadership did not move within the request's time.
    LeaderTransferTimeout,
    /// A membership change on a member not connected to a quorum (etcd's strict reconfig check).
    Unhealthy,
    MemberNotFound,
    MemberNotLearner,
    LearnerNotReady,
    PeerUrlExists,
    BadLeaderTransferee,
    /// The member's alarm stands (endpoint health's proposal is refused).
    ActiveAlarms(String),
    /// Nothing listens at the endpoint (the member is down or never existed).
    Unavailable,
    /// The client's context expired before the call was made (`--command-timeout=0s`).
    DeadlineExceeded,
    /// A store failure with its own text.
    Internal(String),
}

impl Error {
    /// The gRPC status code name.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NoSpace => "ResourceExhausted",
            Error::Compacted | Error::FutureRev => "OutOfRange",
            Error::RequestTooLarge
            | Error::TooManyOps
            | Error::DuplicateKey
            | Error::KeyNotFound
            | Error::EmptyKey => "InvalidArgument",
            Error::LeaseNotFound => "NotFound",
            Error::LeaseExist
            | Error::MemberNotLearner
            | Error::LearnerNotReady
            | Error::PeerUrlExists
            | Error::BadLeaderTransferee => "FailedPrecondition",
            Error::MemberNotFound => "NotFound",
            Error::LeaseTtlTooLarge => "OutOfRange",
            Error::NoLeader | Error::LeaderTransferTimeout | Error::Unhealthy | Error::Unavailable => {
                "Unavailable"
            }
            Error::DeadlineExceeded => "DeadlineExceeded",
            Error::ActiveAlarms(_) => "Unknown",
            Error::Internal(_) => "Unknown",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::NoSpace => "etcdserver: mvcc: database space exceeded",
            Error::Compacted => "etcdserver: mvcc: required revision has been compacted",
            Error::FutureRev => "etcdserver: mvcc: required revision is a future revision",
            Error::RequestTooLarge => "etcdserver: request is too large",
            Error::TooManyOps => "etcdserver: too many operations in txn request",
            Error::DuplicateKey => "etcdserver: duplicate key given in txn request",
            Error::KeyNotFound => "etcdserver: key not found",
            Error::EmptyKey => "etcdserver: key is not provided",
            Error::LeaseNotFound => "etcdserver: requested lease not found",
            Error::LeaseExist => "etcdserver: lease already exists",
            Error::LeaseTtlTooLarge => "etcdserver: too large lease TTL",
            Error::NoLeader => "etcdserver: no leader",
            Error::MemberNotFound => "etcdserver: member not found",
            Error::MemberNotLearner => "etcdserver: can only promote a learner member",
            Error::LearnerNotReady => {
                "etcdserver: can only promote a learner member which is in sync with leader"
            }
            Error::PeerUrlExists => "etcdserver: Peer URLs already exists",
            Error::BadLeaderTransferee => "etcdserver: bad leader transferee",
            Error::LeaderTransferTimeout => "etcdserver: request timed out, leader transfer took too long",
            Error::Unhealthy => "etcdserver: unhealthy cluster",
            Error::ActiveAlarms(alarms) => return write!(f, "Active Alarm(s): {alarms}"),
            Error::Unavailable | Error::DeadlineExceeded => "context deadline exceeded",
            Error::Internal(text) => text,
        })
    }
}

impl From<store::Error> for Error {
    fn from(error: store::Error) -> Self {
        match error {
            store::Error::Compacted => Error::Compacted,
            store::Error::FutureRev => Error::FutureRev,
            store::Error::KeyNotFound => Error::KeyNotFound,
            store::Error::DuplicateKey => Error::DuplicateKey,
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<LeaseError> for Error {
    fn from(error: LeaseError) -> Self {
        match error {
            LeaseError::NotFound => Error::LeaseNotFound,
            LeaseError::Exists => Error::LeaseExist,
            LeaseError::TtlTooLarge => Error::LeaseTtlTooLarge,
            LeaseError::Store(e) => e.into(),
        }
    }
}

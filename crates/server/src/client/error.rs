//! gRPC status codes, as etcd's client reports them (`rpc error: code = X desc = ...`).

use std::fmt;

use crate::error::Error;

/// The gRPC codes etcd's errors map to (tonic's and grpc-go's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    Unknown,
    InvalidArgument,
    DeadlineExceeded,
    NotFound,
    FailedPrecondition,
    ResourceExhausted,
    OutOfRange,
    Unavailable,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unknown => "Unknown",
            Code::InvalidArgument => "InvalidArgument",
            Code::DeadlineExceeded => "DeadlineExceeded",
            Code::NotFound => "NotFound",
            Code::FailedPrecondition => "FailedPrecondition",
            Code::ResourceExhausted => "ResourceExhausted",
            Code::OutOfRange => "OutOfRange",
            Code::Unavailable => "Unavailable",
        }
    }

    /// The code etcd's server gives an error.
    pub fn of(error: &Error) -> Code {
        match error.code() {
            "InvalidArgument" => Code::InvalidArgument,
            "DeadlineExceeded" => Code::DeadlineExceeded,
            "NotFound" => Code::NotFound,
            "FailedPrecondition" => Code::FailedPrecondition,
            "ResourceExhausted" => Code::ResourceExhausted,
            "OutOfRange" => Code::OutOfRange,
            "Unavailable" => Code::Unavailable,
            _ => Code::Unknown,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed request: its code, and the error whose message is etcd's exact string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub error: Error,
}

impl From<Error> for Status {
    fn from(error: Error) -> Self {
        Status { code: Code::of(&error), error }
    }
}

impl fmt::Display for Status {
    /// The way grpc-go prints a status.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rpc error: code = {} desc = {}", self.code, self.error)
    }
}

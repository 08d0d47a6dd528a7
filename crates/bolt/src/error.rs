//! The page store's errors; where bbolt has a message for the case, it is bbolt's.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Neither meta page carries bbolt's magic number.
    Invalid,
    /// A meta page has another format version.
    VersionMismatch,
    /// Both meta pages fail their checksum.
    Checksum,
    /// The file cannot even hold two meta pages.
    FileTooSmall,
    /// A page or element does not decode: what, where.
    Corrupt(String),
    BucketNotFound,
    BucketExists,
    BucketNameRequired,
    KeyRequired,
    KeyTooLarge,
    ValueTooLarge,
    /// A key holds a bucket where a value was expected, or the reverse.
    IncompatibleValue,
    /// The disk refused a read or write.
    Disk(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid => f.write_str("invalid database"),
            Error::VersionMismatch => f.write_str("version mismatch"),
            Error::Checksum => f.write_str("checksum error"),
            Error::FileTooSmall => f.write_str("file size too small"),
            Error::Corrupt(what) => write!(f, "invalid value: {what}"),
            Error::BucketNotFound => f.write_str("bucket not found"),
            Error::BucketExists => f.write_str("bucket already exists"),
            Error::BucketNameRequired => f.write_str("bucket name required"),
            Error::KeyRequired => f.write_str("key required"),
            Error::KeyTooLarge => f.write_str("key too large"),
            Error::ValueTooLarge => f.write_str("value too large"),
            Error::IncompatibleValue => f.write_str("incompatible value"),
            Error::Disk(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

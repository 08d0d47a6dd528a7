//! A playground as a link: the seed, etcd's flags and the journal, in the URL fragment as
//! `#share=2.` then base64url of zlib-deflated bytes (zlib's Adler-32 catches a tampered
//! link). The leading number is the format: a later one can add fields (an etcd version) and
//! still read format 1. Decoding takes anything from a URL and never panics; what it gives
//! back is only lines for the shell, time to let pass and a seed and flags, so a link can do
//! no more than typing could.
//!
//! Format 2, after inflating: the seed (8 bytes, little-endian); the etcd release (`3.5`,
//! `3.6`, as a length and UTF-8); the flags (a count, then each
//! as a length and UTF-8); the steps (a count, then each a tag: 0 a source, 1 a paste (a count
//! of sources), 2 virtual time let pass, 3 a step to the next event, with its microseconds).
//! Counts, lengths and microseconds are LEB128 varints. Format 1 is format 2 without the
//! release: links made before there were two, read as 3.5.1's (the release played then).

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use playground_server::EtcdVersion;
use playground_shell::Executed;

use crate::journal::{Journal, Step};

/// The fragment's prefix; the format number follows it.
pub const PREFIX: &str = "share=";
pub const FORMAT: u32 = 2;
/// The longest link made or read: longer ones break in some browsers, chat tools and mailers.
pub const MAX_URL_CHARS: usize = 8_000;
/// Bytes inflated at most: a small link cannot expand into a huge one.
const MAX_INFLATED: usize = 256 << 10;
/// Virtual time a link may let pass in all: a day of heartbeats takes about a second to
/// simulate, so more would hold the page that opens it.
const MAX_MICROS: u64 = 7 * 24 * 3600 * 1_000_000;
/// Steps and flags a link may carry.
const MAX_ITEMS: u64 = 10_000;

/// What a link holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub seed: u64,
    pub etcd: EtcdVersion,
    pub flags: Vec<String>,
    pub journal: Journal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// A file from the visitor's computer is part of the state; a link cannot carry it.
    HasUpload,
    /// The link would be longer than [`MAX_URL_CHARS`].
    TooLong(usize),
    NotShare,
    UnknownFormat(String),
    NotBase64,
    Corrupt,
    Malformed(&'static str),
    TooMuchTime,
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::HasUpload => {
                f.write_str("a file from your computer is part of this playground; a link cannot carry it")
            }
            ShareError::TooLong(n) => {
                write!(f, "the link would be {n} characters, over the {MAX_URL_CHARS} a link can safely have")
            }
            ShareError::NotShare => write!(f, "the fragment is not a playground link (#{PREFIX}...)"),
            ShareError::UnknownFormat(format) => {
                write!(f, "link format {format:?} is not one this page reads (it reads {FORMAT})")
            }
            ShareError::NotBase64 => f.write_str("the link is not base64url"),
            ShareError::Corrupt => f.write_str("the link is damaged (its compressed data does not check)"),
            ShareError::Malformed(what) => write!(f, "the link is malformed ({what})"),
            ShareError::TooMuchTime => f.write_str("the link lets more than 168h of virtual time pass"),
        }
    }
}

/// The fragment (without `#`) for `shared`, checked against [`MAX_URL_CHARS`] with `base`
/// (the page's address before the `#`).
pub fn encode(shared: &Shared, base: &str) -> Result<String, ShareError> {
    let mut bytes = shared.seed.to_le_bytes().to_vec();
    put_str(&mut bytes, shared.etcd.minor());
    put_varint(&mut bytes, shared.flags.len() as u64);
    for flag in &shared.flags {
        put_str(&mut bytes, flag);
    }
    let steps = shared.journal.steps();
    put_varint(&mut bytes, steps.len() as u64);
    for step in steps {
        match step {
            Step::Run(Executed::Source(source)) => {
                bytes.push(0);
                put_str(&mut bytes, source);
            }
            Step::Run(Executed::OneBudget(sources)) => {
                bytes.push(1);
                put_varint(&mut bytes, sources.len() as u64);
                for source in sources {
                    put_str(&mut bytes, source);
                }
            }
            Step::Advance(micros) => {
                bytes.push(2);
                put_varint(&mut bytes, *micros);
            }
            Step::StepToEvent(micros) => {
                bytes.push(3);
                put_varint(&mut bytes, *micros);
            }
            Step::Upload { .. } => return Err(ShareError::HasUpload),
        }
    }
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 9);
    let fragment = format!("{PREFIX}{FORMAT}.{}", URL_SAFE_NO_PAD.encode(packed));
    let length = base.len() + 1 + fragment.len();
    if length > MAX_URL_CHARS {
        return Err(ShareError::TooLong(length));
    }
    Ok(fragment)
}

/// Whether a fragment (without `#`) is meant as a playground link.
pub fn is_share(fragment: &str) -> bool {
    fragment.starts_with(PREFIX)
}

/// Reads a fragment (without `#`) made by [`encode`].
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let rest = fragment.strip_prefix(PREFIX).ok_or(ShareError::NotShare)?;
    if fragment.len() > MAX_URL_CHARS {
        return Err(ShareError::TooLong(fragment.len()));
    }
    let (format, data) = rest.split_once('.').ok_or(ShareError::Malformed("no format number"))?;
    if format != "1" && format != FORMAT.to_string() {
        return Err(ShareError::UnknownFormat(format.chars().take(16).collect()));
    }
    let packed = URL_SAFE_NO_PAD.decode(data).map_err(|_| ShareError::NotBase64)?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed, MAX_INFLATED)
        .map_err(|_| ShareError::Corrupt)?;
    let mut reader = Reader { bytes: &bytes };
    let seed = u64::from_le_bytes(reader.take(8)?.try_into().map_err(|_| ShareError::Malformed("seed"))?);
    let etcd = match format {
        "1" => EtcdVersion::V3_5,
        _ => EtcdVersion::parse(&reader.string()?).ok_or(ShareError::Malformed("etcd release"))?,
    };
    let mut flags = Vec::new();
    for _ in 0..reader.count()? {
        flags.push(reader.string()?);
    }
    let mut steps = Vec::new();
    let mut micros_total = 0u64;
    for _ in 0..reader.count()? {
        let step = match reader.take(1)?[0] {
            0 => Step::Run(Executed::Source(reader.string()?)),
            1 => {
                let mut sources = Vec::new();
                for _ in 0..reader.count()? {
                    sources.push(reader.string()?);
                }
                Step::Run(Executed::OneBudget(sources))
            }
            tag @ (2 | 3) => {
                let micros = reader.varint()?;
                micros_total = micros_total.saturating_add(micros);
                if micros_total > MAX_MICROS {
                    return Err(ShareError::TooMuchTime);
                }
                if tag == 2 {
                    Step::Advance(micros)
                } else {
                    Step::StepToEvent(micros)
                }
            }
            _ => return Err(ShareError::Malformed("unknown step")),
        };
        steps.push(step);
    }
    if !reader.bytes.is_empty() {
        return Err(ShareError::Malformed("bytes after the last step"));
    }
    Ok(Shared { seed, etcd, flags, journal: Journal::from_steps(steps) })
}

fn put_varint(bytes: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        bytes.push(n as u8 | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
}

fn put_str(bytes: &mut Vec<u8>, text: &str) {
    put_varint(bytes, text.len() as u64);
    bytes.extend_from_slice(text.as_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ShareError> {
        if n > self.bytes.len() {
            return Err(ShareError::Malformed("it ends early"));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn varint(&mut self) -> Result<u64, ShareError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            n |= u64::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(ShareError::Malformed("a number too long"))
    }

    /// A count of items: more than any link carries is refused before anything is allocated.
    fn count(&mut self) -> Result<u64, ShareError> {
        let n = self.varint()?;
        if n > MAX_ITEMS {
            return Err(ShareError::Malformed("too many items"));
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, ShareError> {
        let len = usize::try_from(self.varint()?).map_err(|_| ShareError::Malformed("a length"))?;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| ShareError::Malformed("text that is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Shared {
        let journal = Journal::from_steps(vec![
            Step::Advance(300_000),
            Step::Run(Executed::Source("etcdctl put foo bar\n".into())),
            Step::Run(Executed::OneBudget(vec!["echo \"a\nb\"\n".into(), "ls\n".into()])),
            Step::StepToEvent(3_600_000_000),
        ]);
        Shared { seed: 42, etcd: EtcdVersion::V3_5, flags: vec!["--snapshot-count=5".into()], journal }
    }

    #[test]
    fn a_link_reads_back_to_what_made_it() {
        let fragment = encode(&sample(), "http://127.0.0.1:8080/").unwrap();
        assert!(fragment.starts_with("share=2."), "{fragment}");
        assert!(is_share(&fragment));
        assert_eq!(decode(&fragment).unwrap(), sample());
        let on_3_6 = Shared { etcd: EtcdVersion::V3_6, ..sample() };
        assert_eq!(decode(&encode(&on_3_6, "").unwrap()).unwrap(), on_3_6);
        // Format 1 (no release) reads as 3.5.1's.
        let mut bytes = 42u64.to_le_bytes().to_vec();
        bytes.extend([0, 0]);
        let old = format!(
            "share=1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 9))
        );
        assert_eq!(decode(&old).unwrap().etcd, EtcdVersion::V3_5);
    }

    #[test]
    fn uploads_and_links_too_long_are_refused_when_made() {
        let mut steps = sample().journal.steps().to_vec();
        steps.push(Step::Upload { name: "a.db".into(), data: vec![1] });
        let shared = Shared { journal: Journal::from_steps(steps), ..sample() };
        assert_eq!(encode(&shared, ""), Err(ShareError::HasUpload));
        // Text that does not compress: random-looking keys.
        let mut x = 1u64;
        let keys: Vec<Step> = (0..2_000)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                Step::Run(Executed::Source(format!("etcdctl put {x:x} v\n")))
            })
            .collect();
        let big = Shared { journal: Journal::from_steps(keys), ..sample() };
        assert!(matches!(encode(&big, "http://h/"), Err(ShareError::TooLong(n)) if n > MAX_URL_CHARS));
    }

    #[test]
    fn tampered_truncated_and_foreign_links_are_refused() {
        let fragment = encode(&sample(), "").unwrap();
        assert_eq!(decode("seed=3"), Err(ShareError::NotShare));
        assert_eq!(decode("share=3.AAAA"), Err(ShareError::UnknownFormat("3".into())));
        assert_eq!(decode("share=1"), Err(ShareError::Malformed("no format number")));
        assert_eq!(decode("share=1.@@"), Err(ShareError::NotBase64));
        for cut in 8..fragment.len() {
            assert!(decode(&fragment[..cut]).is_err(), "cut at {cut}");
        }
        // Every one-character change in the data is caught.
        let start = "share=1.".len();
        for at in start..fragment.len() {
            let mut bytes = fragment.clone().into_bytes();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(bytes).unwrap();
            if tampered != fragment {
                assert!(decode(&tampered).is_err(), "changed at {at}");
            }
        }
        let long = format!("share=1.{}", "A".repeat(MAX_URL_CHARS));
        assert!(matches!(decode(&long), Err(ShareError::TooLong(_))));
    }

    #[test]
    fn a_link_cannot_ask_for_more_time_than_a_week() {
        let journal = Journal::from_steps(vec![Step::Advance(MAX_MICROS), Step::StepToEvent(1)]);
        let fragment = encode(&Shared { journal, ..sample() }, "").unwrap();
        assert_eq!(decode(&fragment), Err(ShareError::TooMuchTime));
    }
}

//! `static/lessons/index.txt`: the lessons the page offers, one file name per line, in order;
//! `#` starts a comment line.

/// The file names the index lists; names that could reach outside the lessons' directory are
/// left out.
pub fn names(index: &str) -> impl Iterator<Item = &str> {
    index.lines().map(str::trim).filter(|line| {
        !line.is_empty()
            && !line.starts_with('#')
            && line.ends_with(".lesson")
            && line.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
            && !line.starts_with('.')
    })
}

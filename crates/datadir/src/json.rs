//! JSON as Go's `encoding/json` writes it, through serde_json: compact, struct fields in
//! declaration order, map keys sorted, and strings escaped as Go escapes them, which is
//! serde_json's escaping plus Go's HTML-safe `\u003c`, `\u003e`, `\u0026` and `\u2028`,
//! `\u2029` (Go 1.22 and later, which etcd 3.6 is built with, also write `\b` and `\f` as
//! serde_json does).

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

/// serde_json's compact output with Go's extra string escapes.
struct GoFormatter;

impl Formatter for GoFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            let escaped = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..at])?;
            writer.write_all(escaped.as_bytes())?;
            start = at + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// `json.Marshal(value)`. The values marshalled here are structs of strings, integers and
/// string-keyed maps, which cannot fail to serialize; were one to, the text would be empty
/// rather than a panic.
pub fn marshal<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    if value.serialize(&mut Serializer::with_formatter(&mut out, GoFormatter)).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// What Go's `json.Marshal` writes for the same strings.
    #[test]
    fn strings_escaped_as_go_escapes_them() {
        assert_eq!(marshal("plain é ü 日本"), "\"plain é ü 日本\"");
        assert_eq!(marshal("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
        assert_eq!(marshal("<a&b>"), "\"\\u003ca\\u0026b\\u003e\"");
        assert_eq!(marshal("\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}"), "\"\\n\\r\\t\\b\\f\\u0001\\u001f\u{7f}\"");
        assert_eq!(marshal("x\u{2028}y\u{2029}"), "\"x\\u2028y\\u2029\"");
        let map: std::collections::BTreeMap<&str, u64> = [("b", 2), ("a", 1), ("10", 0)].into();
        assert_eq!(marshal(&map), "{\"10\":0,\"a\":1,\"b\":2}");
    }
}

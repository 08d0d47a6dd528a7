//! etcdctl's output formats for what the server answers: `simple` lines, protobuf-style `json`
//! (zero values left out, bytes in base64), `fields` (`"Name" : value` lines) and tables.

use playground_mvcc::KeyValue;
use playground_server::Header;

/// Bytes as Go's `encoding/json` writes a `[]byte`: standard base64 with padding.
pub(crate) fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn header_json(header: &Header) -> String {
    let mut fields =
        vec![format!("\"cluster_id\":{}", header.cluster_id), format!("\"member_id\":{}", header.member_id)];
    if header.revision != 0 {
        fields.push(format!("\"revision\":{}", header.revision));
    }
    if header.raft_term != 0 {
        fields.push(format!("\"raft_term\":{}", header.raft_term));
    }
    format!("{{{}}}", fields.join(","))
}

pub(crate) fn kv_json(kv: &KeyValue) -> String {
    let mut fields = vec![format!("\"key\":\"{}\"", base64(&kv.key))];
    for (name, value) in
        [("create_revision", kv.create_revision), ("mod_revision", kv.mod_revision), ("version", kv.version)]
    {
        if value != 0 {
            fields.push(format!("\"{name}\":{value}"));
        }
    }
    if !kv.value.is_empty() {
        fields.push(format!("\"value\":\"{}\"", base64(&kv.value)));
    }
    if kv.lease != 0 {
        fields.push(format!("\"lease\":{}", kv.lease));
    }
    format!("{{{}}}", fields.join(","))
}

/// The header as `fields` prints it.
pub(crate) fn header_fields(header: &Header) -> String {
    format!(
        "\"ClusterID\" : {}\n\"MemberID\" : {}\n\"Revision\" : {}\n\"RaftTerm\" : {}\n",
        header.cluster_id, header.member_id, header.revision, header.raft_term
    )
}

/// Go's `%q` of bytes as a string, as `fields` quotes keys and values.
pub(crate) fn quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

pub(crate) fn kv_fields(kv: &KeyValue) -> String {
    format!(
        "\"Key\" : {}\n\"CreateRevision\" : {}\n\"ModRevision\" : {}\n\"Version\" : {}\n\"Value\" : {}\n\"Lease\" : {}\n",
        quote(&kv.key),
        kv.create_revision,
        kv.mod_revision,
        kv.version,
        quote(&kv.value),
        kv.lease
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_go_encodes() {
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"bar3"), "YmFyMw==");
        assert_eq!(base64(b"v2b"), "djJi");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"ab"), "YWI=");
    }
}

//! Members as etcd identifies and records them: ids from peer URLs and the cluster token
//! (SHA-1), the cluster id from the member ids, the member JSON of the `members` bucket and of
//! conf-change contexts, and the v2 store tree that etcd 3.5 reads membership from.

use sha1::{Digest, Sha1};

/// etcd's defaults for a member that names none.
pub const DEFAULT_NAME: &str = "default";
pub const DEFAULT_PEER_URL: &str = "http://localhost:2380";
pub const DEFAULT_CLUSTER_TOKEN: &str = "etcd-cluster";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: u64,
    pub name: String,
    pub peer_urls: Vec<String>,
}

fn first_u64(digest: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bytes)
}

/// `computeMemberId`: SHA-1 of the sorted peer URLs joined, then the cluster token.
pub fn member_id(peer_urls: &[String], cluster_token: &str) -> u64 {
    let mut urls = peer_urls.to_vec();
    urls.sort();
    let mut hasher = Sha1::new();
    hasher.update(urls.concat().as_bytes());
    hasher.update(cluster_token.as_bytes());
    first_u64(&hasher.finalize())
}

/// `genID`: SHA-1 of the sorted member ids, big-endian.
pub fn cluster_id(member_ids: &[u64]) -> u64 {
    let mut ids = member_ids.to_vec();
    ids.sort_unstable();
    let mut hasher = Sha1::new();
    for id in ids {
        hasher.update(id.to_be_bytes());
    }
    first_u64(&hasher.finalize())
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn urls_json(urls: &[String]) -> String {
    format!("[{}]", urls.iter().map(|u| json_string(u)).collect::<Vec<_>>().join(","))
}

impl Member {
    /// The member's JSON as Go's encoding/json writes `membership.Member`.
    pub fn json(&self) -> String {
        let mut json = format!("{{\"id\":{},\"peerURLs\":{}", self.id, urls_json(&self.peer_urls));
        if !self.name.is_empty() {
            json.push_str(&format!(",\"name\":{}", json_string(&self.name)));
        }
        json.push('}');
        json
    }

    /// `raftAttributes` as the v2 store keeps it.
    pub fn raft_attributes_json(&self) -> String {
        format!("{{\"peerURLs\":{}}}", urls_json(&self.peer_urls))
    }
}

/// The v2 store's JSON (what etcd 3.5 saves as a raft snapshot's data) holding the members
/// under `/0/members` and the empty `/1` keyspace.
pub fn v2_store_json(members: &[Member], current_index: u64) -> String {
    let node = |path: &str, index: u64, value: &str, children: Option<String>| {
        format!(
            "{{\"Path\":{},\"CreatedIndex\":{index},\"ModifiedIndex\":{index},\"ExpireTime\":\"0001-01-01T00:00:00Z\",\"Value\":{},\"Children\":{}}}",
            json_string(path),
            json_string(value),
            children.unwrap_or_else(|| "null".into())
        )
    };
    let member_nodes: Vec<String> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let dir = format!("/0/members/{:x}", m.id);
            let attrs = node(&format!("{dir}/raftAttributes"), i as u64 + 1, &m.raft_attributes_json(), None);
            format!(
                "{}:{}",
                json_string(&format!("{:x}", m.id)),
                node(&dir, i as u64 + 1, "", Some(format!("{{\"raftAttributes\":{attrs}}}")))
            )
        })
        .collect();
    let members_dir = node("/0/members", 1, "", Some(format!("{{{}}}", member_nodes.join(","))));
    let zero = node("/0", 0, "", Some(format!("{{\"members\":{members_dir}}}")));
    let one = node("/1", 0, "", Some("{}".into()));
    let root = node("/", 0, "", Some(format!("{{\"0\":{zero},\"1\":{one}}}")));
    format!("{{\"Root\":{root},\"CurrentIndex\":{current_index},\"CurrentVersion\":2}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The ids real etcdutl 3.5.1 gave a default restore (seen in its log): member
    /// 8e9e05c52164694d in cluster cdf818194e3a8c32.
    #[test]
    fn ids_match_real_etcd() {
        let id = member_id(&[DEFAULT_PEER_URL.to_string()], DEFAULT_CLUSTER_TOKEN);
        assert_eq!(format!("{id:x}"), "8e9e05c52164694d");
        assert_eq!(format!("{:x}", cluster_id(&[id])), "cdf818194e3a8c32");
        let member = Member { id, name: DEFAULT_NAME.into(), peer_urls: vec![DEFAULT_PEER_URL.into()] };
        assert_eq!(
            member.json(),
            "{\"id\":10276657743932975437,\"peerURLs\":[\"http://localhost:2380\"],\"name\":\"default\"}"
        );
    }
}

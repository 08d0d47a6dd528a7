//! Members as etcd identifies and records them: ids from peer URLs and the cluster token
//! (SHA-1), the cluster id from the member ids, the member JSON of the `members` bucket and of
//! conf-change contexts, and the v2 store tree that etcd 3.5 reads membership from.

use std::collections::BTreeMap;

use serde::Serialize;
use sha1::{Digest, Sha1};

use crate::json;

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

/// `membership.Member` as encoding/json writes it: `ID` as "id", the embedded
/// `RaftAttributes` (`isLearner` omitted when false) and `Attributes` (`name`, `clientURLs`
/// omitted when empty; a restored member has no client URLs yet).
#[derive(Serialize)]
struct MemberJson<'a> {
    id: u64,
    #[serde(rename = "peerURLs")]
    peer_urls: &'a [String],
    #[serde(skip_serializing_if = "str::is_empty")]
    name: &'a str,
}

/// `membership.RaftAttributes`.
#[derive(Serialize)]
struct RaftAttributesJson<'a> {
    #[serde(rename = "peerURLs")]
    peer_urls: &'a [String],
}

impl Member {
    /// The member's JSON as Go's encoding/json writes `membership.Member`.
    pub fn json(&self) -> String {
        json::marshal(&MemberJson { id: self.id, peer_urls: &self.peer_urls, name: &self.name })
    }

    /// `raftAttributes` as the v2 store keeps it.
    pub fn raft_attributes_json(&self) -> String {
        json::marshal(&RaftAttributesJson { peer_urls: &self.peer_urls })
    }
}

/// A v2 store node as `store.Save` marshals it: a key (`Value`, no children) or a directory
/// (`Children` by name, which encoding/json writes in sorted order). Nothing expires.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Node {
    path: String,
    created_index: u64,
    modified_index: u64,
    expire_time: &'static str,
    value: String,
    children: Option<BTreeMap<String, Node>>,
}

/// Go's zero `time.Time`, as encoding/json writes it.
const NEVER: &str = "0001-01-01T00:00:00Z";

impl Node {
    fn key(path: String, index: u64, value: String) -> Node {
        Node { path, created_index: index, modified_index: index, expire_time: NEVER, value, children: None }
    }

    fn dir(path: &str, index: u64, children: impl IntoIterator<Item = (String, Node)>) -> Node {
        Node {
            path: path.into(),
            created_index: index,
            modified_index: index,
            expire_time: NEVER,
            value: String::new(),
            children: Some(children.into_iter().collect()),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct V2Store {
    root: Node,
    current_index: u64,
    current_version: u64,
}

/// The v2 store's JSON (what etcd 3.5 saves as a raft snapshot's data) holding the members
/// under `/0/members` and the empty `/1` keyspace.
pub fn v2_store_json(members: &[Member], current_index: u64) -> String {
    let member_nodes = members.iter().enumerate().map(|(i, m)| {
        let (name, index) = (format!("{:x}", m.id), i as u64 + 1);
        let dir = format!("/0/members/{name}");
        let attrs = Node::key(format!("{dir}/raftAttributes"), index, m.raft_attributes_json());
        (name, Node::dir(&dir, index, [("raftAttributes".to_string(), attrs)]))
    });
    let members_dir = Node::dir("/0/members", 1, member_nodes);
    let zero = Node::dir("/0", 0, [("members".to_string(), members_dir)]);
    let one = Node::dir("/1", 0, []);
    let root = Node::dir("/", 0, [("0".to_string(), zero), ("1".to_string(), one)]);
    json::marshal(&V2Store { root, current_index, current_version: 2 })
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

    /// The v2 store of a default restore (what etcdutl 3.5 writes into the snap file).
    #[test]
    fn v2_store_of_one_member() {
        let member = Member { id: 1, name: DEFAULT_NAME.into(), peer_urls: vec!["http://a:1".into()] };
        let node = |path: &str, index: u64, value: &str, children: &str| {
            format!(
                "{{\"Path\":\"{path}\",\"CreatedIndex\":{index},\"ModifiedIndex\":{index},\"ExpireTime\":\"0001-01-01T00:00:00Z\",\"Value\":\"{value}\",\"Children\":{children}}}"
            )
        };
        let attrs = node("/0/members/1/raftAttributes", 1, "{\\\"peerURLs\\\":[\\\"http://a:1\\\"]}", "null");
        let dir = node("/0/members/1", 1, "", &format!("{{\"raftAttributes\":{attrs}}}"));
        let members = node("/0/members", 1, "", &format!("{{\"1\":{dir}}}"));
        let zero = node("/0", 0, "", &format!("{{\"members\":{members}}}"));
        let root = node("/", 0, "", &format!("{{\"0\":{zero},\"1\":{}}}", node("/1", 0, "", "{}")));
        assert_eq!(
            v2_store_json(&[member], 1),
            format!("{{\"Root\":{root},\"CurrentIndex\":1,\"CurrentVersion\":2}}")
        );
    }

    /// encoding/json sorts map keys as strings: a member id with fewer hex digits sorts by its
    /// digits, not its value; and a name is escaped as Go escapes it.
    #[test]
    fn go_map_order_and_escaping() {
        let a =
            Member { id: 0x0f00_0000_0000_0000, name: "a\n<b>".into(), peer_urls: vec!["http://a:1".into()] };
        let b =
            Member { id: 0x8000_0000_0000_0000, name: String::new(), peer_urls: vec!["http://b:1".into()] };
        let json = v2_store_json(&[a.clone(), b], 2);
        let (first, second) =
            (json.find("\"8000000000000000\":").unwrap(), json.find("\"f00000000000000\":").unwrap());
        assert!(first < second, "{json}");
        assert_eq!(
            a.json(),
            "{\"id\":1080863910568919040,\"peerURLs\":[\"http://a:1\"],\"name\":\"a\\n\\u003cb\\u003e\"}"
        );
    }
}

//! dist/pkg/package.json: the headless package `etcd-playground` (an ES module: wasm-bindgen's
//! glue for `--target web`, the optimized wasm, the TypeScript declarations), at the version of
//! the page's crate.

/// The package's name on npm and in `import ... from "etcd-playground"`.
pub const NAME: &str = "etcd-playground";

/// The string `key` of `[section]` in a Cargo.toml (`version`, `license`, ...).
pub fn toml_field(manifest: &str, section: &str, key: &str) -> Option<String> {
    let mut inside = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line.trim_start_matches('[').trim_end_matches(']') == section;
        } else if let Some((name, value)) = line.split_once('=') {
            if inside && name.trim() == key {
                return Some(value.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

/// package.json for a package of `files` whose glue is `js` and declarations `types`.
pub fn manifest(version: &str, license: &str, js: &str, types: &str, files: &[String]) -> String {
    let files = files.iter().map(|f| format!("    {}", quote(f))).collect::<Vec<_>>().join(",\n");
    format!(
        r#"{{
  "name": {name},
  "version": {version},
  "description": "A faithful etcd in WebAssembly: a virtual cluster to run etcdctl, etcdutl and etcd commands against, headless",
  "license": {license},
  "type": "module",
  "main": {js},
  "module": {js},
  "types": {types},
  "files": [
{files}
  ]
}}
"#,
        name = quote(NAME),
        version = quote(version),
        license = quote(license),
        js = quote(js),
        types = quote(types),
    )
}

/// `text` as a JSON string.
fn quote(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_from_their_section() {
        let toml =
            "[package]\nname = \"playground-web\"\nversion = \"0.1.0\"\n\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(toml_field(toml, "package", "version").as_deref(), Some("0.1.0"));
        assert_eq!(toml_field("[dependencies]\nversion = \"1\"\n", "package", "version"), None);
        let web = std::fs::read_to_string(crate::root().join("web/Cargo.toml")).unwrap();
        assert!(toml_field(&web, "package", "version").is_some());
        let workspace = std::fs::read_to_string(crate::root().join("Cargo.toml")).unwrap();
        assert_eq!(toml_field(&workspace, "workspace.package", "license").as_deref(), Some("Apache-2.0"));
    }

    #[test]
    fn the_manifest_names_its_entry_points_and_files() {
        let files = ["etcd_playground.js".to_string(), "etcd_playground_bg.wasm".to_string()];
        let json = manifest("0.1.0", "Apache-2.0", "etcd_playground.js", "etcd_playground.d.ts", &files);
        for line in [
            "\"name\": \"etcd-playground\",",
            "\"version\": \"0.1.0\",",
            "\"type\": \"module\",",
            "\"main\": \"etcd_playground.js\",",
            "\"module\": \"etcd_playground.js\",",
            "\"types\": \"etcd_playground.d.ts\",",
            "    \"etcd_playground.js\",\n    \"etcd_playground_bg.wasm\"\n  ]\n}\n",
        ] {
            assert!(json.contains(line), "{line} in {json}");
        }
        assert_eq!(quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}

//! index.html as the built site serves it: the `<link data-trunk ...>` tags Trunk reads (kept in
//! the source so `trunk serve` still works) turned into what Trunk would put there: a stylesheet
//! link, and for the Rust app preload hints and a module script that starts the wasm and keeps
//! its exports on `window.wasmBindings`. Everything else in the page is left byte for byte.

/// What the page's `<link data-trunk rel="rust">` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustApp {
    /// `data-bin`: the binary target to build.
    pub bin: String,
    /// `data-wasm-opt`: wasm-opt's level (`z`, `s`, `0`..`4`), `z` when absent.
    pub wasm_opt: String,
}

/// The page as the site serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub html: String,
    pub app: RustApp,
    /// The stylesheets it links, as paths from the root (`static/style.css`).
    pub stylesheets: Vec<String>,
}

/// The data-trunk links of `html`, rewritten; `js` and `wasm` are the URLs of the package's glue
/// and module.
pub fn rewrite(html: &str, js: &str, wasm: &str) -> Result<Page, String> {
    let mut out = String::with_capacity(html.len() + 512);
    let mut app = None;
    let mut stylesheets = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<link") {
        let end = start + rest[start..].find('>').ok_or("index.html: a <link> is not closed")? + 1;
        let tag = &rest[start..end];
        out.push_str(&rest[..start]);
        let attributes = attributes(tag);
        if !attributes.iter().any(|(name, _)| name == "data-trunk") {
            out.push_str(tag);
        } else {
            let get =
                |key: &str| attributes.iter().find(|(name, _)| name == key).and_then(|(_, v)| v.clone());
            let indent = indent_before(&out);
            match get("rel").as_deref() {
                Some("css") => {
                    let href = get("href").ok_or("index.html: a data-trunk css link has no href")?;
                    let href = href.trim_start_matches('/').to_string();
                    out.push_str(&format!("<link rel=\"stylesheet\" href=\"/{href}\" />"));
                    stylesheets.push(href);
                }
                Some("rust") if app.is_none() => {
                    let bin =
                        get("data-bin").ok_or("index.html: the data-trunk rust link has no data-bin")?;
                    let wasm_opt = get("data-wasm-opt").unwrap_or_else(|| "z".into());
                    out.push_str(&start_script(js, wasm, &indent));
                    app = Some(RustApp { bin, wasm_opt });
                }
                Some("rust") => return Err("index.html: more than one data-trunk rust link".into()),
                other => {
                    return Err(format!(
                        "index.html: data-trunk rel={other:?} is not built without Trunk (css and rust are)"
                    ))
                }
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let app = app.ok_or("index.html: no <link data-trunk rel=\"rust\">")?;
    Ok(Page { html: out, app, stylesheets })
}

/// Preload hints, then the module that starts the app: wasm-bindgen's `init` runs `main` (which
/// mounts the page) and only then are the exports handed to the page's scripts and tests.
fn start_script(js: &str, wasm: &str, indent: &str) -> String {
    [
        format!("<link rel=\"modulepreload\" href=\"{js}\" />"),
        format!("<link rel=\"preload\" href=\"{wasm}\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\" />"),
        "<script type=\"module\">".to_string(),
        format!("  import init, * as bindings from '{js}';"),
        format!("  await init({{ module_or_path: '{wasm}' }});"),
        "  window.wasmBindings = bindings;".to_string(),
        "</script>".to_string(),
    ]
    .join(&format!("\n{indent}"))
}

/// The spaces that begin the line `out` ends in.
fn indent_before(out: &str) -> String {
    let line = out.rsplit('\n').next().unwrap_or_default();
    line.chars().take_while(|c| *c == ' ').collect()
}

/// The attributes of one tag, `name` or `name="value"` (single or double quotes), in order.
fn attributes(tag: &str) -> Vec<(String, Option<String>)> {
    let inner = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
    let mut chars = inner.chars().peekable();
    // The tag's own name.
    while chars.next_if(|c| !c.is_whitespace()).is_some() {}
    let mut list = Vec::new();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if name.is_empty() {
            return list;
        }
        let value = chars.next_if_eq(&'=').map(|_| match chars.next_if(|c| *c == '"' || *c == '\'') {
            Some(quote) => {
                let value = std::iter::from_fn(|| chars.next_if(|c| *c != quote)).collect();
                chars.next();
                value
            }
            None => std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect(),
        });
        list.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JS: &str = "/pkg/etcd_playground.js";
    const WASM: &str = "/pkg/etcd_playground_bg.wasm";

    #[test]
    fn the_pages_links_become_a_stylesheet_and_the_start_script() {
        let html = "<head>\n    <link rel=\"icon\" href=\"data:,\" />\n    <link data-trunk rel=\"css\" href=\"static/style.css\" />\n    <script>var a = 1 > 0;</script>\n    <link data-trunk rel=\"rust\" href=\"web/Cargo.toml\" data-bin=\"playground-web\" data-wasm-opt=\"z\" />\n  </head>";
        let page = rewrite(html, JS, WASM).unwrap();
        assert_eq!(page.app, RustApp { bin: "playground-web".into(), wasm_opt: "z".into() });
        assert_eq!(page.stylesheets, ["static/style.css"]);
        assert_eq!(
            page.html,
            "<head>\n    <link rel=\"icon\" href=\"data:,\" />\n    <link rel=\"stylesheet\" href=\"/static/style.css\" />\n    <script>var a = 1 > 0;</script>\n    <link rel=\"modulepreload\" href=\"/pkg/etcd_playground.js\" />\n    <link rel=\"preload\" href=\"/pkg/etcd_playground_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\" />\n    <script type=\"module\">\n      import init, * as bindings from '/pkg/etcd_playground.js';\n      await init({ module_or_path: '/pkg/etcd_playground_bg.wasm' });\n      window.wasmBindings = bindings;\n    </script>\n  </head>"
        );
    }

    #[test]
    fn the_projects_index_html_is_understood() {
        let html = std::fs::read_to_string(crate::root().join("index.html")).unwrap();
        let Page { html: page, app, .. } = rewrite(&html, JS, WASM).unwrap();
        assert_eq!(app.bin, "playground-web");
        assert!(!page.contains("data-trunk"), "{page}");
        // The crash-recovery listener stays as written, before the app starts.
        let recovery = html.find("addEventListener('error'").unwrap();
        assert!(page.contains(&html[recovery - 200..recovery + 200]));
        assert!(page.find("addEventListener('error'") < page.find("import init"));
    }

    #[test]
    fn links_it_cannot_build_are_refused() {
        let copy =
            "<link data-trunk rel=\"copy-dir\" href=\"x\" /><link data-trunk rel=\"rust\" data-bin=\"b\" />";
        assert!(rewrite(copy, JS, WASM).unwrap_err().contains("rel=Some(\"copy-dir\")"));
        assert!(rewrite("<head></head>", JS, WASM).unwrap_err().contains("no <link data-trunk"));
        let two = "<link data-trunk rel='rust' data-bin=b><link data-trunk rel=rust data-bin=b>";
        assert!(rewrite(two, JS, WASM).unwrap_err().contains("more than one"));
    }

    #[test]
    fn attributes_read_quoted_unquoted_and_bare() {
        let list = attributes("<link data-trunk rel=rust href='a b' data-bin=\"x\" />");
        let expected =
            [("data-trunk", None), ("rel", Some("rust")), ("href", Some("a b")), ("data-bin", Some("x"))];
        let expected: Vec<_> = expected.iter().map(|(n, v)| (n.to_string(), v.map(str::to_string))).collect();
        assert_eq!(list, expected);
    }
}

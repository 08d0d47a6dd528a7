fn main() {
    console_error_panic_hook::set_once();
    // The module starts the whole page only where it is the page. Imported headless (Node, a
    // worker) there is no document: the module is then only the JavaScript API (api.rs). In a
    // documentation page that defines `<etcd-playground>` (static/embed.js) it mounts nothing
    // until an element asks (embed.rs).
    let Some(window) = web_sys::window() else { return };
    let has_body = window.document().and_then(|d| d.body()).is_some();
    let embedding = !window.custom_elements().get("etcd-playground").is_undefined();
    if has_body && !embedding {
        leptos::mount::mount_to_body(playground_web::App);
    }
}

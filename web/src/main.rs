fn main() {
    console_error_panic_hook::set_once();
    // Imported headless (Node, a worker) there is no page to mount: the module is then only the
    // JavaScript API (api.rs).
    let has_body = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()).is_some();
    if has_body {
        leptos::mount::mount_to_body(playground_web::App);
    }
}

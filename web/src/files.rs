//! Files between the visitor's computer and the playground's filesystem: a file picker and
//! drag-and-drop put a real snapshot or member `db` file where `etcdutl`, `etcd --data-dir` and
//! `bbolt` read files; `playground download FILE` (and on the page every `snapshot save`) hands
//! the file to the browser, which saves it.

use leptos::ev::DragEvent;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::context::PlaygroundContext;
use crate::playground::SharedPlayground;

/// The most one pick or drop takes in, all its files together: the bytes live in the tab's
/// memory next to three members' databases, and a browser tab's wasm memory ends at 4 GiB.
pub const MAX_UPLOAD_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// Reads each file and copies it into the playground, or says in the terminal why not. A batch
/// over [`MAX_UPLOAD_BYTES`] is refused whole, before anything is read.
pub fn take_in(context: PlaygroundContext, files: web_sys::FileList) {
    // The playground itself, not the view's handle to it: a read may finish after an embedded
    // playground was taken off the page, when its views (and their context) are gone.
    let shared = context.shared();
    let say = |shared: &SharedPlayground, message: &str| {
        shared.update(|p| {
            p.session_mut().print(playground_shell::EntryKind::Stderr, message);
            p.touch();
        })
    };
    let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.item(i)).collect();
    let total: f64 = files.iter().map(|f| f.size()).sum();
    if total > MAX_UPLOAD_BYTES {
        let names: Vec<String> = files.iter().map(|f| f.name()).collect();
        say(
            &shared,
            &format!(
                "upload: {}: {:.0} MiB is more than the {:.0} MiB the page takes in at once\n",
                names.join(", "),
                total / 1048576.0,
                MAX_UPLOAD_BYTES / 1048576.0
            ),
        );
        return;
    }
    for file in files {
        let shared = shared.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    let _ = shared.update(|p| p.put_file(&name, &bytes));
                }
                Err(_) => say(&shared, &format!("upload: {name}: the browser could not read the file\n")),
            }
        });
    }
}

/// Hands `bytes` to the browser as a download named after the file.
fn save(path: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The click has started the download; the URL is no longer needed once it ran.
    let revoke = url.clone();
    gloo_timers::callback::Timeout::new(1_000, move || {
        let _ = web_sys::Url::revoke_object_url(&revoke);
    })
    .forget();
    Ok(())
}

/// The file button (and its hidden picker), and the watcher that saves offered files.
/// `snapshots`: every `snapshot save` is downloaded too (the page; not an embedded playground).
#[component]
pub fn FileTransfer(snapshots: bool) -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let picker = NodeRef::<html::Input>::new();
    let last_seq = StoredValue::new(context.shared().with(|p| p.events_since(0).last().map_or(0, |e| e.seq)));
    Effect::new(move |_| {
        context.version.track();
        let (files, newest) = context.shared().with(|p| p.take_downloads(snapshots, last_seq.get_value()));
        last_seq.set_value(newest);
        for (path, bytes) in files {
            let _ = save(&path, &bytes);
        }
    });
    view! {
        <input
            type="file"
            multiple
            hidden
            node_ref=picker
            data-testid="file-input"
            on:change=move |ev| {
                let input: web_sys::HtmlInputElement = event_target(&ev);
                if let Some(files) = input.files() {
                    take_in(context, files);
                }
                input.set_value("");
            }
        />
        <button
            data-testid="file-upload"
            title="copy files from your computer into the playground (or drop them on the terminal); playground download FILE saves one"
            on:click=move |_| {
                if let Some(input) = picker.get_untracked() {
                    input.click();
                }
            }
        >
            "⇪ files"
        </button>
    }
}

/// Drop handlers for the terminal: files dropped on it are taken in.
pub fn on_dragover(ev: DragEvent) {
    ev.prevent_default();
}

pub fn on_drop(context: PlaygroundContext, ev: DragEvent) {
    ev.prevent_default();
    if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
        take_in(context, files);
    }
}

//! The top bar's undo, reset and share buttons, and opening a share link: the page starts from
//! the link's seed, flags and journal, or from a clean playground with `share-error` saying
//! why the link could not be read.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::context::PlaygroundContext;
use crate::playground::Playground;
use crate::share_link::{self, Shared};

/// The page's playground: the one the URL's share link makes, else a fresh one of `seed`;
/// with the reason when a link was there and could not be opened.
pub fn playground_from_url(
    seed: u64,
    etcd: playground_server::EtcdVersion,
) -> (u64, Result<Playground, String>, Option<String>) {
    let fragment = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let fragment = fragment.strip_prefix('#').unwrap_or(&fragment);
    if !share_link::is_share(fragment) {
        return (seed, Playground::of_version(seed, etcd, &[]).map_err(|e| e.to_string()), None);
    }
    let opened = share_link::decode(fragment).map_err(|e| e.to_string()).and_then(|shared| {
        Playground::replayed(shared.seed, shared.etcd, &shared.flags, shared.journal)
            .map(|p| (shared.seed, p))
            .map_err(|e| format!("its flags are refused: {e}"))
    });
    match opened {
        Ok((seed, playground)) => (seed, Ok(playground), None),
        Err(reason) => {
            let error =
                format!("This share link cannot be opened: {reason}. A clean playground started instead.");
            (seed, Playground::of_version(seed, etcd, &[]).map_err(|e| e.to_string()), Some(error))
        }
    }
}

#[component]
pub fn ShareControls(
    context: PlaygroundContext,
    /// The share button (the page has it; an embedded playground's URL is another page's).
    share: bool,
    /// Why the URL's share link could not be opened.
    error: Option<String>,
) -> impl IntoView {
    let link = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<String>);
    let on_share = move |_| {
        let shared = context.shared().with(|p| {
            let flags = p.flags().map(<[String]>::to_vec);
            flags.map(|flags| Shared { seed: p.seed(), etcd: p.etcd(), flags, journal: p.journal().clone() })
        });
        let Some(shared) = shared else {
            message.set(Some("This playground cannot be shared (it was not started from a seed)".into()));
            return;
        };
        let Some(window) = web_sys::window() else { return };
        let href = window.location().href().unwrap_or_default();
        let base = href.split('#').next().unwrap_or_default().to_string();
        match share_link::encode(&shared, &base) {
            Ok(fragment) => {
                let url = format!("{base}#{fragment}");
                if let Ok(history) = window.history() {
                    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
                }
                message.set(Some("Copy this link:".to_string()));
                copy_to_clipboard(&window, &url, message);
                link.set(Some(url));
            }
            Err(error) => {
                link.set(None);
                message.set(Some(format!("Cannot share: {error}")));
            }
        }
    };
    view! {
        <span class="share-controls">
            <button
                data-testid="undo-button"
                title="Undo the last command: the playground is replayed from its seed without it (playground undo)"
                on:click=move |_| context.update(|p| p.undo())
            >"Undo"</button>
            <button
                data-testid="reset-button"
                title="A fresh cluster of the same seed and flags (playground reset)"
                on:click=move |_| context.update(|p| p.reset())
            >"Reset"</button>
            {share.then(|| view! {
                <button data-testid="share-button" title="A link that replays this playground" on:click=on_share>
                    "Share"
                </button>
            })}
            {move || message.get().map(|m| view! { <span class="share-message" data-testid="share-message">{m}</span> })}
            {move || link.get().map(|url| view! {
                <input class="share-url" data-testid="share-url" readonly prop:value=url />
            })}
            {error.map(|e| view! { <span class="share-error" data-testid="share-error" role="alert">{e}</span> })}
        </span>
    }
}

/// Copies `text` where the browser offers a clipboard and allows it; the message says so
/// once the browser answered (the link stays shown either way).
fn copy_to_clipboard(window: &web_sys::Window, text: &str, message: RwSignal<Option<String>>) {
    let navigator = window.navigator();
    let present =
        js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).is_ok_and(|c| !c.is_undefined());
    if !present {
        return;
    }
    let promise = navigator.clipboard().write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            message.try_set(Some("Link copied to the clipboard:".to_string()));
        }
    });
}

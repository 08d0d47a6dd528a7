//! Dark and light colour schemes: the visitor's choice if they made one (kept across reloads),
//! else what their system prefers. The page's colours switch through `data-scheme` on the root
//! element; the charts take their palette from the signal.

use leptos::prelude::*;

use crate::storage::{load, save, SCHEME_KEY};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Dark,
    Light,
}

impl Scheme {
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Dark => "dark",
            Scheme::Light => "light",
        }
    }

    pub fn parse(name: &str) -> Option<Scheme> {
        match name {
            "dark" => Some(Scheme::Dark),
            "light" => Some(Scheme::Light),
            _ => None,
        }
    }

    pub fn other(self) -> Scheme {
        match self {
            Scheme::Dark => Scheme::Light,
            Scheme::Light => Scheme::Dark,
        }
    }

    fn initial() -> Scheme {
        load(SCHEME_KEY).as_deref().and_then(Scheme::parse).unwrap_or_else(|| {
            let light = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: light)").ok().flatten())
                .is_some_and(|query| query.matches());
            if light {
                Scheme::Light
            } else {
                Scheme::Dark
            }
        })
    }

    /// The scheme signal, provided through context and applied to the document as it changes.
    pub fn provide() -> RwSignal<Scheme> {
        let scheme = RwSignal::new(Scheme::initial());
        Effect::new(move |_| {
            let name = scheme.get().name();
            if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = root.set_attribute("data-scheme", name);
            }
        });
        provide_context(scheme);
        scheme
    }
}

/// The dark/light switch in the top bar.
#[component]
pub fn SchemeToggle() -> impl IntoView {
    let scheme = expect_context::<RwSignal<Scheme>>();
    view! {
        <button
            data-testid="scheme-toggle"
            aria-label=move || format!("Switch to the {} colour scheme", scheme.get().other().name())
            on:click=move |_| {
                let next = scheme.get_untracked().other();
                save(SCHEME_KEY, next.name());
                scheme.set(next);
            }
        >
            {move || if scheme.get() == Scheme::Dark { "☀ light" } else { "☾ dark" }}
        </button>
    }
}

//! Dark and light colour schemes: the visitor's choice if they made one (kept across reloads),
//! else what their system prefers. The page's colours switch through `data-scheme` on the root
//! element, an embedded playground's on its own layout element (it keeps no choice: the
//! documentation page around it owns the visitor's storage); the charts take their palette from
//! the signal.

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

    fn system() -> Scheme {
        let light = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: light)").ok().flatten())
            .is_some_and(|query| query.matches());
        if light {
            Scheme::Light
        } else {
            Scheme::Dark
        }
    }

    /// The page's scheme signal, provided through context and applied to the document as it
    /// changes; the toggle keeps the visitor's choice.
    pub fn provide() -> RwSignal<Scheme> {
        let scheme =
            RwSignal::new(load(SCHEME_KEY).as_deref().and_then(Scheme::parse).unwrap_or_else(Scheme::system));
        Effect::new(move |_| {
            let name = scheme.get().name();
            if let Some(root) =
                web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("data-scheme", name);
            }
        });
        provide_context(scheme);
        provide_context(KeepChoice(true));
        scheme
    }

    /// An embedded playground's scheme: `requested` if given, else the system's; the view sets
    /// `data-scheme` on its own root from the signal.
    pub fn provide_embedded(requested: Option<Scheme>) -> RwSignal<Scheme> {
        let scheme = RwSignal::new(requested.unwrap_or_else(Scheme::system));
        provide_context(scheme);
        provide_context(KeepChoice(false));
        scheme
    }
}

/// Whether the toggle saves the visitor's choice (the page) or not (an embedded playground).
#[derive(Clone, Copy)]
struct KeepChoice(bool);

/// The dark/light switch in the top bar.
#[component]
pub fn SchemeToggle() -> impl IntoView {
    let scheme = expect_context::<RwSignal<Scheme>>();
    let keep_choice = use_context::<KeepChoice>().is_some_and(|keep| keep.0);
    view! {
        <button
            data-testid="scheme-toggle"
            aria-label=move || format!("Switch to the {} colour scheme", scheme.get().other().name())
            on:click=move |_| {
                let next = scheme.get_untracked().other();
                if keep_choice {
                    save(SCHEME_KEY, next.name());
                }
                scheme.set(next);
            }
        >
            {move || if scheme.get() == Scheme::Dark { "☀ light" } else { "☾ dark" }}
        </button>
    }
}

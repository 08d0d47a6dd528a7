//! The page's one playground, provided to every component through Leptos context, and the
//! page-wide handle the JavaScript API reaches it by.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::playground::{Playground, SharedPlayground};

/// What components take from context: the shared playground and a signal that moves whenever
/// it changed, so views re-read it (memos keep what did not change from re-rendering).
#[derive(Clone, Copy)]
pub struct PlaygroundContext {
    model: StoredValue<SharedPlayground, LocalStorage>,
    pub version: RwSignal<u64>,
}

thread_local! {
    /// The playground the page shows, for [`crate::api::page`].
    static PAGE: RefCell<Option<SharedPlayground>> = const { RefCell::new(None) };
}

impl PlaygroundContext {
    /// Wraps `shared` for the views: every change made through it moves [`Self::version`].
    pub fn new(shared: SharedPlayground) -> PlaygroundContext {
        let version = RwSignal::new(shared.with(|p| p.version()));
        let model = StoredValue::new_local(shared.clone());
        shared.listen(Rc::new(move || {
            if let Some(v) = model.try_with_value(|s| s.with(|p| p.version())) {
                version.set(v);
            }
        }));
        PlaygroundContext { model, version }
    }

    /// Provides `shared` as the page's playground: components and [`crate::api::page`] see it.
    pub fn provide_for_page(shared: SharedPlayground) -> PlaygroundContext {
        PAGE.with(|page| *page.borrow_mut() = Some(shared.clone()));
        let context = PlaygroundContext::new(shared);
        provide_context(context);
        context
    }

    pub fn shared(&self) -> SharedPlayground {
        self.model.with_value(SharedPlayground::clone)
    }

    /// Reads the playground, tracking [`Self::version`] (inside a memo or view it re-runs on change).
    pub fn read<T>(&self, f: impl FnOnce(&mut Playground) -> T) -> T {
        self.version.track();
        self.model.with_value(|s| s.with(f))
    }

    /// Changes the playground, then lets the views know.
    pub fn update<T>(&self, f: impl FnOnce(&mut Playground) -> T) -> T {
        self.model.with_value(|s| s.update(f))
    }
}

/// The page's playground, if the page has mounted one.
pub fn page_playground() -> Option<SharedPlayground> {
    PAGE.with(|page| page.borrow().clone())
}

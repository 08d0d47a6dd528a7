//! The terminal component in a real browser (headless Chromium through wasm-bindgen-test):
//! mounted alone, driven by DOM events as a keyboard would drive it.

use leptos::prelude::*;
use playground_web::Terminal;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Event, EventInit, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

struct Mounted {
    root: HtmlElement,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

fn mount() -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle =
        leptos::mount::mount_to(root.clone(), || view! { <Terminal seed=1 persist=false /> }.into_any());
    Mounted { root, _handle: handle }
}

impl Mounted {
    fn input(&self) -> HtmlInputElement {
        self.root.query_selector("[data-testid=terminal-input]").unwrap().unwrap().unchecked_into()
    }

    fn output(&self) -> String {
        let output: HtmlElement =
            self.root.query_selector("[data-testid=terminal-output]").unwrap().unwrap().unchecked_into();
        output.text_content().unwrap_or_default()
    }

    fn key(&self, key: &str, ctrl: bool) {
        let init = KeyboardEventInit::new();
        init.set_key(key);
        init.set_ctrl_key(ctrl);
        init.set_bubbles(true);
        init.set_cancelable(true);
        let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        self.input().dispatch_event(&event).unwrap();
    }

    /// Types `text` into the input (as an input event) and presses Enter.
    fn type_line(&self, text: &str) {
        let input = self.input();
        input.set_value(text);
        let init = EventInit::new();
        init.set_bubbles(true);
        input.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
        self.key("Enter", false);
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// Lets Leptos run the effects the last event scheduled.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_typed_pipeline_prints_its_output() {
    let terminal = mount();
    terminal.type_line("for i in $(seq 1 3); do echo line $i; done | wc -l");
    settle().await;
    let output = terminal.output();
    assert!(output.contains("$ for i in $(seq 1 3); do echo line $i; done | wc -l\n3\n"), "{output}");
    assert_eq!(terminal.input().value(), "");
}

#[wasm_bindgen_test]
async fn stderr_gets_its_own_class() {
    let terminal = mount();
    terminal.type_line("cat nosuchfile");
    settle().await;
    let stderr = terminal.root.query_selector(".stderr").unwrap().expect("a stderr span");
    assert_eq!(stderr.text_content().unwrap(), "cat: nosuchfile: No such file or directory\n");
}

#[wasm_bindgen_test]
async fn arrow_keys_walk_the_history() {
    let terminal = mount();
    terminal.type_line("echo one");
    terminal.type_line("echo two");
    settle().await;
    terminal.key("ArrowUp", false);
    settle().await;
    assert_eq!(terminal.input().value(), "echo two");
    terminal.key("ArrowUp", false);
    settle().await;
    assert_eq!(terminal.input().value(), "echo one");
    terminal.key("ArrowDown", false);
    terminal.key("ArrowDown", false);
    settle().await;
    assert_eq!(terminal.input().value(), "");
}

#[wasm_bindgen_test]
async fn ctrl_l_clears_and_tab_completes() {
    let terminal = mount();
    terminal.type_line("echo something");
    settle().await;
    terminal.key("l", true);
    settle().await;
    assert_eq!(terminal.output(), "");
    let input = terminal.input();
    input.set_value("hist");
    let init = EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
    terminal.key("Tab", false);
    settle().await;
    assert_eq!(terminal.input().value(), "history ");
}

//! The terminal widget: scrollback, prompt and input line. Keys map onto [`Session`] methods of
//! the playground's session; the scrollback re-renders from the session's entries after each
//! action, and every action lets the other views know.

use leptos::ev::{ClipboardEvent, KeyboardEvent};
use leptos::html;
use leptos::prelude::*;
use playground_shell::{Entry, EntryKind};

use crate::Session;

use crate::playground::{Playground, SharedPlayground};
use crate::recovery;
use crate::storage::{load_history, save_history};

const BANNER: &str = "etcd playground: a virtual etcd in your browser. Type `help` to see the commands.\n";

#[component]
pub fn Terminal(
    /// Seeds the shell's RNG (`dd if=/dev/urandom`, `$RANDOM`): the same seed, the same run.
    seed: u64,
    /// Keep history in localStorage (off in component tests).
    #[prop(default = true)]
    persist: bool,
    /// Take the keyboard focus when shown (the page's terminal does; one embedded in a
    /// documentation page must not pull the reader's focus or scroll).
    #[prop(default = true)]
    autofocus: bool,
    /// The playground whose session to drive (the page shares it with its other views); a new
    /// one if absent.
    #[prop(optional)]
    playground: Option<SharedPlayground>,
) -> impl IntoView {
    let playground = playground
        .unwrap_or_else(|| SharedPlayground::new(Playground::with_shell(seed, playground_ctl::shell(seed))));
    let session = StoredValue::new_local(playground);
    let with_session =
        move |f: &mut dyn FnMut(&mut Session)| session.with_value(|p| p.with(|p| f(p.session_mut())));
    // After an engine failure the page reloaded: the old scrollback comes back with a notice.
    let recovered = if persist { recovery::take() } else { None };
    with_session(&mut |session| {
        if persist {
            let mut history = load_history();
            history.extend(recovered.as_ref().and_then(|r| r.running.clone()));
            session.shell_mut().set_history(history);
        }
        match &recovered {
            Some(recovered) => {
                for (kind, text) in &recovered.entries {
                    session.print(*kind, text);
                }
                session.print(EntryKind::Stderr, &recovered.notice());
            }
            None => session.print(EntryKind::Stdout, BANNER),
        }
    });
    let mut first = (Vec::new(), "");
    with_session(&mut |s| first = (s.entries().cloned().collect::<Vec<Entry>>(), s.prompt()));
    let entries = RwSignal::new(first.0);
    let prompt = RwSignal::new(first.1);
    let input = RwSignal::new(String::new());
    let input_ref = NodeRef::<html::Input>::new();
    let output_ref = NodeRef::<html::Div>::new();

    // Runs `action` on the session, refreshes what the view shows from it, then tells the
    // playground's other views.
    let act = move |action: &mut dyn FnMut(&mut Session)| {
        // The signals are set once the playground is no longer borrowed.
        let (list, now_prompt, history) = session.with_value(|shared| {
            shared.update(|p| {
                action(p.session_mut());
                p.touch();
                let s = p.session();
                let history = if persist { s.shell().history().to_vec() } else { Vec::new() };
                (s.entries().cloned().collect::<Vec<Entry>>(), s.prompt(), history)
            })
        });
        if persist {
            save_history(&history);
            recovery::save_scrollback(&list);
            recovery::save_running(None);
        }
        entries.set(list);
        prompt.set(now_prompt);
    };

    let submit_lines = move |text: String| {
        let mut lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
        let last = lines.pop().unwrap_or_default().to_string();
        // One submission, one budget: a pasted loop gets no more than a typed one.
        if persist {
            recovery::save_running(Some(&lines.join("\n")));
        }
        act(&mut |s| s.submit_paste(&lines));
        input.set(last);
    };

    let on_keydown = move |ev: KeyboardEvent| {
        let key = ev.key();
        let ctrl = ev.ctrl_key() || ev.meta_key();
        match key.as_str() {
            "Enter" => {
                ev.prevent_default();
                let line = input.get_untracked();
                input.set(String::new());
                if persist {
                    recovery::save_running(Some(&line));
                }
                act(&mut |s| s.submit(&line));
            }
            "ArrowUp" => {
                ev.prevent_default();
                let current = input.get_untracked();
                with_session(&mut |s| {
                    if let Some(line) = s.history_previous(&current) {
                        input.set(line);
                    }
                });
            }
            "ArrowDown" => {
                ev.prevent_default();
                with_session(&mut |s| {
                    if let Some(line) = s.history_next() {
                        input.set(line);
                    }
                });
            }
            "Tab" => {
                ev.prevent_default();
                let line = input.get_untracked();
                let mut completed = line.clone();
                act(&mut |s| completed = s.complete(&line));
                input.set(completed);
            }
            "c" | "C" if ctrl && !has_selection() => {
                ev.prevent_default();
                let line = input.get_untracked();
                input.set(String::new());
                act(&mut |s| s.cancel(&line));
            }
            "l" | "L" if ctrl => {
                ev.prevent_default();
                act(&mut |s| s.clear());
            }
            _ => {}
        }
    };

    // A pasted block runs line by line, as in a real terminal; the last partial line stays.
    let on_paste = move |ev: ClipboardEvent| {
        let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
            return;
        };
        if !text.contains('\n') {
            return;
        }
        ev.prevent_default();
        let (before, after) = match input_ref.get_untracked() {
            Some(el) => {
                let value = el.value();
                let at = el.selection_start().ok().flatten().unwrap_or(value.len() as u32) as usize;
                let at =
                    value.char_indices().map(|(i, _)| i).chain([value.len()]).nth(at).unwrap_or(value.len());
                (value[..at].to_string(), value[at..].to_string())
            }
            None => (input.get_untracked(), String::new()),
        };
        submit_lines(format!("{before}{text}{after}"));
    };

    // Commands run from elsewhere on the page (a member card's button) land in the same
    // scrollback: follow the playground's changes, copying the entries only when they moved.
    if let Some(context) = use_context::<crate::context::PlaygroundContext>() {
        Effect::new(move |_| {
            context.version.track();
            let mut moved = None;
            with_session(&mut |s| {
                let last = s.entries().last().map(|e| e.id);
                let shown = entries.with_untracked(|list| list.last().map(|e| e.id));
                if last != shown {
                    moved = Some((s.entries().cloned().collect::<Vec<Entry>>(), s.prompt()));
                }
            });
            if let Some((list, now_prompt)) = moved {
                entries.set(list);
                prompt.set(now_prompt);
            }
        });
    }

    // Keep the newest output in view, once the new lines are laid out (commands an embedded
    // playground runs at start land before its first frame).
    Effect::new(move |_| {
        entries.track();
        if let Some(output) = output_ref.get() {
            output.set_scroll_top(output.scroll_height());
            request_animation_frame(move || output.set_scroll_top(output.scroll_height()));
        }
    });

    // A click anywhere focuses the input, unless the user is selecting text to copy.
    let focus_input = move |_| {
        if !has_selection() {
            if let Some(el) = input_ref.get_untracked() {
                let _ = el.focus();
            }
        }
    };

    view! {
        <section class="terminal" data-testid="terminal" on:click=focus_input>
            <div class="scroll" node_ref=output_ref>
                <pre class="output" data-testid="terminal-output" aria-live="polite">
                    <For
                        each=move || entries.get()
                        key=|entry| entry.id
                        children=|entry| view! { <span class=entry.kind.class()>{entry.text}</span> }
                    />
                </pre>
                <div class="input-line">
                    <span class="prompt" data-testid="terminal-prompt">{move || prompt.get()}</span>
                    <input
                        data-testid="terminal-input"
                        node_ref=input_ref
                        type="text"
                        autofocus=autofocus
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        aria-label="Command"
                        prop:value=move || input.get()
                        on:input=move |ev| input.set(event_target_value(&ev))
                        on:keydown=on_keydown
                        on:paste=on_paste
                    />
                </div>
            </div>
        </section>
    }
}

fn has_selection() -> bool {
    web_sys::window().and_then(|w| w.get_selection().ok().flatten()).is_some_and(|s| !s.is_collapsed())
}

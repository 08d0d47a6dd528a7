//! The lesson panel: the picker (every lesson of `static/lessons/index.txt`, with the steps
//! done in earlier visits), and the lesson being followed, its steps, each goal with a ✓ once
//! the engine meets it, hints and the reference commands. The lesson files are fetched at
//! start, so authors add lessons without rebuilding the page; `?lesson=ID` opens one. Progress
//! is kept in the visitor's localStorage.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use crate::context::PlaygroundContext;
use crate::lessons::{parse_saved, Catalog, GoalView, LessonView, Saved, StepState, StepView};
use crate::storage;

pub const PROGRESS_KEY: &str = "etcd-playground.lessons";
const LESSONS_DIR: &str = "static/lessons/";
/// An index listing more is cut here: the page fetches each file.
const MAX_LESSONS: usize = 100;

async fn fetch_text(url: &str) -> Option<String> {
    let window = web_sys::window()?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(url)).await.ok()?.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?).await.ok()?.as_string()
}

async fn load_catalog() -> Result<Catalog, String> {
    let index_url = format!("{LESSONS_DIR}index.txt");
    let index = fetch_text(&index_url).await.ok_or_else(|| format!("{index_url} could not be fetched"))?;
    let mut files = Vec::new();
    for name in playground_lessons::index::names(&index).take(MAX_LESSONS) {
        files.push((name.to_string(), fetch_text(&format!("{LESSONS_DIR}{name}")).await));
    }
    Ok(Catalog::from_files(files))
}

/// `?lesson=ID` from the page's URL, unless the URL holds a share link too (which made the
/// playground shown, and which opening the lesson would start over).
fn lesson_from_url() -> Option<String> {
    let location = web_sys::window()?.location();
    if location.hash().ok().is_some_and(|hash| crate::share_link::is_share(hash.trim_start_matches('#'))) {
        return None;
    }
    let search = location.search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get("lesson")
}

fn save_progress(saved: &Saved) {
    if let Ok(json) = serde_json::to_string(saved) {
        storage::save(PROGRESS_KEY, &json);
    }
}

#[component]
pub fn LessonPanel() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let catalog = RwSignal::new(None::<Result<Catalog, String>>);
    let saved = RwSignal::new(parse_saved(storage::load(PROGRESS_KEY).as_deref()));
    let error = RwSignal::new(None::<String>);

    let open = move |id: String| {
        let lesson = catalog.with_untracked(|c| c.as_ref().and_then(|c| c.as_ref().ok()?.find(&id).cloned()));
        let Some(lesson) = lesson else {
            // A URL can carry any length: the error quotes at most a lesson id's length.
            let shown: String = id.chars().take(64).collect();
            error.set(Some(format!("no lesson {shown:?} among the lessons offered")));
            return;
        };
        let done = saved.with_untracked(|s| s.get(&id).copied().unwrap_or(0));
        error.set(context.update(|p| p.open_lesson(lesson, done)).err());
    };
    spawn_local(async move {
        catalog.set(Some(load_catalog().await));
        if let Some(id) = lesson_from_url() {
            open(id);
        }
    });

    // Steps done are kept: a step done stays done across reloads.
    let progress = Memo::new(move |_| context.read(|p| p.lesson_progress()));
    Effect::new(move |_| {
        if let Some((id, done)) = progress.get() {
            if saved.with_untracked(|s| s.get(&id).copied().unwrap_or(0)) < done {
                saved.update(|s| {
                    s.insert(id, done);
                });
                saved.with_untracked(save_progress);
            }
        }
    });
    let start_over = move |id: String| {
        saved.update(|s| {
            s.remove(&id);
        });
        saved.with_untracked(save_progress);
        open(id);
    };

    let lesson = Memo::new(move |_| context.read(|p| p.lesson_view()));
    let body = move || match lesson.get() {
        Some(view) => lesson_view(view, context, start_over).into_any(),
        None => picker(catalog, saved, open).into_any(),
    };
    view! {
        <section class="lessons" data-testid="lessons" aria-label="Lessons">
            {body}
            {move || error.get().map(|e| view! { <p class="lesson-error" data-testid="lesson-open-error">{e}</p> })}
        </section>
    }
}

fn picker(
    catalog: RwSignal<Option<Result<Catalog, String>>>,
    saved: RwSignal<Saved>,
    open: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let items = move || {
        match catalog.get() {
        None => view! { <li class="muted">"Loading the lessons…"</li> }.into_any(),
        Some(Err(error)) => view! { <li class="lesson-error" data-testid="lesson-error">{error}</li> }.into_any(),
        Some(Ok(catalog)) => catalog
            .entries
            .into_iter()
            .map(|entry| match entry.lesson {
                Ok(lesson) => {
                    let steps = lesson.steps.len();
                    let done = saved.with(|s| s.get(&lesson.id).copied().unwrap_or(0)).min(steps);
                    let mark = if done == steps {
                        "✓".to_string()
                    } else if done > 0 {
                        format!("{done}/{steps}")
                    } else {
                        String::new()
                    };
                    let id = lesson.id.clone();
                    view! {
                        <li>
                            <button
                                class="lesson-item"
                                data-testid="lesson-item"
                                data-lesson-id=lesson.id.clone()
                                data-done=done
                                on:click=move |_| open(id.clone())
                            >
                                <span>{lesson.title}</span>
                                <span class="lesson-mark">{mark}</span>
                            </button>
                        </li>
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <li class="lesson-error" data-testid="lesson-error">{format!("{}: {error}", entry.file)}</li>
                }
                .into_any(),
            })
            .collect_view()
            .into_any(),
    }
    };
    view! {
        <details class="lesson-picker-box" open>
            <summary>"Lessons"</summary>
            <ul class="lesson-picker" data-testid="lesson-picker">{items}</ul>
        </details>
    }
}

fn lesson_view(
    view: LessonView,
    context: PlaygroundContext,
    start_over: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = view.id.clone();
    let steps = view.steps.into_iter().map(step_view).collect_view();
    view! {
        <div class="lesson" data-testid="lesson" data-lesson-id=view.id.clone() data-done=view.done>
            <header class="lesson-head">
                <h2>{view.title}</h2>
                <span class="muted">"etcd " {view.etcd}</span>
                <button data-testid="lesson-start-over" title="A fresh cluster, no step done"
                    on:click=move |_| start_over(id.clone())>"Start over"</button>
                <button data-testid="lesson-close" on:click=move |_| context.update(|p| p.close_lesson())>
                    "All lessons"
                </button>
            </header>
            {view.text.into_iter().map(|p| view! { <p>{rich(&p)}</p> }).collect_view()}
            <ol class="lesson-steps">{steps}</ol>
            {view.complete.then(|| view! {
                <p class="lesson-complete" data-testid="lesson-complete">"✓ Lesson complete"</p>
            })}
        </div>
    }
}

fn step_view(step: StepView) -> impl IntoView {
    let current = step.state == StepState::Current;
    let (class, state) = match step.state {
        StepState::Done => ("lesson-step done", "done"),
        StepState::Current => ("lesson-step current", "current"),
        StepState::Later => ("lesson-step later", "later"),
    };
    let goals = step
        .goals
        .into_iter()
        .map(|GoalView { goal, met }| {
            view! {
                <li class="lesson-goal" class:met=met data-testid="lesson-goal" data-met=met.to_string()>
                    <span class="lesson-check" aria-label=if met { "met" } else { "not yet" }>
                        {if met { "✓" } else { "○" }}
                    </span>
                    <code>{goal}</code>
                </li>
            }
        })
        .collect_view();
    let details = current.then(|| {
        let hints = step
            .hints
            .into_iter()
            .map(|hint| view! { <details class="lesson-hint"><summary>"Hint"</summary><p>{rich(&hint)}</p></details> })
            .collect_view();
        view! {
            {step.text.into_iter().map(|p| view! { <p>{rich(&p)}</p> }).collect_view()}
            {hints}
            <details class="lesson-solution" data-testid="lesson-solution">
                <summary>"Show the commands"</summary>
                <pre>{step.solution.join("\n")}</pre>
            </details>
        }
    });
    view! {
        <li class=class data-testid="lesson-step" data-state=state>
            <h3>{if step.state == StepState::Done { "✓ " } else { "" }} {step.title}</h3>
            {details}
            <ul class="lesson-goals">{goals}</ul>
        </li>
    }
}

/// Text with `backquoted` commands as code.
fn rich(text: &str) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                view! { <code>{part.to_string()}</code> }.into_any()
            } else {
                part.to_string().into_any()
            }
        })
        .collect_view()
}

//! Play/pause, the speed, jumps of virtual time and the virtual clock. The driver's state lives
//! in the playground, so the JavaScript API and these controls agree; a jump runs `playground
//! advance` through the terminal, as a member card's button runs its command.

use leptos::prelude::*;

use crate::context::PlaygroundContext;
use crate::members::clock;
use crate::playground::SPEEDS;

/// The longest a step waits for the next event.
const STEP_MAX_MICROS: u64 = 3_600_000_000;

/// The jumps offered: test id suffix and the duration `playground advance` takes.
const JUMPS: [(&str, &str); 3] = [("1m", "1m"), ("1h", "1h"), ("10h", "10h")];

#[component]
pub fn TimeControls() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let playing = Memo::new(move |_| context.read(|p| p.driver.playing));
    let now = Memo::new(move |_| context.read(|p| p.now_micros()));
    let options = SPEEDS.map(|speed| {
        let selected = speed == 1;
        view! { <option value=speed.to_string() selected=selected>{format!("{speed}×")}</option> }
    });
    let jumps = JUMPS.map(|(id, duration)| {
        view! {
            <button
                data-testid=format!("jump-{id}")
                title=format!("let {duration} of virtual time pass: playground advance {duration}")
                on:click=move |_| context.update(|p| p.run_in_terminal(&format!("playground advance {duration}")))
            >
                {format!("+{duration}")}
            </button>
        }
    });
    view! {
        <div class="time" data-testid="time-controls">
            <button
                data-testid="play-pause"
                on:click=move |_| context.update(|p| p.driver.playing = !p.driver.playing)
                aria-label=move || if playing.get() { "Pause virtual time" } else { "Run virtual time" }
            >
                {move || if playing.get() { "❚❚ pause" } else { "▶ play" }}
            </button>
            <button
                data-testid="step"
                title="pause, then run to the next event on the timeline (at most 1 h)"
                on:click=move |_| {
                    context.update(|p| p.step_to_next_event(STEP_MAX_MICROS));
                }
            >
                "⇥ step"
            </button>
            <label>
                "speed "
                <select
                    data-testid="speed"
                    on:change=move |ev| {
                        let speed = event_target_value(&ev).parse().unwrap_or(1);
                        context.update(|p| p.driver.set_speed(speed));
                    }
                >
                    {options}
                </select>
            </label>
            <span class="jumps">{jumps}</span>
            <span class="clock" data-testid="virtual-time">{move || clock(now.get())}</span>
        </div>
    }
}

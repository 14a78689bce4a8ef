//! PLACEHOLDER, to be replaced by the `ui-console` branch's time panel (play/pause, step,
//! speed, the event timeline and its scrubber). It exists so the layout has its slot and
//! the cluster can be played; keep the component name `TimePanel` when replacing it. The
//! clock itself (`crate::clock::use_clock`) runs at the app root and follows
//! `Playground::playing`.

use leptos::prelude::*;

use crate::clock;
use crate::state::Playground;

#[component]
pub fn TimePanel() -> impl IntoView {
    let pg = Playground::expect();
    let now = move || pg.with_sim(|s| orrery::time::human_duration(s.now - pg.start()));
    view! {
        <section class="panel-box time-panel" data-testid="time" aria-label="Time">
            <h2 class="panel-title">"Time"</h2>
            <div class="time-row">
                <button type="button" class="button" data-testid="play"
                    on:click=move |_| clock::toggle_play(&pg)>
                    {move || if pg.playing.get() { "Pause" } else { "Play" }}
                </button>
                <button type="button" class="button" data-testid="step" on:click=move |_| { pg.step(); }>"Step"</button>
                <span class="muted" data-testid="virtual-time">{now}</span>
            </div>
        </section>
    }
}

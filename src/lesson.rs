//! PLACEHOLDER, to be replaced by the `ui-console` branch's lesson mode (a transcript from
//! lessons/ played as guided steps). It exists so the page layout has its slot; keep the
//! component name `LessonPanel` when replacing it.

use leptos::prelude::*;

#[component]
pub fn LessonPanel() -> impl IntoView {
    view! {
        <section class="panel-box lesson-panel" data-testid="lesson" aria-label="Lesson">
            <h2 class="panel-title">"Lesson"</h2>
            <p class="muted">"Day 55: StatefulSets, persistent storage and Ingress, with pacman."</p>
        </section>
    }
}

//! The page: a header naming the product and the open scenario, and the editor with the
//! scenario's manifests. The cluster canvas, console and timeline come later (PRODUCT.md).

use leptos::prelude::*;

use crate::console::ConsolePanel;
use crate::editor::{Editor, EditorFile};
use crate::lesson::LessonPanel;
use crate::scenario::{self, Scenario};
use crate::state::Playground;
use crate::timebar::TimePanel;

#[component]
pub fn App() -> impl IntoView {
    view! { <Page scenario=scenario::DEFAULT /> }
}

/// The whole page for one scenario.
#[component]
pub fn Page(scenario: Scenario) -> impl IntoView {
    provide_context(Playground::new(1));
    let files: Vec<EditorFile> = scenario
        .files
        .iter()
        .map(|f| EditorFile {
            name: f.name.to_string(),
            text: f.text.to_string(),
        })
        .collect();
    view! {
        <div class="app" data-testid="app">
            <header class="topbar">
                <div class="brand">
                    <Logo />
                    <h1 data-testid="product-name">"Orrery"</h1>
                </div>
                <p class="tagline">"A Kubernetes control plane in a browser tab"</p>
                <p class="scenario" data-testid="scenario">
                    <span class="scenario-label">"Scenario"</span>
                    <span class="scenario-title">{scenario.title}</span>
                </p>
            </header>
            <main class="workspace panels">
                <Editor files=files />
                <LessonPanel />
                <TimePanel />
                <ConsolePanel />
            </main>
        </div>
    }
}

/// A sun with two planets on their orbits.
#[component]
fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
            <circle class="orbit" cx="16" cy="16" r="8.5" />
            <circle class="orbit" cx="16" cy="16" r="14" />
            <circle class="sun" cx="16" cy="16" r="4" />
            <circle class="planet" cx="22" cy="10" r="2.4" />
            <circle class="planet outer" cx="4.5" cy="24" r="2.8" />
        </svg>
    }
}

//! The page: a header, then the workspace laid out as PRODUCT.md "Layout of the page"
//! says — the editor (left, under the lesson), the cluster canvas (centre), the inspector
//! (right), the console and the time panel (bottom). On a phone the panels stack.
//!
//! The root provides the one `Playground` (seed 1, the default cluster) and runs the
//! clock. The console, time and lesson panels are slots that the `ui-console` branch
//! fills (`ConsolePanel`, `TimePanel`, `LessonPanel`).

use leptos::prelude::*;

use crate::canvas::Canvas;
use crate::clock;
use crate::console::ConsolePanel;
use crate::editor::{Editor, EditorFile};
use crate::i18n::{I18n, T};
use crate::inspector::Inspector;
use crate::lang::{self, LangSwitch};
use crate::lesson::LessonPanel;
use crate::reach::{self, ReachBar};
use crate::scenario::{self, Scenario};
use crate::state::Playground;
use crate::theme::ThemeToggle;
use crate::timebar::TimePanel;

#[component]
pub fn App() -> impl IntoView {
    // Which session opens — a share link, the autosave, or the default — and how (embed
    // options) is decided in src/reach.rs, which builds the page again when the learner
    // opens a session file or resets.
    // The language lives outside the page that reach rebuilds: opening a session file
    // or resetting keeps it.
    lang::provide_language();
    reach::boot(|start| {
        // The lesson's first step is `minikube start …`, which (re)starts this cluster;
        // until then it is the default one-node cluster.
        let pg = Playground::new(start.seed());
        crate::bench::mark("orrery:playground");
        provide_context(pg);
        lang::provide_language();
        clock::use_clock(pg);
        // A live cluster: time flows until the user pauses, as on a real one.
        pg.playing.set(true);
        let files = reach::restore(pg, &start);
        view! { <Page scenario=scenario::DEFAULT files=files /> }
    })
}

/// The whole page for one scenario. Needs a `Playground` in context. `files`: the
/// editor's tabs of a restored session, already in it (else the scenario's files).
#[component]
pub fn Page(
    scenario: Scenario,
    #[prop(optional_no_strip)] files: Option<Vec<EditorFile>>,
) -> impl IntoView {
    let pg = Playground::expect();
    // The first paste's code compiled and optimized while the learner reads the page.
    crate::warm::start();
    let files: Vec<EditorFile> = match files {
        Some(files) => files,
        None => {
            // The scenario's files are in the session from the start, so `kubectl
            // create -f pacman-stateful-demo.yaml` works before anything is edited. Written
            // just after the first paint (or by the first command, completion or save,
            // if sooner): the page draws without running the shell (BENCHMARKS.md).
            for f in scenario.files {
                pg.set_file_after_boot(f.name, f.text);
            }
            scenario
                .files
                .iter()
                .map(|f| EditorFile {
                    name: f.name.to_string(),
                    text: f.text.to_string(),
                })
                .collect()
        }
    };
    let (root_class, root_props) = reach::page_attrs();
    // The embed layout's grid, as custom properties set through the CSSOM (a `style`
    // attribute would break the strict Content-Security-Policy).
    let root_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = root_ref.get() {
            let style = web_sys::HtmlElement::style(&el);
            for (k, v) in &root_props {
                let _ = style.set_property(k, v);
            }
        }
    });
    let i18n = I18n::expect();
    let title = scenario.title;
    // The default scenario's title in the page's language; another scenario's as written.
    let scenario_title = move || {
        if title == scenario::DEFAULT.title {
            i18n.t(T::ScenarioPacman)
        } else {
            title
        }
    };
    view! {
        <div class=root_class node_ref=root_ref data-testid="app">
            <header class="topbar">
                <div class="brand">
                    <Logo />
                    <h1 data-testid="product-name">"Orrery"</h1>
                </div>
                <p class="tagline">{i18n.text(T::Tagline)}</p>
                <p class="scenario" data-testid="scenario">
                    <span class="scenario-label">{i18n.text(T::ScenarioLabel)}</span>
                    <span class="scenario-title">{scenario_title}</span>
                </p>
                <ReachBar />
                <LangSwitch />
                <ThemeToggle />
            </header>
            <main class="workspace" data-testid="workspace">
                <div class="area area-left">
                    // Slot: lesson mode (ui-console branch).
                    <LessonPanel />
                    <Editor files=files />
                </div>
                <div class="area area-canvas">
                    <Canvas />
                </div>
                <div class="area area-inspector">
                    <Inspector />
                </div>
                <div class="area area-bottom">
                    // Slots: the console and the time panel (ui-console branch).
                    <ConsolePanel />
                    <TimePanel />
                </div>
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

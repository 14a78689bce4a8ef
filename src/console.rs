//! PLACEHOLDER, to be replaced by the `ui-console` branch's console (history, completion,
//! output exactly as the CLI prints). It exists so the page layout has its slot and a
//! command can be typed (`data-testid="console-input"`); keep the component name
//! `ConsolePanel` and that test id when replacing it.

use leptos::prelude::*;

use crate::state::Playground;

#[component]
pub fn ConsolePanel() -> impl IntoView {
    let pg = Playground::expect();
    let line = RwSignal::new(String::new());
    let entries = move || {
        pg.console.with(|c| {
            c.iter()
                .rev()
                .take(30)
                .rev()
                .map(|e| (e.id, e.command.clone(), e.output.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel-box console-panel" data-testid="console" aria-label="Console">
            <h2 class="panel-title">"Console"</h2>
            <div class="console-scroll">
                <For each=entries key=|e| e.0 let:e>
                    <pre class="console-entry" data-testid="console-entry"><span class="prompt">"$ "</span>{e.1}"\n"{e.2}</pre>
                </For>
            </div>
            <form class="console-form" on:submit=move |ev| {
                ev.prevent_default();
                let l = line.get_untracked();
                if !l.trim().is_empty() {
                    pg.run(&l, None, "console");
                    line.set(String::new());
                }
            }>
                <span class="prompt">"$"</span>
                <input type="text" class="console-input" data-testid="console-input" spellcheck="false"
                    autocomplete="off" aria-label="Command"
                    prop:value=move || line.get()
                    on:input=move |ev| line.set(event_target_value(&ev)) />
            </form>
        </section>
    }
}

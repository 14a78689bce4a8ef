//! Light and dark themes. The page follows the system (`prefers-color-scheme`) until the
//! user picks one with the toggle; the choice is kept in `localStorage` (on this device
//! only, never sent anywhere) and applied as `data-theme` on `<html>`, which the
//! stylesheets read.

use leptos::prelude::*;

use crate::i18n::{I18n, T};

const KEY: &str = "orrery-theme";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn system_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

thread_local! {
    /// Bumped whenever the page's colours may have changed: the toggle applied a theme,
    /// or the system switched between light and dark. What paints colours it read from
    /// the style sheets (the glyph canvas, `canvas_glyphs`) reads it to paint again.
    static EPOCH: ArcRwSignal<u32> = {
        let epoch = ArcRwSignal::new(0_u32);
        let bump = epoch.clone();
        let on_change = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            bump.update(|e: &mut u32| *e = e.wrapping_add(1));
        });
        if let Some(m) = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        {
            use wasm_bindgen::JsCast;
            let _ = m.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        }
        // Once for the page's life: the listener lives as long as the page.
        on_change.forget();
        epoch
    };
}

/// The page's colour epoch (tracked when read): it changes when the theme does.
pub fn epoch() -> u32 {
    EPOCH.with(|e| e.get())
}

fn apply(theme: Option<&str>) {
    set_theme(theme);
    EPOCH.with(|e| e.update(|n| *n = n.wrapping_add(1)));
}

fn set_theme(theme: Option<&str>) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme {
        Some(t) => root.set_attribute("data-theme", t),
        None => root.remove_attribute("data-theme"),
    };
}

/// The button that switches between light and dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let chosen = RwSignal::new(
        storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .filter(|t| t == "light" || t == "dark"),
    );
    let dark = move || match chosen.get().as_deref() {
        Some(t) => t == "dark",
        None => system_dark(),
    };
    Effect::new(move |_| apply(chosen.get().as_deref()));
    let toggle = move |_| {
        let next = if dark() { "light" } else { "dark" };
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, next);
        }
        chosen.set(Some(next.to_string()));
    };
    let i18n = I18n::expect();
    view! {
        <button
            type="button"
            class="theme-toggle"
            data-testid="theme-toggle"
            aria-pressed=move || dark().to_string()
            title=move || i18n.t(if dark() { T::ThemeToLight } else { T::ThemeToDark })
            on:click=toggle
        >
            <span aria-hidden="true">{move || if dark() { "☀" } else { "☾" }}</span>
            <span class="theme-label">{move || i18n.t(if dark() { T::ThemeLight } else { T::ThemeDark })}</span>
        </button>
    }
}

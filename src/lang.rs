//! Which language the page opens in, and the switch (EN / 한국어) in the header.
//!
//! The first that answers wins: `?lang=ko` / `?lang=en` in the URL, the learner's last
//! choice (kept in `localStorage` on this device only, never sent anywhere), then the
//! browser's `navigator.languages` (any Korean entry → Korean), else English. The
//! language is applied as `<html lang>` and the document title; switching re-renders
//! only the text, so the console, the lesson's place and the editor stay as they are.

use leptos::prelude::*;

use crate::i18n::{I18n, Lang, T};

const KEY: &str = "orrery-lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// `lang` in a query string (`?embed=1&lang=ko`), if it names a language we speak.
pub fn lang_in_query(search: &str) -> Option<Lang> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Lang::from_tag(v))
}

/// The query string with `lang` set to `lang` if it was there; untouched otherwise.
pub fn with_lang_in_query(search: &str, lang: Lang) -> Option<String> {
    let query = search.trim_start_matches('?');
    let mut found = false;
    let pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some(("lang", _)) => {
                found = true;
                format!("lang={}", lang.code())
            }
            _ => pair.to_string(),
        })
        .collect();
    found.then(|| format!("?{}", pairs.join("&")))
}

/// The language the page opens in (see the module comment for the order).
pub fn initial_lang() -> Lang {
    let Some(window) = web_sys::window() else {
        return Lang::En;
    };
    if let Some(l) = window
        .location()
        .search()
        .ok()
        .and_then(|s| lang_in_query(&s))
    {
        return l;
    }
    if let Some(l) = storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|v| Lang::from_tag(&v))
    {
        return l;
    }
    let tags: Vec<String> = window
        .navigator()
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    Lang::from_preferences(tags.iter().map(String::as_str))
}

/// `<html lang>` and the document's title follow the language.
fn apply(lang: Lang) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(root) = doc.document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
    doc.set_title(T::DocTitle.get(lang));
}

/// Provides the page's language (from [`initial_lang`]) and keeps `<html lang>` in step.
pub fn provide_language() -> I18n {
    let i18n = I18n::provide(initial_lang());
    Effect::new(move |_| apply(i18n.lang()));
    i18n
}

/// Remembers the choice and keeps a `?lang=` in the address bar in step with it (so a
/// reload shows the page in the language chosen last).
fn choose(i18n: I18n, lang: Lang) {
    i18n.set(lang);
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, lang.code());
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let (Ok(search), Ok(path), Ok(hash)) =
        (location.search(), location.pathname(), location.hash())
    else {
        return;
    };
    if let (Some(query), Ok(history)) = (with_lang_in_query(&search, lang), window.history()) {
        let url = format!("{path}{query}{hash}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// EN / 한국어: two buttons, the current one pressed. Each names its language in that
/// language, so a learner who reads only one of them finds it.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = I18n::expect();
    let button = move |lang: Lang| {
        let title = match lang {
            Lang::En => T::SwitchToEnglish,
            Lang::Ko => T::SwitchToKorean,
        };
        view! {
            <button
                type="button"
                class="lang-option"
                lang=lang.code()
                data-testid=format!("lang-{}", lang.code())
                aria-pressed=move || (i18n.lang() == lang).to_string()
                title=move || i18n.t(title)
                on:click=move |_| choose(i18n, lang)
            >
                {lang.endonym()}
            </button>
        }
    };
    view! {
        <div
            class="lang-switch"
            role="group"
            data-testid="lang-switch"
            aria-label=i18n.text(T::LanguageLabel)
        >
            {Lang::ALL.into_iter().map(button).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_from_the_query() {
        assert_eq!(lang_in_query("?lang=ko"), Some(Lang::Ko));
        assert_eq!(lang_in_query("?embed=1&lang=en"), Some(Lang::En));
        assert_eq!(lang_in_query("?lang=xx"), None);
        assert_eq!(lang_in_query(""), None);
        assert_eq!(lang_in_query("?language=ko"), None);
    }

    #[test]
    fn the_query_follows_the_switch_only_if_it_named_a_language() {
        assert_eq!(
            with_lang_in_query("?embed=1&lang=ko", Lang::En).as_deref(),
            Some("?embed=1&lang=en")
        );
        assert_eq!(with_lang_in_query("?embed=1", Lang::Ko), None);
        assert_eq!(with_lang_in_query("", Lang::Ko), None);
    }
}

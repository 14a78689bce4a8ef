//! Embed mode: `?embed=1` lays the page out compactly for an `<iframe>` in a course page.
//! Options: `panels=canvas,console,editor,lesson,inspector,time` (which panels show),
//! `step=N` (the lesson opens at its step N, counted from 1; the steps before it run), `readonly=1` (the
//! console and clicks refuse to change the cluster; the lesson still plays). The
//! "Embed" form in the top bar builds a ready `<iframe>` snippet from these options.
//!
//! The option parsing, the layout and the snippet are pure and tested natively; the form
//! is a component.

use leptos::prelude::*;

use crate::i18n::T;

/// What a refused command prints (read-only embeds).
pub const READONLY_REFUSAL: &str =
    "This embedded cluster is read-only: only the lesson can change it. Open it in Orrery to try your own commands.\n";

// The form's strings, in one place (for translation).

/// The panels, as named in `panels=`, with their labels in the form.
pub const PANELS: [(&str, &str); 6] = [
    ("canvas", "Canvas"),
    ("console", "Console"),
    ("editor", "Editor"),
    ("lesson", "Lesson"),
    ("inspector", "Inspector"),
    ("time", "Time"),
];

/// The panels an embed shows when `panels=` is not given.
pub const DEFAULT_PANELS: [&str; 3] = ["canvas", "console", "lesson"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedOptions {
    pub embed: bool,
    /// Shown panels, in `PANELS` order.
    pub panels: Vec<&'static str>,
    pub step: Option<usize>,
    pub readonly: bool,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            embed: false,
            panels: PANELS.iter().map(|(p, _)| *p).collect(),
            step: None,
            readonly: false,
        }
    }
}

impl EmbedOptions {
    pub fn shows(&self, panel: &str) -> bool {
        self.panels.contains(&panel)
    }
}

/// `%2C` → `,`, `+` → space; invalid escapes are kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) if hex.len() == 2 => {
                        out.push(b);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads the options from a query string (`?embed=1&panels=canvas,console`). Unknown
/// panel names and options are ignored; with no known panel left, the defaults show.
pub fn parse_query(search: &str) -> EmbedOptions {
    let mut o = EmbedOptions::default();
    let mut panels: Option<Vec<&'static str>> = None;
    for pair in search.trim_start_matches('?').split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        match k {
            "embed" => o.embed = v != "0" && v != "false",
            "readonly" => o.readonly = v != "0" && v != "false",
            "step" => o.step = v.trim().parse().ok(),
            "panels" => {
                let wanted: Vec<String> = v.split(',').map(|p| p.trim().to_lowercase()).collect();
                panels = Some(
                    PANELS
                        .iter()
                        .map(|(p, _)| *p)
                        .filter(|p| wanted.iter().any(|w| w == p))
                        .collect(),
                );
            }
            _ => {}
        }
    }
    if o.embed {
        o.panels = match panels {
            Some(p) if !p.is_empty() => p,
            _ => DEFAULT_PANELS.to_vec(),
        };
    } else {
        // Read-only and panel choices are embed options.
        o.readonly = false;
    }
    o
}

/// The query string for options (what the snippet's URL carries).
pub fn query(o: &EmbedOptions) -> String {
    let mut q = format!("?embed=1&panels={}", o.panels.join(","));
    if let Some(s) = o.step {
        q.push_str(&format!("&step={s}"));
    }
    if o.readonly {
        q.push_str("&readonly=1");
    }
    q
}

fn attr_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A ready `<iframe>`: `base` is the page's address without query or fragment;
/// `fragment` (without `#`) carries a session.
pub fn snippet(base: &str, o: &EmbedOptions, fragment: Option<&str>) -> String {
    let mut url = format!("{base}{}", query(o));
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(f);
    }
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"640\" style=\"border: 1px solid #d0d7e2; border-radius: 8px;\" loading=\"lazy\"></iframe>",
        attr_escape(&url),
        attr_escape(crate::i18n::tr(T::EmbedIframeTitle))
    )
}

/// The page root's classes and style for these options: which panels hide, and the
/// grid of the compact layout (CSS variables read by style/reach.css).
/// The page root's class, and the custom properties the embed layout's grid reads
/// (set through the CSSOM: the page's Content-Security-Policy refuses `style="…"`).
pub fn root_attrs(o: &EmbedOptions) -> (String, Vec<(&'static str, String)>) {
    if !o.embed {
        return ("app".into(), vec![]);
    }
    let mut class = String::from("app embed");
    for (p, _) in PANELS {
        if !o.shows(p) {
            class.push_str(" no-");
            class.push_str(p);
        }
    }
    let left = o.shows("lesson") || o.shows("editor");
    let right = o.shows("inspector");
    let centre = if o.shows("canvas") {
        "canvas"
    } else if left {
        "left"
    } else {
        "inspector"
    };
    let bottom = o.shows("console") || o.shows("time");
    let mut cols = vec![];
    let mut top = vec![];
    if left && o.shows("canvas") {
        cols.push("minmax(220px, 34%)");
        top.push("left");
    }
    cols.push("minmax(0, 1fr)");
    top.push(centre);
    if right && (o.shows("canvas") || left) {
        cols.push("minmax(220px, 28%)");
        top.push("inspector");
    }
    let top_row = top.join(" ");
    let areas = if bottom {
        let b = vec!["bottom"; top.len()].join(" ");
        format!("\"{top_row}\" \"{b}\"")
    } else {
        format!("\"{top_row}\"")
    };
    let rows = if bottom {
        "minmax(0, 1fr) minmax(150px, 36%)"
    } else {
        "minmax(0, 1fr)"
    };
    if !left {
        class.push_str(" no-left");
    }
    if !bottom {
        class.push_str(" no-bottom");
    }
    let props = vec![
        ("--embed-cols", cols.join(" ")),
        ("--embed-rows", rows.to_string()),
        ("--embed-areas", areas),
    ];
    (class, props)
}

/// The "Embed" button and its form.
#[component]
pub fn EmbedControl(
    /// The page's address without query or fragment.
    base: String,
    /// The share fragment of the current session (computed on demand), if any.
    share_fragment: Signal<Option<String>>,
    /// Asks for the share fragment to be (re)computed.
    want_fragment: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let chosen = RwSignal::new(DEFAULT_PANELS.to_vec());
    let step = RwSignal::new(String::new());
    let readonly = RwSignal::new(false);
    let with_scenario = RwSignal::new(false);
    let status = RwSignal::new(None::<&'static str>);
    let base = StoredValue::new(base);
    let code = move || {
        let o = EmbedOptions {
            embed: true,
            panels: PANELS
                .iter()
                .map(|(p, _)| *p)
                .filter(|p| chosen.with(|c| c.contains(p)))
                .collect(),
            step: step.with(|s| s.trim().parse().ok()),
            readonly: readonly.get(),
        };
        let fragment = if with_scenario.get() {
            share_fragment.get()
        } else {
            None
        };
        snippet(&base.get_value(), &o, fragment.as_deref())
    };
    let copy = move |_| {
        let text = code();
        status.set(None);
        leptos::task::spawn_local(async move {
            let ok = crate::share::copy_text(&text).await;
            status.set(Some(if ok {
                crate::i18n::tr(T::EmbedCopied)
            } else {
                crate::i18n::tr(T::EmbedCopyRefused)
            }));
        });
    };
    let boxes = PANELS
        .iter()
        .map(|(p, _label)| {
            let p: &'static str = p;
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid=format!("embed-panel-{p}")
                        prop:checked=move || chosen.with(|c| c.contains(&p))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                c.retain(|x| *x != p);
                                if on {
                                    c.push(p);
                                }
                            });
                            status.set(None);
                        }
                    />
                    {crate::i18n::text(match p {
                        "canvas" => T::EmbedPanelCanvas,
                        "console" => T::EmbedPanelConsole,
                        "editor" => T::EmbedPanelEditor,
                        "lesson" => T::EmbedPanelLesson,
                        "inspector" => T::EmbedPanelInspector,
                        _ => T::EmbedPanelTime,
                    })}
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="reach-control">
            <button
                type="button"
                class="button"
                data-testid="embed-open"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {crate::i18n::text(T::EmbedButton)}
            </button>
            <Show when=move || open.get()>
                <div class="reach-pop" role="dialog" aria-label=crate::i18n::text(T::EmbedTitle) data-testid="embed-form">
                    <p class="reach-pop-title">{crate::i18n::text(T::EmbedTitle)}</p>
                    <fieldset class="reach-fields">
                        <legend>{crate::i18n::text(T::EmbedPanels)}</legend>
                        {boxes.clone()}
                    </fieldset>
                    <label class="reach-field">
                        {crate::i18n::text(T::EmbedStartStep)}
                        <input
                            type="number"
                            min="0"
                            inputmode="numeric"
                            data-testid="embed-step"
                            prop:value=move || step.get()
                            on:input=move |ev| step.set(event_target_value(&ev))
                        />
                    </label>
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid="embed-readonly"
                            prop:checked=move || readonly.get()
                            on:change=move |ev| readonly.set(event_target_checked(&ev))
                        />
                        {crate::i18n::text(T::EmbedReadonly)}
                    </label>
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid="embed-with-session"
                            prop:checked=move || with_scenario.get()
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                with_scenario.set(on);
                                if on {
                                    want_fragment.run(());
                                }
                            }
                        />
                        {crate::i18n::text(T::EmbedWithScenario)}
                    </label>
                    <textarea
                        class="reach-code"
                        readonly
                        rows="4"
                        aria-label=crate::i18n::text(T::EmbedSnippetLabel)
                        data-testid="embed-code"
                        prop:value=code
                    ></textarea>
                    <div class="reach-row">
                        <button type="button" class="button primary" data-testid="embed-copy" on:click=copy>
                            {crate::i18n::text(T::EmbedCopy)}
                        </button>
                        <button type="button" class="button" on:click=move |_| open.set(false)>
                            {crate::i18n::text(T::EmbedClose)}
                        </button>
                    </div>
                    {move || status.get().map(|s| view! { <p class="reach-status" role="status" data-testid="embed-status">{s}</p> })}
                </div>
            </Show>
        </div>
    }
}

/// In an embed: a link that opens the same session in a full page.
#[component]
pub fn OpenFull(href: Signal<String>) -> impl IntoView {
    view! {
        <a class="button open-full" data-testid="open-full" target="_blank" rel="noopener" href=move || href.get()>
            {crate::i18n::text(T::EmbedOpenFull)}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_the_query() {
        assert_eq!(parse_query(""), EmbedOptions::default());
        let o = parse_query("?embed=1");
        assert!(o.embed && !o.readonly);
        assert_eq!(o.panels, DEFAULT_PANELS.to_vec());
        let o = parse_query("?embed=1&panels=editor%2Ccanvas,bogus&step=4&readonly=1");
        assert_eq!(o.panels, vec!["canvas", "editor"]);
        assert_eq!((o.step, o.readonly), (Some(4), true));
        // Nothing known: the defaults, not an empty page.
        assert_eq!(
            parse_query("?embed=1&panels=x").panels,
            DEFAULT_PANELS.to_vec()
        );
        // Read-only needs embed.
        assert!(!parse_query("?readonly=1").readonly);
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }

    #[test]
    fn snippet_is_a_ready_iframe() {
        let o = parse_query("?embed=1&panels=canvas,console&readonly=1&step=2");
        let s = snippet("http://127.0.0.1:8080/", &o, Some("s1=abc"));
        assert!(s.starts_with("<iframe src=\"http://127.0.0.1:8080/?embed=1&amp;panels=canvas,console&amp;step=2&amp;readonly=1#s1=abc\""), "{s}");
        assert!(s.ends_with("></iframe>"));
        // The query the snippet carries reads back as the same options.
        assert_eq!(parse_query(&query(&o)), o);
    }

    #[test]
    fn layout_follows_the_panels() {
        let css = |props: Vec<(&str, String)>| {
            props
                .iter()
                .map(|(k, v)| format!("{k}: {v};"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (class, props) = root_attrs(&parse_query("?embed=1&panels=canvas,console"));
        let style = css(props);
        assert!(
            class.contains("embed") && class.contains("no-editor") && class.contains("no-left")
        );
        assert!(
            style.contains("--embed-areas: \"canvas\" \"bottom\";"),
            "{style}"
        );
        let (_, props) = root_attrs(&parse_query(
            "?embed=1&panels=canvas,console,lesson,inspector",
        ));
        let style = css(props);
        assert!(
            style.contains("\"left canvas inspector\" \"bottom bottom bottom\""),
            "{style}"
        );
        assert_eq!(root_attrs(&EmbedOptions::default()).0, "app");
    }
}

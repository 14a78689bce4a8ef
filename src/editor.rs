//! The manifest editor: one tab per virtual file (new, rename, close), a plain textarea
//! with line numbers, under it the file's parse report (kinds parsed, or diagnostics with
//! line:column that move the caret there when clicked), and Apply / Create / Delete,
//! which put the tab's text into the session and run the kubectl command they equal.
//!
//! Each file keeps its own textarea (inactive ones are `hidden`), so switching tabs
//! keeps the caret, scroll position and undo history of every file. Large texts are
//! parsed off the keystroke path: after a pause in typing, not on every key.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use orrery::manifest::MAX_INPUT_BYTES;

use crate::i18n::{I18n, Lang, T};
use crate::report::FileReport;
use crate::state::Playground;

/// A file to open in the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorFile {
    pub name: String,
    pub text: String,
}

/// Texts longer than this (bytes) are read and parsed after a pause in typing, not on
/// every keystroke.
pub const LARGE_TEXT: usize = 64 * 1024;
/// The pause after which a large text is parsed.
pub const LARGE_TEXT_PAUSE: Duration = Duration::from_millis(400);
/// A large text is parsed a document at a time, in steps of about this many bytes; the
/// browser gets the thread back between steps every [`PARSE_SLICE_MS`].
pub const PIECE_BYTES: usize = 32 * 1024;
/// Longest file name a tab accepts.
pub const MAX_NAME: usize = 100;
/// A text with more lines than this is kept out of the textarea: Chromium's own
/// textarea takes about 45 µs a line to hold a text (1 s for the 34,000-line Argo CD
/// install, 4.8 s for 100,000 short lines, 77 s for 20 MB of 2.1 million lines), all of
/// it on the page's main thread. The Argo CD install stays editable.
pub const HUGE_LINES: usize = 50_000;
/// A text longer than this (bytes) is kept out of the textarea too, whatever its lines.
pub const HUGE_BYTES: usize = 4 * 1024 * 1024;
/// Lines a file kept out of the textarea shows, read-only.
pub const PREVIEW_LINES: usize = 200;

/// The longest stretch of parsing done in one turn of the browser's event loop (ms): the
/// page stays responsive and no task comes near the 200 ms of a long task.
pub const PARSE_SLICE_MS: f64 = 40.0;

thread_local! {
    /// [`next_task`]'s channel (one for the page: a port with a handler stays alive) and
    /// the waiting `resolve` functions, in the order their messages were posted.
    static NEXT_TASK: Option<(web_sys::MessageChannel, NextTaskWaiters)> = {
        let channel = web_sys::MessageChannel::new().ok()?;
        let waiters = NextTaskWaiters::default();
        let queue = waiters.clone();
        let on_message = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let resolve = queue.borrow_mut().pop_front();
            if let Some(resolve) = resolve {
                let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
            }
        });
        channel
            .port1()
            .set_onmessage(Some(wasm_bindgen::JsCast::unchecked_ref(on_message.as_ref())));
        on_message.forget();
        Some((channel, waiters))
    };
}

type NextTaskWaiters =
    std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<js_sys::Function>>>;

/// Gives the thread back to the browser until a new task of its event loop: a message
/// the page posts to itself. Not `setTimeout(0)` (`sleep(ZERO)`): the browser holds a
/// timer that nests more than five deep for at least 4 ms, so a chain of slices (a
/// large parse, one task per step) idled 4 ms at every step.
pub async fn next_task() {
    let mut posted = false;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        posted = NEXT_TASK.with(|n| {
            let Some((channel, waiters)) = n else {
                return false;
            };
            waiters.borrow_mut().push_back(resolve);
            if channel
                .port2()
                .post_message(&wasm_bindgen::JsValue::UNDEFINED)
                .is_err()
            {
                waiters.borrow_mut().pop_back();
                return false;
            }
            true
        });
    });
    if posted {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    } else {
        gloo_timers::future::sleep(Duration::ZERO).await;
    }
}

/// Parses a large text as [`orrery::manifest::parse`] does, [`PIECE_BYTES`] at a time,
/// handing the thread back to the browser every [`PARSE_SLICE_MS`]; the result is
/// remembered, so that `kubectl apply -f` of the same text does not parse it again.
/// `None` when `wanted` turns false (a newer edit) before the end.
pub async fn parse_in_steps(
    text: &str,
    wanted: impl Fn() -> bool,
) -> Option<std::sync::Arc<orrery::manifest::Parsed>> {
    let now = || {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
            .unwrap_or(0.0)
    };
    if let Some(parsed) = orrery::manifest::remembered(text) {
        return Some(parsed);
    }
    // The first slice in a task of its own: a future spawned by an event handler starts
    // in the handler's task (as a microtask), which has done its own work already.
    next_task().await;
    if !wanted() {
        return None;
    }
    let mut parse = orrery::manifest::Parse::new(text);
    loop {
        let start = now();
        let mut done = false;
        while !done && now() - start < PARSE_SLICE_MS {
            done = parse.step(PIECE_BYTES);
        }
        if done {
            break;
        }
        next_task().await;
        if !wanted() {
            return None;
        }
    }
    Some(parse.finish_shared(text))
}

/// A paste of more lines than this goes to the read-only view too, although it could be
/// edited: Chromium lays a textarea's text out in one task, at about 33 µs a line on the
/// development VM (1.1 s for the Argo CD install's 34,000 lines), which froze the page
/// for a second after the paste. 5,000 lines stay under issue 7's 200 ms long-task budget.
/// A file typed or opened (not pasted) stays editable up to [`HUGE_LINES`].
pub const PASTE_EDIT_LINES: usize = 5_000;

/// Whether a pasted `text` goes to the read-only view ([`PASTE_EDIT_LINES`]).
pub fn too_large_to_paste(text: &str) -> bool {
    too_large_to_edit(text)
        || (text.len() > PASTE_EDIT_LINES
            && text
                .bytes()
                .filter(|&b| b == b'\n')
                .nth(PASTE_EDIT_LINES)
                .is_some())
}

/// Whether `text` is too large for the textarea (see [`HUGE_LINES`], [`HUGE_BYTES`]).
pub fn too_large_to_edit(text: &str) -> bool {
    text.len() > HUGE_BYTES
        || (text.len() > HUGE_LINES
            && text
                .bytes()
                .filter(|&b| b == b'\n')
                .nth(HUGE_LINES)
                .is_some())
}

/// The first `n` lines of `text` (with their line ends).
pub fn first_lines(text: &str, n: usize) -> &str {
    match text.match_indices('\n').nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &text[..i + 1],
        _ if n == 0 => "",
        _ => text,
    }
}

/// `text` with the UTF-16 range `start..end` (a textarea's selection) replaced by
/// `insert`, as a paste does. Offsets past the end clamp to it.
pub fn splice_utf16(text: &str, start: u32, end: u32, insert: &str) -> String {
    let byte = |target: u32| {
        let mut units = 0u32;
        for (i, c) in text.char_indices() {
            if units >= target {
                return i;
            }
            units += c.len_utf16() as u32;
        }
        text.len()
    };
    let (a, b) = (byte(start.min(end)), byte(start.max(end)));
    let mut out = String::with_capacity(text.len() - (b - a) + insert.len());
    out.push_str(&text[..a]);
    out.push_str(insert);
    out.push_str(&text[b..]);
    out
}

/// An open file: its name and text as the user edits them, and the report of that text.
#[derive(Clone, Copy)]
struct OpenFile {
    id: u64,
    name: RwSignal<String>,
    text: RwSignal<String>,
    report: RwSignal<FileReport>,
    /// A large text changed and its report is not up to date yet.
    checking: RwSignal<bool>,
    /// The text is too large for the textarea ([`too_large_to_edit`]): the tab shows
    /// its first lines read-only, and keeps the whole text for the session.
    huge: RwSignal<bool>,
    /// Counts the times a command replaced the text (`> FILE` in the console): the tab
    /// then puts the new text into its textarea, which otherwise owns its value.
    reloads: RwSignal<u64>,
}

impl OpenFile {
    fn new(id: u64, file: EditorFile) -> OpenFile {
        // The default scenario's files are not parsed before the first paint: their
        // report is known (src/scenario.rs).
        let report = RwSignal::new(
            crate::scenario::known_report(&file.text).unwrap_or_else(|| FileReport::of(&file.text)),
        );
        let huge = RwSignal::new(too_large_to_edit(&file.text));
        OpenFile {
            huge,
            id,
            name: RwSignal::new(file.name),
            text: RwSignal::new(file.text),
            report,
            checking: RwSignal::new(false),
            reloads: RwSignal::new(0),
        }
    }

    /// An open file whose report is made later ([`OpenFile::report_now`]): the page's
    /// first paint does not wait for the parse of a large file.
    fn deferred(id: u64, file: EditorFile) -> OpenFile {
        OpenFile {
            huge: RwSignal::new(too_large_to_edit(&file.text)),
            id,
            name: RwSignal::new(file.name),
            text: RwSignal::new(file.text),
            report: RwSignal::new(FileReport::default()),
            checking: RwSignal::new(true),
            reloads: RwSignal::new(0),
        }
    }

    async fn report_now(self) {
        let Some(text) = self.text.try_get_untracked() else {
            return;
        };
        let report = if text.len() > LARGE_TEXT && text.len() <= MAX_INPUT_BYTES {
            match parse_in_steps(&text, || true).await {
                Some(parsed) => FileReport::of_parsed(&parsed),
                None => return,
            }
        } else {
            FileReport::of(&text)
        };
        // An edit since has made its own report.
        if self.text.try_with_untracked(|t| *t == text) == Some(true) {
            self.report.try_set(report);
            self.checking.try_set(false);
        }
    }
}

/// Whether `name` can name a new or renamed file: the session reads it with `-f NAME`,
/// so it must be one shell word; and no other tab may have it.
pub fn check_name(name: &str, others: &[String]) -> Result<(), String> {
    check_name_in(name, others, Lang::En)
}

/// [`check_name`], with the reason in `lang`.
pub fn check_name_in(name: &str, others: &[String], lang: Lang) -> Result<(), String> {
    if name.is_empty() {
        return Err(T::NameEmpty.get(lang).into());
    }
    if name.len() > MAX_NAME {
        return Err(T::NameTooLong.fill(lang, &[&MAX_NAME]));
    }
    if name == "-" {
        return Err(T::NameDash.get(lang).into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_whitespace() || "'\"`$<>|;&\\(){}*?#!".contains(*c))
    {
        return Err(T::NameBadChar.fill(lang, &[&format!("{c:?}")]));
    }
    if others.iter().any(|o| o == name) {
        return Err(T::NameTaken.fill(lang, &[&name]));
    }
    Ok(())
}

/// The first `untitled.yaml`, `untitled-2.yaml`, … that no tab has.
pub fn untitled_name(others: &[String]) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                "untitled.yaml".to_string()
            } else {
                format!("untitled-{n}.yaml")
            }
        })
        .find(|name| !others.iter().any(|o| o == name))
        .unwrap_or_default()
}

/// What the last Apply / Create / Delete of a tab did.
#[derive(Clone, Debug, PartialEq)]
struct ActionResult {
    command: String,
    output: String,
    code: i32,
}

/// Files to open in new tabs (a file picked or dropped on the page, src/persist.rs). The
/// editor takes them out as they arrive; a name already open gets a free variant.
#[derive(Clone, Copy)]
pub struct EditorInbox(pub RwSignal<Vec<EditorFile>>);

/// `name` if no tab has it, else `stem-2.ext`, `stem-3.ext`, …
pub fn free_name(name: &str, others: &[String]) -> String {
    if !others.iter().any(|o| o == name) {
        return name.to_string();
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (2..)
        .map(|n| format!("{stem}-{n}{ext}"))
        .find(|c| !others.iter().any(|o| o == c))
        .unwrap_or_default()
}

#[component]
pub fn Editor(files: Vec<EditorFile>) -> impl IntoView {
    let playground = use_context::<Playground>();
    let i18n = I18n::expect();
    let next_id = StoredValue::new(0u64);
    let new_id = move || {
        let id = next_id.get_value() + 1;
        next_id.set_value(id);
        id
    };
    let open: Vec<OpenFile> = files
        .into_iter()
        .map(|f| {
            if f.text.len() > LARGE_TEXT && f.text.len() <= MAX_INPUT_BYTES {
                OpenFile::deferred(new_id(), f)
            } else {
                OpenFile::new(new_id(), f)
            }
        })
        .collect();
    // A restored session's large file is reported on after the first paint, parsed in
    // slices as a paste is (its report in the page's first task took it 0.2–0.4 s).
    {
        let later: Vec<OpenFile> = open
            .iter()
            .filter(|f| f.checking.get_untracked())
            .copied()
            .collect();
        if !later.is_empty() {
            spawn_local(async move {
                for f in later {
                    f.report_now().await;
                }
            });
        }
    }
    // The session reads the tabs with `-f NAME`.
    if let Some(pg) = playground {
        for f in &open {
            f.text
                .with_untracked(|t| pg.stage_file(&f.name.get_untracked(), t));
        }
    }
    let active = RwSignal::new(open.first().map_or(0, |f| f.id));
    let files = RwSignal::new(open);
    let renaming = RwSignal::new(None::<u64>);
    let rename_error = RwSignal::new(None::<String>);
    // The last closed tab, so a close by mistake can be undone.
    let closed = RwSignal::new(None::<(usize, OpenFile)>);

    let names_except = move |id: u64| -> Vec<String> {
        files.with_untracked(|fs| {
            fs.iter()
                .filter(|f| f.id != id)
                .map(|f| f.name.get_untracked())
                .collect()
        })
    };

    let new_tab = move |_| {
        let name = untitled_name(&names_except(0));
        let file = OpenFile::new(
            new_id(),
            EditorFile {
                name,
                text: String::new(),
            },
        );
        files.update(|fs| fs.push(file));
        active.set(file.id);
        focus_editor(file.id);
    };

    let close_tab = move |id: u64| {
        let Some(index) = files.with_untracked(|fs| fs.iter().position(|f| f.id == id)) else {
            return;
        };
        let file = files.with_untracked(|fs| fs[index]);
        files.update(|fs| {
            fs.remove(index);
        });
        if let Some(pg) = playground {
            pg.unstage_file(&file.name.get_untracked());
        }
        if active.get_untracked() == id {
            let next = files
                .with_untracked(|fs| fs.get(index.min(fs.len().saturating_sub(1))).map(|f| f.id));
            active.set(next.unwrap_or(0));
        }
        closed.set(Some((index, file)));
    };

    // Opens a tab made outside a click (an opened file, a file a command wrote), active,
    // its text handed to the session. Its signals belong to the editor, not to the effect
    // that calls this (whose owner disposes what it made each time it runs again).
    let owner = Owner::current();
    let push_tab = move |name: String, text: String| {
        if let Some(pg) = playground {
            pg.stage_file(&name, &text);
        }
        let make = || OpenFile::new(new_id(), EditorFile { name, text });
        let file = match &owner {
            Some(o) => o.with(make),
            None => make(),
        };
        files.update(|fs| fs.push(file));
        active.set(file.id);
    };

    if let Some(EditorInbox(inbox)) = use_context::<EditorInbox>() {
        let push_tab = push_tab.clone();
        Effect::new(move |_| {
            if inbox.with(Vec::is_empty) {
                return;
            }
            for f in inbox.try_update(std::mem::take).unwrap_or_default() {
                push_tab(free_name(&f.name, &names_except(0)), f.text);
            }
        });
    }

    // Files a command wrote (`kubectl … -o yaml > web.yaml`): the tab of that name gets
    // the new text, as an editor reloads a file changed on disk; another name opens a
    // tab. Either way the session already holds the text, so staging it writes nothing.
    if let Some(pg) = playground {
        Effect::new(move |_| {
            if pg.written.with(Vec::is_empty) {
                return;
            }
            for (name, text) in pg.written.try_update(std::mem::take).unwrap_or_default() {
                let tab = files.with_untracked(|fs| {
                    fs.iter()
                        .find(|f| f.name.with_untracked(|n| *n == name))
                        .copied()
                });
                let shown = name.clone();
                match tab {
                    Some(file) => {
                        pg.stage_file(&name, &text);
                        file.huge.set(too_large_to_edit(&text));
                        file.text.set(text);
                        file.reloads.update(|n| *n += 1);
                        active.set(file.id);
                    }
                    None => push_tab(name, text),
                }
                request_animation_frame(move || reveal_tab(&shown));
            }
        });
    }

    let reopen = move |_| {
        if let Some((index, file)) = closed.get_untracked() {
            files.update(|fs| fs.insert(index.min(fs.len()), file));
            if let Some(pg) = playground {
                file.text
                    .with_untracked(|t| pg.stage_file(&file.name.get_untracked(), t));
            }
            active.set(file.id);
            closed.set(None);
        }
    };

    let commit_rename = move |id: u64, name: String| {
        let name = name.trim().to_string();
        let Some(file) = files.with_untracked(|fs| fs.iter().find(|f| f.id == id).copied()) else {
            renaming.set(None);
            return;
        };
        let old = file.name.get_untracked();
        if name == old {
            renaming.set(None);
            rename_error.set(None);
            return;
        }
        match check_name_in(&name, &names_except(id), i18n.lang_untracked()) {
            Ok(()) => {
                file.name.set(name.clone());
                if let Some(pg) = playground {
                    pg.unstage_file(&old);
                    file.text.with_untracked(|t| pg.stage_file(&name, t));
                }
                renaming.set(None);
                rename_error.set(None);
            }
            Err(e) => rename_error.set(Some(e)),
        }
    };

    let tabs = move || {
        files
            .get()
            .into_iter()
            .map(|file| {
                let id = file.id;
                let report = file.report;
                let selected = move || active.get() == id;
                let problems = move || report.with(|r| r.diagnostics_total);
                let name = file.name;
                let label = move || {
                    if renaming.get() == Some(id) {
                        view! {
                            <input
                                class="tab-rename"
                                data-testid="tab-rename"
                                aria-label=i18n.text(T::FileName)
                                value=name.get_untracked()
                                on:keydown=move |ev| match ev.key().as_str() {
                                    "Enter" => {
                                        ev.prevent_default();
                                        commit_rename(id, event_target_value(&ev));
                                    }
                                    "Escape" => {
                                        renaming.set(None);
                                        rename_error.set(None);
                                    }
                                    _ => {}
                                }
                                on:blur=move |ev| {
                                    if renaming.get_untracked() == Some(id) {
                                        commit_rename(id, event_target_value(&ev));
                                        if rename_error.get_untracked().is_some() {
                                            renaming.set(None);
                                            rename_error.set(None);
                                        }
                                    }
                                }
                            />
                        }
                        .into_any()
                    } else {
                        view! {
                            <button
                                type="button"
                                role="tab"
                                class="tab"
                                data-testid="tab"
                                data-file=move || name.get()
                                aria-selected=move || selected().to_string()
                                title=i18n.text(T::TabRenameTitle)
                                on:click=move |_| active.set(id)
                                on:dblclick=move |_| renaming.set(Some(id))
                                on:keydown=move |ev| {
                                    if ev.key() == "F2" {
                                        renaming.set(Some(id));
                                    }
                                }
                            >
                                <span class="tab-name" translate="no">{move || name.get()}</span>
                                <Show when=move || { problems() > 0 }>
                                    <span class="tab-problems" data-testid="tab-problems" title=i18n.text(T::TabProblemsTitle)>
                                        {problems}
                                    </span>
                                </Show>
                            </button>
                        }
                        .into_any()
                    }
                };
                view! {
                    <div class="tab-wrap" class:active=selected role="presentation">
                        {label}
                        <button
                            type="button"
                            class="tab-close"
                            data-testid="tab-close"
                            aria-label=move || i18n.f(T::TabCloseNamed, &[&name.get()])
                            title=i18n.text(T::TabClose)
                            on:click=move |_| close_tab(id)
                        >
                            "×"
                        </button>
                    </div>
                }
            })
            .collect_view()
    };

    view! {
        <section class="editor" data-testid="editor" aria-label=i18n.text(T::Manifests)>
            <div class="tabs" role="tablist" aria-label=i18n.text(T::Files) data-testid="tabs">
                {tabs}
                <button
                    type="button"
                    class="tab-new"
                    data-testid="tab-new"
                    aria-label=i18n.text(T::NewFile)
                    title=i18n.text(T::NewFile)
                    on:click=new_tab
                >
                    "+"
                </button>
            </div>
            {move || {
                rename_error
                    .get()
                    .map(|e| view! { <p class="rename-error error-text" role="alert" data-testid="rename-error">{e}</p> })
            }}
            {move || {
                closed
                    .get()
                    .map(|(_, f)| {
                        view! {
                            <p class="closed-note muted" role="status">
                                {move || i18n.f(T::ClosedNote, &[&f.name.get_untracked()])}
                                <button type="button" class="link" data-testid="tab-reopen" on:click=reopen>
                                    {i18n.text(T::Reopen)}
                                </button>
                            </p>
                        }
                    })
            }}
            <For each=move || files.get() key=|f| f.id as usize let:file>
                <FilePanel file=file active=active playground=playground />
            </For>
            <Show when=move || files.with(Vec::is_empty)>
                <p class="editor-empty muted">
                    {i18n.text(T::NoFilesOpen)}
                    <button type="button" class="link" on:click=new_tab>{i18n.text(T::NewFile)}</button>
                </p>
            </Show>
        </section>
    }
}

/// Scrolls the tab strip sideways (it scrolls when the tabs do not fit) so that the tab
/// of the file `name` is in view: a tab a command opened may be past its right end.
fn reveal_tab(name: &str) {
    let Some(strip) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-testid=\"tabs\"]").ok().flatten())
    else {
        return;
    };
    let Ok(tabs) = strip.query_selector_all("[data-testid=\"tab\"]") else {
        return;
    };
    for i in 0..tabs.length() {
        let Some(tab) = tabs
            .item(i)
            .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(n).ok())
        else {
            continue;
        };
        if tab.get_attribute("data-file").as_deref() != Some(name) {
            continue;
        }
        // Offsets from the strip (`.tabs` is positioned, main.css).
        let (left, width) = (tab.offset_left(), tab.offset_width());
        let (scrolled, seen) = (strip.scroll_left(), strip.client_width());
        if left < scrolled {
            strip.set_scroll_left(left - 8);
        } else if left + width > scrolled + seen {
            strip.set_scroll_left(left + width - seen + 8);
        }
        return;
    }
}

/// Focuses the textarea of file `id` once it is on the page.
fn focus_editor(id: u64) {
    request_animation_frame(move || {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Ok(Some(el)) = doc.query_selector(&format!("[data-file-id=\"{id}\"] textarea")) {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

#[component]
fn FilePanel(
    file: OpenFile,
    active: RwSignal<u64>,
    playground: Option<Playground>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let textarea = NodeRef::<html::Textarea>::new();
    let text = file.text;
    let name = file.name;
    let id = file.id;
    let lines = Memo::new(move |_| text.with(|t| line_count(t)));
    let result = RwSignal::new(None::<ActionResult>);
    let busy = RwSignal::new(false);
    let pending = StoredValue::new(None::<TimeoutHandle>);

    // The gutter does not scroll by itself; it follows the textarea, and shows only
    // the numbers around what is visible (a pasted 30,000-line file would otherwise
    // lay out 30,000 numbers).
    let scroll_top = RwSignal::new(0i32);
    let sync_gutter = move || {
        if let Some(t) = textarea.get_untracked() {
            scroll_top.set(t.scroll_top());
        }
    };
    let window = Memo::new(move |_| gutter_window(lines.get(), scroll_top.get()));

    // Reads the textarea into the file, reports on it and hands it to the session. A
    // large text is parsed a few documents at a time (see `parse_in_steps`), giving the
    // browser the thread back in between; a newer edit abandons an older parse.
    let generation = StoredValue::new(0u64);
    let huge = file.huge;
    // Reports on the file's text as it is (not reading the textarea).
    let report_text = move || {
        if let Some(pg) = playground {
            text.with_untracked(|t| pg.stage_file(&name.get_untracked(), t));
        }
        let g = generation.get_value() + 1;
        generation.set_value(g);
        // Over the parser's own limit the report is the limit's message, at once.
        if text.with_untracked(|t| t.len() <= LARGE_TEXT || t.len() > MAX_INPUT_BYTES) {
            file.report.set(text.with_untracked(|t| FileReport::of(t)));
            file.checking.set(false);
            return;
        }
        file.checking.set(true);
        spawn_local(async move {
            // A copy, so that the text can be read across the pauses (a few ms for 2 MB).
            let Some(whole) = text.try_with_untracked(|t| t.clone()) else {
                return;
            };
            // A newer edit started its own parse, or the tab was closed.
            let wanted = move || generation.try_get_value() == Some(g);
            let Some(parsed) = parse_in_steps(&whole, wanted).await else {
                return;
            };
            if wanted() {
                file.report.try_set(FileReport::of_parsed(&parsed));
                file.checking.try_set(false);
            }
        });
    };
    // Reads the textarea (when the file is in it) and reports.
    let refresh = move || {
        if let Some(h) = pending.get_value() {
            h.clear();
            pending.set_value(None);
        }
        if !huge.get_untracked() {
            if let Some(t) = textarea.get_untracked() {
                let value = t.value();
                if text.with_untracked(|old| *old != value) {
                    text.set(value);
                }
            }
        }
        report_text();
    };

    // A paste too large for the textarea never reaches it: the text the paste makes
    // goes into the file, and the tab shows it read-only.
    let on_paste = move |ev: web_sys::ClipboardEvent| {
        let Some(pasted) = ev
            .clipboard_data()
            .and_then(|d| d.get_data("text/plain").ok())
        else {
            return;
        };
        if !too_large_to_paste(&pasted) {
            return;
        }
        ev.prevent_default();
        let whole = match textarea.get_untracked() {
            Some(t) => {
                let value = t.value();
                let end = u32::try_from(value.len()).unwrap_or(u32::MAX);
                let start = t.selection_start().ok().flatten().unwrap_or(end);
                let stop = t.selection_end().ok().flatten().unwrap_or(start);
                splice_utf16(&value, start, stop, &pasted)
            }
            None => pasted,
        };
        if let Some(h) = pending.get_value() {
            h.clear();
            pending.set_value(None);
        }
        huge.set(true);
        text.set(whole);
        report_text();
    };
    // A command replaced the file's text: into the textarea (unless too large for it),
    // and reported on.
    Effect::new(move |seen: Option<u64>| {
        let n = file.reloads.get();
        if seen.is_some_and(|s| s != n) {
            if let Some(h) = pending.get_value() {
                h.clear();
                pending.set_value(None);
            }
            if let Some(t) = textarea.get_untracked() {
                if huge.get_untracked() {
                    t.set_value("");
                } else {
                    text.with_untracked(|v| t.set_value(v));
                }
            }
            report_text();
            sync_gutter();
        }
        n
    });
    let replace_with_empty = move |_| {
        if let Some(t) = textarea.get_untracked() {
            t.set_value("");
        }
        text.set(String::new());
        huge.set(false);
        report_text();
        focus_editor(id);
    };

    let on_input = move |_| {
        let large = text.with_untracked(|t| t.len() > LARGE_TEXT)
            || textarea
                .get_untracked()
                .is_some_and(|t| t.text_length() as usize > LARGE_TEXT);
        if !large {
            refresh();
            return;
        }
        // A large text: wait for a pause in typing.
        file.checking.set(true);
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        pending.set_value(set_timeout_with_handle(refresh, LARGE_TEXT_PAUSE).ok());
    };

    let jump_to = Callback::new(move |(line, column): (usize, usize)| {
        let Some(t) = textarea.get_untracked() else {
            return;
        };
        let offset = text.with_untracked(|t| utf16_offset(t, line, column));
        let _ = t.focus();
        let _ = t.set_selection_range(offset, offset);
        // Bring the line into view, a third of the way down. Lines all have the same
        // height because the textarea does not wrap.
        let line_height = f64::from(t.scroll_height()) / lines.get_untracked().max(1) as f64;
        let top = (line.saturating_sub(1) as f64 * line_height
            - f64::from(t.client_height()) / 3.0)
            .max(0.0);
        t.set_scroll_top(top as i32);
        sync_gutter();
    });

    // Apply / Create / Delete: the text goes into the session as the file NAME, then the
    // command runs. The busy state paints before a large manifest is processed.
    let act = move |verb: &'static str| {
        let Some(pg) = playground else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        refresh();
        busy.set(true);
        spawn_local(async move {
            gloo_timers::future::sleep(Duration::from_millis(16)).await;
            // A large text is parsed in steps first (at once when the editor's report has
            // parsed it already): the command then re-uses the parse, and no one task
            // holds the page for the whole of it.
            if text.with_untracked(|t| t.len() > LARGE_TEXT && t.len() <= MAX_INPUT_BYTES) {
                let whole = text.get_untracked();
                let _ = parse_in_steps(&whole, || true).await;
                next_task().await;
            }
            let file_name = name.get_untracked();
            text.with_untracked(|t| pg.set_file(&file_name, t));
            let command = format!("kubectl {verb} -f {file_name}");
            let out = pg.run(&command, None, "editor");
            result.try_set(Some(ActionResult {
                command,
                output: out.text,
                code: out.code,
            }));
            busy.try_set(false);
        });
    };

    let initial = text.get_untracked();
    let actions = playground.map(|_| {
        view! {
            <div class="editor-actions" role="toolbar" aria-label=i18n.text(T::SendFileToCluster)>
                <button
                    type="button"
                    class="primary"
                    data-testid="editor-apply"
                    title=move || format!("kubectl apply -f {}", name.get())
                    disabled=move || busy.get()
                    on:click=move |_| act("apply")
                >
                    {i18n.text(T::Apply)}
                </button>
                <button
                    type="button"
                    data-testid="editor-create"
                    title=move || format!("kubectl create -f {}", name.get())
                    disabled=move || busy.get()
                    on:click=move |_| act("create")
                >
                    {i18n.text(T::Create)}
                </button>
                <button
                    type="button"
                    class="danger"
                    data-testid="editor-delete"
                    title=move || format!("kubectl delete -f {}", name.get())
                    disabled=move || busy.get()
                    on:click=move |_| act("delete")
                >
                    {i18n.text(T::Delete)}
                </button>
                <span class="editor-command muted" aria-live="polite">
                    {move || if busy.get() { i18n.t(T::Working) } else { "" }}
                </span>
            </div>
        }
    });
    let result_view = move || {
        result.get().map(|r| {
            let failed = r.code != 0;
            view! {
                <div class="action-result" class:error=failed data-testid="editor-result">
                    <pre class="console-command" translate="no"><span class="prompt" aria-hidden="true">"$ "</span>{r.command}</pre>
                    <pre class="action-output" translate="no">{r.output}</pre>
                    <button type="button" class="link small" on:click=move |_| result.set(None)>{i18n.text(T::Dismiss)}</button>
                </div>
            }
        })
    };

    view! {
        <div
            class="panel"
            role="tabpanel"
            data-testid="editor-panel"
            data-file=move || name.get()
            data-file-id=id.to_string()
            hidden=move || active.get() != id
        >
            {actions}
            <Show when=move || huge.get()>
                <LargeFile text=text on_replace=replace_with_empty />
            </Show>
            // The textarea stays on the page (hidden) while the file is too large for it,
            // so its scroll position, undo history and node stay as they were.
            <div class="code" hidden=move || huge.get()>
                <div class="gutter" aria-hidden="true" data-testid="gutter">
                    <div
                        class="gutter-lines"
                        style:transform=move || {
                            let (first, _) = window.get();
                            format!(
                                "translateY({}px)",
                                (first as i32 - 1) * LINE_HEIGHT_PX - scroll_top.get(),
                            )
                        }
                    >
                        {move || {
                            let (first, last) = window.get();
                            gutter_text(first, last)
                        }}
                    </div>
                </div>
                <textarea
                    class="input"
                    data-testid="editor-input"
                    translate="no"
                    aria-label=move || name.get()
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    wrap="off"
                    node_ref=textarea
                    on:input=on_input
                    on:paste=on_paste
                    on:scroll=move |_| sync_gutter()
                >
                    // The initial text as the element's content (its default value):
                    // there from the first frame. After that the textarea owns its
                    // value and only reports it through `input`.
                    {initial}
                </textarea>
            </div>
            <Status report=file.report checking=file.checking on_jump=jump_to />
            {result_view}
        </div>
    }
}

/// A file too large for the textarea: its size, why it is shown read-only, its first
/// [`PREVIEW_LINES`] lines (as text), and a way back to an empty editable file.
#[component]
fn LargeFile(text: RwSignal<String>, on_replace: impl Fn(()) + Copy + 'static) -> impl IntoView {
    let i18n = I18n::expect();
    let note = move || {
        let (bytes, lines) = text.with(|t| (t.len(), line_count(t)));
        let mib = format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
        T::LargeFile.fill(
            i18n.lang(),
            &[&mib, &crate::share::group(lines), &PREVIEW_LINES],
        )
    };
    let preview = move || text.with(|t| first_lines(t, PREVIEW_LINES).to_string());
    view! {
        <div class="large-file" data-testid="large-file">
            <div class="large-file-note" role="status">
                <p data-testid="large-file-note">{note}</p>
                <button type="button" data-testid="large-file-replace" on:click=move |_| on_replace(())>
                    {i18n.text(T::LargeFileReplace)}
                </button>
            </div>
            <pre
                class="large-file-preview"
                data-testid="large-file-preview"
                translate="no"
                tabindex="0"
                aria-label=move || T::LargeFilePreview.fill(i18n.lang(), &[&PREVIEW_LINES])
            >
                {preview}
            </pre>
        </div>
    }
}

/// The parse report of one file: a one-line summary, or the diagnostics.
#[component]
fn Status(
    report: RwSignal<FileReport>,
    checking: RwSignal<bool>,
    on_jump: Callback<(usize, usize)>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let body = move || {
        let lang = i18n.lang();
        report.with(|r| {
            if r.has_errors() {
                let hidden = r.diagnostics_total - r.diagnostics.len();
                let items = r
                    .diagnostics
                    .iter()
                    .map(|d| {
                        let (line, column) = (d.line, d.column);
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="diagnostic"
                                    data-testid="diagnostic"
                                    title=i18n.t(T::GoToPosition)
                                    on:click=move |_| on_jump.run((line, column))
                                >
                                    <span class="location" data-testid="diagnostic-location">
                                        {format!("{line}:{column}")}
                                    </span>
                                    <span class="message" translate="no">{d.message.clone()}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <p class="status-line error">
                        <span class="status-icon" aria-hidden="true">"!"</span>
                        <strong data-testid="problems">{r.problems_label_in(lang)}</strong>
                        <span class="muted">{T::Parsed.fill(lang, &[&r.documents_label_in(lang)])}</span>
                    </p>
                    <ul class="diagnostics" data-testid="diagnostics">
                        {items}
                        {(hidden > 0).then(|| view! { <li class="muted more">{T::AndMore.fill(lang, &[&hidden])}</li> })}
                    </ul>
                }
                .into_any()
            } else {
                let kinds = r
                    .kinds
                    .iter()
                    .map(|k| view! { <li class="kind" data-testid="kind" translate="no">{k.label()}</li> })
                    .collect_view();
                view! {
                    <p class="status-line ok">
                        <span class="status-icon" aria-hidden="true">"✓"</span>
                        <strong data-testid="summary">{T::Parsed.fill(lang, &[&r.documents_label_in(lang)])}</strong>
                    </p>
                    <ul class="kinds" data-testid="kinds" aria-label=T::Kinds.get(lang)>{kinds}</ul>
                }
                .into_any()
            }
        })
    };
    view! {
        <div class="status" data-testid="status" aria-live="polite">
            <Show when=move || checking.get()>
                <p class="status-line muted" data-testid="checking">{i18n.text(T::Checking)}</p>
            </Show>
            {body}
        </div>
    }
}

/// Lines as a textarea shows them: a trailing newline starts one more (empty) line.
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// Height of one line of code in CSS pixels (`--code-line` in main.css).
pub const LINE_HEIGHT_PX: i32 = 20;
/// Lines of numbers the gutter keeps above and below what is visible.
const GUTTER_MARGIN_LINES: usize = 40;
/// Lines the gutter shows at most (taller than any screen).
const GUTTER_LINES: usize = 200;

/// The first and last line numbers the gutter shows when the code is scrolled by
/// `scroll_top` pixels.
pub fn gutter_window(lines: usize, scroll_top: i32) -> (usize, usize) {
    let top_line = (scroll_top.max(0) / LINE_HEIGHT_PX) as usize + 1;
    let first = top_line
        .saturating_sub(GUTTER_MARGIN_LINES)
        .max(1)
        .min(lines.max(1));
    let last = (first + GUTTER_LINES - 1).min(lines.max(1));
    (first, last)
}

/// The gutter's text: "first\n…\nlast".
pub fn gutter_text(first: usize, last: usize) -> String {
    let mut out = String::with_capacity((last + 1 - first.min(last)) * 6);
    for n in first..=last {
        if n > first {
            out.push('\n');
        }
        out.push_str(&n.to_string());
    }
    out
}

/// The textarea selection offset (UTF-16 code units, as the DOM counts) of a 1-based
/// line and column (in characters). Positions past the end clamp to the end of the
/// line or of the text.
pub fn utf16_offset(text: &str, line: usize, column: usize) -> u32 {
    let mut offset = 0usize;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            let within: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf16)
                .sum();
            return u32::try_from(offset + within).unwrap_or(u32::MAX);
        }
        offset += l.encode_utf16().count() + 1;
    }
    u32::try_from(offset.saturating_sub(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_must_be_one_shell_word_and_unique() {
        let open = vec!["a.yaml".to_string()];
        assert_eq!(check_name("b.yaml", &open), Ok(()));
        assert_eq!(check_name("한글.yaml", &open), Ok(()));
        assert!(check_name("a.yaml", &open).is_err());
        assert!(check_name("", &open).is_err());
        assert!(check_name("-", &open).is_err());
        assert!(check_name("my file.yaml", &open).is_err());
        assert!(check_name("x;rm.yaml", &open).is_err());
        assert!(check_name(&"x".repeat(MAX_NAME + 1), &open).is_err());
        assert_eq!(
            check_name_in("a.yaml", &open, Lang::Ko),
            Err("a.yaml 탭이 이미 열려 있습니다.".to_string())
        );
    }

    #[test]
    fn untitled_names_do_not_clash() {
        assert_eq!(untitled_name(&[]), "untitled.yaml");
        let open = vec!["untitled.yaml".to_string(), "untitled-2.yaml".to_string()];
        assert_eq!(untitled_name(&open), "untitled-3.yaml");
    }

    #[test]
    fn line_count_matches_what_a_textarea_shows() {
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("a"), 1);
        assert_eq!(line_count("a\n"), 2);
        assert_eq!(line_count("a\nb"), 2);
    }

    #[test]
    fn gutter_numbers_the_lines_in_view() {
        assert_eq!(gutter_text(1, 1), "1");
        assert_eq!(gutter_text(1, 3), "1\n2\n3");
        assert_eq!(gutter_text(9, 11), "9\n10\n11");
        assert_eq!(gutter_window(1, 0), (1, 1));
        assert_eq!(gutter_window(30, 0), (1, 30));
        assert_eq!(gutter_window(34_417, 0), (1, GUTTER_LINES));
        // Scrolled to line 1,001: numbers from 40 lines above it.
        let (first, last) = gutter_window(34_417, 1_000 * LINE_HEIGHT_PX);
        assert_eq!(first, 1_001 - GUTTER_MARGIN_LINES);
        assert_eq!(last, first + GUTTER_LINES - 1);
        // At the end the window stops at the last line.
        assert_eq!(gutter_window(34_417, 34_417 * LINE_HEIGHT_PX).1, 34_417);
    }

    #[test]
    fn huge_texts_are_told_apart_and_previewed() {
        assert!(!too_large_to_edit(""));
        assert!(!too_large_to_edit(&"a: b\n".repeat(HUGE_LINES)));
        assert!(too_large_to_edit(&"a: b\n".repeat(HUGE_LINES + 1)));
        assert!(!too_large_to_paste(&"a: b\n".repeat(PASTE_EDIT_LINES)));
        assert!(too_large_to_paste(&"a: b\n".repeat(PASTE_EDIT_LINES + 1)));
        assert!(!too_large_to_edit(&"a: b\n".repeat(PASTE_EDIT_LINES + 1)));
        // One long line: bytes decide.
        assert!(!too_large_to_edit(&"x".repeat(HUGE_BYTES)));
        assert!(too_large_to_edit(&"x".repeat(HUGE_BYTES + 1)));
        assert_eq!(first_lines("a\nb\nc\n", 2), "a\nb\n");
        assert_eq!(first_lines("a\nb", 5), "a\nb");
        assert_eq!(first_lines("a\nb", 0), "");
    }

    #[test]
    fn a_paste_replaces_the_selection() {
        assert_eq!(splice_utf16("", 0, 0, "xy"), "xy");
        assert_eq!(splice_utf16("abcd", 1, 3, "-"), "a-d");
        assert_eq!(splice_utf16("abcd", 3, 1, "-"), "a-d");
        assert_eq!(splice_utf16("ab", 9, 9, "!"), "ab!");
        // UTF-16 offsets: the rocket is two units, the syllable one.
        assert_eq!(splice_utf16("🚀한x", 3, 3, "|"), "🚀한|x");
    }

    #[test]
    fn utf16_offset_counts_like_the_dom() {
        let text = "ab\ncd\n";
        assert_eq!(utf16_offset(text, 1, 1), 0);
        assert_eq!(utf16_offset(text, 2, 2), 4);
        // Past the end of a line: the end of that line.
        assert_eq!(utf16_offset(text, 1, 99), 2);
        // Past the last line: the end of the text.
        assert_eq!(utf16_offset(text, 99, 1), 6);
        // Characters outside the BMP are two UTF-16 units; Korean syllables are one.
        assert_eq!(utf16_offset("🚀x\ny", 1, 2), 2);
        assert_eq!(utf16_offset("한글\ny", 2, 1), 3);
        assert_eq!(utf16_offset("", 0, 0), 0);
    }
}

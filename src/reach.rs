//! Reach: which session the page opens with, and the top bar's Share, Embed and Session
//! controls.
//!
//! At start the page opens, in this order of precedence:
//! 1. a share link (`#s1=…`, src/share.rs) — the autosave is then kept untouched until
//!    the learner changes something (the page says so and offers the saved session);
//! 2. the autosave of this browser (src/persist.rs) — with a note and "Reset to default";
//! 3. the default scenario (with `?embed=1&step=N`, its lesson run to step N).
//!
//! A session is rebuilt by replaying its document (src/session_doc.rs) through the same
//! `Playground` doors as the first time: commands through `run`, editor texts as file
//! writes, the clock as advances; then the lesson step and the viewed moment are set.
//! A link that cannot be read says why and opens the default scenario.
//!
//! Embeds (`?embed=1`) neither restore nor write the autosave: a course page shows what
//! its author chose.

use leptos::ev;
use leptos::prelude::*;

use crate::i18n::T;
use leptos::task::spawn_local;

use crate::editor::{check_name, EditorFile, EditorInbox, MAX_NAME};
use crate::embed::{self, EmbedControl, EmbedOptions, OpenFull};
use crate::lesson::{parse_lesson, LessonCursor, DEFAULT_LESSON};
use crate::persist;
use crate::session_doc::{self, Flavour, SessionDoc, Step};
use crate::share::{self, Fragment, ShareControl};
use crate::state::Playground;

// The strings of this file, in one place (for translation).

/// Where the page's session came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Default,
    Saved,
    Link,
    /// A session file opened by the learner (its name).
    Import(String),
}

/// What the page opens with.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    pub source: Source,
    /// `None`: the default scenario.
    pub doc: Option<SessionDoc>,
    pub notice: Option<Notice>,
    pub embed: EmbedOptions,
}

impl Start {
    pub fn seed(&self) -> u64 {
        self.doc.as_ref().map_or(1, |d| d.seed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeAction {
    Reset,
    OpenSaved,
}

/// A message in the bar under the header.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
    pub action: Option<NoticeAction>,
}

impl Notice {
    fn info(text: String, action: Option<NoticeAction>) -> Notice {
        Notice {
            error: false,
            text,
            action,
        }
    }
    fn error(text: String) -> Notice {
        Notice {
            error: true,
            text,
            action: None,
        }
    }
}

/// The app root's handle to start over with another session (import, reset).
#[derive(Clone, Copy)]
struct Reboot(RwSignal<Option<Start>>);

/// The running page's start, for the top bar.
#[derive(Clone)]
struct Launched {
    source: Source,
    notice: RwSignal<Option<Notice>>,
    embed: EmbedOptions,
}

/// Decides the start (reading a share link is asynchronous: the view shows a line
/// until it is read), then builds the page with `build`, again whenever the session is
/// replaced (import, reset).
pub fn boot<V: IntoView + 'static>(
    build: impl Fn(Start) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let start = RwSignal::new(None::<Start>);
    provide_context(Reboot(start));
    let embed = embed::parse_query(&persist::query());
    let hash = persist::fragment();
    // A session that stopped the page twice in a row (a trap each time it was replayed,
    // src/main.rs counts them) is not opened a third time: the default scenario is, with
    // the reason. The count is cleared once the page has run `CRASH_QUIET` without a trap.
    let crashed = !embed.embed && persist::crashes() >= 2;
    if !embed.embed {
        set_timeout(persist::clear_crashes, persist::CRASH_QUIET);
    }
    match share::read_fragment(&hash) {
        Fragment::Link(_) if crashed => start.set(Some(Start {
            source: Source::Default,
            doc: None,
            notice: Some(Notice::error(format!(
                "{} {}",
                crate::i18n::tr(T::ReachCrashedLink),
                crate::i18n::tr(T::ReachShowingDefault)
            ))),
            embed,
        })),
        Fragment::Link(payload) => {
            let payload = payload.to_string();
            spawn_local(async move {
                let s = match share::decode(&payload).await.and_then(|t| {
                    session_doc::parse(&t).map_err(|e| format!("its session does not read ({e})"))
                }) {
                    Ok(doc) => Start {
                        source: Source::Link,
                        doc: Some(doc),
                        notice: None,
                        embed,
                    },
                    Err(why) => link_failed(&why, embed),
                };
                start.set(Some(s));
            });
        }
        Fragment::Bad(why) => start.set(Some(link_failed(&why, embed))),
        Fragment::None => start.set(Some(from_storage(embed))),
    }
    move || {
        match start.get() {
        None => {
            view! { <p class="boot-note" data-testid="boot-note">{crate::i18n::text(T::ReachOpeningLink)}</p> }.into_any()
        }
        // Only a new start rebuilds the page, not a signal read while building it.
        Some(s) => untrack(|| build(s)).into_any(),
    }
    }
}

fn link_failed(why: &str, embed: EmbedOptions) -> Start {
    Start {
        source: Source::Default,
        doc: None,
        notice: Some(Notice::error(format!(
            "{T_LINK_FAILED} {why} {T_SHOWING_DEFAULT}",
            T_LINK_FAILED = crate::i18n::tr(T::ReachLinkFailed),
            T_SHOWING_DEFAULT = crate::i18n::tr(T::ReachShowingDefault),
        ))),
        embed,
    }
}

fn from_storage(embed: EmbedOptions) -> Start {
    let default = |notice| Start {
        source: Source::Default,
        doc: None,
        notice,
        embed: embed.clone(),
    };
    if embed.embed {
        return default(None);
    }
    match persist::load() {
        None => default(None),
        Some(text) => match session_doc::parse(&text) {
            Ok(_) if persist::crashes() >= 2 => default(Some(Notice {
                error: true,
                text: crate::i18n::tr(T::ReachCrashedNotReopened).into(),
                action: Some(NoticeAction::OpenSaved),
            })),
            Ok(doc) => Start {
                source: Source::Saved,
                doc: Some(doc),
                notice: Some(Notice::info(
                    crate::i18n::tr(T::ReachRestored).into(),
                    Some(NoticeAction::Reset),
                )),
                embed: embed.clone(),
            },
            Err(e) => default(Some(Notice::error(format!(
                "{T_SAVED_UNREADABLE} {e}",
                T_SAVED_UNREADABLE = crate::i18n::tr(T::ReachSavedUnreadable)
            )))),
        },
    }
}

/// The default scenario with the lesson at step `n`, counted from 1 as the lesson panel
/// shows it ("Step 3 of 29"): the steps before it have run (an embed's `step=N`).
fn lesson_doc(n: usize) -> Option<SessionDoc> {
    let n = n.saturating_sub(1);
    let lesson = parse_lesson(DEFAULT_LESSON).ok()?;
    let mut steps: Vec<Step> = crate::scenario::DEFAULT
        .files
        .iter()
        .map(|f| Step::File {
            name: f.name.into(),
            text: f.text.into(),
        })
        .collect();
    let n = n.min(lesson.steps.len());
    for s in &lesson.steps[..n] {
        steps.push(Step::Run {
            line: s.command.clone(),
            stdin: s.heredoc.clone(),
            origin: "lesson",
        });
    }
    Some(SessionDoc {
        steps,
        lesson_step: Some(n),
        ..SessionDoc::default()
    })
}

/// Rebuilds the start's session in `pg` (before the page is built) and provides the
/// contexts the page's parts share. Returns the editor's tabs, or `None` for the
/// default scenario's files.
pub fn restore(pg: Playground, start: &Start) -> Option<Vec<EditorFile>> {
    let cursor = LessonCursor(RwSignal::new(0));
    provide_context(cursor);
    provide_context(EditorInbox(RwSignal::new(vec![])));
    let notice = RwSignal::new(start.notice.clone());
    provide_context(Launched {
        source: start.source.clone(),
        notice,
        embed: start.embed.clone(),
    });
    let doc = match (&start.doc, start.embed.step) {
        (Some(d), _) => Some(d.clone()),
        (None, Some(n)) if start.embed.embed => lesson_doc(n),
        _ => None,
    };
    let tabs = doc.map(|doc| {
        replay(pg, &doc);
        cursor.0.set(doc.lesson_step.unwrap_or(0));
        if let Some(t) = doc.view_time {
            if t < pg.now() {
                pg.view_at(t);
            }
        }
        if let Some(saved) = &doc.cluster {
            let now = cluster_version(pg);
            if *saved != now {
                notice.set(Some(Notice::error(format!(
                    "{T_VERSION_DIFFERS} {saved} {T_VERSION_NOW} {now}.",
                    T_VERSION_DIFFERS = crate::i18n::tr(T::ReachVersionDiffers),
                    T_VERSION_NOW = crate::i18n::tr(T::ReachVersionNow),
                ))));
            }
        }
        match start.source {
            Source::Link => {
                pg.playing.set(false);
                if persist::load().is_some() {
                    notice.update(|n| {
                        n.get_or_insert_with(|| {
                            Notice::info(
                                crate::i18n::tr(T::ReachOpenedLink).into(),
                                Some(NoticeAction::OpenSaved),
                            )
                        });
                    });
                }
            }
            Source::Import(ref name) => {
                pg.playing.set(!doc.paused);
                notice.set(Some(Notice::info(
                    format!(
                        "{T_OPENED_FILE} {name}.",
                        T_OPENED_FILE = crate::i18n::tr(T::ReachOpenedFile)
                    ),
                    None,
                )));
            }
            _ => pg.playing.set(!doc.paused),
        }
        session_doc::tab_files(&doc)
            .into_iter()
            .map(|(name, text)| EditorFile { name, text })
            .collect()
    });
    // Set last: the replay itself runs commands from every origin.
    pg.readonly.set(start.embed.readonly);
    tabs
}

/// Replays a document's steps through the playground, settled: the page first draws the
/// session as it was saved, not its last command part-way (a command's settle is
/// otherwise left to the frames, `Playground::run`).
fn replay(pg: Playground, doc: &SessionDoc) {
    for step in &doc.steps {
        match step {
            Step::File { name, text } => pg.replay_file(name, text),
            Step::Wait(ms) => pg.replay_advance(*ms),
            Step::Run {
                line,
                stdin,
                origin,
            } => {
                pg.run(line, stdin.as_deref(), origin);
            }
        }
    }
    pg.finish();
    // The saved tabs hold each file's last text; a replayed `> FILE` must not put an
    // older one back into them.
    pg.written.set(vec![]);
}

fn cluster_version(pg: Playground) -> String {
    pg.with_timeline(|t| {
        let v = t.session.sim.version;
        format!("v1.{}.{}", v.minor, v.patch)
    })
}

/// The session as it stands, as a document. `cursor`: the lesson's (looked up once by
/// the caller: timers and event handlers run outside the component's context).
pub fn current_doc(pg: Playground, cursor: Option<LessonCursor>) -> SessionDoc {
    let steps = pg.with_timeline(|t| {
        pg.console
            .with_untracked(|c| session_doc::steps_from_history(t.entries(), c))
    });
    let tabs = session_doc::tabs_for(&pg.staged_files(), &steps);
    SessionDoc {
        seed: pg.with_timeline(|t| t.session.seed),
        cluster: Some(cluster_version(pg)),
        steps,
        tabs: Some(tabs),
        lesson_step: cursor.map(|c| c.0.get_untracked()),
        view_time: pg.view_time.get_untracked(),
        paused: !pg.playing.get_untracked(),
        native: true,
    }
}

/// What counts as a change worth saving over an existing autosave: commands, files,
/// tabs and the lesson step — not the clock running on, nor scrubbing.
fn significant(doc: &SessionDoc) -> String {
    let mut d = doc.clone();
    while matches!(d.steps.last(), Some(Step::Wait(_))) {
        d.steps.pop();
    }
    d.view_time = None;
    d.paused = false;
    session_doc::render(&d, Flavour::Compact)
}

/// The exported file: the full document with each command's output, as `orrery run`
/// prints it, so `orrery check` passes on it.
pub fn export_text(pg: Playground, cursor: Option<LessonCursor>) -> String {
    let doc = current_doc(pg, cursor);
    session_doc::with_outputs(&session_doc::render(&doc, Flavour::Full), doc.seed)
}

/// The root element's classes and style (embed layout).
pub fn page_attrs() -> (String, Vec<(&'static str, String)>) {
    match use_context::<Launched>() {
        Some(l) => embed::root_attrs(&l.embed),
        None => ("app".into(), vec![]),
    }
}

/// A file name the editor accepts (`check_name`), made from a picked file's name.
fn tab_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_whitespace() || "'\"`$<>|;&\\(){}*?#!".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect();
    while out.len() > MAX_NAME {
        out.pop();
    }
    if out.is_empty() || out == "-" || check_name(&out, &[]).is_err() {
        "opened.yaml".into()
    } else {
        out
    }
}

fn is_manifest_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json")
}

/// The top bar's controls, the notice bar, the autosave, and drag and drop.
#[component]
pub fn ReachBar() -> impl IntoView {
    let pg = Playground::expect();
    let Some(launched) = use_context::<Launched>() else {
        return ().into_any();
    };
    let reboot = use_context::<Reboot>();
    let inbox = use_context::<EditorInbox>();
    let notice = launched.notice;
    let embed_mode = launched.embed.embed;
    let embed_opts = StoredValue::new(launched.embed.clone());
    let cursor = use_context::<LessonCursor>();

    let doc_compact =
        Callback::new(move |()| session_doc::render(&current_doc(pg, cursor), Flavour::Compact));
    let download = Callback::new(move |()| {
        if let Err(e) = persist::download(persist::EXPORT_NAME, &export_text(pg, cursor)) {
            notice.set(Some(Notice::error(format!(
                "{T_DOWNLOAD_FAILED} {e}",
                T_DOWNLOAD_FAILED = crate::i18n::tr(T::ReachDownloadFailed)
            ))));
        }
    });

    // The share fragment, for the embed form's "include this session".
    let fragment = RwSignal::new(None::<String>);
    let want_fragment = Callback::new(move |()| {
        let text = doc_compact.run(());
        spawn_local(async move {
            if let Ok(f) = share::encode(&text).await {
                fragment.try_set(Some(f));
            }
        });
    });

    // ---- autosave: on every command, and once a second for edits and time.
    /// Larger editor texts are not autosaved (the browser's storage would refuse them).
    const AUTOSAVE_MAX_BYTES: usize = 4 << 20;
    if !embed_mode {
        // Nothing is written until the session differs from how it opened (so opening
        // a link does not overwrite the saved session), then every change is. How it
        // opened is taken once the page is built (the editor stages its tabs then).
        let baseline = StoredValue::new(None::<String>);
        let imported = matches!(launched.source, Source::Import(_));
        let dirty = StoredValue::new(false);
        let last_saved = StoredValue::new(String::new());
        let too_large = StoredValue::new(false);
        let save_now = move || {
            // localStorage holds about 5 MB a site: a session with a huge file (a 20 MB
            // paste) is not tried again every second, which would cost the page a
            // render of the whole session each time; the learner is told once.
            if pg.staged_bytes() > AUTOSAVE_MAX_BYTES {
                if !too_large.get_value() {
                    too_large.set_value(true);
                    notice.set(Some(Notice::error(
                        crate::i18n::tr(T::ReachTooLargeToSave).to_string(),
                    )));
                }
                return;
            }
            too_large.set_value(false);
            let Some(doc) = pg.version.try_with_untracked(|_| current_doc(pg, cursor)) else {
                return;
            };
            if !dirty.get_value() {
                let same =
                    baseline.with_value(|b| b.as_ref().is_none_or(|b| *b == significant(&doc)));
                if same && !imported {
                    return;
                }
                dirty.set_value(true);
                // From now on the page's session is this one: a reload opens it.
                persist::drop_fragment();
            }
            let text = session_doc::render(&doc, Flavour::Compact);
            if last_saved.with_value(|l| *l == text) {
                return;
            }
            match persist::save(&text) {
                Ok(()) => last_saved.set_value(text),
                Err(e) => {
                    // Not retried until the session changes again.
                    last_saved.set_value(text);
                    notice.set(Some(Notice::error(format!(
                        "{T_SAVE_FAILED} {e}",
                        T_SAVE_FAILED = crate::i18n::tr(T::ReachSaveFailed)
                    ))));
                }
            }
        };
        Effect::new(move |prev: Option<u64>| {
            let last = pg.console.with(|c| c.last().map_or(0, |e| e.id));
            if prev.is_some() {
                save_now();
            } else {
                // Taken after the first paint (the document's render is not needed to
                // draw), but before any command changes the session: boot work.
                pg.after_boot(move || {
                    let opened = significant(&current_doc(pg, cursor));
                    baseline.try_set_value(Some(opened));
                    if imported {
                        save_now();
                    }
                });
            }
            last
        });
        if let Ok(h) = set_interval_with_handle(save_now, std::time::Duration::from_secs(1)) {
            on_cleanup(move || h.clear());
        }
        let pagehide = window_event_listener(ev::pagehide, move |_| save_now());
        on_cleanup(move || pagehide.remove());
    }

    // ---- opening files: the picker and drag and drop.
    let open_file = move |file: web_sys::File| {
        spawn_local(async move {
            let name = file.name();
            let result = match persist::read_file(&file).await {
                Ok(bytes) => session_doc::utf8_text(&name, bytes),
                Err(e) => Err(e),
            };
            let text = match result {
                Ok(t) => t,
                Err(e) => {
                    notice.try_set(Some(Notice::error(e)));
                    return;
                }
            };
            if is_manifest_name(&name) {
                if let Some(EditorInbox(inbox)) = inbox {
                    let tab = tab_name(&name);
                    inbox.try_update(|i| {
                        i.push(EditorFile {
                            name: tab.clone(),
                            text,
                        })
                    });
                    notice.try_set(Some(Notice::info(
                        format!(
                            "{T_OPENED_TAB} {name}",
                            T_OPENED_TAB = crate::i18n::tr(T::ReachOpenedTab)
                        ),
                        None,
                    )));
                }
                return;
            }
            match session_doc::parse(&text) {
                Ok(doc) => {
                    if let Some(Reboot(start)) = reboot {
                        let embed = embed_opts.get_value();
                        start.try_set(Some(Start {
                            source: Source::Import(name),
                            doc: Some(doc),
                            notice: None,
                            embed,
                        }));
                    }
                }
                Err(e) => {
                    notice.try_set(Some(Notice::error(format!(
                        "{name} {T_NOT_SESSION} {e}",
                        T_NOT_SESSION = crate::i18n::tr(T::ReachNotSession)
                    ))));
                }
            }
        });
    };
    let picker = NodeRef::<leptos::html::Input>::new();
    let on_pick = move |_| {
        let Some(input) = picker.get_untracked() else {
            return;
        };
        if let Some(files) = input.files() {
            for i in 0..files.length() {
                if let Some(f) = files.get(i) {
                    open_file(f);
                }
            }
        }
        input.set_value("");
    };

    let dragging = RwSignal::new(false);
    if !launched.embed.readonly {
        let has_files = |ev: &web_sys::DragEvent| {
            ev.data_transfer()
                .is_some_and(|d| d.types().includes(&"Files".into(), 0))
        };
        let over = window_event_listener(ev::dragover, move |ev| {
            if has_files(&ev) {
                ev.prevent_default();
                dragging.set(true);
            }
        });
        let leave = window_event_listener(ev::dragleave, move |ev| {
            // Leaving the window (not moving between elements).
            if ev.related_target().is_none() {
                dragging.set(false);
            }
        });
        let drop = window_event_listener(ev::drop, move |ev| {
            dragging.set(false);
            let Some(files) = ev.data_transfer().and_then(|d| d.files()) else {
                return;
            };
            if files.length() == 0 {
                return;
            }
            ev.prevent_default();
            for i in 0..files.length() {
                if let Some(f) = files.get(i) {
                    open_file(f);
                }
            }
        });
        on_cleanup(move || {
            over.remove();
            leave.remove();
            drop.remove();
        });
    }

    let reset = move || {
        persist::clear();
        persist::drop_fragment();
        if let Some(Reboot(start)) = reboot {
            start.set(Some(Start {
                source: Source::Default,
                doc: None,
                notice: None,
                embed: embed_opts.get_value(),
            }));
        }
    };
    let open_saved = move || {
        // The learner's choice: open it even if it stopped the page before.
        persist::clear_crashes();
        persist::drop_fragment();
        if let Some(Reboot(start)) = reboot {
            start.set(Some(from_storage(embed_opts.get_value())));
        }
    };

    let notice_view = move || {
        notice.get().map(|n| {
            let action = n.action.map(|a| {
                let (label, testid) = match a {
                    NoticeAction::Reset => (crate::i18n::tr(T::ReachReset), "notice-reset"),
                    NoticeAction::OpenSaved => (crate::i18n::tr(T::ReachOpenSaved), "notice-open-saved"),
                };
                view! {
                    <button type="button" class="link" data-testid=testid on:click=move |_| match a {
                        NoticeAction::Reset => reset(),
                        NoticeAction::OpenSaved => open_saved(),
                    }>{label}</button>
                }
            });
            view! {
                <div
                    class="reach-notice"
                    class:error=n.error
                    role=if n.error { "alert" } else { "status" }
                    data-testid="reach-notice"
                    data-kind=if n.error { "error" } else { "info" }
                >
                    <span class="reach-notice-text">{n.text}</span>
                    {action}
                    <button type="button" class="reach-dismiss" aria-label=crate::i18n::text(T::ReachDismiss) title=crate::i18n::text(T::ReachDismiss)
                        on:click=move |_| notice.set(None)>"×"</button>
                </div>
            }
        })
    };

    if embed_mode {
        // In an iframe: a way out to the full page with this session.
        let href = RwSignal::new(share::page_base());
        let refresh = move || {
            let text = doc_compact.run(());
            spawn_local(async move {
                if let Ok(f) = share::encode(&text).await {
                    href.try_set(format!("{}#{f}", share::page_base()));
                }
            });
        };
        return view! {
            <div class="reach-bar" data-testid="reach-bar" on:pointerenter=move |_| refresh() on:focusin=move |_| refresh()>
                <OpenFull href=href.into() />
            </div>
            <div class="reach-notices">{notice_view}</div>
        }
        .into_any();
    }

    view! {
        <div class="reach-bar" data-testid="reach-bar">
            <ShareControl doc=doc_compact download=download />
            <EmbedControl base=share::page_base() share_fragment=fragment.into() want_fragment=want_fragment />
            <button type="button" class="button" data-testid="session-export" title=crate::i18n::text(T::ReachExportTitle)
                on:click=move |_| download.run(())>{crate::i18n::text(T::ReachExport)}</button>
            <button type="button" class="button" data-testid="session-open" title=crate::i18n::text(T::ReachOpenTitle)
                on:click=move |_| {
                    if let Some(i) = picker.get_untracked() {
                        i.click();
                    }
                }>{crate::i18n::text(T::ReachOpen)}</button>
            <input type="file" class="visually-hidden" data-testid="session-file" node_ref=picker
                accept=".yaml,.yml,.json,.txt,.md,text/plain" multiple on:change=on_pick tabindex="-1" aria-hidden="true" />
            <button type="button" class="button" data-testid="session-reset" on:click=move |_| reset()>{crate::i18n::text(T::ReachReset)}</button>
        </div>
        <div class="reach-notices">{notice_view}</div>
        <Show when=move || dragging.get()>
            <div class="drop-hint" data-testid="drop-hint" aria-hidden="true"><p>{crate::i18n::text(T::ReachDropHint)}</p></div>
        </Show>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::parse_lesson;
    use crate::scenario::DEFAULT;

    fn fingerprint(pg: Playground) -> String {
        pg.with_timeline(|t| {
            let sim = &t.session.sim;
            let mut out = format!("now={} version={:?}\n", sim.now, sim.version);
            for o in sim.store.all() {
                out.push_str(&serde_json::to_string(&o.to_json()).unwrap());
                out.push('\n');
            }
            for e in &sim.events {
                out.push_str(&format!("{e:?}\n"));
            }
            out.push_str(&format!("{:?}\n", t.session.files));
            out
        })
    }

    fn console(pg: Playground) -> Vec<(String, &'static str, String, i32)> {
        pg.console.with_untracked(|c| {
            c.iter()
                .map(|e| (e.command.clone(), e.origin, e.output.clone(), e.code))
                .collect()
        })
    }

    /// The lesson played as a learner plays it — the clock running in frames between
    /// steps, a few commands of their own, an edited tab — saved as a document, read
    /// back, and replayed in a fresh playground: the same cluster, files and console.
    #[test]
    fn a_saved_session_replays_to_the_same_cluster() {
        let owner = Owner::new();
        owner.with(|| {
            let pg = Playground::new(1);
            for f in DEFAULT.files {
                pg.set_file(f.name, f.text);
            }
            let lesson = parse_lesson(DEFAULT_LESSON).unwrap();
            for (i, step) in lesson.steps.iter().enumerate() {
                pg.run(&step.command, step.heredoc.as_deref(), "lesson");
                for _ in 0..(i % 5) * 7 {
                    pg.advance(16 + (i as i64 % 3));
                }
                if i == 6 {
                    pg.run("kubectl get pods -A", None, "console");
                    pg.run("sleep 5s", None, "console");
                    pg.stage_file(
                        "mine.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n",
                    );
                    pg.run("kubectl apply -f mine.yaml", None, "editor");
                }
            }
            pg.run("kubectl get pods -n pacman", None, "canvas");
            pg.advance(1_500);
            pg.stage_file("mine.yaml", "unsaved: edit\n");
            let doc = current_doc(pg, None);
            let text = session_doc::render(&doc, Flavour::Compact);
            let read = session_doc::parse(&text).expect("the document reads back");
            assert_eq!(read, doc);
            let tabs = session_doc::tab_files(&read);
            assert!(tabs.contains(&("mine.yaml".into(), "unsaved: edit\n".into())));

            let pg2 = Playground::new(read.seed);
            replay(pg2, &read);
            assert_eq!(fingerprint(pg2), fingerprint(pg));
            assert_eq!(console(pg2), console(pg));
            // Replaying gives back the same document.
            assert_eq!(
                session_doc::steps_from_history(
                    &pg2.with_timeline(|t| t.entries().to_vec()),
                    &pg2.console.get_untracked()
                ),
                doc.steps
            );

            // The exported file is a transcript that `orrery check` passes.
            let full = export_text(pg, None);
            let items = orrery::transcript::parse(&full).expect("a transcript");
            let mut s = orrery::shell::Session::new(1);
            let ran = orrery::transcript::run(&mut s, &items);
            assert_eq!(
                orrery::transcript::check(&ran, "session.txt"),
                Vec::<String>::new()
            );
            // Imported back, the export rebuilds the same session too.
            let imported = session_doc::parse(&full).expect("an export reads back");
            let pg3 = Playground::new(1);
            replay(pg3, &imported);
            assert_eq!(fingerprint(pg3), fingerprint(pg));
        });
    }

    #[test]
    fn an_embed_step_runs_the_lesson_to_it() {
        let doc = lesson_doc(3).unwrap();
        assert_eq!(doc.lesson_step, Some(2), "step 3 shows after two have run");
        assert_eq!(doc.steps.len(), DEFAULT.files.len() + 2);
        assert_eq!(lesson_doc(0).unwrap().lesson_step, Some(0));
        assert_eq!(
            lesson_doc(10_000).unwrap().lesson_step,
            parse_lesson(DEFAULT_LESSON).ok().map(|l| l.steps.len())
        );
    }

    #[test]
    fn picked_file_names_become_tab_names() {
        assert_eq!(tab_name("my file (1).yaml"), "my-file--1-.yaml");
        assert_eq!(tab_name(""), "opened.yaml");
        assert!(is_manifest_name("A.YML") && !is_manifest_name("lesson.txt"));
    }
}

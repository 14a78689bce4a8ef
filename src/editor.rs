//! The manifest editor: one tab per virtual file, a plain textarea with line numbers,
//! and under it the file's parse report (kinds parsed, or diagnostics with line:column
//! that move the caret there when clicked).
//!
//! Each file keeps its own textarea (inactive ones are `hidden`), so switching tabs
//! keeps the caret, scroll position and undo history of every file.

use leptos::html;
use leptos::prelude::*;

use crate::report::FileReport;

/// A file to open in the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorFile {
    pub name: String,
    pub text: String,
}

/// An open file: its text as the user edits it, and the report derived from that text.
#[derive(Clone)]
struct OpenFile {
    name: String,
    text: RwSignal<String>,
    report: Memo<FileReport>,
}

impl OpenFile {
    fn new(file: EditorFile) -> OpenFile {
        let text = RwSignal::new(file.text);
        let report = Memo::new(move |_| text.with(|t| FileReport::of(t)));
        OpenFile {
            name: file.name,
            text,
            report,
        }
    }
}

#[component]
pub fn Editor(files: Vec<EditorFile>) -> impl IntoView {
    let files: Vec<OpenFile> = files.into_iter().map(OpenFile::new).collect();
    let active = RwSignal::new(0usize);

    let tabs = files
        .iter()
        .enumerate()
        .map(|(index, file)| {
            let report = file.report;
            let selected = move || active.get() == index;
            let problems = move || report.with(|r| r.diagnostics_total);
            view! {
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    data-testid="tab"
                    data-file=file.name.clone()
                    aria-selected=move || selected().to_string()
                    on:click=move |_| active.set(index)
                >
                    <span class="tab-name">{file.name.clone()}</span>
                    <Show when=move || { problems() > 0 }>
                        <span class="tab-problems" data-testid="tab-problems" title="Problems in this file">
                            {problems}
                        </span>
                    </Show>
                </button>
            }
        })
        .collect_view();

    let panels = files
        .into_iter()
        .enumerate()
        .map(|(index, file)| view! { <FilePanel file=file index=index active=active /> })
        .collect_view();

    view! {
        <section class="editor" data-testid="editor" aria-label="Manifests">
            <div class="tabs" role="tablist" aria-label="Files" data-testid="tabs">
                {tabs}
            </div>
            {panels}
        </section>
    }
}

#[component]
fn FilePanel(file: OpenFile, index: usize, active: RwSignal<usize>) -> impl IntoView {
    let textarea = NodeRef::<html::Textarea>::new();
    let gutter = NodeRef::<html::Div>::new();
    let text = file.text;
    let lines = Memo::new(move |_| text.with(|t| line_count(t)));

    // The gutter does not scroll by itself; it follows the textarea.
    let sync_gutter = move || {
        if let (Some(t), Some(g)) = (textarea.get_untracked(), gutter.get_untracked()) {
            g.set_scroll_top(t.scroll_top());
        }
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

    let initial = text.get_untracked();
    view! {
        <div
            class="panel"
            role="tabpanel"
            data-testid="editor-panel"
            data-file=file.name.clone()
            hidden=move || active.get() != index
        >
            <div class="code">
                <div class="gutter" aria-hidden="true" data-testid="gutter" node_ref=gutter>
                    {move || gutter_text(lines.get())}
                </div>
                <textarea
                    class="input"
                    data-testid="editor-input"
                    aria-label=file.name.clone()
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    wrap="off"
                    node_ref=textarea
                    on:input=move |ev| text.set(event_target_value(&ev))
                    on:scroll=move |_| sync_gutter()
                >
                    // The initial text as the element's content (its default value):
                    // there from the first frame. After that the textarea owns its
                    // value and only reports it through `input`.
                    {initial}
                </textarea>
            </div>
            <Status report=file.report on_jump=jump_to />
        </div>
    }
}

/// The parse report of one file: a one-line summary, or the diagnostics.
#[component]
fn Status(report: Memo<FileReport>, on_jump: Callback<(usize, usize)>) -> impl IntoView {
    let body = move || {
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
                                    title="Go to this position"
                                    on:click=move |_| on_jump.run((line, column))
                                >
                                    <span class="location" data-testid="diagnostic-location">
                                        {format!("{line}:{column}")}
                                    </span>
                                    <span class="message">{d.message.clone()}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <p class="status-line error">
                        <span class="status-icon" aria-hidden="true">"!"</span>
                        <strong data-testid="problems">{r.problems_label()}</strong>
                        <span class="muted">{format!("{} parsed", r.documents_label())}</span>
                    </p>
                    <ul class="diagnostics" data-testid="diagnostics">
                        {items}
                        {(hidden > 0).then(|| view! { <li class="muted more">{format!("and {hidden} more")}</li> })}
                    </ul>
                }
                .into_any()
            } else {
                let kinds = r
                    .kinds
                    .iter()
                    .map(|k| view! { <li class="kind" data-testid="kind">{k.label()}</li> })
                    .collect_view();
                view! {
                    <p class="status-line ok">
                        <span class="status-icon" aria-hidden="true">"✓"</span>
                        <strong data-testid="summary">{format!("{} parsed", r.documents_label())}</strong>
                    </p>
                    <ul class="kinds" data-testid="kinds" aria-label="Kinds">{kinds}</ul>
                }
                .into_any()
            }
        })
    };
    view! {
        <div class="status" data-testid="status" aria-live="polite">
            {body}
        </div>
    }
}

/// Lines as a textarea shows them: a trailing newline starts one more (empty) line.
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// The gutter's text: "1\n2\n…\nlines".
pub fn gutter_text(lines: usize) -> String {
    let mut out = String::with_capacity(lines * 4);
    for n in 1..=lines {
        if n > 1 {
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
    fn line_count_matches_what_a_textarea_shows() {
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("a"), 1);
        assert_eq!(line_count("a\n"), 2);
        assert_eq!(line_count("a\nb"), 2);
    }

    #[test]
    fn gutter_numbers_every_line() {
        assert_eq!(gutter_text(1), "1");
        assert_eq!(gutter_text(3), "1\n2\n3");
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

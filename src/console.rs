//! The console: a kubectl prompt that speaks the transcript's command language
//! (TRANSCRIPT.md) against the page's playground. Its scrollback is the playground's
//! `console` signal, so commands that buttons, the canvas and the lesson ran show here
//! too, labelled by where they came from. Output is shown exactly as the CLI prints it.
//!
//! The pure parts — heredoc reading, splitting a pasted text into commands, history —
//! are here and tested natively; completion is in `completion.rs`.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use orrery::shell::heredoc_marker;
use orrery::transcript::{self, Item};

use crate::completion::complete;
use crate::i18n::{I18n, Lang, T};
use crate::state::{ConsoleEntry, Playground};

/// A command ready to run: its line and the heredoc it feeds, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadyCommand {
    pub line: String,
    pub stdin: Option<String>,
}

/// A heredoc being read: the line that opened it, its terminator and the body so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PendingHeredoc {
    pub line: String,
    pub marker: String,
    pub body: String,
    pub lines: usize,
}

/// Reads lines as a shell does: a line that opens a heredoc (`<<EOF`) waits for the
/// lines up to its terminator, and only then is the command ready.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineReader {
    pub pending: Option<PendingHeredoc>,
}

impl LineReader {
    /// Feeds one line (without its newline). Returns a command once one is complete.
    pub fn push(&mut self, raw: &str) -> Option<ReadyCommand> {
        if let Some(p) = &mut self.pending {
            if raw.trim_end() == p.marker {
                let p = self.pending.take()?;
                return Some(ReadyCommand {
                    line: p.line,
                    stdin: Some(p.body),
                });
            }
            p.body.push_str(raw);
            p.body.push('\n');
            p.lines += 1;
            return None;
        }
        // Lines copied from a transcript or a lesson start with the prompt.
        let line = raw.strip_prefix("$ ").unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        if let Some(marker) = heredoc_marker(line) {
            self.pending = Some(PendingHeredoc {
                line: line.to_string(),
                marker,
                body: String::new(),
                lines: 0,
            });
            return None;
        }
        Some(ReadyCommand {
            line: line.to_string(),
            stdin: None,
        })
    }

    /// Drops a heredoc being read (Ctrl+C, Escape).
    pub fn cancel(&mut self) -> Option<PendingHeredoc> {
        self.pending.take()
    }
}

/// What a paste holds: the complete commands, and the unfinished last line (text after
/// the last newline) that stays at the prompt, as a terminal leaves it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pasted {
    pub commands: Vec<ReadyCommand>,
    pub rest: String,
}

/// Splits pasted text into commands. A transcript (lines that start with `$ `, with
/// expected output after them) runs only its commands, with their heredocs parsed out as
/// the transcript runner does; anything else is read line by line, through `reader`
/// (which may be left inside an open heredoc).
pub fn split_paste(text: &str, reader: &mut LineReader) -> Pasted {
    let text = text.replace("\r\n", "\n");
    if reader.pending.is_none() && looks_like_transcript(&text) {
        if let Ok(items) = transcript::parse(&text) {
            let commands = items
                .into_iter()
                .filter_map(|item| match item {
                    Item::Command(c) if !c.line.trim().is_empty() => Some(ReadyCommand {
                        line: c.line.trim().to_string(),
                        stdin: c.heredoc.map(|(body, _)| body),
                    }),
                    _ => None,
                })
                .collect();
            return Pasted {
                commands,
                rest: String::new(),
            };
        }
    }
    let (complete_part, rest) = match text.rfind('\n') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => ("", text.as_str()),
    };
    let mut commands = vec![];
    if !complete_part.is_empty() || text.contains('\n') {
        for line in complete_part.split('\n') {
            commands.extend(reader.push(line));
        }
    }
    // A heredoc's terminator without a newline after it still closes the heredoc.
    let rest = match &reader.pending {
        Some(p) if rest.trim_end() == p.marker => {
            commands.extend(reader.push(rest));
            String::new()
        }
        _ => rest.to_string(),
    };
    Pasted { commands, rest }
}

/// A transcript has a `$ ` command followed by a line that is neither a command nor a
/// comment (its expected output).
fn looks_like_transcript(text: &str) -> bool {
    let mut after_command = false;
    let mut in_heredoc: Option<String> = None;
    for line in text.lines() {
        if let Some(marker) = &in_heredoc {
            if line.trim_end() == marker {
                in_heredoc = None;
            }
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            after_command = true;
            in_heredoc = heredoc_marker(cmd);
        } else if line.starts_with('#') || line.trim().is_empty() {
            continue;
        } else if after_command {
            return true;
        } else {
            return false;
        }
    }
    false
}

/// The command history that ↑ and ↓ walk, with the line being typed kept as a draft.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    items: Vec<String>,
    /// Where ↑/↓ stand: `None` is the draft (below the newest item).
    cursor: Option<usize>,
    draft: String,
}

/// History keeps at most this many lines.
pub const MAX_HISTORY: usize = 1_000;

impl History {
    pub fn push(&mut self, line: &str) {
        let line = line.trim();
        self.cursor = None;
        self.draft.clear();
        if line.is_empty() || self.items.last().map(String::as_str) == Some(line) {
            return;
        }
        self.items.push(line.to_string());
        if self.items.len() > MAX_HISTORY {
            self.items.drain(..self.items.len() - MAX_HISTORY);
        }
    }

    /// ↑: the previous line (the draft is kept while walking). `None` at the oldest.
    pub fn up(&mut self, current: &str) -> Option<String> {
        let next = match self.cursor {
            None if self.items.is_empty() => return None,
            None => {
                self.draft = current.to_string();
                self.items.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.cursor = Some(next);
        Some(self.items[next].clone())
    }

    /// ↓: the next line, then the draft. `None` when already at the draft.
    pub fn down(&mut self) -> Option<String> {
        let i = self.cursor?;
        if i + 1 < self.items.len() {
            self.cursor = Some(i + 1);
            Some(self.items[i + 1].clone())
        } else {
            self.cursor = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A heredoc longer than this shows its first lines and a count of the rest.
const HEREDOC_PREVIEW_LINES: usize = 12;
/// A paste of more commands than this runs in chunks with a progress bar.
const SYNC_PASTE_COMMANDS: usize = 20;
/// Time one chunk of a pasted batch may take before the browser gets the thread back
/// (rendering what the chunk printed comes on top of it).
const CHUNK_BUDGET_MS: f64 = 8.0;
/// The scrollback shows at most this many of the newest entries…
pub const MAX_SHOWN: usize = 200;
/// …and while a pasted batch runs, this many (each chunk would otherwise lay out a
/// couple of hundred new entries, only to replace them in the next).
pub const MAX_SHOWN_WHILE_BATCH: usize = 20;
/// At most this many completion candidates are listed.
const MAX_CANDIDATES: usize = 60;

/// Progress of a pasted batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Progress {
    done: usize,
    total: usize,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The heredoc lines as the terminal echoed them (`> ` prompts), shortened if long.
fn heredoc_echo(body: &str, marker: &str, lang: Lang) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut out = String::new();
    for l in lines.iter().take(HEREDOC_PREVIEW_LINES) {
        out.push_str("> ");
        out.push_str(l);
        out.push('\n');
    }
    if lines.len() > HEREDOC_PREVIEW_LINES {
        out.push_str("> ");
        out.push_str(&T::ConsoleHeredocMore.fill(lang, &[&(lines.len() - HEREDOC_PREVIEW_LINES)]));
        out.push('\n');
    }
    out.push_str("> ");
    out.push_str(marker);
    out
}

#[component]
pub fn ConsolePanel() -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    let input = NodeRef::<html::Input>::new();
    let scroll = NodeRef::<html::Div>::new();
    // ↑ walks what was typed before, also in a restored session.
    let mut typed = History::default();
    pg.console.with_untracked(|c| {
        for e in c.iter().filter(|e| e.origin == "console") {
            typed.push(&e.command);
        }
    });
    let history = StoredValue::new(typed);
    let reader = RwSignal::new(LineReader::default());
    let candidates = RwSignal::new(Vec::<String>::new());
    let more_candidates = RwSignal::new(0usize);
    // `clear` hides what came before without forgetting it.
    let cleared_after = RwSignal::new(0u64);
    let progress = RwSignal::new(None::<Progress>);
    let stop = StoredValue::new(false);
    // Escape then Tab leaves the input (Tab otherwise completes).
    let tab_leaves = StoredValue::new(false);

    let scroll_to_end = move || {
        request_animation_frame(move || {
            if let Some(el) = scroll.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    };
    // New output scrolls into view.
    Effect::new(move |_| {
        // (A watch's rows grow its entry: its length counts as new output.)
        pg.console
            .with(|c| c.last().map(|e| (e.id, e.output.len())));
        scroll_to_end();
    });

    let set_input = move |text: &str| {
        if let Some(el) = input.get_untracked() {
            el.set_value(text);
            let end = text.encode_utf16().count() as u32;
            let _ = el.set_selection_range(end, end);
        }
    };

    let run_one = move |cmd: &ReadyCommand| {
        history.update_value(|h| h.push(&cmd.line));
        if cmd.line.trim() == "clear" {
            cleared_after.set(pg.console.with_untracked(|c| c.last().map_or(0, |e| e.id)));
            return;
        }
        pg.run(&cmd.line, cmd.stdin.as_deref(), "console");
    };

    // Runs many commands without freezing the page: chunks of at most a few
    // milliseconds, with the browser getting the thread back (and painting the
    // progress) between them.
    let run_batch = move |commands: Vec<ReadyCommand>| {
        if commands.len() <= SYNC_PASTE_COMMANDS {
            for c in &commands {
                run_one(c);
            }
            return;
        }
        stop.set_value(false);
        let total = commands.len();
        progress.set(Some(Progress { done: 0, total }));
        spawn_local(async move {
            let mut done = 0;
            while done < total {
                let started = now_ms();
                while done < total && now_ms() - started < CHUNK_BUDGET_MS {
                    run_one(&commands[done]);
                    done += 1;
                }
                progress.try_set(Some(Progress { done, total }));
                gloo_timers::future::sleep(Duration::from_millis(0)).await;
                // Stopped, or the console is gone (its owner was disposed).
                if stop.try_get_value().unwrap_or(true) {
                    break;
                }
            }
            progress.try_set(None);
        });
    };

    let show_completion = move || {
        let Some(el) = input.get_untracked() else {
            return;
        };
        let value = el.value();
        let caret = el
            .selection_start()
            .ok()
            .flatten()
            .map_or(value.len(), |c| utf16_to_byte(&value, c as usize));
        let (before, after) = value.split_at(caret);
        let completion = pg.with_session(|s| complete(before, s));
        let completed = completion.apply(before);
        if completed != before {
            el.set_value(&format!("{completed}{after}"));
            let end = completed.encode_utf16().count() as u32;
            let _ = el.set_selection_range(end, end);
        }
        if completion.candidates.len() > 1 {
            let n = completion.candidates.len();
            let mut list = completion.candidates;
            list.truncate(MAX_CANDIDATES);
            more_candidates.set(n - list.len());
            candidates.set(list);
        } else {
            candidates.set(vec![]);
            more_candidates.set(0);
        }
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let Some(el) = input.get_untracked() else {
            return;
        };
        let key = ev.key();
        let leaving = tab_leaves.get_value();
        tab_leaves.set_value(false);
        match key.as_str() {
            "Enter" => {
                ev.prevent_default();
                let line = el.value();
                el.set_value("");
                candidates.set(vec![]);
                let mut ready = None;
                reader.update(|r| ready = r.push(&line));
                if let Some(cmd) = ready {
                    run_one(&cmd);
                }
                scroll_to_end();
            }
            "ArrowUp" if reader.with_untracked(|r| r.pending.is_none()) => {
                ev.prevent_default();
                if let Some(line) = history.try_update_value(|h| h.up(&el.value())).flatten() {
                    set_input(&line);
                }
            }
            "ArrowDown" if reader.with_untracked(|r| r.pending.is_none()) => {
                ev.prevent_default();
                if let Some(line) = history.try_update_value(|h| h.down()).flatten() {
                    set_input(&line);
                }
            }
            "Tab" if !leaving && !ev.shift_key() && !el.value().trim().is_empty() => {
                ev.prevent_default();
                show_completion();
            }
            "Escape" => {
                // Closes the completions or an open heredoc; the typed line stays.
                candidates.set(vec![]);
                if reader.with_untracked(|r| r.pending.is_some()) {
                    reader.update(|r| {
                        r.cancel();
                    });
                }
                tab_leaves.set_value(true);
            }
            "c" if ev.ctrl_key() && !has_selection(&el) => {
                ev.prevent_default();
                // Interrupts a `kubectl get -w` the console keeps open.
                pg.end_watch(true);
                el.set_value("");
                candidates.set(vec![]);
                reader.update(|r| {
                    r.cancel();
                });
            }
            "l" if ev.ctrl_key() => {
                ev.prevent_default();
                cleared_after.set(pg.console.with_untracked(|c| c.last().map_or(0, |e| e.id)));
            }
            _ => {}
        }
    };

    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
            return;
        };
        if !text.contains('\n') {
            return;
        }
        ev.prevent_default();
        let Some(el) = input.get_untracked() else {
            return;
        };
        let typed = el.value();
        let mut pasted = Pasted::default();
        reader.update(|r| pasted = split_paste(&format!("{typed}{text}"), r));
        set_input(&pasted.rest);
        candidates.set(vec![]);
        run_batch(pasted.commands);
    };

    let entries = move || {
        let after = cleared_after.get();
        let shown = if progress.with(Option::is_some) {
            MAX_SHOWN_WHILE_BATCH
        } else {
            MAX_SHOWN
        };
        pg.console.with(|c| {
            let from = c.len().saturating_sub(shown);
            c[from..]
                .iter()
                .filter(|e| e.id > after)
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    let prompt = move || {
        if reader.with(|r| r.pending.is_some()) {
            ">"
        } else {
            "$"
        }
    };

    view! {
        <section class="panel-box console-panel console" data-testid="console" aria-label=i18n.text(T::Console)>
            <div
                class="console-scroll"
                data-testid="console-output"
                role="log"
                aria-label=i18n.text(T::ConsoleOutput)
                tabindex="0"
                node_ref=scroll
            >
                <Show when=move || entries().is_empty() && reader.with(|r| r.pending.is_none())>
                    <p class="console-empty">
                        {i18n.text(T::ConsoleEmptyBefore)}
                        <code translate="no">"kubectl get pods -A"</code>
                        {i18n.text(T::ConsoleEmptyMiddle)}
                        <code translate="no">"kubectl apply -f - <<EOF"</code>
                        {i18n.text(T::ConsoleEmptyAfter)}
                    </p>
                </Show>
                <ol class="console-entries">
                    <For each=entries key=|e| (e.id, e.output.len()) let:entry>
                        <Entry entry=entry />
                    </For>
                </ol>
                {move || {
                    reader
                        .with(|r| r.pending.clone())
                        .map(|p| {
                            view! {
                                <pre class="console-pending" data-testid="console-pending" translate="no">
                                    <span class="prompt">"$ "</span>
                                    {p.line.clone()}
                                    "\n"
                                    {p.body.lines().map(|l| format!("> {l}\n")).collect::<String>()}
                                </pre>
                            }
                        })
                }}
            </div>
            {move || {
                progress
                    .get()
                    .map(|p| {
                        view! {
                            <div class="console-progress" role="status" data-testid="console-progress">
                                <span>{move || i18n.f(T::ConsolePasteProgress, &[&p.done, &p.total])}</span>
                                <progress max=p.total.to_string() value=p.done.to_string()></progress>
                                <button type="button" class="small" on:click=move |_| stop.set_value(true)>
                                    {i18n.text(T::ConsoleStop)}
                                </button>
                            </div>
                        }
                    })
            }}
            <Show when=move || candidates.with(|c| !c.is_empty())>
                <ul class="completions" data-testid="console-completions" aria-label=i18n.text(T::ConsoleCompletions)>
                    {move || {
                        candidates
                            .get()
                            .into_iter()
                            .map(|c| view! { <li translate="no">{c}</li> })
                            .collect_view()
                    }}
                    {move || {
                        let n = more_candidates.get();
                        (n > 0).then(|| view! { <li class="muted">{move || i18n.f(T::ConsoleMore, &[&n])}</li> })
                    }}
                </ul>
            </Show>
            <div class="console-prompt">
                <label for="console-input" class="prompt" aria-hidden="true">
                    {prompt}
                </label>
                <input
                    id="console-input"
                    type="text"
                    class="console-input"
                    data-testid="console-input"
                    aria-label=i18n.text(T::ConsoleCommand)
                    aria-describedby="console-keys"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    placeholder=move || {
                        reader
                            .with(|r| r.pending.as_ref().map(|p| i18n.f(T::ConsoleHeredocPlaceholder, &[&p.marker])))
                            .unwrap_or_else(|| "kubectl get pods".to_string())
                    }
                    node_ref=input
                    on:keydown=on_keydown
                    on:paste=on_paste
                    on:input=move |_| candidates.set(vec![])
                />
            </div>
            <p class="console-keys muted" id="console-keys">
                {i18n.text(T::ConsoleKeys)}
            </p>
        </section>
    }
}

/// One command and what it printed.
#[component]
fn Entry(entry: ConsoleEntry) -> impl IntoView {
    let i18n = I18n::expect();
    let heredoc = entry.stdin.clone().map(|body| {
        let marker = heredoc_marker(&entry.command).unwrap_or_else(|| "EOF".to_string());
        view! { <span class="heredoc">{move || format!("\n{}", heredoc_echo(&body, &marker, i18n.lang()))}</span> }
    });
    let origin = (entry.origin != "console").then_some(entry.origin);
    let failed = entry.code != 0;
    let output = entry.output;
    let has_output = !output.is_empty();
    let table = is_table(&output);
    let at = orrery::time::rfc3339(entry.at);
    view! {
        <li class="console-entry" data-testid="console-entry" data-origin=entry.origin>
            <pre class="console-command" title=move || i18n.f(T::ConsoleRunAt, &[&at])>
                <span class="prompt" aria-hidden="true">"$ "</span>
                <span class="command-text" data-testid="console-command" translate="no">{entry.command}</span>
                {heredoc}
                {origin.map(|o| {
                    let words = move || origin_words(o, i18n.lang());
                    view! { <span class=format!("origin origin-{o}") title=move || i18n.f(T::ConsoleRunBy, &[&words()])>{words}</span> }
                })}
            </pre>
            {has_output.then(|| view! {
                <pre class="console-output" class:error=failed class:table=table data-testid="console-text" translate="no">{output}</pre>
            })}
        </li>
    }
}

/// Whether `output` is one of kubectl's tables (its first line a header: two or more
/// upper-case column names, two or more spaces apart). The console wraps long lines at
/// its edge, except a table's, whose rows stay whole lines (scrolled sideways when
/// wider than the console): a row broken over two lines no longer reads as a row.
pub fn is_table(output: &str) -> bool {
    let header = output.lines().next().unwrap_or("");
    let columns: Vec<&str> = header
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    columns.len() >= 2
        && columns.iter().all(|c| {
            c.starts_with(|ch: char| ch.is_ascii_uppercase())
                && c.chars().all(|ch| {
                    ch.is_ascii_uppercase() || ch.is_ascii_digit() || " -()./_".contains(ch)
                })
        })
}

/// Where a console entry came from, in words: `lesson` → `레슨`. An origin the table
/// does not know is shown as it is.
fn origin_words(origin: &'static str, lang: Lang) -> &'static str {
    let key = match origin {
        "lesson" => T::OriginLesson,
        "editor" => T::OriginEditor,
        "canvas" => T::OriginCanvas,
        "console" => T::OriginConsole,
        other => return other,
    };
    key.get(lang)
}

fn has_selection(el: &web_sys::HtmlInputElement) -> bool {
    matches!(
        (el.selection_start(), el.selection_end()),
        (Ok(Some(a)), Ok(Some(b))) if a != b
    )
}

/// The byte offset in `s` of a UTF-16 offset (as the DOM counts a caret).
pub fn utf16_to_byte(s: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(line: &str, stdin: Option<&str>) -> ReadyCommand {
        ReadyCommand {
            line: line.to_string(),
            stdin: stdin.map(str::to_string),
        }
    }

    #[test]
    fn kubectls_tables_are_told_from_other_output() {
        for table in [
            "NAME    READY   STATUS    RESTARTS   AGE\nweb     1/1     Running   0          5s\n",
            "NAME                 PROVISIONER                RECLAIMPOLICY   VOLUMEBINDINGMODE   ALLOWVOLUMEEXPANSION   AGE\n",
            "LAST SEEN   TYPE     REASON    OBJECT    MESSAGE\n",
            "NAME                  TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n",
        ] {
            assert!(is_table(table), "{table}");
        }
        for other in [
            "",
            "deployment.apps/web created\n",
            "No resources found in default namespace.\n",
            "Warning: resource deployments/web is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply.\n",
            "error: the server doesn't have a resource type \"foo\"\n",
            "Name:         web\nNamespace:    default\n",
            "NAME\nweb\n",
            "HTTP/1.1 200 OK  Server: nginx\n",
        ] {
            assert!(!is_table(other), "{other}");
        }
    }

    #[test]
    fn plain_lines_are_commands_and_the_last_partial_line_stays() {
        let mut r = LineReader::default();
        let p = split_paste(
            "kubectl get pods\n\n# note\n$ kubectl get sc\nkubectl get",
            &mut r,
        );
        assert_eq!(
            p.commands,
            [cmd("kubectl get pods", None), cmd("kubectl get sc", None)]
        );
        assert_eq!(p.rest, "kubectl get");
        assert_eq!(r.pending, None);
    }

    #[test]
    fn a_pasted_heredoc_is_parsed_out() {
        let text = "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\nEOF\nkubectl get ns x\n";
        let mut r = LineReader::default();
        let p = split_paste(text, &mut r);
        assert_eq!(
            p.commands,
            [
                cmd(
                    "kubectl apply -f - <<EOF",
                    Some("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n")
                ),
                cmd("kubectl get ns x", None),
            ]
        );
        assert_eq!(p.rest, "");
        // The terminator without a newline after it closes the heredoc too.
        let mut r = LineReader::default();
        let p = split_paste("cat <<'END' > a.yaml\nkind: Pod\nEND", &mut r);
        assert_eq!(
            p.commands,
            [cmd("cat <<'END' > a.yaml", Some("kind: Pod\n"))]
        );
        assert_eq!(p.rest, "");
    }

    #[test]
    fn an_unclosed_heredoc_waits_for_more_lines() {
        let mut r = LineReader::default();
        let p = split_paste("kubectl apply -f - <<EOF\nkind: Pod\n", &mut r);
        assert!(p.commands.is_empty());
        let pending = r.pending.clone().expect("waiting for EOF");
        assert_eq!((pending.marker.as_str(), pending.lines), ("EOF", 1));
        assert_eq!(r.push("metadata: {}"), None);
        assert_eq!(
            r.push("EOF"),
            Some(cmd(
                "kubectl apply -f - <<EOF",
                Some("kind: Pod\nmetadata: {}\n")
            ))
        );
        assert_eq!(r.pending, None);
    }

    #[test]
    fn a_pasted_transcript_runs_only_its_commands() {
        let text = "# Storage classes\n$ kubectl get sc\nNAME                 PROVISIONER\nstandard (default)   k8s.io/minikube-hostpath\n$ kubectl apply -f - <<EOF\nkind: Namespace\nEOF\nnamespace/x created\n";
        let mut r = LineReader::default();
        let p = split_paste(text, &mut r);
        assert_eq!(
            p.commands,
            [
                cmd("kubectl get sc", None),
                cmd("kubectl apply -f - <<EOF", Some("kind: Namespace\n")),
            ]
        );
        // Windows line ends too.
        let p = split_paste(&text.replace('\n', "\r\n"), &mut r);
        assert_eq!(p.commands.len(), 2);
    }

    #[test]
    fn ten_thousand_lines_split_quickly() {
        let text = "kubectl get pods\n".repeat(10_000);
        let mut r = LineReader::default();
        let p = split_paste(&text, &mut r);
        assert_eq!(p.commands.len(), 10_000);
    }

    #[test]
    fn history_walks_back_and_returns_to_the_draft() {
        let mut h = History::default();
        assert_eq!(h.up("x"), None);
        h.push("kubectl get pods");
        h.push("kubectl get pods");
        h.push("kubectl get sc");
        assert_eq!(h.len(), 2, "a repeated line is kept once");
        assert_eq!(h.up("kubectl ge").as_deref(), Some("kubectl get sc"));
        assert_eq!(h.up("").as_deref(), Some("kubectl get pods"));
        assert_eq!(h.up(""), None, "at the oldest");
        assert_eq!(h.down().as_deref(), Some("kubectl get sc"));
        assert_eq!(h.down().as_deref(), Some("kubectl ge"), "back to the draft");
        assert_eq!(h.down(), None);
    }

    #[test]
    fn heredoc_echo_is_shortened() {
        let body = "a\n".repeat(30);
        let echo = heredoc_echo(&body, "EOF", Lang::En);
        assert!(echo.contains("> … 18 more lines"));
        assert!(echo.ends_with("> EOF"));
        assert_eq!(heredoc_echo("x\n", "END", Lang::En), "> x\n> END");
        assert!(heredoc_echo(&body, "EOF", Lang::Ko).contains("> … 외 18줄"));
    }

    #[test]
    fn utf16_carets() {
        assert_eq!(utf16_to_byte("abc", 2), 2);
        assert_eq!(utf16_to_byte("한글x", 2), 6);
        assert_eq!(utf16_to_byte("🚀x", 2), 4);
        assert_eq!(utf16_to_byte("ab", 9), 2);
    }
}

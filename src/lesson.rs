//! Lesson mode: a transcript (TRANSCRIPT.md) played as guided steps. Each step is the
//! narrative (the `#` lines before a command) and the command; "Run" runs it through the
//! playground as the learner would type it, and moves on. The learner may go off-script
//! — the console, the canvas — and the lesson keeps its place.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use orrery::shell::heredoc_marker;
use orrery::transcript::{self, Item};

use crate::state::Playground;

/// The lesson the page opens on.
pub const DEFAULT_LESSON: &str = include_str!("../lessons/day55.txt");

/// One step: what to read, then what to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonStep {
    /// Paragraphs of narrative (comment lines without `#`, joined; an empty `#` line or
    /// a blank line starts a new paragraph).
    pub narrative: Vec<String>,
    pub command: String,
    pub heredoc: Option<String>,
    /// What the transcript expects it to print (`[..]` and `...` included).
    pub expected: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lesson {
    /// The first line of the first comment, if the lesson opens with one: its title.
    pub title: Option<String>,
    pub steps: Vec<LessonStep>,
    /// Narrative after the last command.
    pub closing: Vec<String>,
}

/// Turns a transcript into steps.
pub fn parse_lesson(text: &str) -> Result<Lesson, String> {
    let items = transcript::parse(text)?;
    let mut lesson = Lesson::default();
    let mut paragraphs: Vec<String> = vec![];
    let mut current = String::new();
    let mut first_comment = true;
    let end_paragraph = |current: &mut String, paragraphs: &mut Vec<String>| {
        if !current.is_empty() {
            paragraphs.push(std::mem::take(current));
        }
    };
    for item in items {
        match item {
            Item::Comment(line) => {
                let text = line.trim_start_matches('#').trim();
                if first_comment
                    && lesson.steps.is_empty()
                    && paragraphs.is_empty()
                    && current.is_empty()
                {
                    first_comment = false;
                    if !text.is_empty() {
                        lesson.title = Some(text.to_string());
                        continue;
                    }
                }
                if text.is_empty() {
                    end_paragraph(&mut current, &mut paragraphs);
                } else {
                    if !current.is_empty() {
                        current.push(' ');
                    }
                    current.push_str(text);
                }
            }
            Item::Blank => end_paragraph(&mut current, &mut paragraphs),
            Item::Command(c) => {
                end_paragraph(&mut current, &mut paragraphs);
                lesson.steps.push(LessonStep {
                    narrative: std::mem::take(&mut paragraphs),
                    command: c.line,
                    heredoc: c.heredoc.map(|(body, _)| body),
                    expected: c.expected,
                });
            }
        }
    }
    end_paragraph(&mut current, &mut paragraphs);
    lesson.closing = paragraphs;
    Ok(lesson)
}

/// A paragraph split into plain text and `code` spans (backticks), for display.
pub fn code_spans(paragraph: &str) -> Vec<(bool, String)> {
    let mut out = vec![];
    for (i, part) in paragraph.split('`').enumerate() {
        if !part.is_empty() {
            out.push((i % 2 == 1, part.to_string()));
        }
    }
    // An unmatched backtick: show the text as written.
    if paragraph.matches('`').count() % 2 == 1 {
        return vec![(false, paragraph.to_string())];
    }
    out
}

fn paragraph_view(p: String) -> impl IntoView {
    let spans = code_spans(&p)
        .into_iter()
        .map(|(code, text)| {
            if code {
                view! { <code>{text}</code> }.into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view();
    view! { <p>{spans}</p> }
}

/// Where the lesson stands (the next step to run), shared with the page so that a share
/// link or the autosave can save and restore it. Provided by the app root; a lesson
/// mounted without one keeps its own.
#[derive(Clone, Copy)]
pub struct LessonCursor(pub RwSignal<usize>);

#[component]
pub fn LessonPanel() -> impl IntoView {
    let lesson = parse_lesson(DEFAULT_LESSON);
    match lesson {
        Ok(lesson) if !lesson.steps.is_empty() => {
            view! { <LessonSteps lesson=lesson /> }.into_any()
        }
        Ok(_) => view! {
            <section class="panel-box lesson-panel lesson" data-testid="lesson" aria-label="Lesson">
                <p class="muted">"This lesson has no commands."</p>
            </section>
        }
        .into_any(),
        Err(e) => view! {
            <section class="panel-box lesson-panel lesson" data-testid="lesson" aria-label="Lesson">
                <p class="error-text">{format!("The lesson could not be read: {e}")}</p>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn LessonSteps(lesson: Lesson) -> impl IntoView {
    let pg = Playground::expect();
    let lesson = StoredValue::new(lesson);
    let total = lesson.with_value(|l| l.steps.len());
    let position = use_context::<LessonCursor>()
        .map(|c| c.0)
        .unwrap_or_else(|| RwSignal::new(0usize));
    if position.get_untracked() > total {
        position.set(total);
    }
    let running = RwSignal::new(false);
    // The console entry the lesson ran last: anything newer from elsewhere is the
    // learner exploring on their own. What the console held before the lesson was shown
    // (a restored session) is not.
    let last_lesson_entry =
        RwSignal::new(pg.console.with_untracked(|c| c.last().map_or(0, |e| e.id)));
    let off_script = Memo::new(move |_| {
        let after = last_lesson_entry.get();
        pg.console.with(|c| {
            c.iter()
                .rev()
                .take_while(|e| e.id > after)
                .any(|e| e.origin != "lesson")
        })
    });

    let run_step = move |i: usize| {
        let Some(step) = lesson.with_value(|l| l.steps.get(i).cloned()) else {
            return;
        };
        pg.run(&step.command, step.heredoc.as_deref(), "lesson");
        last_lesson_entry.set(pg.console.with_untracked(|c| c.last().map_or(0, |e| e.id)));
        position.set(i + 1);
    };
    let run = move |_| {
        if !running.get_untracked() {
            run_step(position.get_untracked());
        }
    };
    let run_all = move |_| {
        if running.get_untracked() {
            return;
        }
        running.set(true);
        spawn_local(async move {
            // One step per frame or so, so the canvas and the console show each.
            // try_: the lesson may be gone (its owner disposed) while this waits.
            while running.try_get_untracked().unwrap_or(false)
                && position.try_get_untracked().is_some_and(|p| p < total)
            {
                run_step(position.get_untracked());
                gloo_timers::future::sleep(Duration::from_millis(16)).await;
            }
            running.try_set(false);
        });
    };
    let skip = move |_| position.update(|p| *p = (*p + 1).min(total));
    let back = move |_| position.update(|p| *p = p.saturating_sub(1));

    let title = lesson.with_value(|l| l.title.clone());
    let step_view = move || {
        let i = position.get();
        match lesson.with_value(|l| l.steps.get(i).cloned()) {
            Some(step) => {
                // A command right after another goes on with the narrative before it.
                let continued = step.narrative.is_empty();
                let paragraphs = if continued {
                    lesson.with_value(|l| {
                        l.steps[..i]
                            .iter()
                            .rev()
                            .find(|s| !s.narrative.is_empty())
                            .map(|s| s.narrative.clone())
                            .unwrap_or_default()
                    })
                } else {
                    step.narrative
                };
                let narrative = paragraphs.into_iter().map(paragraph_view).collect_view();
                let heredoc = step.heredoc.map(|body| {
                    let marker = heredoc_marker(&step.command).unwrap_or_else(|| "EOF".into());
                    format!("\n{body}{marker}")
                });
                let expected = (!step.expected.is_empty()).then(|| {
                    let text = step.expected.join("\n");
                    view! {
                        <details class="lesson-expected">
                            <summary>"What it prints"</summary>
                            <pre>{text}</pre>
                        </details>
                    }
                });
                view! {
                    <div class="lesson-step" data-testid="lesson-step" data-step=i.to_string()>
                        <div class="lesson-narrative" class:continued=continued data-testid="lesson-narrative">
                            {narrative}
                        </div>
                        <div class="lesson-next">
                            <pre class="lesson-command" data-testid="lesson-command">
                                <span class="prompt" aria-hidden="true">"$ "</span>
                                {step.command}
                                {heredoc}
                            </pre>
                            {expected}
                        </div>
                    </div>
                }
                .into_any()
            }
            None => {
                let closing = lesson.with_value(|l| l.closing.clone());
                view! {
                    <div class="lesson-step done" data-testid="lesson-step" data-step=i.to_string()>
                        <div class="lesson-narrative" data-testid="lesson-narrative">
                            <p><strong>"Lesson complete."</strong>" Keep exploring: the console and the canvas are yours."</p>
                            {closing.into_iter().map(paragraph_view).collect_view()}
                        </div>
                    </div>
                }
                .into_any()
            }
        }
    };

    view! {
        <section class="panel-box lesson-panel lesson" data-testid="lesson" aria-label="Lesson">
            <header class="lesson-head">
                {
                    let title = title.unwrap_or_else(|| "Lesson".into());
                    let tooltip = title.clone();
                    view! { <h2 class="lesson-title" title=tooltip>{title}</h2> }
                }
                <p class="lesson-progress" data-testid="lesson-progress">
                    {move || {
                        let p = position.get();
                        if p < total {
                            format!("Step {} of {total}", p + 1)
                        } else {
                            format!("{total} of {total} done")
                        }
                    }}
                </p>
                <progress
                    class="lesson-bar"
                    max=total.to_string()
                    value=move || position.get().to_string()
                    aria-hidden="true"
                ></progress>
            </header>
            <Show when=move || { off_script.get() && position.get() > 0 && position.get() < total }>
                <p class="off-script muted" role="status" data-testid="lesson-off-script">
                    "Off-script: explore freely, the lesson waits here."
                </p>
            </Show>
            {step_view}
            <div class="lesson-actions">
                <Show when=move || { position.get() < total }>
                    <button
                        type="button"
                        class="primary"
                        data-testid="lesson-run"
                        disabled=move || running.get()
                        on:click=run
                    >
                        <span aria-hidden="true">"▶ "</span>
                        "Run"
                    </button>
                    <button
                        type="button"
                        data-testid="lesson-run-all"
                        title="Run the remaining steps one after another"
                        on:click=move |ev| {
                            if running.get_untracked() {
                                running.set(false);
                            } else {
                                run_all(ev);
                            }
                        }
                    >
                        {move || if running.get() { "Stop" } else { "Run all" }}
                    </button>
                    <button
                        type="button"
                        class="quiet"
                        data-testid="lesson-skip"
                        title="Go to the next step without running this one"
                        disabled=move || running.get()
                        on:click=skip
                    >
                        "Skip"
                    </button>
                </Show>
                <button
                    type="button"
                    class="quiet"
                    data-testid="lesson-back"
                    title="Show the previous step again (it does not undo it)"
                    disabled=move || running.get() || position.get() == 0
                    on:click=back
                >
                    "Back"
                </button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_narrative_then_command() {
        let text = "# Title line\n#\n# First paragraph\n# continues here.\n#\n# Second.\n$ kubectl get sc\nNAME\n\n# Apply a heredoc.\n$ kubectl apply -f - <<EOF\nkind: Namespace\nEOF\nnamespace/x created\n$ sleep 30s\n# That is all.\n";
        let lesson = parse_lesson(text).unwrap();
        assert_eq!(lesson.title.as_deref(), Some("Title line"));
        assert_eq!(lesson.steps.len(), 3);
        assert_eq!(
            lesson.steps[0].narrative,
            ["First paragraph continues here.", "Second."]
        );
        assert_eq!(lesson.steps[0].command, "kubectl get sc");
        assert_eq!(lesson.steps[0].expected, ["NAME"]);
        assert_eq!(lesson.steps[1].narrative, ["Apply a heredoc."]);
        assert_eq!(
            lesson.steps[1].heredoc.as_deref(),
            Some("kind: Namespace\n")
        );
        assert!(lesson.steps[2].narrative.is_empty());
        assert_eq!(lesson.steps[2].command, "sleep 30s");
        assert_eq!(lesson.closing, ["That is all."]);
    }

    #[test]
    fn the_default_lesson_parses_into_steps() {
        let lesson = parse_lesson(DEFAULT_LESSON).expect("the default lesson is a transcript");
        assert!(lesson.title.is_some());
        assert!(lesson.steps.len() > 5);
        assert!(lesson.steps[0].command.starts_with("minikube start"));
        assert!(
            !lesson.steps[0].narrative.is_empty(),
            "the first step explains itself"
        );
        assert!(lesson
            .steps
            .iter()
            .any(|s| s.command == "kubectl delete pod mongo-0 -n pacman"));
    }

    #[test]
    fn a_broken_lesson_is_an_error_not_a_panic() {
        assert!(parse_lesson("not a transcript\n").is_err());
        assert!(parse_lesson("$ cat <<EOF\nnever closed\n").is_err());
        assert_eq!(parse_lesson("").unwrap().steps.len(), 0);
    }

    #[test]
    fn code_spans_split_on_backticks() {
        assert_eq!(
            code_spans("the class `standard` is default"),
            [
                (false, "the class ".to_string()),
                (true, "standard".to_string()),
                (false, " is default".to_string())
            ]
        );
        assert_eq!(
            code_spans("odd ` tick"),
            [(false, "odd ` tick".to_string())]
        );
    }
}

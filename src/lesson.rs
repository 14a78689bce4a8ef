//! Lesson mode: a transcript (TRANSCRIPT.md) played as guided steps. Each step is the
//! narrative (the `#` lines before a command) and the command; "Run" runs it through the
//! playground as the learner would type it, and moves on. The learner may go off-script
//! — the console, the canvas — and the lesson keeps its place.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use orrery::shell::heredoc_marker;
use orrery::transcript::{self, Item};

use crate::i18n::{I18n, Lang, T};
use crate::state::Playground;

/// The lesson the page opens on.
pub const DEFAULT_LESSON: &str = include_str!("../lessons/day55.txt");
/// The same lesson in Korean: the same commands and output, the narrative translated.
pub const DEFAULT_LESSON_KO: &str = include_str!("../lessons/day55.ko.txt");

/// The default lesson's text in a language.
pub fn default_lesson(lang: Lang) -> &'static str {
    match lang {
        Lang::En => DEFAULT_LESSON,
        Lang::Ko => DEFAULT_LESSON_KO,
    }
}

/// Two lessons are translations of each other when they run the same commands with
/// the same input: then a learner can switch language mid-lesson and keep their place.
pub fn same_steps(a: &Lesson, b: &Lesson) -> bool {
    a.steps.len() == b.steps.len()
        && a.steps
            .iter()
            .zip(&b.steps)
            .all(|(x, y)| x.command == y.command && x.heredoc == y.heredoc)
}

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
                view! { <code translate="no">{text}</code> }.into_any()
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
    let i18n = I18n::expect();
    let lesson = parse_lesson(DEFAULT_LESSON);
    // The Korean narrative, if it reads and runs the same steps; else the English one
    // serves both (a broken translation must not take the lesson away).
    let korean = parse_lesson(DEFAULT_LESSON_KO)
        .ok()
        .filter(|ko| lesson.as_ref().is_ok_and(|en| same_steps(en, ko)));
    match lesson {
        Ok(lesson) if !lesson.steps.is_empty() => {
            let korean = korean.unwrap_or_else(|| lesson.clone());
            view! { <LessonSteps english=lesson korean=korean /> }.into_any()
        }
        Ok(_) => view! {
            <section class="panel-box lesson-panel lesson" data-testid="lesson" aria-label=i18n.text(T::Lesson)>
                <p class="muted">{i18n.text(T::LessonNoCommands)}</p>
            </section>
        }
        .into_any(),
        Err(e) => view! {
            <section class="panel-box lesson-panel lesson" data-testid="lesson" aria-label=i18n.text(T::Lesson)>
                <p class="error-text">{move || i18n.f(T::LessonUnreadable, &[&e])}</p>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn LessonSteps(english: Lesson, korean: Lesson) -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    let english = StoredValue::new(english);
    let korean = StoredValue::new(korean);
    // The lesson in the page's language. Both have the same steps, so the place (a
    // step index) carries over when the learner switches language.
    let lesson = move || match i18n.lang() {
        Lang::En => english,
        Lang::Ko => korean,
    };
    let total = english.with_value(|l| l.steps.len());
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
        let Some(step) = english.with_value(|l| l.steps.get(i).cloned()) else {
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

    let title = move || lesson().with_value(|l| l.title.clone());
    let step_view = move || {
        let i = position.get();
        let lesson = lesson();
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
                            <summary>{i18n.text(T::LessonWhatItPrints)}</summary>
                            <pre translate="no">{text}</pre>
                        </details>
                    }
                });
                view! {
                    <div class="lesson-step" data-testid="lesson-step" data-step=i.to_string()>
                        <div class="lesson-narrative" class:continued=continued data-testid="lesson-narrative">
                            {narrative}
                        </div>
                        <div class="lesson-next">
                            <pre class="lesson-command" data-testid="lesson-command" translate="no">
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
                            <p><strong>{i18n.text(T::LessonComplete)}</strong>{i18n.text(T::LessonKeepExploring)}</p>
                            {closing.into_iter().map(paragraph_view).collect_view()}
                        </div>
                    </div>
                }
                .into_any()
            }
        }
    };

    view! {
        <section class="panel-box lesson-panel lesson" data-testid="lesson" aria-label=i18n.text(T::Lesson)>
            <header class="lesson-head">
                {move || {
                    let title = title().unwrap_or_else(|| i18n.t(T::Lesson).into());
                    let tooltip = title.clone();
                    view! { <h2 class="lesson-title" data-testid="lesson-title" title=tooltip>{title}</h2> }
                }}
                <p class="lesson-progress" data-testid="lesson-progress">
                    {move || {
                        let p = position.get();
                        if p < total {
                            i18n.f(T::LessonStepOf, &[&(p + 1), &total])
                        } else {
                            i18n.f(T::LessonAllDone, &[&total])
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
                    {i18n.text(T::LessonOffScript)}
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
                        {i18n.text(T::LessonRun)}
                    </button>
                    <button
                        type="button"
                        data-testid="lesson-run-all"
                        title=i18n.text(T::LessonRunAllTitle)
                        on:click=move |ev| {
                            if running.get_untracked() {
                                running.set(false);
                            } else {
                                run_all(ev);
                            }
                        }
                    >
                        {move || i18n.t(if running.get() { T::LessonStop } else { T::LessonRunAll })}
                    </button>
                    <button
                        type="button"
                        class="quiet"
                        data-testid="lesson-skip"
                        title=i18n.text(T::LessonSkipTitle)
                        disabled=move || running.get()
                        on:click=skip
                    >
                        {i18n.text(T::LessonSkip)}
                    </button>
                </Show>
                <button
                    type="button"
                    class="quiet"
                    data-testid="lesson-back"
                    title=i18n.text(T::LessonBackTitle)
                    disabled=move || running.get() || position.get() == 0
                    on:click=back
                >
                    {i18n.text(T::LessonBack)}
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

    fn hangul(s: &str) -> bool {
        s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
    }

    /// The Korean lesson runs the same steps as the English one (so switching language
    /// keeps the learner's place), and every word of its narrative is Korean.
    #[test]
    fn the_korean_lesson_is_the_same_lesson_in_korean() {
        let en = parse_lesson(DEFAULT_LESSON).unwrap();
        let ko = parse_lesson(DEFAULT_LESSON_KO).expect("the Korean lesson is a transcript");
        assert!(same_steps(&en, &ko));
        assert!(ko.title.as_deref().is_some_and(hangul));
        for (i, (e, k)) in en.steps.iter().zip(&ko.steps).enumerate() {
            assert_eq!(e.expected, k.expected, "step {i}: the same expected output");
            assert_eq!(e.narrative.is_empty(), k.narrative.is_empty(), "step {i}");
            assert!(
                k.narrative.iter().all(|p| hangul(p)),
                "step {i}: {:?}",
                k.narrative
            );
        }
        assert_eq!(default_lesson(Lang::Ko), DEFAULT_LESSON_KO);
    }
}

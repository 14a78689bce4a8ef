//! Time: play/pause, step, speed, the virtual clock, a scrubber over the recorded
//! history (any earlier moment, then "back to now" or "replay from here"), and the event
//! log as `kubectl get events` prints it, newest first, each row selecting its object.
//!
//! The clock that advances time while playing is the canvas side's (`playing` and
//! `speed` are all it reads); this panel only sets them.

use leptos::prelude::*;

use orrery::sim::EventRecord;
use orrery::time::{human_duration, rfc3339, Millis};

use crate::clock;
use crate::i18n::{I18n, T};
use crate::state::Playground;

/// The speeds the speed control offers.
pub const SPEEDS: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0, 8.0];
/// At most this many events are shown (the newest).
pub const MAX_EVENT_ROWS: usize = 200;
/// The most rows the event log shows until the learner reaches for it, and while the
/// simulator works in slices (`Playground::busy`).
pub const BUSY_EVENT_ROWS: usize = 40;
/// The fewest rows it shows until then (what [`fitting_rows`] gives a panel too small to
/// measure, such as a hidden one).
pub const MIN_FIT_ROWS: usize = 8;
/// The height of the log's column headers and of its shortest row (one line of 12 px mono
/// at line height 1.45, 3 px padding above and below, a 1 px border), in CSS pixels.
const EVENT_HEAD_PX: f64 = 26.0;
const EVENT_ROW_PX: f64 = 24.0;
/// Rows built beyond those in view, so that the log always has something to scroll (a
/// scroll is one of the ways to reach for it).
const SPARE_ROWS: usize = 4;

/// The rows the event log builds until the learner reaches for it, for a scroll box
/// `visible_px` tall: every row that can be in view, and [`SPARE_ROWS`] more, within
/// [`MIN_FIT_ROWS`]..=[`BUSY_EVENT_ROWS`]. Each row is styled, laid out and painted
/// again whenever the log follows the simulator (its LAST SEEN ages change), and a table
/// lays out all its rows: at 1280×800 the log shows six, and forty cost the paste
/// benchmark about 100 ms (BENCHMARKS.md, "Paste, session 11").
pub fn fitting_rows(visible_px: f64) -> usize {
    let in_view = ((visible_px - EVENT_HEAD_PX) / EVENT_ROW_PX).ceil();
    let in_view = if in_view.is_finite() && in_view > 0.0 {
        (in_view as usize).min(BUSY_EVENT_ROWS)
    } else {
        0
    };
    (in_view + SPARE_ROWS).clamp(MIN_FIT_ROWS, BUSY_EVENT_ROWS)
}

/// "0.25×", "1×", "8×".
pub fn speed_label(speed: f64) -> String {
    format!("{speed}×")
}

/// The virtual wall clock at `t`: `00:02:35` (UTC, as the API server stamps objects).
pub fn clock(t: Millis) -> String {
    let stamp = rfc3339(t);
    stamp.get(11..19).unwrap_or("00:00:00").to_string()
}

/// Time since the history's start, as kubectl's AGE column prints it.
pub fn age(start: Millis, t: Millis) -> String {
    human_duration(t - start)
}

/// kubectl's LAST SEEN column for one event at `now`: `10s`, or `10s (x3 over 2m)`
/// (same rounding as `kubectl get events`: timestamps are whole seconds).
pub fn last_seen(now: Millis, first_ms: Millis, last_ms: Millis, count: u32) -> String {
    let since = |ms: Millis| human_duration(now - ms.div_euclid(1000) * 1000);
    if count > 1 {
        format!("{} (x{count} over {})", since(last_ms), since(first_ms))
    } else {
        since(first_ms)
    }
}

/// One row of the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// Stable while the event is unchanged (an update makes a new row).
    pub key: String,
    pub uid: String,
    pub first_ms: Millis,
    pub last_ms: Millis,
    pub count: u32,
    pub warning: bool,
    pub reason: String,
    pub object: String,
    pub message: String,
}

/// The newest `limit` events, newest first (by last seen, then by recording order).
pub fn newest_events<'a>(
    events: impl DoubleEndedIterator<Item = &'a EventRecord> + ExactSizeIterator,
    limit: usize,
) -> Vec<EventRow> {
    let mut indexed: Vec<(usize, &EventRecord)> = events.enumerate().collect();
    // Newest first: by last seen, the later-recorded first on equal times. The keys are
    // unique (the index), so the order is total and the newest `limit` can be picked
    // without sorting the whole log (5,000 events on every jump in time) — then sorted.
    let newest_first = |(i, e): &(usize, &EventRecord)| std::cmp::Reverse((e.last_ms, *i));
    if indexed.len() > limit && limit > 0 {
        indexed.select_nth_unstable_by_key(limit - 1, newest_first);
    }
    indexed.truncate(limit);
    indexed.sort_unstable_by_key(newest_first);
    indexed
        .into_iter()
        .map(|(_, e)| EventRow {
            key: format!(
                "{}|{}|{}|{}|{}|{}",
                e.uid, e.reason, e.first_ms, e.last_ms, e.count, e.message
            ),
            uid: e.uid.clone(),
            first_ms: e.first_ms,
            last_ms: e.last_ms,
            count: e.count,
            warning: e.warning,
            reason: e.reason.clone(),
            object: e.object.clone(),
            message: e.message.clone(),
        })
        .collect()
}

/// Icons as SVG paths on a 16×16 grid (no icon font: the page loads nothing).
const PLAY: &str = "M4 2.5v11l9-5.5z";
const PAUSE: &str = "M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z";
const STEP: &str = "M2.5 2.5v11l8-5.5zM11 2.5h2.5v11H11z";
const PAST: &str = "M8 1.5a6.5 6.5 0 1 1-6.1 8.7l1.4-.5A5 5 0 1 0 4.5 4.4L6 6H1.5V1.5l1.9 1.9A6.5 6.5 0 0 1 8 1.5zM7.3 4.5h1.4v3.2l2.4 1.4-.7 1.2-3.1-1.8z";

fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            <path d=path fill="currentColor" />
        </svg>
    }
}

#[component]
pub fn TimePanel() -> impl IntoView {
    let i18n = I18n::expect();
    view! {
        <section class="panel-box time-panel time" data-testid="time" aria-label=i18n.text(T::Time)>
            <PastBanner />
            <Transport />
            <EventLog />
        </section>
    }
}

/// Shown while the page shows an earlier moment.
#[component]
pub fn PastBanner() -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    let now = Memo::new(move |_| {
        pg.version.track();
        pg.now()
    });
    // Built once while the past is shown: a jump to another moment rewrites its text.
    let viewing = Memo::new(move |_| pg.view_time.get().is_some());
    let text = move || {
        pg.view_time
            .get()
            .map(|t| i18n.f(T::PastAgo, &[&human_duration(now.get() - t), &clock(t)]))
            .unwrap_or_default()
    };
    view! {
        <Show when=move || viewing.get()>
            <div
                class="past-banner"
                role="status"
                data-testid="past-banner"
                title=i18n.text(T::PastTitle)
            >
                <span class="past-icon">{icon(PAST)}</span>
                <p>
                    <strong>{i18n.text(T::PastViewing)}</strong>
                    {text}
                </p>
                <div class="past-actions">
                    <button
                        type="button"
                        class="primary"
                        data-testid="back-to-now"
                        on:click=move |_| pg.view_at(pg.now())
                    >
                        {i18n.text(T::PastBackToNow)}
                    </button>
                    <button
                        type="button"
                        data-testid="replay-from-here"
                        title=i18n.text(T::PastReplayTitle)
                        // A read-only embed may look back but not rewrite
                        // its history.
                        disabled=move || pg.readonly.get()
                        on:click=move |_| pg.rewind_to_view()
                    >
                        {i18n.text(T::PastReplay)}
                    </button>
                </div>
            </div>
        </Show>
    }
}

/// Play/pause, step, speed, the clock and the scrubber.
#[component]
fn Transport() -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    let now = Memo::new(move |_| {
        pg.version.track();
        pg.now()
    });
    let start = Memo::new(move |_| {
        pg.version.track();
        pg.start()
    });
    let shown = Memo::new(move |_| pg.view_time.get().unwrap_or_else(|| now.get()));
    let idle_note = RwSignal::new(false);

    // The scrubber rebuilds the past at most once per animation frame, however fast
    // the range input reports.
    let pending = StoredValue::new(None::<Millis>);
    let scrub = move |t: Millis| {
        pg.playing.set(false);
        let scheduled = pending.get_value().is_some();
        pending.set_value(Some(t));
        if !scheduled {
            request_animation_frame(move || {
                if let Some(t) = pending.get_value() {
                    pending.set_value(None);
                    pg.view_at(t);
                }
            });
        }
    };

    // Playing while the page shows the past replays the recorded history from there
    // (the clock's doing).
    let toggle = move |_| clock::toggle_play(&pg);
    // Step: in the past, to the next moment the history changed something; in the
    // present, to the next moment a controller acts.
    let step = move |_| {
        pg.playing.set(false);
        let moved = match pg.view_time.get_untracked() {
            Some(t) => {
                pg.view_at(pg.next_change_after(t).unwrap_or_else(|| pg.now()));
                true
            }
            None => pg.step(),
        };
        idle_note.set(!moved);
        if !moved {
            set_timeout(
                move || idle_note.set(false),
                std::time::Duration::from_secs(3),
            );
        }
    };

    let speed_options = SPEEDS
        .iter()
        .map(|s| {
            let s = *s;
            view! {
                <option value=s.to_string() selected=move || pg.speed.get() == s>
                    {speed_label(s)}
                </option>
            }
        })
        .collect_view();

    view! {
        <div class="transport">
            <div class="transport-buttons">
                <button
                    type="button"
                    class="play"
                    data-testid="play"
                    aria-pressed=move || pg.playing.get().to_string()
                    on:click=toggle
                >
                    {move || if pg.playing.get() { icon(PAUSE) } else { icon(PLAY) }}
                    {move || i18n.t(if pg.playing.get() { T::Pause } else { T::Play })}
                </button>
                <button
                    type="button"
                    data-testid="step"
                    title=i18n.text(T::StepTitle)
                    on:click=step
                >
                    {icon(STEP)}
                    {i18n.text(T::StepButton)}
                </button>
                <label class="speed" title=i18n.text(T::SpeedTitle)>
                    <span class="visually-hidden">{i18n.text(T::Speed)}</span>
                    <select
                        data-testid="speed"
                        on:change=move |ev| {
                            if let Ok(s) = event_target_value(&ev).parse::<f64>() {
                                pg.speed.set(s);
                            }
                        }
                    >
                        {speed_options}
                    </select>
                </label>
            </div>
            <div class="clock" data-testid="clock" aria-live="off">
                <span class="clock-time" data-testid="clock-time">{move || clock(shown.get())}</span>
                <span class="clock-age muted" data-testid="clock-age">
                    {move || i18n.f(T::ClockAge, &[&age(start.get(), shown.get())])}
                </span>
            </div>
            <Show when=move || idle_note.get()>
                <p class="idle-note muted" role="status">{i18n.text(T::Idle)}</p>
            </Show>
            <label class="scrubber">
                <span class="visually-hidden">{i18n.text(T::Time)}</span>
                <input
                    type="range"
                    data-testid="scrubber"
                    min=move || start.get().to_string()
                    max=move || now.get().to_string()
                    step="100"
                    prop:value=move || shown.get().to_string()
                    aria-valuetext=move || i18n.f(T::ClockValueText, &[&clock(shown.get()), &age(start.get(), shown.get())])
                    on:input=move |ev| {
                        if let Ok(t) = event_target_value(&ev).parse::<f64>() {
                            scrub(t as Millis);
                        }
                    }
                />
            </label>
        </div>
    }
}

/// The event log, `kubectl get events` style.
#[component]
fn EventLog() -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    // The log shows its newest rows that fit in its box (`fitting_rows`) until the
    // learner reaches for it (pointer over it, focus in it, a scroll); then up to
    // MAX_EVENT_ROWS. Only a few rows are in view: a jump in time rebuilt 200 rows (each
    // built, styled and laid out) to show three of them (BENCHMARKS.md, session 5).
    let more = RwSignal::new(false);
    let show_more = move || {
        if !more.get_untracked() {
            more.set(true);
        }
    };
    let scroll_box = NodeRef::<leptos::html::Div>::new();
    let fit = RwSignal::new(MIN_FIT_ROWS + SPARE_ROWS);
    // Measured after the first layout and when the window's size changes (the panels
    // are sized by the window). On a phone the panels stack and the time panel grows
    // with its rows up to 75 % of the window's height (style/console.css): that is the
    // box to fill there.
    let measure = move || {
        let Some(el) = scroll_box.get_untracked() else {
            return;
        };
        let w = window();
        let stacked = w
            .match_media("(max-width: 760px)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        let px = if stacked {
            w.inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0)
                * 0.75
        } else {
            f64::from(el.client_height())
        };
        let n = fitting_rows(px);
        if n != fit.get_untracked() {
            fit.set(n);
        }
    };
    request_animation_frame(measure);
    let resized = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resized.remove());
    // While time moves by itself (playing, a busy instant), the log — its rows and their
    // ages — follows the simulator at most once a second, in a task of its own
    // (`clock::Throttle`); a command, a step or a jump with time standing still shows
    // at once. `tick` says when: the memos below read the simulator untracked.
    let tick = RwSignal::new(0_u64);
    let throttle = StoredValue::new(clock::Throttle::new(clock::PANEL_EVERY_MS));
    Effect::new(move |_| {
        pg.version.track();
        let moving = pg.playing.get_untracked() || pg.busy.get_untracked();
        match throttle.try_update_value(|t| t.change(clock::now_ms(), moving)) {
            Some(clock::Follow::Now) => tick.update(|t| *t += 1),
            Some(clock::Follow::After(ms)) => set_timeout(
                move || {
                    throttle.update_value(|t| t.fired(clock::now_ms()));
                    tick.update(|t| *t += 1);
                },
                std::time::Duration::from_millis(ms as u64),
            ),
            _ => {}
        }
    });
    let rows = Memo::new(move |_| {
        tick.track();
        // Reached for: while a busy instant is drawn a slice at a time, fewer rows (each
        // frame that draws may bring a hundred new events, and a table relays out every
        // row it holds); else all of them up to MAX_EVENT_ROWS.
        let limit = if !more.get() {
            fit.get()
        } else if pg.busy.get_untracked() {
            BUSY_EVENT_ROWS
        } else {
            MAX_EVENT_ROWS
        };
        untrack(|| pg.with_sim(|sim| newest_events(sim.events.iter().map(|e| &**e), limit)))
    });
    let total = Memo::new(move |_| {
        tick.track();
        untrack(|| pg.with_sim(|sim| sim.events.len()))
    });
    let sim_now = Memo::new(move |_| {
        tick.track();
        untrack(|| pg.with_sim(|sim| sim.now))
    });
    let count = Memo::new(move |_| rows.with(Vec::len));
    let caption = move || {
        let (n, shown) = (total.get(), rows.with(Vec::len));
        if n > shown {
            i18n.f(T::EventsNewest, &[&shown, &n])
        } else {
            i18n.f(T::EventsCount, &[&n])
        }
    };
    view! {
        <div class="events" data-testid="events"
            on:pointerenter=move |_| show_more()
            on:focusin=move |_| show_more()
        >
            // (A scroll does not bubble.)
            <div class="events-scroll" node_ref=scroll_box on:scroll=move |_| show_more()>
                <table class="events-table">
                    <caption>{caption}</caption>
                    // The rows are `kubectl get events` as kubectl prints it: never translated.
                    <thead translate="no">
                        <tr>
                            <th scope="col">"LAST SEEN"</th>
                            <th scope="col">"TYPE"</th>
                            <th scope="col">"REASON"</th>
                            <th scope="col">"OBJECT"</th>
                            <th scope="col">"MESSAGE"</th>
                        </tr>
                    </thead>
                    <tbody translate="no">
                        // A row per slot, not per event: a jump in time shows other
                        // events in the same rows, rewriting the texts that differ,
                        // instead of building every row anew (BENCHMARKS.md, "Jump,
                        // session 8").
                        <For each=move || 0..count.get() key=|i| *i let:slot>
                            <EventLine index=slot rows=rows now=sim_now />
                        </For>
                    </tbody>
                </table>
                <Show when=move || total.get() == 0>
                    <p class="muted events-empty">{i18n.text(T::EventsNone)}</p>
                </Show>
            </div>
        </div>
    }
}

#[component]
fn EventLine(index: usize, rows: Memo<Vec<EventRow>>, now: Memo<Millis>) -> impl IntoView {
    let pg = Playground::expect();
    // This slot's event: the row updates only when it is another one.
    let row = Memo::new(move |_| rows.with(|r| r.get(index).cloned()));
    let field = move |f: fn(&EventRow) -> String| {
        move || row.with(|r| r.as_ref().map(f).unwrap_or_default())
    };
    let warning = move || row.with(|r| r.as_ref().is_some_and(|r| r.warning));
    let uid = move || row.with(|r| r.as_ref().map(|r| r.uid.clone()).unwrap_or_default());
    let selected = move || {
        pg.selected.with(|s| {
            row.with(|r| {
                r.as_ref()
                    .is_some_and(|r| s.as_deref() == Some(r.uid.as_str()))
            })
        })
    };
    let select = move || pg.selected.set(Some(untrack(uid)));
    let seen = move || {
        row.with(|r| {
            r.as_ref()
                .map(|r| last_seen(now.get(), r.first_ms, r.last_ms, r.count))
                .unwrap_or_default()
        })
    };
    view! {
        <tr
            class="event-row"
            class:warning=warning
            class:selected=selected
            data-testid="event-row"
            data-uid=uid
            on:click=move |_| select()
        >
            <td class="nowrap">{seen}</td>
            <td class="nowrap event-type">
                {move || warning().then(|| view! { <span class="warn-icon" aria-hidden="true">"⚠ "</span> })}
                {move || if warning() { "Warning" } else { "Normal" }}
            </td>
            <td>{field(|r| r.reason.clone())}</td>
            <td class="event-object">
                <button
                    type="button"
                    class="link"
                    data-testid="event-object"
                    aria-pressed=move || selected().to_string()
                    on:click=move |ev| {
                        ev.stop_propagation();
                        select();
                    }
                >
                    {field(|r| r.object.clone())}
                </button>
            </td>
            <td class="event-message">{field(|r| r.message.clone())}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery::shell::Session;

    #[test]
    fn clock_and_age() {
        assert_eq!(clock(0), "00:00:00");
        assert_eq!(clock(155_000), "00:02:35");
        assert_eq!(clock(86_400_000 + 3_600_000), "01:00:00");
        assert_eq!(age(30_000, 30_000), "0s");
        assert_eq!(age(0, 155_000), "2m35s");
        assert_eq!(age(0, 3 * 3_600_000 + 60_000), "3h1m");
    }

    #[test]
    fn the_log_builds_the_rows_in_view_and_a_few_more() {
        // 1280×800: the scroll box is 155 px tall, six rows are in view.
        assert_eq!(fitting_rows(155.0), 6 + SPARE_ROWS);
        // A tall window: every row in view, plus the spare ones.
        assert_eq!(fitting_rows(26.0 + 24.0 * 20.0), 20 + SPARE_ROWS);
        assert_eq!(fitting_rows(26.0 + 24.0 * 20.0 + 1.0), 21 + SPARE_ROWS);
        // Hidden, unmeasured or absurd boxes: within the bounds.
        for px in [0.0, -5.0, f64::NAN, f64::INFINITY, 1e12] {
            let n = fitting_rows(px);
            assert!((MIN_FIT_ROWS..=BUSY_EVENT_ROWS).contains(&n), "{px}: {n}");
        }
        assert_eq!(fitting_rows(0.0), MIN_FIT_ROWS);
        assert_eq!(fitting_rows(1e12), BUSY_EVENT_ROWS);
        // More rows than fit, so the box has something to scroll.
        for px in [60.0, 155.0, 300.0, 700.0] {
            let n = fitting_rows(px);
            assert!(EVENT_HEAD_PX + EVENT_ROW_PX * n as f64 > px, "{px}: {n}");
        }
    }

    #[test]
    fn speeds() {
        let labels: Vec<String> = SPEEDS.iter().map(|s| speed_label(*s)).collect();
        assert_eq!(labels, ["0.25×", "0.5×", "1×", "2×", "4×", "8×"]);
    }

    #[test]
    fn last_seen_as_kubectl_prints_it() {
        assert_eq!(last_seen(10_000, 5_000, 5_000, 1), "5s");
        assert_eq!(last_seen(10_500, 5_900, 5_900, 1), "5s", "whole seconds");
        assert_eq!(last_seen(200_000, 20_000, 190_000, 3), "10s (x3 over 3m)");
    }

    #[test]
    fn the_newest_rows_are_the_sorted_log_cut() {
        // Picking the newest `limit` without sorting the whole log gives what sorting it
        // gave, ties included (events of one instant: the later-recorded first).
        let mut s = Session::new(2);
        s.exec(
            "kubectl create deployment web --image=nginx --replicas=5",
            None,
        );
        s.sim.advance(20_000);
        s.exec("kubectl scale deployment web --replicas=2", None);
        s.sim.advance(20_000);
        let events: Vec<&EventRecord> = s.sim.events.iter().map(|e| &**e).collect();
        let mut by_time: Vec<(usize, &EventRecord)> = events.iter().copied().enumerate().collect();
        by_time.sort_by_key(|(i, e)| (e.last_ms, *i));
        let id = |uid: &str, reason: &str, last: Millis, message: &str| {
            format!("{uid} {reason} {last} {message}")
        };
        let want: Vec<String> = by_time
            .iter()
            .rev()
            .map(|(_, e)| id(&e.uid, &e.reason, e.last_ms, &e.message))
            .collect();
        let ties = by_time
            .windows(2)
            .filter(|w| w[0].1.last_ms == w[1].1.last_ms)
            .count();
        assert!(ties > 5, "the log has events of one instant: {ties}");
        for limit in 0..=events.len() + 2 {
            let rows = newest_events(events.iter().copied(), limit);
            let got: Vec<String> = rows
                .iter()
                .map(|r| id(&r.uid, &r.reason, r.last_ms, &r.message))
                .collect();
            assert_eq!(got, want[..limit.min(want.len())], "limit {limit}");
        }
    }

    #[test]
    fn events_newest_first_and_capped() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl create deployment web --image=nginx --replicas=3",
            None,
        );
        s.sim.advance(30_000);
        s.exec("kubectl scale deployment web --replicas=1", None);
        s.sim.advance(60_000);
        let rows = newest_events(s.sim.events.iter().map(|e| &**e), 1_000);
        assert_eq!(rows.len(), s.sim.events.len());
        assert!(rows.windows(2).all(|w| w[0].last_ms >= w[1].last_ms));
        let keys: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys.len(), rows.len(), "keys are unique");
        let capped = newest_events(s.sim.events.iter().map(|e| &**e), 3);
        assert_eq!(capped, rows[..3].to_vec());
        assert!(rows.iter().any(|r| r.reason == "ScalingReplicaSet"));
    }
}

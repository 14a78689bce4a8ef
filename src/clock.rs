//! The clock: while `Playground::playing` is on, real time × speed becomes simulator time.
//!
//! [`use_clock`] is shaped like leptos-use's `use_raf_fn`: a `requestAnimationFrame` loop
//! that runs only while playing, and is cancelled (and its closure dropped) when its owner
//! is cleaned up. The time panel's play button only sets `playground.playing` (or calls
//! [`toggle_play`]); the clock follows the signal.
//!
//! Two bounds keep it honest. A frame counts at most [`MAX_FRAME_REAL_MS`] of real time,
//! so a tab that was hidden (where browsers stop animation frames) resumes where it was
//! instead of catching up minutes in one frame. And the [`Pacer`] hands time to the
//! simulator in coarse ticks — when a controller is due, or once a virtual second — not
//! 60 times a second, so an idle cluster does not fill the timeline's history with
//! empty frames.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use orrery::time::Millis;

use crate::state::Playground;

/// The most real time one animation frame may count (ms).
pub const MAX_FRAME_REAL_MS: f64 = 100.0;
/// With nothing due, virtual time is handed over in ticks of this size (ms).
pub const IDLE_TICK_MS: f64 = 1_000.0;
/// How much of a frame the simulator's work may take (ms), counted from the frame's
/// start: a busy instant (1,000 pods created at once) is done this much per frame, and
/// the rest of the frame is the page's, to draw what exists so far.
pub const WORK_BUDGET_MS: f64 = 6.0;

/// The page's clock (`performance.now()`, ms); 0 where there is none (native tests).
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        PERFORMANCE.with(|p| p.as_ref().map_or(0.0, |p| p.now()))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    static PERFORMANCE: Option<web_sys::Performance> =
        web_sys::window().and_then(|w| w.performance());
}

/// A `should_yield` check for the simulator's work (`Sim::work`): true once
/// `deadline` ([`now_ms`]) has passed. Natively (tests) never: the work is done in one go.
pub fn until(deadline: f64) -> impl FnMut() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        move || now_ms() >= deadline
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = deadline;
        || false
    }
}

/// While the simulator works in slices, the page draws what exists at most this often
/// (ms), in a frame that does no work: about every other frame at 60 Hz. (Drawing less
/// often draws more at once: a draw's cost grows with the pods it adds, and 250 ms made
/// draws of 100–350 ms; BENCHMARKS.md.)
pub const DRAW_EVERY_MS: f64 = 30.0;

/// Works off the playground's pending simulator work, a slice of [`WORK_BUDGET_MS`] at
/// the start of each animation frame, until none is left; every [`DRAW_EVERY_MS`] a
/// frame draws instead of working, and the frame after the last slice draws. Then the
/// timeline's chores (`Playground::chores`: the checkpoint the work made due, the past's
/// freeze), a slice per frame, so that none lands in a frame that works or draws. Runs
/// whether or not time is playing (a command's busy instant is done even when paused);
/// one loop at a time per playground. (Per playground, not one in all: a loop still
/// running for a playground that is gone — a page unmounted, a test ended — must not
/// keep a new playground's commands from settling, now that every command's settle is
/// done by these loops.)
pub fn drive(pg: Playground) {
    // Natively (tests) there are no frames: the work is done in one go, the chores are
    // left to the next command or an explicit `Playground::work`.
    if cfg!(not(target_arch = "wasm32")) {
        return;
    }
    thread_local! {
        static DRIVING: std::cell::RefCell<Vec<Playground>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let started = DRIVING.with(|d| {
        let mut d = d.borrow_mut();
        if d.iter().any(|p| p.same(&pg)) {
            return false;
        }
        d.push(pg);
        true
    });
    if !started {
        return;
    }
    leptos::task::spawn_local(async move {
        let mut drawn = now_ms();
        // Whether what the simulator holds now was shown (chores change none of it):
        // settled when the loop starts, the caller is showing it.
        let mut shown = !pg.pending();
        loop {
            let t = next_frame().await;
            let start = t.min(now_ms());
            // (Asked anew each frame: a command may have finished or begun work.)
            let busy = pg.pending();
            if !busy && !pg.chores() {
                if !shown {
                    pg.show();
                }
                break;
            }
            // Busy: a draw every DRAW_EVERY_MS; settled: once, before any chore.
            let draw = if busy {
                start - drawn >= DRAW_EVERY_MS
            } else {
                !shown
            };
            if draw {
                // A frame either works or draws, so neither adds to the other.
                pg.show();
                drawn = start;
                shown = !busy;
                continue;
            }
            pg.work(until(start + WORK_BUDGET_MS));
            shown &= !busy;
            // The next frame draws (DRAW_EVERY_MS will have passed by then, or the work
            // is done): the rest of this frame builds that draw's layout. (Working less
            // here to make room was tried: slices of 3 ms made the busy instant take
            // three times the frames and twice the work, a cut pass resuming at each.)
            let due = start + FRAME_MS - drawn >= DRAW_EVERY_MS;
            if busy && (due || !pg.pending()) {
                prepare_draw(&pg);
            }
        }
        DRIVING.with(|d| d.borrow_mut().retain(|p| !p.same(&pg)));
    });
}

/// An animation frame at 60 Hz (ms).
pub const FRAME_MS: f64 = 1_000.0 / 60.0;

/// Builds the canvas's layout of what the simulator holds now, for the next frame's
/// draw (`canvas::prepare`): a frame that works is shorter than one that draws.
fn prepare_draw(pg: &Playground) {
    untrack(|| pg.with_sim(crate::canvas::prepare));
}

/// Resolves at the next animation frame with its timestamp (ms, as [`now_ms`]).
async fn next_frame() -> f64 {
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(&resolve);
        }
    });
    wasm_bindgen_futures::JsFuture::from(frame)
        .await
        .ok()
        .and_then(|t| t.as_f64())
        .unwrap_or_else(now_ms)
}

/// While time moves by itself (playing, or a busy instant worked off a slice per frame),
/// a slow panel (the event log) follows the simulator at most this often (ms of real
/// time). Each of its updates re-renders and lays out its rows: in every frame that
/// draws, that was 3–5 ms of script and most of the frame's layout (BENCHMARKS.md,
/// "Frames, session 8").
pub const PANEL_EVERY_MS: f64 = 1_000.0;

/// What a [`Throttle`] says to do with a change.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Follow {
    /// Show it now.
    Now,
    /// Show it after this many ms (real time; then call [`Throttle::fired`]).
    After(f64),
    /// An update is already waiting, and will show this change too.
    Waiting,
}

/// Decides when a slow panel shows a change of the simulator. Pure, tested natively.
///
/// A change made while time stands still (a command, a step, a jump) is shown at once;
/// while time moves, the panel shows the latest state at most every `every` ms, in a
/// task of its own (a timeout), not in the frame that draws the canvas. No change is
/// lost: a change that is not shown at once always has an update waiting for it, and
/// that update shows the state as it is when it fires.
#[derive(Clone, Debug)]
pub struct Throttle {
    every: f64,
    last: f64,
    waiting: bool,
}

impl Throttle {
    pub fn new(every: f64) -> Throttle {
        Throttle {
            every,
            last: f64::NEG_INFINITY,
            waiting: false,
        }
    }

    /// The simulator changed at real time `now`; `moving`: time moves by itself.
    pub fn change(&mut self, now: f64, moving: bool) -> Follow {
        // Time standing still: at once, even with an update waiting (it shows what is
        // there when it fires).
        if !moving {
            self.last = now;
            return Follow::Now;
        }
        if self.waiting {
            return Follow::Waiting;
        }
        self.waiting = true;
        Follow::After((self.last + self.every - now).clamp(0.0, self.every))
    }

    /// The waiting update is shown, at real time `now`.
    pub fn fired(&mut self, now: f64) {
        self.waiting = false;
        self.last = now;
    }
}

/// Turns animation frames into simulator advances. Pure, tested natively.
#[derive(Clone, Debug, Default)]
pub struct Pacer {
    last_frame: Option<f64>,
    /// Virtual time owed to the simulator, not yet handed over.
    pending_ms: f64,
}

impl Pacer {
    /// One animation frame at real time `t` (ms). `due_in` is how long until the next
    /// controller wants to act (virtual ms), if ever. Returns the virtual ms to advance
    /// now (often 0: time is owed, and handed over in a later frame).
    pub fn frame(&mut self, t: f64, speed: f64, due_in: Option<Millis>) -> Millis {
        let real = match self.last_frame {
            Some(last) if t.is_finite() => (t - last).clamp(0.0, MAX_FRAME_REAL_MS),
            _ => 0.0,
        };
        if t.is_finite() {
            self.last_frame = Some(t);
        }
        let speed = if speed.is_finite() {
            speed.clamp(0.0, 64.0)
        } else {
            1.0
        };
        self.pending_ms += real * speed;
        let due = due_in.is_some_and(|d| d as f64 <= self.pending_ms);
        if due || self.pending_ms >= IDLE_TICK_MS {
            let ms = self.pending_ms.floor();
            self.pending_ms -= ms;
            ms as Millis
        } else {
            0
        }
    }

    /// Forgets the last frame (pausing): the next frame starts counting afresh.
    pub fn pause(&mut self) {
        self.last_frame = None;
    }
}

struct Loop {
    pacer: Pacer,
    /// The last frame advanced time and did not show it: this one shows it, and
    /// advances nothing (its real time is counted by the next frame that does).
    owed_show: bool,
    frame: Option<i32>,
    callback: Option<Closure<dyn FnMut(f64)>>,
}

/// Starts or stops playback (the play button).
pub fn toggle_play(pg: &Playground) {
    pg.playing.update(|p| *p = !*p);
}

/// Runs the clock for the current owner (the app root calls it once). Playing while the
/// page shows an earlier moment replays the recorded history from there.
pub fn use_clock(pg: Playground) {
    let state = StoredValue::new_local(Loop {
        pacer: Pacer::default(),
        owed_show: false,
        frame: None,
        callback: None,
    });

    let request = move || {
        let Some(window) = web_sys::window() else {
            return;
        };
        state.update_value(|s| {
            if s.frame.is_none() {
                if let Some(cb) = &s.callback {
                    s.frame = window
                        .request_animation_frame(cb.as_ref().unchecked_ref())
                        .ok();
                }
            }
        });
    };

    let on_frame = move |t: f64| {
        state.update_value(|s| s.frame = None);
        // A frame either advances or draws (as in `drive`), so neither adds to the other:
        // the advance of the last frame is shown in this one, which advances nothing (its
        // real time is counted by the next frame that does).
        let owed = state.try_update_value(|s| std::mem::take(&mut s.owed_show)) == Some(true);
        if owed {
            pg.show();
        }
        if !pg.playing.get_untracked() {
            state.update_value(|s| s.pacer.pause());
            return;
        }
        if owed {
            request();
            return;
        }
        // A busy instant is being done (`drive`): time waits for it; and for a checkpoint
        // due, which `drive` takes in a frame of its own (this one, if it took it).
        if pg.busy.get_untracked() || pg.checkpoint_due(t.min(now_ms())) {
            state.update_value(|s| s.pacer.pause());
            request();
            return;
        }
        let viewing = pg.view_time.get_untracked();
        let due_in = untrack(|| pg.with_sim(|sim| sim.next_wake().map(|w| w - sim.now)));
        let speed = pg.speed.get_untracked();
        let ms = state
            .try_update_value(|s| s.pacer.frame(t, speed, due_in))
            .unwrap_or(0);
        if ms > 0 {
            match viewing {
                Some(v) => pg.view_at(v + ms),
                None => {
                    if pg.advance_frame(ms, until(t.min(now_ms()) + WORK_BUDGET_MS)) {
                        state.update_value(|s| s.owed_show = true);
                        prepare_draw(&pg);
                    }
                }
            }
        }
        request();
    };
    state.update_value(|s| s.callback = Some(Closure::new(on_frame)));

    Effect::new(move |_| {
        if pg.playing.get() {
            request();
        } else {
            let frame = state.try_update_value(|s| {
                s.pacer.pause();
                (s.frame.take(), std::mem::take(&mut s.owed_show))
            });
            if let (Some((Some(id), _)), Some(w)) = (frame, web_sys::window()) {
                let _ = w.cancel_animation_frame(id);
            }
            // Paused before the frame that would show the last advance: shown now.
            if frame.is_some_and(|(_, owed)| owed) {
                untrack(|| pg.show());
            }
        }
    });

    // Cleanups run before the owner's stored values are dropped: cancel the pending
    // frame first, so the browser never calls a dropped closure.
    on_cleanup(move || {
        let frame = state.try_update_value(|s| {
            s.callback = None;
            s.frame.take()
        });
        if let (Some(Some(id)), Some(w)) = (frame, web_sys::window()) {
            let _ = w.cancel_animation_frame(id);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_time_times_speed_is_handed_over_in_ticks() {
        let mut p = Pacer::default();
        assert_eq!(
            p.frame(0.0, 1.0, None),
            0,
            "the first frame only starts the count"
        );
        let mut total = 0;
        for i in 1..=60 {
            total += p.frame(i as f64 * 1000.0 / 60.0, 1.0, None);
        }
        // One real second at 1× is one virtual second, handed over once.
        assert!((999..=1000).contains(&total), "{total}");
        let mut p = Pacer::default();
        p.frame(0.0, 8.0, None);
        let advances: Vec<Millis> = (1..=60)
            .map(|i| p.frame(i as f64 * 1000.0 / 60.0, 8.0, None))
            .filter(|ms| *ms > 0)
            .collect();
        // Eight virtual seconds, handed over about a second at a time (the rest is owed).
        let total: Millis = advances.iter().sum();
        assert!((7_000..=8_000).contains(&total), "{total}");
        assert_eq!(advances.len(), 7, "{advances:?}");
    }

    #[test]
    fn a_due_controller_gets_its_time_at_once() {
        let mut p = Pacer::default();
        p.frame(0.0, 1.0, Some(30));
        assert_eq!(p.frame(16.0, 1.0, Some(30)), 0);
        assert_eq!(p.frame(32.0, 1.0, Some(30)), 32);
    }

    #[test]
    fn a_hidden_tab_does_not_catch_up() {
        let mut p = Pacer::default();
        p.frame(0.0, 8.0, None);
        // Ten minutes without frames, then one frame.
        let ms = p.frame(600_000.0, 8.0, Some(1));
        assert_eq!(ms as f64, MAX_FRAME_REAL_MS * 8.0);
    }

    #[test]
    fn pausing_forgets_the_last_frame() {
        let mut p = Pacer::default();
        p.frame(0.0, 1.0, None);
        p.pause();
        assert_eq!(p.frame(50_000.0, 1.0, Some(1)), 0);
        assert_eq!(p.frame(50_010.0, 1.0, Some(1)), 10);
    }

    /// A toy panel driven by a throttle: changes at the given real times, timers fired
    /// when due. Returns the times the panel updated, and the last change it showed.
    fn play_throttle(changes: &[(f64, bool)]) -> (Vec<f64>, usize) {
        let mut th = Throttle::new(PANEL_EVERY_MS);
        let mut shown_at = vec![];
        let mut shown = 0; // the index + 1 of the last change the panel showed
        let mut timer: Option<f64> = None;
        let mut i = 0;
        loop {
            let next_change = changes.get(i).map(|c| c.0);
            match (timer, next_change) {
                (Some(t), c) if c.is_none_or(|c| t <= c) => {
                    timer = None;
                    th.fired(t);
                    shown_at.push(t);
                    shown = i;
                }
                (_, Some(c)) => {
                    i += 1;
                    match th.change(c, changes[i - 1].1) {
                        Follow::Now => {
                            shown_at.push(c);
                            shown = i;
                        }
                        Follow::After(ms) => {
                            assert!(timer.is_none(), "one timer at a time");
                            assert!((0.0..=PANEL_EVERY_MS).contains(&ms), "{ms}");
                            timer = Some(c + ms);
                        }
                        Follow::Waiting => assert!(timer.is_some(), "a change is lost at {c}"),
                    }
                }
                (None, None) => break,
                (Some(_), None) => unreachable!(),
            }
        }
        (shown_at, shown)
    }

    #[test]
    fn a_slow_panel_follows_moving_time_once_a_second_and_loses_nothing() {
        // 8 s of play with a change every frame: about eight updates, a second apart.
        let frames: Vec<(f64, bool)> = (0..480).map(|i| (i as f64 * 16.7, true)).collect();
        let (at, shown) = play_throttle(&frames);
        assert_eq!(shown, frames.len(), "the last change is shown");
        assert!((8..=10).contains(&at.len()), "{at:?}");
        for w in at.windows(2) {
            assert!(w[1] - w[0] >= PANEL_EVERY_MS - 1e-9, "{at:?}");
        }
        // The first change of a moving clock waits for no one (nothing shown lately),
        // but still in a task of its own.
        assert_eq!(at[0], 0.0);
        // Time standing still: every change at once, also right after moving time with
        // an update still waiting (a pause, then a command).
        let steps: Vec<(f64, bool)> = (0..5).map(|i| (i as f64 * 100.0, false)).collect();
        let (at, shown) = play_throttle(&steps);
        assert_eq!((at.len(), shown), (5, 5));
        let (at, _) = play_throttle(&[(0.0, true), (10.0, true), (20.0, false)]);
        assert_eq!(
            at[..2],
            [0.0, 20.0],
            "the still change is shown at once: {at:?}"
        );
        // Mixed, random: the last change is always shown, and moving updates never come
        // closer than PANEL_EVERY_MS after the one before.
        let mut x = 0x9e37_79b9_u64;
        for _ in 0..200 {
            let mut t = 0.0;
            let changes: Vec<(f64, bool)> = (0..60)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    t += (x % 700) as f64;
                    (t, x % 5 != 0)
                })
                .collect();
            let (_, shown) = play_throttle(&changes);
            assert_eq!(shown, changes.len());
        }
    }

    #[test]
    fn nonsense_input_does_not_advance_wildly() {
        let mut p = Pacer::default();
        p.frame(0.0, f64::NAN, None);
        assert!(p.frame(f64::NAN, f64::INFINITY, Some(0)) <= 0);
        assert!(p.frame(10.0, f64::INFINITY, Some(0)) <= 100);
    }
}

//! The page's one handle on the simulator: a [`Playground`] in Leptos context.
//!
//! Simulator state (a `Timeline` over a `Session`) lives in a local `StoredValue`, never in
//! signals; the page reads it through `with_sim` and learns that it changed from the
//! `version` signal, which every mutation bumps. UI state (selection, playback, the time
//! the user scrubbed to) lives in signals of its own. Every mutation — a console line, a
//! button, a lesson step — is a command line through `run`, so the console shows the
//! kubectl command each click equals.

use leptos::prelude::*;

use orrery::routing::Route;
use orrery::shell::{Output, Session};
use orrery::sim::Sim;
use orrery::time::Millis;
use orrery::timeline::Timeline;

/// One line of the console's scrollback: a command (as typed or as a button echoed it)
/// and what it printed.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleEntry {
    /// Monotonic id, for keyed lists.
    pub id: u64,
    /// Virtual time when it ran.
    pub at: Millis,
    pub command: String,
    /// The heredoc fed to the command (`kubectl apply -f - <<EOF`), if any.
    pub stdin: Option<String>,
    pub output: String,
    pub code: i32,
    /// Where it came from: "console", "canvas", "lesson", "editor"…
    pub origin: &'static str,
}

/// A request the page should animate (from the last `curl`).
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub id: u64,
    pub route: Route,
}

struct Engine {
    timeline: Timeline,
    /// A rebuilt past state while the user has scrubbed back, with its time.
    past: Option<(Millis, Session)>,
}

/// Largest virtual time one animation frame may advance (a background tab that comes
/// back does not try to catch up minutes in one frame).
pub const MAX_FRAME_ADVANCE_MS: Millis = 2_000;

/// Console entries the page keeps.
const MAX_SCROLLBACK: usize = 500;

#[derive(Clone, Copy)]
pub struct Playground {
    engine: StoredValue<Engine, LocalStorage>,
    /// Bumped after every change to the simulator (command, advance, rewind).
    pub version: RwSignal<u64>,
    /// `Some(t)`: the page shows the cluster as it was at virtual time `t`.
    pub view_time: RwSignal<Option<Millis>>,
    pub playing: RwSignal<bool>,
    /// Playback speed multiplier (0.25 – 8).
    pub speed: RwSignal<f64>,
    /// The selected object's UID.
    pub selected: RwSignal<Option<String>>,
    pub console: RwSignal<Vec<ConsoleEntry>>,
    pub request: RwSignal<Option<Request>>,
    next_id: StoredValue<u64>,
    /// The editor's texts: written into the session (and recorded in the timeline, so
    /// scrubbing replays them) just before each command runs, when they changed.
    staged_files: StoredValue<Vec<(String, String)>, LocalStorage>,
    /// Files a command wrote with `> FILE` (`kubectl … -o yaml > web.yaml`, `cat <<EOF >
    /// web.yaml`), name and text, oldest first: the editor opens each as a tab, or puts
    /// the new text into the tab of that name (as an editor reloads a file changed on
    /// disk), and takes them out.
    pub written: RwSignal<Vec<(String, String)>>,
    /// Read-only (an embed with `readonly=1`): only the lesson may run commands.
    pub readonly: RwSignal<bool>,
    /// The simulator has work pending (a busy instant being done a slice per frame,
    /// `clock::drive`): the page shows the cluster part-way through that instant.
    pub busy: RwSignal<bool>,
    /// Boot work put off until after the page's first paint ([`Playground::after_boot`]).
    boot_work: StoredValue<Vec<Box<dyn FnOnce()>>, LocalStorage>,
    /// When ([`crate::clock::now_ms`]) [`Playground::work`] last took a checkpoint: the
    /// clock does not advance time in the frame that took it.
    checkpoint_at: StoredValue<f64>,
    /// A `kubectl get -w` the console keeps open ([`Playground::pump_watch`]).
    watch: StoredValue<Option<ConsoleWatch>, LocalStorage>,
}

/// An open watch in the console: the command's watch (what it prints) and the console
/// entry its rows are appended to. Its tap is open on the live session's simulator, so
/// rows come from the writes since the last frame, never from re-listing. The present
/// only: a scrubbed-back view does not move the present, so it prints nothing, and
/// "replay from here" (a new present) ends the watch, as a new command does.
struct ConsoleWatch {
    watch: orrery::kubectl::watch::Watch,
    entry: u64,
}

/// Writes a watch prints per frame at most; the rest wait in the tap for the next frames
/// (a thousand pods created at once are a thousand rows, not one long frame).
const WATCH_ROWS_PER_FRAME: usize = 200;

/// Lines a watch's console entry keeps (the oldest go first, as in a terminal).
const WATCH_MAX_LINES: usize = 2_000;

impl Playground {
    pub fn new(seed: u64) -> Playground {
        Playground::from_session(Session::new(seed))
    }

    pub fn from_session(session: Session) -> Playground {
        Playground {
            engine: StoredValue::new_local(Engine {
                timeline: Timeline::new(session),
                past: None,
            }),
            version: RwSignal::new(0),
            view_time: RwSignal::new(None),
            playing: RwSignal::new(false),
            speed: RwSignal::new(1.0),
            selected: RwSignal::new(None),
            console: RwSignal::new(vec![]),
            request: RwSignal::new(None),
            written: RwSignal::new(vec![]),
            next_id: StoredValue::new(0),
            staged_files: StoredValue::new_local(vec![]),
            readonly: RwSignal::new(false),
            busy: RwSignal::new(false),
            boot_work: StoredValue::new_local(vec![]),
            checkpoint_at: StoredValue::new(f64::NEG_INFINITY),
            watch: StoredValue::new_local(None),
        }
    }

    /// Puts `work` off until the page's first paint is on screen (a task of its own then),
    /// or until something reads or changes the session, whichever comes first: every
    /// door to the timeline below calls [`Playground::finish_boot`] first, so no command,
    /// completion, share or save sees the session without it. Work is done in the order
    /// it was put off. The page's first paint does not wait for work it does not need to
    /// draw (BENCHMARKS.md, "First render, session 6").
    pub fn after_boot(&self, work: impl FnOnce() + 'static) {
        let first = self
            .boot_work
            .try_update_value(|w| {
                w.push(Box::new(work));
                w.len() == 1
            })
            .unwrap_or(false);
        if first {
            let pg = *self;
            after_first_paint(move || pg.finish_boot());
        }
    }

    /// Does the boot work still put off ([`Playground::after_boot`]), now.
    pub fn finish_boot(&self) {
        loop {
            let work = self
                .boot_work
                .try_update_value(std::mem::take)
                .unwrap_or_default();
            if work.is_empty() {
                return;
            }
            for w in work {
                w();
            }
        }
    }

    /// Whether boot work is still put off (tests).
    pub fn boot_pending(&self) -> bool {
        self.boot_work
            .try_with_value(|w| !w.is_empty())
            .unwrap_or(false)
    }

    /// The playground in context (provided by the app root).
    pub fn expect() -> Playground {
        expect_context::<Playground>()
    }

    /// Whether `other` is this playground (the same simulator), for bookkeeping kept
    /// per playground (`clock::drive`).
    pub fn same(&self, other: &Playground) -> bool {
        self.engine == other.engine
    }

    fn id(&self) -> u64 {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        id
    }

    fn bump(&self) {
        self.pump_watch();
        self.sync_busy();
        self.version.update(|v| *v += 1);
    }

    /// Runs a command line (and heredoc) at the present moment; records it in the
    /// console. Going back in time first returns to the present.
    pub fn run(&self, line: &str, stdin: Option<&str>, origin: &'static str) -> Output {
        if self.readonly.get_untracked() && origin != "lesson" {
            return self.refuse(line, stdin, origin);
        }
        self.finish_boot();
        // A new command ends a watch the console kept open (a terminal would need
        // Ctrl+C first; here typing the next command is enough).
        self.end_watch(false);
        self.view_time.set(None);
        let (out, at, route, written, watch) = self
            .engine
            .try_update_value(|e| {
                e.past = None;
                // Pending work done and a due checkpoint taken before the session is
                // touched below (the checkpoint holds the state the entries left).
                e.timeline.finish();
                self.staged_files.with_value(|staged| {
                    for (name, text) in staged {
                        write_file(&mut e.timeline, name, text);
                    }
                });
                let at = e.timeline.now();
                e.timeline.session.last_route = None;
                let out = match plain_sleep(line) {
                    // Recorded as a plain advance of time, so the scrubber can stop
                    // halfway through it (a command is replayed whole).
                    Some(ms) => {
                        e.timeline.session.history.push(line.trim().to_string());
                        e.timeline.advance(ms);
                        Output::default()
                    }
                    // The settle at the command's end is left to the frames, a slice
                    // per frame (`clock::drive`), the first in the next frame: the
                    // command's own task is the command, its echo and a re-render of
                    // the cluster as the command left it — not also a 6 ms slice and
                    // the draw of what it made (12–18 ms of CPU in one task;
                    // BENCHMARKS.md, "Frames, session 9"). Whoever needs the settled
                    // cluster at once calls `finish` (a restored session does,
                    // `reach::replay`; the next command does, above). Natively there
                    // are no frames: the settle is done here, in one go.
                    None => {
                        let out = e.timeline.exec_sliced(line, stdin);
                        if cfg!(not(target_arch = "wasm32")) {
                            e.timeline.work(|| false);
                        }
                        out
                    }
                };
                let route = e.timeline.session.last_route.take();
                let written = orrery::shell::redirect_target(line)
                    .filter(|t| t != "/dev/null")
                    .and_then(|t| {
                        let text = e.timeline.session.files.get(&t)?.clone();
                        Some((t, text))
                    });
                // `kubectl get -w` left its watch open: the console streams it, from the
                // writes that follow (the tap opens before any of them).
                let watch = e.timeline.session.watch.take();
                if let Some(w) = &watch {
                    e.timeline.session.sim.watch.open(&w.gk());
                }
                (out, at, route, written, watch)
            })
            .expect("the engine lives as long as the page");
        let entry = ConsoleEntry {
            id: self.id(),
            at,
            command: line.to_string(),
            stdin: stdin.map(str::to_string),
            output: out.text.clone(),
            code: out.code,
            origin,
        };
        let entry_id = entry.id;
        self.record(entry);
        if let Some(watch) = watch {
            self.watch.set_value(Some(ConsoleWatch {
                watch,
                entry: entry_id,
            }));
        }
        if let Some(file) = written {
            self.written.update(|w| w.push(file));
        }
        if let Some(route) = route {
            self.request.set(Some(Request {
                id: self.id(),
                route,
            }));
        }
        self.bump();
        out
    }

    /// Mirrors the timeline's pending work in `busy`, and starts working it off (and the
    /// timeline's chores, [`Playground::chores`]).
    fn sync_busy(&self) {
        let busy = self
            .engine
            .try_with_value(|e| e.timeline.busy())
            .unwrap_or(false);
        if self.busy.get_untracked() != busy {
            self.busy.set(busy);
        }
        if busy || self.chores() {
            crate::clock::drive(*self);
        }
    }

    /// Continues the simulator's pending work until `should_yield` (a frame's
    /// budget), or with none pending the timeline's chores; returns whether the
    /// simulator's work is done. The page does not re-render yet: call
    /// [`Playground::show`] (the next frame, `clock::drive`), so that no frame both works
    /// and draws.
    pub fn work(&self, should_yield: impl FnMut() -> bool) -> bool {
        self.engine
            .try_update_value(|e| {
                if e.timeline.busy() {
                    e.timeline.work(should_yield)
                } else {
                    let due = e.timeline.checkpoint_due();
                    e.timeline.tidy(should_yield);
                    if due && !e.timeline.checkpoint_due() {
                        self.checkpoint_at.set_value(crate::clock::now_ms());
                    }
                    true
                }
            })
            .unwrap_or(true)
    }

    /// Whether the simulator has work pending (untracked; `busy` is the signal).
    pub fn pending(&self) -> bool {
        self.engine
            .try_with_value(|e| e.timeline.busy())
            .unwrap_or(false)
    }

    /// Whether the timeline has chores left (`Timeline::chores`: a checkpoint due, the
    /// past's freeze): they change nothing the page shows, and are done a slice per
    /// frame after the simulator's work ([`Playground::work`]).
    pub fn chores(&self) -> bool {
        self.engine
            .try_with_value(|e| e.timeline.chores())
            .unwrap_or(false)
    }

    /// Whether a checkpoint is due (`Timeline::checkpoint_due`), or was taken at or
    /// after `frame_start` (ms, [`crate::clock::now_ms`]): the clock lets it have a
    /// frame of its own before time moves on.
    pub fn checkpoint_due(&self, frame_start: f64) -> bool {
        self.checkpoint_at
            .try_get_value()
            .is_some_and(|at| at >= frame_start)
            || self
                .engine
                .try_with_value(|e| e.timeline.checkpoint_due())
                .unwrap_or(false)
    }

    /// Re-renders what the simulator holds now (after [`Playground::work`]).
    pub fn show(&self) {
        if self.engine.try_with_value(|_| ()).is_some() {
            self.bump();
        }
    }

    /// One frame of play (the clock): advances up to `ms` of virtual time, doing its
    /// busy instants until `should_yield`; a cut advance stops at the busy instant,
    /// whose work goes on next frame before time moves again.
    pub fn play_frame(&self, ms: Millis, should_yield: impl FnMut() -> bool) {
        if self.advance_frame(ms, should_yield) {
            self.show();
        }
    }

    /// [`Playground::play_frame`] without the re-render: returns whether what it did
    /// is still to be shown ([`Playground::show`]; the clock shows it the next frame,
    /// so that no frame both works and draws).
    pub fn advance_frame(&self, ms: Millis, should_yield: impl FnMut() -> bool) -> bool {
        let ms = ms.clamp(0, MAX_FRAME_ADVANCE_MS);
        if ms == 0 {
            return false;
        }
        self.finish_boot();
        self.view_time.set(None);
        let done = self
            .engine
            .try_update_value(|e| {
                e.past = None;
                e.timeline.advance_sliced(ms, should_yield)
            })
            .unwrap_or(true);
        if !done {
            // This frame did its share of work; `clock::drive` shows it next frame.
            self.sync_busy();
        }
        done
    }

    /// Does the pending simulator work in one go (before anything that needs a settled
    /// cluster).
    pub fn finish(&self) {
        if self.busy.get_untracked() {
            self.engine.update_value(|e| e.timeline.finish());
            self.bump();
        }
    }

    /// Whether the console has a watch open (`kubectl get -w`).
    pub fn watching(&self) -> bool {
        self.watch.try_with_value(Option::is_some).unwrap_or(false)
    }

    /// Prints the open watch's rows for the writes since the last call (at most
    /// [`WATCH_ROWS_PER_FRAME`]), appending them to its console entry. Called with every
    /// re-render of the simulator's state (`bump`): a frame's work is the frame's writes.
    pub fn pump_watch(&self) {
        let Some(Some(entry)) = self.watch.try_with_value(|w| w.as_ref().map(|w| w.entry)) else {
            return;
        };
        let text = self
            .engine
            .try_update_value(|e| {
                let sim = &mut e.timeline.session.sim;
                if sim.watch.is_empty() {
                    return String::new();
                }
                let writes = sim.watch.take(WATCH_ROWS_PER_FRAME);
                self.watch
                    .try_update_value(|w| {
                        w.as_mut()
                            .map(|w| w.watch.print(sim, writes))
                            .unwrap_or_default()
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        if !text.is_empty() {
            self.append_output(entry, &text);
        }
        // Rows still waiting: another frame prints them.
        let more = self
            .engine
            .try_with_value(|e| !e.timeline.session.sim.watch.is_empty())
            .unwrap_or(false);
        if more {
            let pg = *self;
            if cfg!(target_arch = "wasm32") {
                request_animation_frame(move || pg.pump_watch());
            } else {
                pg.pump_watch();
            }
        }
    }

    /// Ends the console's watch: its last rows, then (`interrupted`: Ctrl+C) `^C` as a
    /// terminal echoes it.
    pub fn end_watch(&self, interrupted: bool) {
        if !self.watching() {
            return;
        }
        self.pump_watch();
        let Some(Some(w)) = self.watch.try_update_value(Option::take) else {
            return;
        };
        self.engine
            .try_update_value(|e| e.timeline.session.sim.watch.close());
        if interrupted {
            self.append_output(w.entry, "^C\n");
        }
    }

    /// Appends text to a console entry's output (a watch's rows), keeping its last
    /// [`WATCH_MAX_LINES`] lines.
    fn append_output(&self, id: u64, text: &str) {
        self.console.update(|c| {
            if let Some(e) = c.iter_mut().rev().find(|e| e.id == id) {
                e.output.push_str(text);
                let lines = e.output.matches('\n').count();
                if lines > WATCH_MAX_LINES {
                    let cut = e
                        .output
                        .match_indices('\n')
                        .nth(lines - WATCH_MAX_LINES - 1)
                        .map_or(0, |(i, _)| i + 1);
                    e.output.drain(..cut);
                }
            }
        });
    }

    /// Appends a console entry; the scrollback is bounded.
    fn record(&self, entry: ConsoleEntry) {
        self.console.update(|c| {
            c.push(entry);
            if c.len() > MAX_SCROLLBACK {
                c.drain(..c.len() - MAX_SCROLLBACK);
            }
        });
    }

    /// A command refused because the page is read-only: shown in the console, not run.
    fn refuse(&self, line: &str, stdin: Option<&str>, origin: &'static str) -> Output {
        let refusal = crate::i18n::tr(crate::i18n::T::EmbedReadonlyRefusal);
        let out = Output::err(format!("{refusal}\n"), 1);
        let entry = ConsoleEntry {
            id: self.id(),
            at: self.now(),
            command: line.to_string(),
            stdin: stdin.map(str::to_string),
            output: out.text.clone(),
            code: out.code,
            origin,
        };
        self.record(entry);
        out
    }

    /// Replays a recorded file write (a restored session): written now, as `set_file`
    /// writes it, but not staged — the editor stages what its tabs hold.
    pub fn replay_file(&self, name: &str, text: &str) {
        self.finish_boot();
        self.engine
            .update_value(|e| write_file(&mut e.timeline, name, text));
        self.bump();
    }

    /// Replays time that passed with no command (a restored session): as `advance`,
    /// without the per-frame cap.
    pub fn replay_advance(&self, ms: Millis) {
        if ms <= 0 {
            return;
        }
        self.finish_boot();
        self.view_time.set(None);
        self.engine.update_value(|e| {
            e.past = None;
            e.timeline.advance(ms);
        });
        self.bump();
    }

    /// The recorded history (untracked), for saving the session.
    pub fn with_timeline<R>(&self, f: impl FnOnce(&Timeline) -> R) -> R {
        self.finish_boot();
        self.engine.with_value(|e| f(&e.timeline))
    }

    /// The editor texts as staged (name, text), in the order first staged.
    pub fn staged_files(&self) -> Vec<(String, String)> {
        self.staged_files.get_value()
    }

    /// The editor's texts' total size, without copying them.
    pub fn staged_bytes(&self) -> usize {
        self.staged_files
            .with_value(|fs| fs.iter().map(|(n, t)| n.len() + t.len()).sum())
    }

    /// Advances virtual time by `ms` (capped per call), as the play button does.
    pub fn advance(&self, ms: Millis) {
        let ms = ms.clamp(0, MAX_FRAME_ADVANCE_MS);
        if ms == 0 {
            return;
        }
        self.finish_boot();
        // Time moves on in the present; a scrubbed-back view would hide it.
        self.view_time.set(None);
        self.engine.update_value(|e| {
            e.past = None;
            e.timeline.advance(ms);
        });
        self.bump();
    }

    /// Advances to the next moment a controller acts (the step button): the next
    /// timer, or nothing if the cluster is idle.
    pub fn step(&self) -> bool {
        self.finish_boot();
        self.finish();
        self.view_time.set(None);
        let moved = self
            .engine
            .try_update_value(|e| {
                e.past = None;
                let sim = &e.timeline.session.sim;
                match sim.next_wake() {
                    Some(w) if w > sim.now => {
                        let d = w - sim.now;
                        e.timeline.advance(d);
                        true
                    }
                    _ => false,
                }
            })
            .unwrap_or(false);
        if moved {
            self.bump();
        }
        moved
    }

    /// The first moment after `t` at which the recorded history changed something (a
    /// simulator step), if there is one before the present.
    pub fn next_change_after(&self, t: Millis) -> Option<Millis> {
        self.engine.with_value(|e| {
            let steps = &e.timeline.session.sim.steps;
            let i = steps.partition_point(|s| s.time <= t);
            steps.get(i).map(|s| s.time)
        })
    }

    /// The present virtual time.
    pub fn now(&self) -> Millis {
        self.engine.with_value(|e| e.timeline.now())
    }

    /// The start of the recorded history.
    pub fn start(&self) -> Millis {
        self.engine.with_value(|e| e.timeline.start())
    }

    /// Shows the cluster as it was at `t` (the scrubber). `t` at or after the present
    /// returns to the present.
    pub fn view_at(&self, t: Millis) {
        self.finish_boot();
        self.finish();
        let now = self.now();
        if t >= now {
            self.view_time.set(None);
            self.engine.update_value(|e| {
                e.past = None;
                e.timeline.forget_thawed();
            });
        } else {
            self.engine.update_value(|e| {
                if e.past.as_ref().map(|(pt, _)| *pt) != Some(t) {
                    // The old moment goes first: two rebuilt pasts alive at once would
                    // raise the wasm memory's high-water mark (it never shrinks).
                    e.past = None;
                    e.past = Some((t, e.timeline.state_at(t)));
                }
            });
            self.view_time.set(Some(t));
        }
        self.bump();
    }

    /// "Replay from here": the history after the viewed moment is dropped and the
    /// present becomes that moment.
    pub fn rewind_to_view(&self) {
        if self.readonly.get_untracked() {
            return;
        }
        let Some(t) = self.view_time.get_untracked() else {
            return;
        };
        self.finish_boot();
        // A new present: the watch's tap was on the old one.
        self.end_watch(false);
        self.engine.update_value(|e| {
            e.timeline.rewind_to(t);
            e.past = None;
        });
        self.view_time.set(None);
        self.bump();
    }

    /// Reads the simulator as the page shows it: the scrubbed-to past, or the present.
    /// Tracks `version`, so a memo or view that calls it re-runs on every change.
    pub fn with_sim<R>(&self, f: impl FnOnce(&Sim) -> R) -> R {
        self.version.track();
        self.engine.with_value(|e| match &e.past {
            Some((_, s)) => f(&s.sim),
            None => f(&e.timeline.session.sim),
        })
    }

    /// Reads the whole session (files, port-forwards) as shown.
    pub fn with_session<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        self.finish_boot();
        self.version.track();
        self.engine.with_value(|e| match &e.past {
            Some((_, s)) => f(s),
            None => f(&e.timeline.session),
        })
    }

    /// `kubectl describe` of an object as the page shows it, by UID. Read-only: it calls
    /// the describe printer on the simulator directly instead of running a command line,
    /// so nothing is recorded in the history or the console (the inspector shows the
    /// command it equals beside it). Tracks `version`.
    pub fn describe(&self, uid: &str) -> Option<String> {
        self.with_sim(|sim| {
            sim.store
                .by_uid(uid)
                .map(|obj| orrery::kubectl::describe::describe_object(sim, obj, true))
        })
    }

    /// Puts a virtual file (an editor tab) into the session now, so `-f NAME` reads it.
    /// Recorded in the timeline as the `cat <<EOF > NAME` it equals, so a scrubbed-back
    /// or replayed past reads the text the command read then.
    pub fn set_file(&self, name: &str, text: &str) {
        self.finish_boot();
        self.stage_file(name, text);
        self.engine
            .update_value(|e| write_file(&mut e.timeline, name, text));
        self.sync_busy();
    }

    /// Puts a file into the session as [`Playground::set_file`] does, except that the
    /// write (a `cat <<EOF` through the shell) is boot work ([`Playground::after_boot`]):
    /// the scenario's files, so that the page's first paint does not wait for the shell.
    /// Staged at once; the write is of this text even if the tab changed since (a
    /// command then writes the tab's text after it, as it would have).
    pub fn set_file_after_boot(&self, name: &str, text: &str) {
        self.stage_file(name, text);
        let (pg, name, text) = (*self, name.to_string(), text.to_string());
        self.after_boot(move || {
            pg.engine
                .try_update_value(|e| write_file(&mut e.timeline, &name, &text));
        });
    }

    /// Remembers an editor text for the session without writing it yet: every command
    /// writes it first if it changed (cheap to call as the user types).
    pub fn stage_file(&self, name: &str, text: &str) {
        self.staged_files
            .update_value(|s| match s.iter_mut().find(|(n, _)| n == name) {
                Some((_, t)) => {
                    if t != text {
                        *t = text.to_string();
                    }
                }
                None => s.push((name.to_string(), text.to_string())),
            });
    }

    /// Forgets an editor text (its tab was closed or renamed); the session keeps the
    /// file as last written.
    pub fn unstage_file(&self, name: &str) {
        self.staged_files
            .update_value(|s| s.retain(|(n, _)| n != name));
    }
}

/// Runs `f` in a task of its own once the page's first contentful paint is on screen
/// (the browser's `first-contentful-paint` entry; at most [`BOOT_WAIT_FRAMES`] frames
/// after the first): the work then neither delays that paint nor competes with its
/// raster for the CPU. Natively (unit tests), and in a page that gets no frames (a
/// hidden tab), it does not run: the boot work is then done when it is first needed.
fn after_first_paint(f: impl FnOnce() + 'static) {
    #[cfg(target_arch = "wasm32")]
    leptos::task::spawn_local(async move {
        first_paint().await;
        f();
    });
    #[cfg(not(target_arch = "wasm32"))]
    drop(f);
}

/// Resolves in a task after the page's first contentful paint (or after
/// [`BOOT_WAIT_FRAMES`] frames, if the browser does not report it).
#[cfg(target_arch = "wasm32")]
pub async fn first_paint() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let performance = window.performance();
    for _ in 0..BOOT_WAIT_FRAMES {
        // The next animation frame (before its paint).
        let frame = js_sys::Promise::new(&mut |resolve, _| {
            let _ = window.request_animation_frame(&resolve);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
        if performance
            .as_ref()
            .is_some_and(|p| p.get_entries_by_name("first-contentful-paint").length() > 0)
        {
            break;
        }
    }
    // A task after this frame's paint.
    crate::editor::next_task().await;
}

/// Frames the boot work waits at most for the first contentful paint to be reported.
#[cfg(target_arch = "wasm32")]
const BOOT_WAIT_FRAMES: u32 = 30;

/// `sleep 30s` (also `sleep 1m 30s`): how long it sleeps, capped as the shell caps it.
/// `None` for anything else, including a sleep the shell would refuse (it prints the
/// error).
fn plain_sleep(line: &str) -> Option<Millis> {
    let mut words = line.split_whitespace();
    if words.next() != Some("sleep") {
        return None;
    }
    let mut total: Millis = 0;
    let mut any = false;
    for w in words {
        total = total.saturating_add(orrery::time::parse_duration(w)?);
        any = true;
    }
    any.then_some(total.min(86_400_000))
}

/// Writes a virtual file through the timeline, unless it already holds that text.
fn write_file(timeline: &mut Timeline, name: &str, text: &str) {
    if timeline.session.files.get(name).map(String::as_str) == Some(text) {
        return;
    }
    timeline.exec(&format!("cat <<EOF > {name}"), Some(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_bump_the_version_and_fill_the_console() {
        let owner = Owner::new();
        owner.with(|| {
            let pg = Playground::new(1);
            let v0 = pg.version.get_untracked();
            let out = pg.run(
                "kubectl create deployment web --image=nginx",
                None,
                "console",
            );
            assert_eq!(out.code, 0);
            assert!(pg.version.get_untracked() > v0);
            assert_eq!(pg.console.get_untracked().len(), 1);
            pg.advance(1_000);
            assert!(pg.with_sim(|s| s.store.list("Pod", "default").count()) == 1);
        });
    }

    #[test]
    fn scrubbing_shows_the_past_and_running_returns_to_the_present() {
        let owner = Owner::new();
        owner.with(|| {
            let pg = Playground::new(1);
            let pods = |pg: &Playground| pg.with_sim(|s| s.store.list("Pod", "default").count());
            pg.run(
                "kubectl create deployment web --image=nginx --replicas=2",
                None,
                "console",
            );
            let t1 = pg.now() + 1_000;
            pg.advance(2_000);
            pg.run("kubectl scale deployment web --replicas=5", None, "console");
            assert_eq!(pods(&pg), 5);
            pg.view_at(t1);
            assert_eq!(pods(&pg), 2);
            pg.run("kubectl get pods", None, "console");
            assert_eq!(pg.view_time.get_untracked(), None);
            assert_eq!(pods(&pg), 5);
        });
    }

    #[test]
    fn files_are_replayed_when_scrubbing() {
        let owner = Owner::new();
        owner.with(|| {
            let pg = Playground::new(1);
            let pods = |pg: &Playground| pg.with_sim(|s| s.store.list("Pod", "default").count());
            pg.stage_file("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    image: nginx\n");
            pg.advance(1_000);
            let out = pg.run("kubectl apply -f p.yaml", None, "editor");
            assert_eq!(out.text, "pod/a created\n");
            let t1 = pg.now();
            pg.advance(1_000);
            pg.set_file("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n  - name: c\n    image: nginx\n");
            pg.run("kubectl apply -f p.yaml", None, "editor");
            assert_eq!(pods(&pg), 2);
            pg.view_at(t1);
            assert_eq!(pods(&pg), 1, "the past replays the file as it was then");
            pg.view_at(t1 - 1);
            assert_eq!(pods(&pg), 0);
            // Writing the same text again records nothing new.
            pg.view_at(pg.now());
            let n = pg.engine.with_value(|e| e.timeline.entries().len());
            pg.set_file("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n  - name: c\n    image: nginx\n");
            assert_eq!(pg.engine.with_value(|e| e.timeline.entries().len()), n);
        });
    }

    /// A file a command writes with `> FILE` is handed to the editor (`written`), and
    /// once the editor has staged it, the next command does not write the tab's older
    /// text back over it.
    #[test]
    fn files_written_by_a_command_go_to_the_editor() {
        let owner = Owner::new();
        owner.with(|| {
            let pg = Playground::new(1);
            pg.stage_file("web.yaml", "old text\n");
            pg.run(
                "kubectl create deployment web --image=nginx --dry-run=client -o yaml > web.yaml",
                None,
                "console",
            );
            let written = pg.written.get_untracked();
            assert_eq!(written.len(), 1);
            assert_eq!(written[0].0, "web.yaml");
            assert!(written[0]
                .1
                .starts_with("apiVersion: apps/v1\nkind: Deployment\n"));
            // What the editor does with it.
            pg.stage_file("web.yaml", &written[0].1);
            pg.written.set(vec![]);
            pg.run("cat <<EOF > notes.txt", Some("hello\n"), "console");
            assert_eq!(
                pg.written.get_untracked(),
                [("notes.txt".to_string(), "hello\n".to_string())]
            );
            let out = pg.run("cat web.yaml", None, "console");
            assert!(
                out.text.starts_with("apiVersion: apps/v1\n"),
                "{}",
                out.text
            );
            // Nothing for the editor: no redirect, or one to /dev/null.
            pg.written.set(vec![]);
            pg.run("kubectl get pods > /dev/null", None, "console");
            pg.run("kubectl get pods", None, "console");
            assert!(pg.written.get_untracked().is_empty());
        });
    }

    /// The scenario's files, written after the first paint, are in the session before
    /// anything reads it or changes it, and the history is the one writing them at once
    /// makes (what share links and the autosave record).
    #[test]
    fn boot_work_is_done_before_the_session_is_read_or_changed() {
        let owner = Owner::new();
        owner.with(|| {
            let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    image: nginx\n";
            let entries = |pg: &Playground| pg.engine.with_value(|e| format!("{:?}", e.timeline.entries()));
            let at_once = Playground::new(1);
            at_once.set_file("p.yaml", text);
            at_once.advance(1_000);

            // Completion reads the session's files.
            let later = Playground::new(1);
            later.set_file_after_boot("p.yaml", text);
            assert!(later.boot_pending());
            assert_eq!(later.engine.with_value(|e| e.timeline.session.files.len()), 0);
            assert!(later.with_session(|s| s.files.contains_key("p.yaml")));
            assert!(!later.boot_pending());
            later.advance(1_000);
            assert_eq!(entries(&later), entries(&at_once));

            // The clock, a command, a save: each finds the file written first.
            let doors: [&dyn Fn(&Playground); 4] = [
                &|pg| pg.advance(1_000),
                &|pg| pg.play_frame(1_000, || false),
                &|pg| {
                    let out = pg.run("kubectl apply -f p.yaml", None, "console");
                    assert_eq!(out.text, "pod/a created\n");
                },
                &|pg| assert!(pg.with_timeline(|t| t.session.files.contains_key("p.yaml"))),
            ];
            for door in doors {
                let pg = Playground::new(1);
                pg.set_file_after_boot("p.yaml", text);
                door(&pg);
                assert!(!pg.boot_pending());
                let first_write = pg.engine.with_value(|e| format!("{:?}", e.timeline.entries().first()));
                assert!(first_write.contains("cat <<EOF > p.yaml"), "{first_write}");
            }

            // A tab edited before the write: the command writes the edit after it, as
            // it would have with the scenario's text written at once.
            let pg = Playground::new(1);
            pg.set_file_after_boot("p.yaml", text);
            let edited = text.replace("name: a", "name: b");
            pg.stage_file("p.yaml", &edited);
            let out = pg.run("kubectl apply -f p.yaml", None, "console");
            assert_eq!(out.text, "pod/b created\n");
            let n = pg.engine.with_value(|e| e.timeline.entries().len());
            assert_eq!(n, 3, "{}", entries(&pg));

            // Work put off runs once, in order.
            let pg = Playground::new(1);
            let log = StoredValue::new_local(Vec::new());
            pg.after_boot(move || log.update_value(|l| l.push(1)));
            pg.after_boot(move || log.update_value(|l| l.push(2)));
            pg.finish_boot();
            pg.finish_boot();
            assert_eq!(log.get_value(), vec![1, 2]);
        });
    }

    #[test]
    fn a_checkpoint_is_left_to_a_frame_of_its_own() {
        let owner = Owner::new();
        owner.with(|| {
            let pg = Playground::new(1);
            let count = |pg: &Playground| pg.with_timeline(|t| t.checkpoint_count());
            let n = count(&pg);
            // Enough steps for a checkpoint: the command's work (natively in one slice)
            // only marks it due.
            pg.run(
                "kubectl create deployment web --image=nginx --replicas=60",
                None,
                "console",
            );
            assert!(!pg.pending());
            assert!(pg.chores() && pg.checkpoint_due(f64::INFINITY));
            assert_eq!(count(&pg), n);
            // The frame that takes it: the clock does not advance time in it.
            pg.work(|| false);
            assert_eq!(count(&pg), n + 1);
            assert!(!pg.chores());
            assert!(pg.checkpoint_due(f64::NEG_INFINITY) && !pg.checkpoint_due(f64::INFINITY));
            // Left due, the next command takes it before it changes anything.
            pg.run(
                "kubectl create deployment api --image=nginx --replicas=60",
                None,
                "console",
            );
            assert!(pg.checkpoint_due(f64::INFINITY));
            assert_eq!(count(&pg), n + 1);
            pg.run("kubectl get pods", None, "console");
            assert_eq!(count(&pg), n + 2);
        });
    }

    #[test]
    fn an_advance_of_the_clock_is_shown_by_the_next_frame() {
        let owner = Owner::new();
        owner.with(|| {
            let pg = Playground::new(1);
            pg.run(
                "kubectl create deployment web --image=nginx",
                None,
                "console",
            );
            let v = pg.version.get_untracked();
            let now = pg.now();
            assert!(pg.advance_frame(500, || false));
            assert_eq!(pg.now(), now + 500);
            assert_eq!(pg.version.get_untracked(), v, "advanced, not drawn");
            pg.play_frame(500, || false);
            assert!(
                pg.version.get_untracked() > v,
                "play_frame shows what it did"
            );
        });
    }

    #[test]
    fn a_sleep_can_be_scrubbed_into() {
        let owner = Owner::new();
        owner.with(|| {
            let pg = Playground::new(1);
            let start = pg.now();
            let out = pg.run("sleep 30s", None, "console");
            assert_eq!((out.code, out.text.as_str()), (0, ""));
            assert_eq!(pg.now(), start + 30_000);
            pg.view_at(start + 10_000);
            assert_eq!(pg.with_sim(|s| s.now), start + 10_000);
            // A sleep the shell refuses prints the shell's error.
            assert_eq!(plain_sleep("sleep"), None);
            assert_eq!(plain_sleep("sleep 1m 30s"), Some(90_000));
            assert_eq!(plain_sleep("sleep x"), None);
            assert_eq!(plain_sleep("sleepy 3"), None);
            let out = pg.run("sleep x", None, "console");
            assert_eq!(out.code, 1);
        });
    }
}

//! Time travel: a session's history (commands and plain advances of time) with
//! checkpoints, so any earlier moment can be rebuilt quickly — restore the nearest
//! checkpoint, replay the entries after it deterministically. The page's scrubber and
//! "replay from here" stand on this.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, Weak};

use crate::api::Object;
use crate::shell::{Output, Session};
use crate::time::Millis;

#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// A command line (with its heredoc) run at a virtual instant.
    Exec {
        at: Millis,
        line: String,
        stdin: Option<String>,
    },
    /// Time advanced with no command (the page's play button).
    Advance { at: Millis, ms: Millis },
}

impl Entry {
    pub fn at(&self) -> Millis {
        match self {
            Entry::Exec { at, .. } | Entry::Advance { at, .. } => *at,
        }
    }
}

#[derive(Clone)]
struct Checkpoint {
    /// Number of entries applied to reach this state.
    entries: usize,
    /// Absolute number of simulator steps recorded before this state (see
    /// [`Timeline::steps_recorded`]).
    steps_at: usize,
    /// Replay work done before this state (steps + events + entries × [`ENTRY_WORK`]).
    work_at: usize,
    /// The session, with an empty step log: the live session keeps the steps (a
    /// checkpoint shares the store's objects and the event log with it through `Arc`,
    /// so it costs the indices and what changed since, not a copy of everything).
    session: Session,
}

/// Take a checkpoint after this much replay work — simulator steps and events
/// ([`Timeline::progress`]) — since the last one (checked at every timer of an advance,
/// so one falls right after a busy instant)…
const CHECKPOINT_EVERY_STEPS: usize = 150;
/// …or after this many entries, whichever comes first.
const CHECKPOINT_EVERY_ENTRIES: usize = 64;
/// At most this many checkpoints: beyond it, the checkpoint whose removal leaves the
/// smallest gap (in replay work) goes, so memory stays bounded and gaps stay even.
pub const MAX_CHECKPOINTS: usize = 24;
/// Replay work of an entry beside its steps (parsing and running a command line).
const ENTRY_WORK: usize = 4;
/// A long advance is recorded in chunks so a seek replays at most this much time.
const ADVANCE_CHUNK_MS: Millis = 60_000;
/// The live step log is kept to at most this many steps (the oldest half is dropped when
/// it is exceeded); the page reads it for causal chains and "next change".
pub const MAX_STEPS: usize = 20_000;
/// The checkpoints keep this many pod versions of the past whole, the newest; older
/// ones have their status frozen ([`Timeline::start_freeze`]).
pub const THAWED_PAST: usize = 1_000;
/// A rebuilt past moment gets at most this many of the steps before its checkpoint.
const PAST_STEPS: usize = 5_000;
/// [`Timeline::tidy`] frees this many replaced pod versions between two questions.
const FREE_AT_ONCE: usize = 64;
/// The freeze asks `should_yield` at least every this many pod versions it visits.
const ASK_EVERY: usize = 64;
/// If no one calls [`Timeline::tidy`], what waits to be freed is freed at the next
/// checkpoint beyond about this many pod versions (or this many thousandths of sessions).
const LEFT_TO_FREE: usize = 8_000;

pub struct Timeline {
    pub session: Session,
    entries: Vec<Entry>,
    checkpoints: Vec<Checkpoint>,
    steps_since_checkpoint: usize,
    /// Steps dropped from the front of the live step log.
    steps_dropped: usize,
    /// Replay work of the whole history (steps + events + entries × ENTRY_WORK).
    work: usize,
    /// The last entry, while the simulator work it began is pending (`exec_sliced`,
    /// `advance_sliced`): its [`Timeline::progress`] before it, and its minimum work. Its
    /// bookkeeping (and any checkpoint) waits until the work is done, so checkpoints
    /// only ever hold settled states.
    open: Option<(usize, usize)>,
    /// The pod versions the last restored checkpoint thawed, by the address of their
    /// frozen copy (kept alive here, so the address stays theirs): scrubbing within one
    /// checkpoint's stretch of time thaws them once, and the next checkpoint thaws only
    /// the versions it does not share with it. Only the versions of the checkpoint being
    /// restored are kept (the others go before it thaws anything), so this holds no
    /// more than the shown past shares anyway; emptied when the present moves on.
    thawed: Mutex<HashMap<usize, (Arc<Object>, Arc<Object>)>>,
    /// Statuses thawed for a checkpoint restored before and no longer held, kept to thaw
    /// others over (`frozen::thaw_into`) instead of freeing them now and allocating as
    /// many later. With the cache above, never more trees than one thawed checkpoint
    /// held; emptied with it ([`Timeline::forget_thawed`]).
    spare: Mutex<Vec<serde_json::Value>>,
    /// How many past pod versions stay whole ([`THAWED_PAST`] unless a measurement
    /// or a test changes it; `usize::MAX`: none is frozen).
    thawed_past: usize,
    /// [`CHECKPOINT_EVERY_STEPS`] unless a measurement changes it.
    every_steps: usize,
    /// [`MAX_CHECKPOINTS`] unless a measurement changes it.
    max_checkpoints: usize,
    /// A checkpoint is due and not taken yet: the work in slices (the page) closes an
    /// entry at the end of a frame's slice, and the session's clone would make that
    /// frame long, so it is taken before anything changes the session (every door that
    /// changes it calls [`Timeline::finish`] first) or by [`Timeline::tidy`] in a frame
    /// of its own. Nothing reads a checkpoint that is not taken: a moment after it is
    /// rebuilt from the checkpoint before, with more replay (the same state).
    due: bool,
    /// The freeze of the past pod versions ([`Timeline::start_freeze`]) in progress,
    /// done a slice at a time by [`Timeline::tidy`].
    freezing: Option<Freezing>,
    /// Checkpoints thinned out and sessions replaced, freed a slice at a time by
    /// [`Timeline::tidy`] (freeing a thousand pod versions at once is a long frame).
    graveyard: Vec<Session>,
}

/// The state of a freeze of the past done in slices ([`Timeline::start_freeze`]).
#[derive(Default)]
struct Freezing {
    /// The checkpoints still to visit are `..next` (newest first; the newest checkpoint
    /// is the present's copy and is never visited).
    next: usize,
    /// By the address of the original: (a weak handle on the original, so that no
    /// other version can take its address while the freeze goes on — new versions are
    /// made between its slices; its frozen copy). Weak, not strong: the original's
    /// status goes as soon as the last checkpoint holding it has its frozen copy, and
    /// only its small allocation waits (a freeze under way held every original whole
    /// beside its copy, and a jump thawed on top of both: BENCHMARKS.md, "Jump,
    /// session 8").
    done: HashMap<usize, (Weak<Object>, Arc<Object>)>,
    /// Past versions left whole, newest first, held weakly for the same reason.
    kept: HashMap<usize, Weak<Object>>,
    /// Once every checkpoint is visited: the originals' handles, freed a few at a time.
    freeing: Vec<(Weak<Object>, Arc<Object>)>,
    /// The visit of checkpoint `next - 1` was cut before this pod: it goes on from here.
    resume: Option<crate::api::ObjKey>,
}

impl Timeline {
    pub fn new(session: Session) -> Timeline {
        let mut t = Timeline {
            session,
            entries: vec![],
            checkpoints: vec![],
            steps_since_checkpoint: 0,
            steps_dropped: 0,
            work: 0,
            open: None,
            thawed: Mutex::new(HashMap::new()),
            spare: Mutex::new(vec![]),
            thawed_past: THAWED_PAST,
            every_steps: CHECKPOINT_EVERY_STEPS,
            max_checkpoints: MAX_CHECKPOINTS,
            due: false,
            freezing: None,
            graveyard: vec![],
        };
        t.checkpoint();
        // One checkpoint: no past to freeze.
        t.freezing = None;
        t
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn now(&self) -> Millis {
        self.session.sim.now
    }

    /// The earliest moment of the history.
    pub fn start(&self) -> Millis {
        self.checkpoints[0].session.sim.now
    }

    /// How many checkpoints the timeline holds (bounded by [`MAX_CHECKPOINTS`]).
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// The checkpoints' sessions, oldest first (for measuring what they hold): their pod
    /// versions of the past are frozen ([`crate::api::Object::is_frozen`]).
    pub fn checkpoint_sessions(&self) -> impl Iterator<Item = &Session> + '_ {
        self.checkpoints.iter().map(|c| &c.session)
    }

    /// Steps recorded since the history began, including those dropped from the log.
    pub fn steps_recorded(&self) -> usize {
        self.steps_dropped + self.session.sim.steps.len()
    }

    /// The replay work done so far, for the checkpoints' spacing: the steps recorded and
    /// the events (repeats counted). Steps alone missed the kubelet's busy instants — a
    /// thousand containers pulled, created and started write a thousand events each and
    /// no step until the pods' statuses change — so a jump after one replayed it from a
    /// checkpoint before it (17–22 ms natively; BENCHMARKS.md, "Jump, session 10").
    /// Only differences are used, taken within one entry.
    fn progress(&self) -> usize {
        self.steps_recorded() + self.session.sim.events_recorded() as usize
    }

    fn checkpoint(&mut self) {
        self.due = false;
        // Clone without the step log (it stays with the live session).
        let steps = std::mem::take(&mut self.session.sim.steps);
        let session = self.session.clone();
        self.session.sim.steps = steps;
        self.forget_thawed();
        self.checkpoints.push(Checkpoint {
            entries: self.entries.len(),
            steps_at: self.steps_recorded(),
            work_at: self.work,
            session,
        });
        self.steps_since_checkpoint = 0;
        if self.graveyard.len() >= LEFT_TO_FREE / 1_000 {
            self.graveyard.clear();
        }
        self.thin();
        self.start_freeze();
    }

    /// Takes the checkpoint that is due ([`Timeline::due`]), if one is.
    fn take_due(&mut self) {
        if self.due {
            self.checkpoint();
        }
    }

    /// Whether a checkpoint is due and not taken yet (the page gives it a frame of its
    /// own, [`Timeline::tidy`]).
    pub fn checkpoint_due(&self) -> bool {
        self.due
    }

    /// Whether [`Timeline::tidy`] has something to do: a checkpoint due, a freeze of the
    /// past under way, thinned checkpoints to free. None of it changes any state the
    /// timeline shows or rebuilds; it is the memory and the replay length that wait.
    pub fn chores(&self) -> bool {
        self.due || self.freezing.is_some() || !self.graveyard.is_empty()
    }

    /// Does the timeline's chores ([`Timeline::chores`]) until `should_yield` says stop
    /// (asked between pieces: the checkpoint's clone, a pod version frozen, a session
    /// freed); returns whether none is left. Only once the simulator's work is done
    /// (a checkpoint holds settled states): with work pending, does nothing.
    pub fn tidy(&mut self, mut should_yield: impl FnMut() -> bool) -> bool {
        if self.busy() {
            return !self.chores();
        }
        if self.due {
            // Its own piece: the caller gives it the start of a frame.
            self.checkpoint();
            if should_yield() {
                return !self.chores();
            }
        }
        if !self.freeze_some(&mut should_yield) {
            return false;
        }
        while !self.graveyard.is_empty() {
            if should_yield() {
                return false;
            }
            self.graveyard.pop();
        }
        true
    }

    /// Does every chore now ([`Timeline::tidy`] never told to stop).
    pub fn tidy_all(&mut self) {
        self.finish();
        self.tidy(|| false);
    }

    /// Freezes the status of the pod versions the checkpoints hold that the present no
    /// longer does ([`Object::frozen`]) — beyond the newest [`THAWED_PAST`] of them:
    /// about 7 KB natively as a JSON tree, a few hundred bytes frozen, and most versions
    /// a checkpoint holds are of the past (after 1,000 pods were created, each
    /// checkpoint of the way holds 1,000 of its own). Versions the present still holds
    /// stay shared with it; a version held by several checkpoints gets one frozen copy.
    /// [`Timeline::state_at`] thaws what it restores, which costs a jump about what
    /// copying those statuses would: a history of a few hundred pods freezes nothing.
    ///
    /// Begun at every checkpoint (a freeze under way starts over: the checkpoints
    /// changed) and done in slices ([`Timeline::freeze_some`]): a version frozen stays
    /// frozen, so starting over only visits again what the last one saw. Frozen or not,
    /// a checkpoint restores to the same session, so a freeze cut anywhere changes no
    /// state, only memory.
    fn start_freeze(&mut self) {
        if self.thawed_past == usize::MAX {
            return;
        }
        let mut f = Freezing {
            next: self.checkpoints.len().saturating_sub(1),
            ..Freezing::default()
        };
        if let Some(old) = self.freezing.take() {
            // The versions the old freeze froze keep their one frozen copy: a version it
            // froze in a newer checkpoint and had not reached yet in an older one is
            // replaced there by the same copy. (Unless no one tidies: then what waits
            // is not let grow.)
            f.freeing = old.freeing;
            if old.done.len() < LEFT_TO_FREE {
                f.done = old.done;
            } else {
                f.freeing.extend(old.done.into_values());
            }
            if f.freeing.len() >= LEFT_TO_FREE {
                f.freeing = vec![];
            }
        }
        self.freezing = Some(f);
    }

    /// Continues the freeze of the past ([`Timeline::start_freeze`]) until
    /// `should_yield` (asked before each checkpoint visited, each version frozen, every
    /// [`ASK_EVERY`] versions visited and every [`FREE_AT_ONCE`] freed); returns whether
    /// it is done.
    fn freeze_some(&mut self, should_yield: &mut impl FnMut() -> bool) -> bool {
        let Some(f) = self.freezing.as_mut() else {
            return true;
        };
        let budget = self.thawed_past;
        let present = &self.session.sim.store;
        f.next = f.next.min(self.checkpoints.len());
        while f.next > 0 {
            if should_yield() {
                return false;
            }
            let mut cut = false;
            let mut seen = 0usize;
            let (done, kept, resume) = (&mut f.done, &mut f.kept, &mut f.resume);
            self.checkpoints[f.next - 1]
                .session
                .sim
                .store
                .swap_each("Pod", |key, o| {
                    if cut || resume.as_ref().is_some_and(|r| key < r) {
                        return None;
                    }
                    seen += 1;
                    if seen % ASK_EVERY == 0 && should_yield() {
                        cut = true;
                        *resume = Some(key.clone());
                        return None;
                    }
                    if o.is_frozen() || present.get(key).is_some_and(|p| std::ptr::eq(p, &**o)) {
                        return None;
                    }
                    let at = Arc::as_ptr(o) as usize;
                    if let Some((_, f)) = done.get(&at) {
                        return Some(f.clone());
                    }
                    if kept.contains_key(&at) {
                        return None;
                    }
                    if kept.len() < budget {
                        kept.insert(at, Arc::downgrade(o));
                        return None;
                    }
                    if should_yield() {
                        cut = true;
                        *resume = Some(key.clone());
                        return None;
                    }
                    let z = Arc::new(o.frozen()?);
                    done.insert(at, (Arc::downgrade(o), z.clone()));
                    Some(z)
                });
            if cut {
                return false;
            }
            f.resume = None;
            f.next -= 1;
        }
        f.freeing.extend(std::mem::take(&mut f.done).into_values());
        f.kept = HashMap::new();
        while !f.freeing.is_empty() {
            if should_yield() {
                return false;
            }
            let n = f.freeing.len().saturating_sub(FREE_AT_ONCE);
            f.freeing.truncate(n);
        }
        self.freezing = None;
        true
    }

    /// A checkpoint's session made whole: its frozen pod versions thawed (once while
    /// the same checkpoint is restored again and again; see `thawed`).
    fn restore(&self, cp: &Checkpoint) -> Session {
        let mut cache = self.thawed.lock().unwrap_or_else(|e| e.into_inner());
        let mut s = cp.session.clone();
        // The versions this checkpoint does not hold go before any is thawed.
        let mut ours = HashSet::new();
        s.sim.store.swap_each("Pod", |_, o| {
            if o.is_frozen() {
                ours.insert(Arc::as_ptr(o) as usize);
            }
            None
        });
        // The statuses thawed for the checkpoint restored before, which this one does not
        // hold, are thawed over rather than freed (a thousand trees freed and as many
        // allocated were most of a jump, BENCHMARKS.md "Jump, session 6").
        let gone: Vec<usize> = cache
            .keys()
            .filter(|at| !ours.contains(at))
            .copied()
            .collect();
        let mut spare = self.spare.lock().unwrap_or_else(|e| e.into_inner());
        spare.extend(
            gone.into_iter()
                .filter_map(|at| cache.remove(&at))
                .filter_map(|(_, t)| Object::into_status(t)),
        );
        s.sim.store.swap_each("Pod", |_, o| {
            let at = Arc::as_ptr(o) as usize;
            if let Some((_, t)) = cache.get(&at) {
                return Some(t.clone());
            }
            if !o.is_frozen() {
                return None;
            }
            let t = Arc::new(o.thawed_over(spare.pop())?);
            cache.insert(at, (o.clone(), t.clone()));
            Some(t)
        });
        s
    }

    /// Keeps `n` past pod versions whole instead of [`THAWED_PAST`] (`usize::MAX`:
    /// freezes none) from the next checkpoint on, to measure what freezing saves and
    /// costs (`examples/history.rs`).
    pub fn set_thawed_past(&mut self, n: usize) {
        self.thawed_past = n;
    }

    /// Takes a checkpoint every `n` steps instead of [`CHECKPOINT_EVERY_STEPS`], to
    /// measure what the checkpoints' density costs and saves (`examples/history.rs`).
    pub fn set_checkpoint_every_steps(&mut self, n: usize) {
        self.every_steps = n.max(1);
    }

    /// Holds at most `n` checkpoints instead of [`MAX_CHECKPOINTS`], to measure what
    /// their number costs and saves (`examples/history.rs`).
    pub fn set_max_checkpoints(&mut self, n: usize) {
        self.max_checkpoints = n.max(2);
    }

    /// Drops the thawed copy of the checkpoint restored last (see `thawed`).
    pub fn forget_thawed(&self) {
        self.thawed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        *self.spare.lock().unwrap_or_else(|e| e.into_inner()) = vec![];
    }

    /// Drops checkpoints beyond [`MAX_CHECKPOINTS`]: each time the one (never the first
    /// or the last) whose neighbours are closest in replay work.
    fn thin(&mut self) {
        while self.checkpoints.len() > self.max_checkpoints {
            let c = &self.checkpoints;
            let Some(i) = (1..c.len() - 1).min_by_key(|&i| c[i + 1].work_at - c[i - 1].work_at)
            else {
                return;
            };
            let gone = self.checkpoints.remove(i);
            self.graveyard.push(gone.session);
        }
    }

    /// The bookkeeping after an entry; a checkpoint, if one is due, is taken now, or
    /// with `defer` only marked due ([`Timeline::due`]).
    fn after_entry(&mut self, steps: usize, defer: bool) {
        self.steps_since_checkpoint += steps;
        self.work += steps + ENTRY_WORK;
        let steps = &mut self.session.sim.steps;
        if steps.len() > MAX_STEPS {
            let drop = steps.len() - MAX_STEPS / 2;
            steps.drain(..drop);
            self.steps_dropped += drop;
        }
        let last = self.checkpoints.last().map_or(0, |c| c.entries);
        if self.steps_since_checkpoint >= self.every_steps
            || self.entries.len() - last >= CHECKPOINT_EVERY_ENTRIES
        {
            self.due = true;
            if !defer {
                self.checkpoint();
                // At once, as before checkpoints could wait: whoever does not work in
                // slices gets every chore done with the entry.
                self.freeze_some(&mut || false);
                self.graveyard.clear();
            }
        }
    }

    /// Runs a command and records it.
    pub fn exec(&mut self, line: &str, stdin: Option<&str>) -> Output {
        self.finish();
        let before = self.progress();
        let at = self.session.sim.now;
        let out = self.session.exec(line, stdin);
        self.entries.push(Entry::Exec {
            at,
            line: line.to_string(),
            stdin: stdin.map(str::to_string),
        });
        let steps = self.progress().saturating_sub(before);
        self.after_entry(steps.max(1), false);
        out
    }

    /// Advances time with no command, recorded in chunks: at most
    /// [`ADVANCE_CHUNK_MS`] each, and cut after the timer at which enough steps
    /// happened for a checkpoint, so a jump never replays a busy instant it does not need.
    pub fn advance(&mut self, ms: Millis) {
        // The sliced advance never told to yield: the same chunks, entries and checkpoints.
        let done = self.advance_in(ms, || false, false);
        debug_assert!(done, "an advance that never yields leaves no work pending");
    }

    // ----- work in slices (the page) ------------------------------------------------

    /// Runs a command as [`Timeline::exec`] does, except that the settle at its end is
    /// left pending: [`Timeline::work`] does it in slices. The output is the same (a
    /// command prints before it settles).
    pub fn exec_sliced(&mut self, line: &str, stdin: Option<&str>) -> Output {
        self.finish();
        let before = self.progress();
        let at = self.session.sim.now;
        self.session.sim.defer_settle = true;
        let out = self.session.exec(line, stdin);
        self.session.sim.defer_settle = false;
        self.entries.push(Entry::Exec {
            at,
            line: line.to_string(),
            stdin: stdin.map(str::to_string),
        });
        self.open = Some((before, 1));
        if !self.session.sim.busy() {
            self.close();
        }
        out
    }

    /// Advances time as [`Timeline::advance`] does, doing the work of each timer until
    /// `should_yield`; if it says stop with work pending, the advance ends at the instant
    /// being worked on (the rest of `ms` is not advanced), its entry is recorded as
    /// reaching that instant, and [`Timeline::work`] carries on. Returns whether it
    /// finished (nothing pending). It also ends, with nothing pending, at the end of the
    /// chunk after which a checkpoint is due: the checkpoint is not taken in the same
    /// frame as the work ([`Timeline::tidy`], or the next call, takes it), and the rest
    /// of `ms` is not advanced, as when it yields.
    pub fn advance_sliced(&mut self, ms: Millis, should_yield: impl FnMut() -> bool) -> bool {
        self.advance_in(ms, should_yield, true)
    }

    fn advance_in(
        &mut self,
        ms: Millis,
        mut should_yield: impl FnMut() -> bool,
        defer: bool,
    ) -> bool {
        self.finish();
        let end = self.session.sim.now + ms.max(0);
        while self.session.sim.now < end {
            let at = self.session.sim.now;
            let chunk_end = (at + ADVANCE_CHUNK_MS).min(end);
            let before = self.progress();
            loop {
                let sim = &mut self.session.sim;
                let stop = match sim.next_wake() {
                    Some(w) if w.max(sim.now + 1) < chunk_end => w.max(sim.now + 1),
                    _ => chunk_end,
                };
                sim.begin_advance(stop - sim.now);
                if !sim.work(&mut should_yield) {
                    self.entries.push(Entry::Advance { at, ms: stop - at });
                    self.open = Some((before, 0));
                    return false;
                }
                let steps = (self.steps_dropped + sim.steps.len() + sim.events_recorded() as usize)
                    .saturating_sub(before);
                if stop >= chunk_end || self.steps_since_checkpoint + steps >= self.every_steps {
                    break;
                }
            }
            self.entries.push(Entry::Advance {
                at,
                ms: self.session.sim.now - at,
            });
            let steps = self.progress().saturating_sub(before);
            self.after_entry(steps, defer);
            if self.due {
                break;
            }
        }
        true
    }

    /// Whether the last entry's simulator work is still pending.
    pub fn busy(&self) -> bool {
        self.session.sim.busy()
    }

    /// Continues the pending work until done (true) or `should_yield` (see
    /// [`crate::sim::Sim::work`]).
    pub fn work(&mut self, should_yield: impl FnMut() -> bool) -> bool {
        let done = self.session.sim.work(should_yield);
        if done {
            self.close();
        }
        done
    }

    /// Does the pending work in one go, and takes the checkpoint that is due (not the
    /// other chores: [`Timeline::tidy`]). Everything that needs a settled state, and
    /// everything that changes the session, calls it first.
    pub fn finish(&mut self) {
        self.session.sim.finish();
        self.close();
        self.take_due();
    }

    /// The bookkeeping of the entry whose work just finished; a checkpoint is only
    /// marked due (this ends a slice of work: [`Timeline::due`]).
    fn close(&mut self) {
        if let Some((before, min)) = self.open.take() {
            let steps = self.progress().saturating_sub(before);
            self.after_entry(steps.max(min), true);
        }
    }

    /// The session as it was at virtual time `t`: every entry that started before `t`
    /// applied, an advance that spans `t` cut at `t`. Commands at exactly `t` are
    /// included. Does not change the timeline. Its step log holds the steps replayed
    /// after the nearest checkpoint, after at most [`PAST_STEPS`] of those before it.
    pub fn state_at(&self, t: Millis) -> Session {
        self.state_at_timed(t, &mut || 0.0).0
    }

    /// [`Timeline::state_at`], with the clock read between its parts (a measurement,
    /// `examples/history.rs`): the times of the restore (clone and thaw), the steps'
    /// copy and the replay, the checkpoint's index and the steps replayed.
    #[doc(hidden)]
    pub fn state_at_timed(
        &self,
        t: Millis,
        clock: &mut dyn FnMut() -> f64,
    ) -> (Session, [f64; 3], usize, usize) {
        let c0 = clock();
        // The last checkpoint taken at or before t (the first one always qualifies).
        let ci = self
            .checkpoints
            .iter()
            .rposition(|c| c.session.sim.now <= t)
            .unwrap_or(0);
        let cp = &self.checkpoints[ci];
        let mut s = self.restore(cp);
        let c1 = clock();
        let live = &self.session.sim.steps;
        let upto = cp
            .steps_at
            .saturating_sub(self.steps_dropped)
            .min(live.len());
        s.sim.steps = live[upto.saturating_sub(PAST_STEPS)..upto].to_vec();
        let c2 = clock();
        let before = s.sim.steps.len();
        for e in &self.entries[cp.entries..] {
            if e.at() > t {
                break;
            }
            match e {
                Entry::Exec { line, stdin, .. } => {
                    s.exec(line, stdin.as_deref());
                }
                Entry::Advance { at, ms } => {
                    let until = (*at + *ms).min(t);
                    s.sim.advance(until - s.sim.now);
                }
            }
        }
        let c3 = clock();
        let replayed = s.sim.steps.len() - before;
        (s, [c1 - c0, c2 - c1, c3 - c2], ci, replayed)
    }

    /// Goes back to `t` for good: the history after it is dropped ("replay from here").
    pub fn rewind_to(&mut self, t: Millis) {
        self.finish();
        let s = self.state_at(t);
        self.forget_thawed();
        let keep = self.entries.iter().take_while(|e| e.at() <= t).count();
        // An advance that spans t is cut, so the kept history replays to exactly `s`.
        if let Some(Entry::Advance { at, ms }) = self.entries.get_mut(keep.wrapping_sub(1)) {
            if *at + *ms > t {
                *ms = t - *at;
            }
        }
        self.entries.truncate(keep);
        let (kept, gone): (Vec<Checkpoint>, Vec<Checkpoint>) =
            std::mem::take(&mut self.checkpoints)
                .into_iter()
                .partition(|c| c.entries <= keep && c.session.sim.now <= t);
        self.checkpoints = kept;
        self.graveyard.extend(gone.into_iter().map(|c| c.session));
        if self.checkpoints.is_empty() {
            unreachable!("the first checkpoint is at the start of the history");
        }
        // The freeze under way counted the checkpoints dropped.
        if self.freezing.is_some() {
            self.start_freeze();
        }
        // The rebuilt session's step log is the live one up to `t`, so causal chains
        // and the work count carry on from there.
        let mut s = s;
        let upto = self.session.sim.steps.partition_point(|x| x.time <= t);
        self.session.sim.steps.truncate(upto);
        s.sim.steps = std::mem::take(&mut self.session.sim.steps);
        let old = std::mem::replace(&mut self.session, s);
        self.graveyard.push(old);
        self.work = self.checkpoints.last().map_or(0, |c| c.work_at);
        self.steps_since_checkpoint = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(s: &Session) -> String {
        let mut out = format!("now={}\n", s.sim.now);
        for o in s.sim.store.all() {
            out.push_str(&serde_json::to_string(&o.to_json()).unwrap());
            out.push('\n');
        }
        out
    }

    #[test]
    fn seeking_equals_replaying_from_scratch() {
        let mut t = Timeline::new(Session::new(3));
        let start = t.now();
        t.exec(
            "kubectl create deployment web --image=nginx --replicas=3",
            None,
        );
        t.advance(45_000);
        let mid = t.now();
        t.exec("kubectl scale deployment web --replicas=1", None);
        t.advance(200_000);
        for _ in 0..40 {
            t.exec("kubectl get pods", None);
        }
        t.advance(10_000);
        // A moment inside the first advance.
        let inside = start + 20_000;
        let mut fresh = Session::new(3);
        fresh.exec(
            "kubectl create deployment web --image=nginx --replicas=3",
            None,
        );
        fresh.sim.advance(20_000);
        assert_eq!(fingerprint(&t.state_at(inside)), fingerprint(&fresh));
        // The end.
        assert_eq!(fingerprint(&t.state_at(t.now())), fingerprint(&t.session));
        // Rewind and the history continues from there.
        t.rewind_to(mid);
        assert_eq!(t.now(), mid);
        t.advance(1_000);
        assert_eq!(t.now(), mid + 1_000);
    }

    /// A jump replays less than a checkpoint's worth of work before the instant it
    /// lands in: the kubelet's busy instants (containers pulled, created, started: an
    /// event each and no step until the statuses are written) count, so a checkpoint
    /// follows them (BENCHMARKS.md, "Jump, session 10").
    #[test]
    fn a_jump_replays_less_than_a_checkpoints_worth_before_its_instant() {
        let mut t = Timeline::new(Session::new(7));
        t.set_checkpoint_every_steps(150);
        let start = t.now();
        t.exec(
            "kubectl create deployment web --image=nginx --replicas=120",
            None,
        );
        // Played frame by frame, as the page's clock does.
        for _ in 0..120 {
            t.advance(250);
        }
        t.exec("kubectl scale deployment web --replicas=0", None);
        for _ in 0..160 {
            t.advance(250);
        }
        // The work a jump to `at` replays after its checkpoint: steps and events.
        let replayed = |at: Millis| {
            let (s, _, cp, steps) = t.state_at_timed(at, &mut || 0.0);
            let events = s.sim.events_recorded() - t.checkpoints[cp].session.sim.events_recorded();
            (cp, steps + events as usize)
        };
        let mut most = 0;
        let mut at = start + 1;
        while at < t.now() {
            let (cp, work) = replayed(at);
            // Up to the instant before: the same checkpoint, less than its worth.
            let (cp_before, before) = replayed(at - 1);
            if cp_before == cp {
                assert!(before < 150, "{before} replayed before {}", at - start);
                most = most.max(work);
            }
            at += 37;
        }
        // The history has busy instants (more than a checkpoint's worth in one).
        assert!(most >= 100, "{most}");
    }

    #[test]
    fn checkpoints_stay_bounded_and_seeking_still_equals_replaying() {
        let mut t = Timeline::new(Session::new(5));
        // Every past pod version frozen, so that every jump below thaws.
        t.set_thawed_past(0);
        let start = t.now();
        let mut lines = vec![];
        for i in 0..30 {
            let line = if i % 2 == 0 {
                "kubectl create deployment web --image=nginx --replicas=40".to_string()
            } else {
                "kubectl delete deployment web".to_string()
            };
            t.exec(&line, None);
            lines.push((t.now(), line));
            // Played frame by frame, as the page's clock does.
            for _ in 0..40 {
                t.advance(250);
            }
        }
        assert!(
            t.checkpoint_count() <= MAX_CHECKPOINTS,
            "{}",
            t.checkpoint_count()
        );
        assert!(t.steps_recorded() > 2_000);
        for frac in [1, 3, 5, 7, 9] {
            let at = start + (t.now() - start) * frac / 10;
            let mut fresh = Session::new(5);
            for (when, line) in &lines {
                if *when > at {
                    break;
                }
                fresh.sim.advance(*when - fresh.sim.now);
                fresh.exec(line, None);
            }
            fresh.sim.advance(at - fresh.sim.now);
            assert_eq!(
                fingerprint(&t.state_at(at)),
                fingerprint(&fresh),
                "at {frac}/10"
            );
        }
        assert_eq!(fingerprint(&t.state_at(t.now())), fingerprint(&t.session));
        // The past's pod versions are frozen in the checkpoints; never in the present
        // or in a rebuilt moment.
        let frozen = |s: &Session| {
            s.sim
                .store
                .list_all("Pod")
                .filter(|p| p.is_frozen())
                .count()
        };
        assert!(t.checkpoint_sessions().map(frozen).sum::<usize>() > 0);
        assert_eq!(frozen(&t.session), 0);
        let mid = start + (t.now() - start) / 2;
        assert_eq!(frozen(&t.state_at(mid)), 0);
        // Again, from the thawed copy kept of the checkpoint: the same moment.
        assert_eq!(fingerprint(&t.state_at(mid)), fingerprint(&t.state_at(mid)));
        assert_eq!(fingerprint(&t.state_at(mid + 1)), {
            t.forget_thawed();
            fingerprint(&t.state_at(mid + 1))
        });
    }

    /// The pod versions the checkpoints hold, as distinct allocations: (all, frozen,
    /// whole and neither the present's nor the newest checkpoint's — the freeze never
    /// visits the newest checkpoint, the present's copy, though the present may have
    /// replaced some of its versions since). A version frozen twice, or a frozen copy
    /// not shared by the checkpoints holding it, makes `all` grow.
    fn held(t: &Timeline) -> (usize, usize, usize) {
        let (mut all, mut frozen, mut whole) = (HashSet::new(), HashSet::new(), HashSet::new());
        let present = &t.session.sim.store;
        let newest: HashSet<usize> = t
            .checkpoints
            .last()
            .map(|c| {
                c.session
                    .sim
                    .store
                    .list_all("Pod")
                    .map(|p| p as *const Object as usize)
                    .collect()
            })
            .unwrap_or_default();
        for s in t.checkpoint_sessions() {
            for p in s.sim.store.list_all("Pod") {
                let at = p as *const Object as usize;
                all.insert(at);
                if p.is_frozen() {
                    frozen.insert(at);
                } else if !newest.contains(&at)
                    && !present
                        .get(&crate::api::ObjKey::new(
                            "Pod",
                            &p.meta.namespace,
                            &p.meta.name,
                        ))
                        .is_some_and(|q| std::ptr::eq(q, p))
                {
                    whole.insert(at);
                }
            }
        }
        (all.len(), frozen.len(), whole.len())
    }

    /// A budget of `n` questions.
    fn questions(n: usize) -> impl FnMut() -> bool {
        let mut asked = 0;
        move || {
            asked += 1;
            asked > n
        }
    }

    /// The page's way (work in slices, chores in slices, or left to the next command)
    /// against the atomic one: no slice of work takes a checkpoint, and yet the
    /// checkpoints are the same states, the past as frozen, every moment the same.
    fn deferred_checkpoints(tidy_every_time: bool) {
        let mut atomic = Timeline::new(Session::new(11));
        let mut sliced = Timeline::new(Session::new(11));
        for t in [&mut atomic, &mut sliced] {
            t.set_thawed_past(25);
            t.set_checkpoint_every_steps(60);
        }
        let start = atomic.now();
        let mut rng = crate::rng::Rng::new(if tidy_every_time { 3 } else { 4 });
        let mut deferred = 0;
        for i in 0..24 {
            let line = match i % 3 {
                0 => "kubectl create deployment web --image=nginx --replicas=45",
                1 => "kubectl scale deployment web --replicas=20",
                _ => "kubectl delete deployment web",
            };
            atomic.exec(line, None);
            let n = sliced.checkpoint_count();
            sliced.exec_sliced(line, None);
            while !sliced.work(questions(1 + rng.below(6) as usize)) {
                assert_eq!(
                    sliced.checkpoint_count(),
                    n,
                    "a slice of work took a checkpoint"
                );
            }
            assert_eq!(
                sliced.checkpoint_count(),
                n,
                "a slice of work took a checkpoint"
            );
            deferred += sliced.checkpoint_due() as usize;
            // A chore or two a frame (every chore done, or a few frames of them and the
            // rest left to the next command); between frames the past is read.
            let frames_left = if tidy_every_time {
                usize::MAX
            } else {
                [0, 1, 4, 20][rng.below(4) as usize]
            };
            let mut frames = 0;
            while frames < frames_left {
                if sliced.tidy(questions(rng.below(3) as usize)) {
                    assert!(!sliced.chores());
                    break;
                }
                frames += 1;
                if frames % 7 == 0 {
                    let at = start + rng.below((sliced.now() - start) as u64 + 1) as Millis;
                    assert_eq!(
                        fingerprint(&sliced.state_at(at)),
                        fingerprint(&atomic.state_at(at))
                    );
                }
                assert!(frames < 100_000);
            }
            if tidy_every_time {
                assert_eq!(sliced.checkpoint_count(), atomic.checkpoint_count());
                assert_eq!(held(&sliced), held(&atomic), "after {line}");
            }
            // The clock's advance, which is not sliced here (the next command's finish,
            // or this advance, takes a checkpoint still due).
            atomic.advance(30_000);
            sliced.advance(30_000);
        }
        assert!(deferred > 5, "{deferred}");
        sliced.tidy_all();
        assert_eq!(sliced.checkpoint_count(), atomic.checkpoint_count());
        for (i, (a, b)) in atomic
            .checkpoints
            .iter()
            .zip(&sliced.checkpoints)
            .enumerate()
        {
            assert_eq!(
                (a.entries, a.steps_at, a.work_at),
                (b.entries, b.steps_at, b.work_at)
            );
            assert_eq!(
                fingerprint(&atomic.restore(a)),
                fingerprint(&sliced.restore(b)),
                "checkpoint {i}"
            );
            assert_eq!(a.session.history, b.session.history, "checkpoint {i}");
        }
        let (a, b) = (held(&atomic), held(&sliced));
        assert!(a.1 > 100, "{a:?}");
        if tidy_every_time {
            assert_eq!(a, b);
        } else {
            // Freezes cut short leave other versions whole, never more of them, and never
            // two copies of one.
            assert_eq!(a.0, b.0, "{a:?} {b:?}");
            assert!(b.2 <= 25, "{b:?}");
        }
        for frac in 0..=10 {
            let at = start + (sliced.now() - start) * frac / 10;
            assert_eq!(
                fingerprint(&sliced.state_at(at)),
                fingerprint(&atomic.state_at(at))
            );
        }
    }

    #[test]
    fn checkpoints_wait_for_a_frame_of_their_own_and_are_the_same() {
        deferred_checkpoints(true);
    }

    #[test]
    fn checkpoints_left_to_the_next_command_are_the_same() {
        deferred_checkpoints(false);
    }

    #[test]
    fn a_sliced_advance_ends_where_a_checkpoint_is_due() {
        let mut t = Timeline::new(Session::new(2));
        t.set_checkpoint_every_steps(5);
        t.exec(
            "kubectl create deployment web --image=nginx --replicas=30",
            None,
        );
        let start = t.now();
        let mut checkpoints = t.checkpoint_count();
        let mut ends = 0;
        // Frame by frame: an advance that makes a checkpoint due ends there,
        // without it; the next one takes it before it changes anything.
        for _ in 0..400 {
            let due = t.checkpoint_due();
            let n = t.checkpoint_count();
            let before = t.now();
            // (Every other frame never told to yield: a busy instant then ends inside
            // the advance, not in `work`.)
            let done = if ends % 2 == 0 {
                t.advance_sliced(1_000, || false)
            } else {
                t.advance_sliced(1_000, questions(50))
            };
            if !due {
                assert_eq!(
                    t.checkpoint_count(),
                    n,
                    "an advance took a checkpoint after its work"
                );
            }
            if done && t.checkpoint_due() && t.now() < before + 1_000 {
                ends += 1;
            }
            while !t.work(questions(50)) {}
            checkpoints = checkpoints.max(t.checkpoint_count());
        }
        assert!(ends > 0);
        assert!(checkpoints > 3, "{checkpoints}");
        let mut fresh = Session::new(2);
        fresh.exec(
            "kubectl create deployment web --image=nginx --replicas=30",
            None,
        );
        let at = start + (t.now() - start) / 2;
        fresh.sim.advance(at - fresh.sim.now);
        assert_eq!(fingerprint(&t.state_at(at)), fingerprint(&fresh));
    }

    /// Six pods whose versions a checkpoint after every step shares, nothing thawed: the
    /// set-up of the freeze tests.
    fn six_pods_in_checkpoints(t: &mut Timeline) {
        t.set_thawed_past(0);
        t.set_checkpoint_every_steps(1);
        t.exec(
            "kubectl create deployment web --image=nginx --replicas=6",
            None,
        );
        t.advance(30_000);
        for _ in 0..3 {
            t.exec("kubectl get pods", None);
        }
    }

    #[test]
    fn a_freeze_under_way_keeps_no_replaced_original_alive() {
        // A freeze cut anywhere: every past pod version still alive is one some session
        // holds (a checkpoint, the present, a thinned one waiting to be freed), never
        // one only the freeze's bookkeeping holds — a replaced original's status is freed
        // at once, not kept whole beside its frozen copy until the freeze ends (the
        // wasm memory's high-water mark rose by both while the page jumped).
        for k in 0..120 {
            let mut t = Timeline::new(Session::new(5));
            six_pods_in_checkpoints(&mut t);
            t.exec_sliced("kubectl delete deployment web", None);
            while !t.work(|| false) {}
            assert!(t.checkpoint_due());
            // Weak handles on every version the checkpoints hold before the freeze.
            let mut before: Vec<Weak<Object>> = vec![];
            for c in &mut t.checkpoints {
                c.session.sim.store.swap_each("Pod", |_, o| {
                    before.push(Arc::downgrade(o));
                    None
                });
            }
            assert!(before.len() >= 6, "{}", before.len());
            t.tidy(questions(k));
            let mut held = HashSet::new();
            for s in t
                .checkpoint_sessions()
                .chain(t.graveyard.iter())
                .chain(std::iter::once(&t.session))
            {
                for p in s.sim.store.list_all("Pod") {
                    held.insert(p as *const Object as usize);
                }
            }
            for w in &before {
                if w.strong_count() > 0 {
                    assert!(
                        held.contains(&(w.as_ptr() as usize)),
                        "cut after {k} questions: a replaced version is kept whole by the freeze alone"
                    );
                }
            }
        }
    }

    #[test]
    fn a_freeze_cut_and_begun_again_freezes_each_version_once() {
        // Versions shared by several checkpoints, then past: a freeze cut after any
        // number of questions and begun again by the next checkpoint still gives each
        // one frozen copy, as the freeze in one go does.
        let build = six_pods_in_checkpoints;
        let mut atomic = Timeline::new(Session::new(5));
        build(&mut atomic);
        // The pods' versions the last four checkpoints share become past at once.
        atomic.exec("kubectl delete deployment web", None);
        atomic.exec("kubectl get pods", None);
        let want = held(&atomic);
        assert!(want.1 >= 6, "{want:?}");
        for k in 0..80 {
            let mut t = Timeline::new(Session::new(5));
            build(&mut t);
            t.exec_sliced("kubectl delete deployment web", None);
            while !t.work(|| false) {}
            assert!(t.checkpoint_due());
            t.tidy(questions(k));
            t.exec_sliced("kubectl get pods", None);
            t.tidy_all();
            assert_eq!(held(&t), want, "cut after {k} questions");
        }
    }
}

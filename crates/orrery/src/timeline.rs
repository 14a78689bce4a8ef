//! Time travel: a session's history (commands and plain advances of time) with
//! checkpoints, so any earlier moment can be rebuilt quickly — restore the nearest
//! checkpoint, replay the entries after it deterministically. The page's scrubber and
//! "replay from here" stand on this.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

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
    /// Replay work done before this state (steps + entries × [`ENTRY_WORK`]).
    work_at: usize,
    /// The session, with an empty step log: the live session keeps the steps (a
    /// checkpoint shares the store's objects and the event log with it through `Arc`,
    /// so it costs the indices and what changed since, not a copy of everything).
    session: Session,
}

/// Take a checkpoint after this many simulator steps since the last one (checked at
/// every timer of an advance, so one falls right after a busy instant)…
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
/// ones have their status frozen ([`Timeline::freeze_past`]).
pub const THAWED_PAST: usize = 1_000;
/// A rebuilt past moment gets at most this many of the steps before its checkpoint.
const PAST_STEPS: usize = 5_000;

pub struct Timeline {
    pub session: Session,
    entries: Vec<Entry>,
    checkpoints: Vec<Checkpoint>,
    steps_since_checkpoint: usize,
    /// Steps dropped from the front of the live step log.
    steps_dropped: usize,
    /// Replay work of the whole history (steps + entries × ENTRY_WORK).
    work: usize,
    /// The last entry, while the simulator work it began is pending (`exec_sliced`,
    /// `advance_sliced`): the step count before it, and its minimum step count. Its
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
        };
        t.checkpoint();
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

    fn checkpoint(&mut self) {
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
        self.thin();
        self.freeze_past();
    }

    /// Freezes the status of the pod versions the checkpoints hold that the present no
    /// longer does ([`Object::frozen`]) — beyond the newest [`THAWED_PAST`] of them:
    /// about 7 KB natively as a JSON tree, a few hundred bytes frozen, and most versions
    /// a checkpoint holds are of the past (after 1,000 pods were created, each
    /// checkpoint of the way holds 1,000 of its own). Versions the present still holds
    /// stay shared with it; a version held by several checkpoints gets one frozen copy.
    /// [`Timeline::state_at`] thaws what it restores, which costs a jump about what
    /// copying those statuses would: a history of a few hundred pods freezes nothing.
    fn freeze_past(&mut self) {
        let budget = self.thawed_past;
        if budget == usize::MAX {
            return;
        }
        let present = &self.session.sim.store;
        // By the address of the original: (the original, kept alive so that no other
        // version can take its address during the pass; its frozen copy).
        let mut done: HashMap<usize, (Arc<Object>, Arc<Object>)> = HashMap::new();
        // Past versions left whole, newest first (alive: their checkpoints keep them).
        let mut kept: HashSet<usize> = HashSet::new();
        let n = self.checkpoints.len();
        // The newest checkpoint is the present's copy: nothing in it is past yet.
        for c in self.checkpoints[..n.saturating_sub(1)].iter_mut().rev() {
            c.session.sim.store.swap_each("Pod", |key, o| {
                if o.is_frozen() || present.get(key).is_some_and(|p| std::ptr::eq(p, &**o)) {
                    return None;
                }
                let at = Arc::as_ptr(o) as usize;
                if let Some((_, f)) = done.get(&at) {
                    return Some(f.clone());
                }
                if kept.contains(&at) || kept.len() < budget && kept.insert(at) {
                    return None;
                }
                let f = Arc::new(o.frozen()?);
                done.insert(at, (o.clone(), f.clone()));
                Some(f)
            });
        }
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
            self.checkpoints.remove(i);
        }
    }

    fn after_entry(&mut self, steps: usize) {
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
            self.checkpoint();
        }
    }

    /// Runs a command and records it.
    pub fn exec(&mut self, line: &str, stdin: Option<&str>) -> Output {
        self.finish();
        let before = self.session.sim.steps.len();
        let at = self.session.sim.now;
        let out = self.session.exec(line, stdin);
        self.entries.push(Entry::Exec {
            at,
            line: line.to_string(),
            stdin: stdin.map(str::to_string),
        });
        let steps = self.session.sim.steps.len().saturating_sub(before);
        self.after_entry(steps.max(1));
        out
    }

    /// Advances time with no command, recorded in chunks: at most
    /// [`ADVANCE_CHUNK_MS`] each, and cut after the timer at which enough steps
    /// happened for a checkpoint, so a jump never replays a busy instant it does not need.
    pub fn advance(&mut self, ms: Millis) {
        // The sliced advance never told to yield: the same chunks, entries and checkpoints.
        let done = self.advance_sliced(ms, || false);
        debug_assert!(done, "an advance that never yields leaves no work pending");
    }

    // ----- work in slices (the page) ------------------------------------------------

    /// Runs a command as [`Timeline::exec`] does, except that the settle at its end is
    /// left pending: [`Timeline::work`] does it in slices. The output is the same (a
    /// command prints before it settles).
    pub fn exec_sliced(&mut self, line: &str, stdin: Option<&str>) -> Output {
        self.finish();
        let before = self.session.sim.steps.len();
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
    /// finished (nothing pending).
    pub fn advance_sliced(&mut self, ms: Millis, mut should_yield: impl FnMut() -> bool) -> bool {
        self.finish();
        let end = self.session.sim.now + ms.max(0);
        while self.session.sim.now < end {
            let at = self.session.sim.now;
            let chunk_end = (at + ADVANCE_CHUNK_MS).min(end);
            let before = self.session.sim.steps.len();
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
                let steps = sim.steps.len().saturating_sub(before);
                if stop >= chunk_end || self.steps_since_checkpoint + steps >= self.every_steps {
                    break;
                }
            }
            self.entries.push(Entry::Advance {
                at,
                ms: self.session.sim.now - at,
            });
            let steps = self.session.sim.steps.len().saturating_sub(before);
            self.after_entry(steps);
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

    /// Does the pending work in one go. Everything that needs a settled state calls it.
    pub fn finish(&mut self) {
        self.session.sim.finish();
        self.close();
    }

    /// The bookkeeping of the entry whose work just finished.
    fn close(&mut self) {
        if let Some((before, min)) = self.open.take() {
            let steps = self.session.sim.steps.len().saturating_sub(before);
            self.after_entry(steps.max(min));
        }
    }

    /// The session as it was at virtual time `t`: every entry that started before `t`
    /// applied, an advance that spans `t` cut at `t`. Commands at exactly `t` are
    /// included. Does not change the timeline. Its step log holds the steps replayed
    /// after the nearest checkpoint, after at most [`PAST_STEPS`] of those before it.
    pub fn state_at(&self, t: Millis) -> Session {
        // The last checkpoint taken at or before t (the first one always qualifies).
        let cp = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.session.sim.now <= t)
            .unwrap_or(&self.checkpoints[0]);
        let mut s = self.restore(cp);
        let live = &self.session.sim.steps;
        let upto = cp
            .steps_at
            .saturating_sub(self.steps_dropped)
            .min(live.len());
        s.sim.steps = live[upto.saturating_sub(PAST_STEPS)..upto].to_vec();
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
        s
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
        self.checkpoints
            .retain(|c| c.entries <= keep && c.session.sim.now <= t);
        if self.checkpoints.is_empty() {
            unreachable!("the first checkpoint is at the start of the history");
        }
        // The rebuilt session's step log is the live one up to `t`, so causal chains
        // and the work count carry on from there.
        let mut s = s;
        let upto = self.session.sim.steps.partition_point(|x| x.time <= t);
        self.session.sim.steps.truncate(upto);
        s.sim.steps = std::mem::take(&mut self.session.sim.steps);
        self.session = s;
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
}

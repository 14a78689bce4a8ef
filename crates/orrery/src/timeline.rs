//! Time travel: a session's history (commands and plain advances of time) with
//! checkpoints, so any earlier moment can be rebuilt quickly — restore the nearest
//! checkpoint, replay the entries after it deterministically. The page's scrubber and
//! "replay from here" stand on this.

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
    session: Session,
}

/// Take a checkpoint after this many simulator steps since the last one.
const CHECKPOINT_EVERY_STEPS: usize = 400;
/// …or after this many entries, whichever comes first.
const CHECKPOINT_EVERY_ENTRIES: usize = 32;
/// A long advance is recorded in chunks so a seek replays at most this much time.
const ADVANCE_CHUNK_MS: Millis = 60_000;

pub struct Timeline {
    pub session: Session,
    entries: Vec<Entry>,
    checkpoints: Vec<Checkpoint>,
    steps_since_checkpoint: usize,
}

impl Timeline {
    pub fn new(session: Session) -> Timeline {
        let first = Checkpoint {
            entries: 0,
            session: session.clone(),
        };
        Timeline {
            session,
            entries: vec![],
            checkpoints: vec![first],
            steps_since_checkpoint: 0,
        }
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

    fn after_entry(&mut self, steps: usize) {
        self.steps_since_checkpoint += steps;
        let last = self.checkpoints.last().map_or(0, |c| c.entries);
        if self.steps_since_checkpoint >= CHECKPOINT_EVERY_STEPS
            || self.entries.len() - last >= CHECKPOINT_EVERY_ENTRIES
        {
            self.checkpoints.push(Checkpoint {
                entries: self.entries.len(),
                session: self.session.clone(),
            });
            self.steps_since_checkpoint = 0;
        }
    }

    /// Runs a command and records it.
    pub fn exec(&mut self, line: &str, stdin: Option<&str>) -> Output {
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

    /// Advances time with no command, recorded in chunks.
    pub fn advance(&mut self, ms: Millis) {
        let mut left = ms.max(0);
        while left > 0 {
            let chunk = left.min(ADVANCE_CHUNK_MS);
            let at = self.session.sim.now;
            let before = self.session.sim.steps.len();
            self.session.sim.advance(chunk);
            self.entries.push(Entry::Advance { at, ms: chunk });
            let steps = self.session.sim.steps.len().saturating_sub(before);
            self.after_entry(steps);
            left -= chunk;
        }
    }

    /// The session as it was at virtual time `t`: every entry that started before `t`
    /// applied, an advance that spans `t` cut at `t`. Commands at exactly `t` are
    /// included. Does not change the timeline.
    pub fn state_at(&self, t: Millis) -> Session {
        // The last checkpoint taken at or before t (the first one always qualifies).
        let cp = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.session.sim.now <= t)
            .unwrap_or(&self.checkpoints[0]);
        let mut s = cp.session.clone();
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
        let s = self.state_at(t);
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
        self.session = s;
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
}

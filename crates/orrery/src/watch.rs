//! What a watch sees: a tap on the store's writes (`kubectl get -w`). While a tap is
//! open, every write of an object of the watched kind — create, update (status writes
//! too), graceful deletion, removal — is kept as it was written, in order, with the
//! virtual time it happened at, until the watcher takes it. The API server sends one
//! watch event per write, not per visible change, and kubectl prints a row per event
//! (KUBERNETES-BEHAVIOUR §8; kubectl `get.go` `watch()`), so intermediate states within
//! one instant are kept, not only the last.
//!
//! The tap is not part of the cluster's state: a copy of the simulator (a time-travel
//! checkpoint, a rebuilt past, a `--dry-run=server` copy) is not watched, so its clone is
//! closed. Only the live session's watcher — the CLI's `timeout … kubectl get -w`, the
//! page's console — opens one, and closes it when the watch ends.

use std::collections::VecDeque;

use crate::api::Object;
use crate::sim::StepVerb;
use crate::time::Millis;

/// Writes a tap keeps before it drops new ones (a watcher that never takes them must not
/// grow without bound). A real API server would end such a watch ("too old resource
/// version"); the dropped count says it happened.
pub const MAX_TAPPED: usize = 50_000;

/// One write, as the watch saw it.
#[derive(Clone, Debug)]
pub struct Tapped {
    pub time: Millis,
    pub verb: StepVerb,
    /// The object as written (for a removal, its last state). Its resourceVersion is the
    /// write's.
    pub object: Object,
}

#[derive(Debug, Default)]
pub struct Tap {
    open: Option<Box<Open>>,
}

#[derive(Debug)]
struct Open {
    /// The watched kind (`GroupKind` form: `Pod`, `StatefulSet.apps`).
    gk: String,
    writes: VecDeque<Tapped>,
    dropped: u64,
}

impl Clone for Tap {
    /// A copy of the simulator is not watched (see the module's comment).
    fn clone(&self) -> Tap {
        Tap::default()
    }
}

impl Tap {
    /// Starts keeping the writes of objects of kind `gk` (closing any earlier tap).
    pub fn open(&mut self, gk: &str) {
        self.open = Some(Box::new(Open {
            gk: gk.to_string(),
            writes: VecDeque::new(),
            dropped: 0,
        }));
    }

    pub fn close(&mut self) {
        self.open = None;
    }

    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Whether a write of an object of kind `gk` is kept (cheap: most writes are of
    /// other kinds, or nothing is watched).
    pub fn wants(&self, kind: &str, gk: impl FnOnce() -> String) -> bool {
        match &self.open {
            None => false,
            // The kind's name first: no string is built for the other kinds.
            Some(o) => o.gk.split('.').next() == Some(kind) && o.gk == gk(),
        }
    }

    /// Keeps one write (the simulator calls it, after [`Tap::wants`]).
    pub fn push(&mut self, w: Tapped) {
        if let Some(o) = &mut self.open {
            if o.writes.len() >= MAX_TAPPED {
                o.dropped += 1;
            } else {
                o.writes.push_back(w);
            }
        }
    }

    /// Takes up to `max` of the oldest writes kept.
    pub fn take(&mut self, max: usize) -> Vec<Tapped> {
        match &mut self.open {
            None => vec![],
            Some(o) => {
                let n = max.min(o.writes.len());
                o.writes.drain(..n).collect()
            }
        }
    }

    /// Writes kept and not yet taken.
    pub fn len(&self) -> usize {
        self.open.as_ref().map_or(0, |o| o.writes.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes dropped because the tap was full.
    pub fn dropped(&self) -> u64 {
        self.open.as_ref().map_or(0, |o| o.dropped)
    }
}

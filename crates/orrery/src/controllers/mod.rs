//! The controllers, each a function from a read-only view of the simulator to actions.
//! Controllers are level-triggered and never told why they run; each pass makes the one
//! step the real controller would make, so the page can animate it.
//!
//! `ORDER` is the fixed, documented order of one round (determinism depends on it):
//! 1. namespace — empties Terminating namespaces, then removes them;
//! 2. garbagecollector — deletes dependents whose owners are gone (R3.9, R3.16);
//! 3. deployment — ReplicaSets for a Deployment (R4);
//! 4. replicaset — pods for a ReplicaSet (R4.4, R4.6);
//! 5. statefulset — claims and pods by ordinal (R3);
//!    then the job controller — pods for a Job until it completes or fails — and the
//!    TTL-after-finished controller, which deletes finished Jobs whose time is up;
//! 6. persistentvolume — binding, provisioning, reclaim (R5);
//!    then the external provisioners (minikube-hostpath, csi-hostpath) create volumes;
//! 7. scheduler — binds pending pods to the node;
//! 8. kubelet — runs the pods on the node;
//! 9. endpointslice — Service endpoints from pod readiness (R6);
//! 10. ingress — the ingress-nginx controller's status (R7);
//! 11. tainteviction — deletes pods a node's NoExecute taint does not let stay.

use std::collections::BTreeSet;

use crate::api::ObjKey;
use crate::sim::{Out, Sim};

pub mod deployment;
pub mod endpointslice;
pub mod garbagecollector;
pub mod ingress;
pub mod job;
pub mod namespace;
pub mod persistentvolume;
pub mod replicaset;
pub mod scheduler;
pub mod statefulset;
pub mod tainteviction;

pub type Controller = fn(&Sim, &mut Out);

/// A controller whose pass can be cut into items and resumed (see [`Slice`]).
pub type SlicedController = fn(&Sim, &mut Out, &mut Slice);

pub const ORDER: &[(&str, Controller)] = &[
    ("namespace-controller", namespace::reconcile),
    ("garbage-collector", garbagecollector::reconcile),
    ("deployment-controller", deployment::reconcile),
    ("replicaset-controller", replicaset::reconcile),
    ("statefulset-controller", statefulset::reconcile),
    ("job-controller", job::reconcile),
    ("ttl-after-finished-controller", job::ttl_reconcile),
    ("persistentvolume-controller", persistentvolume::reconcile),
    (
        "k8s.io/minikube-hostpath_minikube",
        persistentvolume::minikube_hostpath_provisioner,
    ),
    (
        "hostpath.csi.k8s.io_csi-hostpathplugin-0",
        persistentvolume::csi_hostpath_provisioner,
    ),
    ("default-scheduler", scheduler::reconcile),
    ("kubelet", crate::kubelet::reconcile),
    ("endpointslice-controller", endpointslice::reconcile),
    ("ingress-nginx-controller", ingress::reconcile),
    ("taint-eviction-controller", tainteviction::reconcile),
];

/// `SLICED[i]` is the resumable form of `ORDER[i]`, if it has one: the same pass, cut
/// into items. Only the passes that can be long are: the ReplicaSet controller creating
/// up to `BURST_REPLICAS` pods, the scheduler binding them, and the kubelet syncing
/// every pod.
pub const SLICED: &[Option<SlicedController>] = &[
    None,
    None,
    None,
    Some(replicaset::reconcile_sliced),
    None,
    None,
    None,
    None,
    None,
    None,
    Some(scheduler::reconcile_sliced),
    Some(crate::kubelet::reconcile_sliced),
    None,
    None,
    None,
];

const _: () = assert!(SLICED.len() == ORDER.len());

/// A controller pass done in slices. The pass is a sequence of items (a pod synced, a pod
/// to create, a status written), numbered in the order the pass meets them; before each
/// item the controller asks [`Slice::next`] whether to do it now. A pass cut before item
/// `n` is called again later with the items before `n` to skip, and the actions and
/// wake-up it returned so far kept.
///
/// This is exact because a pass only reads the simulator, and nothing changes the
/// simulator between two calls of a cut pass (every request, command and checkpoint
/// finishes pending work first): every call meets the same items in the same order. The
/// contract for a controller: every `out.push` is inside an item whose `next()` returned
/// true, so each is pushed exactly once; code outside items may only call
/// `out.wake_at` (a minimum: doing it again changes nothing), and a call that was cut
/// (`stopped()`) may return at any point after the cut — the last call runs to the end.
pub struct Slice<'a> {
    /// Items done by earlier calls of this pass.
    skip: usize,
    /// Items met so far in this call.
    seen: usize,
    /// Where this call stopped (the first item not done), if it did.
    stop: Option<usize>,
    /// Whether anything was done in this slice of work: the first item of a call that
    /// has not done anything yet is done without asking, so every call makes progress.
    progress: bool,
    should_yield: &'a mut dyn FnMut() -> bool,
}

impl<'a> Slice<'a> {
    /// A slice that resumes after `skip` items and stops where `should_yield` says,
    /// asked before every item once something was done (`progress`).
    pub(crate) fn new(
        skip: usize,
        progress: bool,
        should_yield: &'a mut dyn FnMut() -> bool,
    ) -> Slice<'a> {
        Slice {
            skip,
            seen: 0,
            stop: None,
            progress,
            should_yield,
        }
    }

    /// Whether to do the next item now: false when an earlier call did it, or when the
    /// pass stops before it (then [`Slice::stopped`]).
    pub fn next(&mut self) -> bool {
        let i = self.seen;
        self.seen += 1;
        if self.stop.is_some() || i < self.skip {
            return false;
        }
        if self.progress && (self.should_yield)() {
            self.stop = Some(i);
            return false;
        }
        self.progress = true;
        true
    }

    /// Whether this call was cut: the caller returns (what it returns is kept) and
    /// calls again to do the rest.
    pub fn stopped(&self) -> bool {
        self.stop.is_some()
    }

    /// The first item not done, if the call was cut; whether anything was done.
    pub(crate) fn end(&self) -> (Option<usize>, bool) {
        (self.stop, self.progress)
    }
}

/// What a controller reads, so that `Sim::round` can skip its pass when none of it
/// changed since its last pass and its wake-up time has not come: the pass would return
/// no actions and the same wake-up (`Sim::verify_skips` checks exactly that).
#[derive(Clone, Copy, Debug)]
pub struct Watch {
    /// The group-kinds it reads; `None` for every kind.
    pub kinds: Option<&'static [&'static str]>,
    /// `Sim::runtime` (the kubelet's state: readiness instants, …).
    pub runtime: bool,
    /// `Sim::node_images`.
    pub images: bool,
    /// `Sim::events` (controllers that look at their own earlier events).
    pub events: bool,
    /// Reads the departure log (`Sim::departed_since`) to work incrementally.
    pub departures: bool,
}

const ALL: Watch = Watch {
    kinds: None,
    runtime: true,
    images: false,
    events: true,
    departures: false,
};

/// `WATCHES[i]` is what `ORDER[i]` reads. Every controller also reads the cluster
/// settings and version (a change of them runs every controller) and the clock (through
/// its wake-up).
pub const WATCHES: &[Watch] = &[
    // namespace: every namespaced kind.
    ALL,
    // garbagecollector: owners and dependents of every kind.
    Watch {
        departures: true,
        ..ALL
    },
    Watch {
        kinds: Some(&["Deployment.apps", "ReplicaSet.apps", "Pod"]),
        runtime: false,
        images: false,
        events: false,
        departures: true,
    },
    Watch {
        kinds: Some(&["ReplicaSet.apps", "Pod"]),
        runtime: true,
        images: false,
        events: false,
        departures: true,
    },
    // statefulset, the volume controllers and the scheduler read many kinds.
    ALL,
    // job: its Jobs and their pods (their status: phases, readiness, restarts).
    Watch {
        kinds: Some(&["Job.batch", "Pod"]),
        runtime: false,
        images: false,
        events: false,
        departures: false,
    },
    // ttl-after-finished: the Jobs' conditions.
    Watch {
        kinds: Some(&["Job.batch"]),
        runtime: false,
        images: false,
        events: false,
        departures: false,
    },
    ALL,
    ALL,
    ALL,
    ALL,
    Watch {
        kinds: Some(&["Pod"]),
        runtime: true,
        images: true,
        events: false,
        departures: false,
    },
    Watch {
        kinds: Some(&[
            "Service",
            "Pod",
            "EndpointSlice.discovery.k8s.io",
            "Endpoints",
        ]),
        runtime: false,
        images: false,
        events: false,
        departures: true,
    },
    ALL,
    // tainteviction: the node's taints and the pods on it.
    Watch {
        kinds: Some(&["Node", "Pod"]),
        runtime: false,
        images: false,
        events: false,
        departures: false,
    },
];

/// The end of an incremental pass that synced only the objects `dirty` names: the
/// wake-up of the previous pass still stands for the objects not synced (it may come
/// early; a pass at that instant then finds nothing to do). In `Sim::verify_skips` mode,
/// checks that a full pass returns the same actions and no earlier wake-up.
pub(crate) fn finish_incremental(
    sim: &Sim,
    out: &mut Out,
    name: &str,
    full: impl FnOnce(&Sim, &mut Out),
) {
    if let Some(w) = sim.last_pass().and_then(|p| p.wake) {
        out.wake_at(w);
    }
    if sim.verifying_skips() {
        let mut all = Out::default();
        full(sim, &mut all);
        let (a, b) = (format!("{:?}", out.actions), format!("{:?}", all.actions));
        assert!(
            a == b,
            "incremental {name} pass at {} ms differs from a full pass:\n{a}\n---\n{b}",
            sim.now
        );
        assert!(
            all.wake.is_none() || out.wake.is_some_and(|w| Some(w) <= all.wake),
            "incremental {name} pass at {} ms wakes at {:?}, a full pass at {:?}",
            sim.now,
            out.wake,
            all.wake
        );
    }
}

/// Keys of a kind's objects in one namespace that a selector test accepts.
pub(crate) fn add_matching(
    sim: &Sim,
    keys: &mut BTreeSet<ObjKey>,
    gk: &str,
    namespace: &str,
    accepts: impl Fn(&crate::api::Object) -> bool,
) {
    for o in sim.store.list(gk, namespace) {
        if accepts(o) {
            keys.insert(o.key());
        }
    }
}

const _: () = assert!(WATCHES.len() == ORDER.len());

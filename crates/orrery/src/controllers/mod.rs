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
//! 6. persistentvolume — binding, provisioning, reclaim (R5);
//!    then the external provisioners (minikube-hostpath, csi-hostpath) create volumes;
//! 7. scheduler — binds pending pods to the node;
//! 8. kubelet — runs the pods on the node;
//! 9. endpointslice — Service endpoints from pod readiness (R6);
//! 10. ingress — the ingress-nginx controller's status (R7).

use std::collections::BTreeSet;

use crate::api::ObjKey;
use crate::sim::{Out, Sim};

pub mod deployment;
pub mod endpointslice;
pub mod garbagecollector;
pub mod ingress;
pub mod namespace;
pub mod persistentvolume;
pub mod replicaset;
pub mod scheduler;
pub mod statefulset;

pub type Controller = fn(&Sim, &mut Out);

pub const ORDER: &[(&str, Controller)] = &[
    ("namespace-controller", namespace::reconcile),
    ("garbage-collector", garbagecollector::reconcile),
    ("deployment-controller", deployment::reconcile),
    ("replicaset-controller", replicaset::reconcile),
    ("statefulset-controller", statefulset::reconcile),
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
];

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
    if sim.verify_skips {
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

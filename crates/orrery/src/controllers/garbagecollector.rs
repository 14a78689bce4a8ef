//! The garbage collector (background propagation): an object whose every owner
//! (by UID) is gone is deleted (R3.9, R3.16, §12.4). Owners that still exist but are
//! being deleted keep their dependents until they are removed.
//!
//! Incremental: an object becomes an orphan only when it is written (with owners that
//! do not exist) or when one of its owners is removed, so a pass looks at the objects
//! written since its previous pass and at the dependents of the objects removed since.
//! Every orphan found gets a delete request, which makes it Terminating or removes it,
//! so nothing is missed between passes. The first pass sweeps everything.

use crate::sort::StableSort;
use std::collections::BTreeSet;

use crate::api::{ObjKey, Object};
use crate::sim::{Action, Out, Sim};

pub fn reconcile(sim: &Sim, out: &mut Out) {
    let Some(last) = sim.incremental_since() else {
        return sweep(sim, out);
    };
    let mut candidates: BTreeSet<&ObjKey> = BTreeSet::new();
    let mut keyed: Vec<(ObjKey, &Object)> = vec![];
    // An owner found to exist: the objects written one after another mostly share one
    // (a kubelet pass over the pods of a ReplicaSet), and such an object is no orphan.
    let mut owner_seen: Option<&str> = None;
    for obj in sim.store.written_since(last.rv) {
        let refs = &obj.meta.owner_references;
        if refs.is_empty() || refs.iter().any(|o| owner_seen == Some(o.uid.as_str())) {
            continue;
        }
        if is_orphan(sim, obj) {
            keyed.push((obj.key(), obj));
        } else if let Some(o) = refs.iter().find(|o| sim.store.by_uid(&o.uid).is_some()) {
            owner_seen = Some(&o.uid);
        }
    }
    for r in sim.removed_since(last) {
        for obj in sim.store.owned_by(&r.uid) {
            if is_orphan(sim, obj) {
                keyed.push((obj.key(), obj));
            }
        }
    }
    // In store order, each once, as the full sweep would.
    keyed.sort_stable_by(|a, b| a.0.cmp(&b.0));
    for (key, _) in &keyed {
        if candidates.insert(key) {
            out.push(Action::Delete {
                key: key.clone(),
                grace_seconds: None,
            });
        }
    }
    if sim.verifying_skips() {
        let mut full = Out::default();
        sweep(sim, &mut full);
        assert_eq!(
            format!("{:?}", out.actions),
            format!("{:?}", full.actions),
            "the incremental garbage collector disagrees with a full sweep"
        );
    }
}

fn is_orphan(sim: &Sim, obj: &Object) -> bool {
    !obj.meta.owner_references.is_empty()
        && !obj.is_deleting()
        && obj
            .meta
            .owner_references
            .iter()
            .all(|o| sim.store.by_uid(&o.uid).is_none())
}

/// Every object, in store order.
fn sweep(sim: &Sim, out: &mut Out) {
    for obj in sim.store.all() {
        if is_orphan(sim, obj) {
            out.push(Action::Delete {
                key: obj.key(),
                grace_seconds: None,
            });
        }
    }
}
